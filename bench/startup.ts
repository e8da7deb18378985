/**
 * Figure 5: `npm start` (the real CLI, with its defaults, on a free port) to the first successful
 * `listAssets`, against the Amplify simulator started the same way the bench starts it
 * (`node --import tsx bench/peer/simulator-host.ts --embedded-store`: dynalite, the table, the VTL
 * resolvers, the Lambda bundle). Ours also pays npm's own start-up, which the peer does not.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../api/paths.ts';
import { DEV_API_KEY } from '../local/config.ts';
import { findFreeLoopbackPort, PEER_API_KEY } from './peer/simulator.ts';
import { BenchSkipped, type BenchContext } from './lib/context.ts';
import { createFigureList, type Figure } from './lib/figures.ts';
import { postGraphQL } from './lib/graphql-client.ts';
import { requireLocalServer } from './lib/stack.ts';
import { median } from './lib/stats.ts';

const POLL_MS = 20;

/** Spawns `command` in its own process group, polls until a query succeeds, then stops the group. */
async function timeToFirstQuery(command: string, args: readonly string[], port: number, apiKey: string, limitMs: number): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['API_KEY'];
  delete env['PORT'];
  const start = performance.now();
  const child = spawn(command, args, { cwd: PROJECT_ROOT, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}/graphql`;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited with ${child.exitCode}: ${stderr}`);
      if (performance.now() - start > limitMs) throw new Error(`${command} ${args.join(' ')}: no answer within ${limitMs} ms: ${stderr}`);
      try {
        const { status, body } = await postGraphQL(url, { query: 'query { listAssets(limit: 1) { nextToken } }' }, { apiKey });
        if (status === 200 && body.errors === undefined && body.data !== undefined) return performance.now() - start;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    // The group holds npm, tsx and the server; all were started here.
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

export async function benchStartup(context: BenchContext): Promise<Figure[]> {
  requireLocalServer();
  if (!existsSync(join(PROJECT_ROOT, 'local', 'main.ts'))) throw new BenchSkipped('local/main.ts (npm start) does not exist yet');
  const runs = context.quick ? 1 : 3;
  const ours: number[] = [];
  const peer: number[] = [];
  for (let i = 0; i < runs; i++) {
    const oursPort = await findFreeLoopbackPort();
    ours.push(await timeToFirstQuery('npm', ['start', '--', '--port', String(oursPort)], oursPort, DEV_API_KEY, 120_000));
    const peerPort = await findFreeLoopbackPort();
    peer.push(
      await timeToFirstQuery(
        process.execPath,
        ['--import', 'tsx', 'bench/peer/simulator-host.ts', '--embedded-store', '--port', String(peerPort)],
        peerPort,
        PEER_API_KEY,
        120_000,
      ),
    );
    context.log(`  run ${i + 1}: ours ${Math.round(ours.at(-1) ?? 0)} ms, simulator ${Math.round(peer.at(-1) ?? 0)} ms`);
  }
  const list = createFigureList('startup');
  list.add({
    name: `start to first successful query (median of ${runs})`,
    unit: 'ms',
    ours: median(ours),
    baselineName: 'simulator',
    baseline: median(peer),
    note: 'ours is `npm start` (npm + tsx + embedded stores); the peer is started without npm',
  });
  return list.figures;
}
