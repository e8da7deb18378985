/**
 * Our server as users run it: `node scripts/start.mjs` — what `npm start` runs, without npm's own
 * process — that is the esbuild bundle `dist/local/main.cjs` (rebuilt first when its build record is
 * stale), with plain `node` and no loader. Arguments `--port 0 --no-watch --no-outputs` (no rebuilds
 * when files change mid-run, no app config written) and `DYNAMODB_ENDPOINT` for the bench's shared store.
 *
 * The addresses, the API key and the path of the backend's IAM keys come from the ready banner, as a
 * user reads them; RSS and CPU time from `/proc/<pid>` (the server runs in the spawned process itself:
 * `start.mjs` loads the bundle with `require`). Same `ChildHost` interface as the forked hosts.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../api/paths.ts';
import type { ChildHost } from './child-host.ts';

/** What the benches read of our running server. */
export interface OursHostInfo {
  readonly url: string;
  readonly realtimeUrl: string;
  readonly apiKey: string;
  readonly port: number;
  /** The backend's IAM keys (what signs `completeUpload`), as the server uses them. */
  readonly backendCredentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

const READY_TIMEOUT_MS = 180_000;
const CLOSE_GRACE_MS = 10_000;
/** Linux's `USER_HZ`: `/proc/<pid>/stat` counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

/** The banner lines the host reads (`local/main.ts`, `formatBanner`). */
const BANNER = {
  graphql: /^\s*GraphQL:\s+(\S+)/m,
  realtime: /^\s*Realtime:\s+(\S+)/m,
  apiKey: /^\s*API key:\s+(\S+)/m,
  iamKeys: /^\s*IAM keys:\s+(\S+)/m,
} as const;

/** Reads the banner once it is complete (its `Data:` line comes after every line read here). */
function parseBanner(text: string): OursHostInfo | null {
  if (!/^\s*Data:/m.test(text)) return null;
  const field = (pattern: RegExp): string => {
    const value = pattern.exec(text)?.[1];
    if (value === undefined) throw new Error(`npm start banner without ${pattern.source}:\n${text}`);
    return value;
  };
  const url = field(BANNER.graphql);
  const keys: unknown = JSON.parse(readFileSync(field(BANNER.iamKeys), 'utf8'));
  if (typeof keys !== 'object' || keys === null) throw new Error('npm start: the IAM keys file is not a JSON object');
  const { accessKeyId, secretAccessKey } = keys as { accessKeyId?: unknown; secretAccessKey?: unknown };
  if (typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string') throw new Error('npm start: the IAM keys file has no accessKeyId/secretAccessKey');
  return { url, realtimeUrl: field(BANNER.realtime), apiKey: field(BANNER.apiKey), port: Number(new URL(url).port), backendCredentials: { accessKeyId, secretAccessKey } };
}

/** User + system CPU time of process `pid` (all its threads), in microseconds. */
function readCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), counted from field 3: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / TICKS_PER_SECOND;
}

function readRssBytes(pid: number): number {
  const kib = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kib ?? 0) * 1024;
}

export async function startNpmStartHost(options: { readonly storeEndpoint: string }): Promise<ChildHost<OursHostInfo>> {
  const env: NodeJS.ProcessEnv = { ...process.env, DYNAMODB_ENDPOINT: options.storeEndpoint };
  delete env['API_KEY'];
  delete env['PORT'];
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'scripts', 'start.mjs'), '--port', '0', '--no-watch', '--no-outputs'], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('npm start host: spawn failed');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000)));

  const info = await new Promise<OursHostInfo>((resolve, reject) => {
    let banner = '';
    const timer = setTimeout(() => fail(new Error(`npm start: not ready after ${READY_TIMEOUT_MS} ms\n${output}`)), READY_TIMEOUT_MS);
    function fail(error: Error): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    }
    function onExit(code: number | null): void {
      fail(new Error(`npm start exited with ${code} before it was ready\n${banner}\n${output}`));
    }
    child.once('exit', onExit);
    child.stdout.on('data', function readBanner(chunk: Buffer) {
      banner += chunk.toString('utf8');
      try {
        const parsed = parseBanner(banner);
        if (parsed === null) return;
        clearTimeout(timer);
        child.off('exit', onExit);
        child.stdout.off('data', readBanner);
        resolve(parsed);
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
  // Keep reading, so that a full pipe never blocks the server's log writes.
  child.stdout.resume();

  let closing: Promise<void> | undefined;
  return {
    info,
    pid,
    rss: async () => readRssBytes(pid),
    cpuMicros: async () => readCpuMicros(pid),
    close: function closeNpmStartHost(): Promise<void> {
      closing ??= (async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
        await exited;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
