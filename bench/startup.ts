/**
 * Figure 5: start-up as users meet it, to the first successful `createUpload` (a pipeline that runs
 * the asset-urls Lambda, so the Lambda loader is part of what is measured):
 * - cold: `npm start` in a fresh copy of the checkout (no `dist/`: every bundle is built first);
 * - warm: `npm start` again in the same copy (every cache present), as a user's second start.
 * The baseline is the Amplify simulator started the way the bench starts it
 * (`node --import tsx bench/peer/simulator-host.ts --embedded-store`: dynalite, the table, the VTL
 * resolvers, the Lambda bundle), measured in the same run. Ours also pays npm's own start-up.
 */
import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../api/paths.ts';
import { DEV_API_KEY } from '../local/config.ts';
import { copyCheckout } from '../test/support/npm-start.ts';
import { findFreeLoopbackPort, PEER_API_KEY } from './peer/simulator.ts';
import type { BenchContext } from './lib/context.ts';
import { createFigureList, type Figure } from './lib/figures.ts';
import { CREATE_UPLOAD_INPUT, OPERATIONS, postGraphQL } from './lib/graphql-client.ts';
import { requireLocalServer } from './lib/stack.ts';
import { median } from './lib/stats.ts';

const POLL_MS = 20;
const LIMIT_MS = 180_000;

/** Spawns `command` in its own process group, polls until `createUpload` succeeds, then stops the group. */
async function timeToFirstUpload(command: string, args: readonly string[], cwd: string, port: number, apiKey: string): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['API_KEY'];
  delete env['PORT'];
  const start = performance.now();
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}/graphql`;
  let lastAnswer = '';
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited with ${child.exitCode}: ${stderr}`);
      if (performance.now() - start > LIMIT_MS) throw new Error(`${command} ${args.join(' ')}: no successful createUpload within ${LIMIT_MS} ms (last answer: ${lastAnswer}): ${stderr}`);
      try {
        const { status, body } = await postGraphQL(url, { query: OPERATIONS.createUpload, variables: { input: CREATE_UPLOAD_INPUT } }, { apiKey });
        if (status === 200 && body.errors === undefined && body.data !== undefined) return performance.now() - start;
        lastAnswer = JSON.stringify(body).slice(0, 300);
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    // The group holds npm and the server (and the bundler on a cold start); all were started here.
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      const timer = setTimeout(() => {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      }, 5_000);
      await exited;
      clearTimeout(timer);
    }
  }
}

async function simulatorStart(): Promise<number> {
  const port = await findFreeLoopbackPort();
  return timeToFirstUpload(process.execPath, ['--import', 'tsx', 'bench/peer/simulator-host.ts', '--embedded-store', '--port', String(port)], PROJECT_ROOT, port, PEER_API_KEY);
}

async function npmStart(cwd: string): Promise<number> {
  const port = await findFreeLoopbackPort();
  return timeToFirstUpload('npm', ['start', '--', '--port', String(port)], cwd, port, DEV_API_KEY);
}

export async function benchStartup(context: BenchContext): Promise<Figure[]> {
  requireLocalServer();
  const runs = context.quick ? 1 : 3;
  const cold: number[] = [];
  const warm: number[] = [];
  const peer: number[] = [];
  for (let i = 0; i < runs; i++) {
    const copy = copyCheckout('asset-api-bench-start-');
    try {
      cold.push(await npmStart(copy.root));
      peer.push(await simulatorStart());
      warm.push(await npmStart(copy.root));
    } finally {
      copy.remove();
    }
    context.log(`  run ${i + 1}: cold ${Math.round(cold.at(-1) ?? 0)} ms, warm ${Math.round(warm.at(-1) ?? 0)} ms, simulator ${Math.round(peer.at(-1) ?? 0)} ms`);
  }
  const list = createFigureList('startup');
  const note = 'to the first successful createUpload; ours is `npm start` (npm, embedded stores, TLS, watcher); the peer is started without npm';
  list.add({ name: `cold start (fresh checkout, no dist/) (median of ${runs})`, unit: 'ms', ours: median(cold), baselineName: 'simulator', baseline: median(peer), note });
  list.add({ name: `warm start (second start, caches present) (median of ${runs})`, unit: 'ms', ours: median(warm), baselineName: 'simulator', baseline: median(peer), note });
  return list.figures;
}
