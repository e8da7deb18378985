/**
 * Start-up probe for the goal "ready in under 2 seconds" (docs/ARCHITECTURE.md#start-path,
 * docs/ARCHITECTURE.md#benchmarks): spawns `npm start -- --port <free>`,
 * records when the "ready in" line is printed and when the first `listAssets` answers 200 with data,
 * and times `node -e 0` in the same run as the machine's baseline. Median of N runs (default 5).
 *
 *   npx tsx bench/startup-probe.ts [--runs 5] [-- <command and args to start the server>]
 *
 * The command defaults to `npm start -- --port {port}`; `{port}` is replaced by a free port. Unlike
 * `bench/startup.ts` (figure 5, against the simulator) it reports the ready line and the baseline.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { PROJECT_ROOT } from '../api/paths.ts';
import { DEV_API_KEY } from '../local/config.ts';
import { postGraphQL } from './lib/graphql-client.ts';
import { median } from './lib/stats.ts';

const POLL_MS = 10;
const LIMIT_MS = 60_000;
const READY_PATTERN = /ready in \d+ ms/;

interface StartupRun {
  /** Milliseconds from spawn to the printed "ready in" line. */
  readonly readyMs: number;
  /** Milliseconds from spawn to the first 200 with data. */
  readonly firstQueryMs: number;
  /** The server's own "ready in N ms (server M ms)" text. */
  readonly readyLine: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

async function timeOnce(command: readonly string[], port: number): Promise<StartupRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['API_KEY'];
  delete env['PORT'];
  const [file, ...args] = command.map((part) => part.replaceAll('{port}', String(port)));
  if (file === undefined) throw new Error('no command');
  const start = performance.now();
  const child = spawn(file, args, { cwd: PROJECT_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let readyMs: number | undefined;
  let readyLine = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    if (readyMs === undefined) {
      const line = stdout.split('\n').find((l) => READY_PATTERN.test(l));
      if (line !== undefined) {
        readyMs = performance.now() - start;
        readyLine = line.trim();
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}/graphql`;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited with ${child.exitCode}: ${stderr}`);
      if (performance.now() - start > LIMIT_MS) throw new Error(`no answer within ${LIMIT_MS} ms: ${stderr}`);
      try {
        const { status, body } = await postGraphQL(url, { query: 'query { listAssets(limit: 1) { nextToken } }' }, { apiKey: DEV_API_KEY });
        if (status === 200 && body.errors === undefined && body.data !== undefined) {
          const firstQueryMs = performance.now() - start;
          // The ready line is printed before the first answer can arrive; wait for it if the pipe lags.
          while (readyMs === undefined && performance.now() - start < LIMIT_MS) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          return { readyMs: readyMs ?? Number.NaN, firstQueryMs, readyLine };
        }
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    if (child.exitCode === null) {
      killGroup(child.pid, 'SIGINT');
      const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  }
}

async function timeNodeBaseline(): Promise<number> {
  const start = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve());
  });
  return performance.now() - start;
}

function parseArgs(argv: readonly string[]): { runs: number; command: string[] } {
  let runs = 5;
  let command = ['npm', 'start', '--', '--port', '{port}'];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--runs') runs = Number(argv[++i]);
    else if (arg === '--') {
      command = argv.slice(i + 1);
      break;
    } else throw new Error(`unknown argument ${String(arg)}; usage: tsx bench/startup-probe.ts [--runs N] [-- command {port}]`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${String(runs)}`);
  return { runs, command };
}

const { runs, command } = parseArgs(process.argv.slice(2));
const baseline: number[] = [];
const ready: number[] = [];
const firstQuery: number[] = [];
process.stdout.write(`command: ${command.join(' ')}  (${runs} runs)\n`);
for (let i = 0; i < runs; i++) {
  baseline.push(await timeNodeBaseline());
  const run = await timeOnce(command, await freePort());
  ready.push(run.readyMs);
  firstQuery.push(run.firstQueryMs);
  process.stdout.write(`  run ${i + 1}: node -e 0 ${Math.round(baseline.at(-1) ?? 0)} ms, ready line ${Math.round(run.readyMs)} ms, first query ${Math.round(run.firstQueryMs)} ms  [${run.readyLine}]\n`);
}
process.stdout.write(
  `median of ${runs}: node -e 0 ${Math.round(median(baseline))} ms, ready line ${Math.round(median(ready))} ms, first query ${Math.round(median(firstQuery))} ms\n`,
);
