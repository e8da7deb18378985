/**
 * `npm start` as a user runs it, for black-box tests: the real command in a child process, in its own
 * process group (as a terminal runs it, so a signal reaches npm and the server as Ctrl-C would), its
 * output collected line by line, and the printed banner parsed into URLs.
 *
 * `copyCheckout()` gives a throwaway copy of this checkout (sources only, `node_modules` linked), so a
 * test can start cold (no `dist/`), warm (every cache present), or change a source file, without
 * touching the checkout the other tests run from.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { PROJECT_ROOT } from '../../api/paths.ts';

/** A cold start builds the resolver, Lambda, explorer and server bundles first (tens of seconds on a busy 2-core machine). */
export const COLD_START_TIMEOUT_MS = 120_000;

export interface NpmStart {
  readonly child: ChildProcess;
  /** Every stdout and stderr line so far (AWS SDK Node-version notices included: tests decide). */
  readonly lines: string[];
  /** The stderr lines alone, in order. */
  readonly stderr: string[];
  readonly exit: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
}

export interface NpmStartOptions {
  /** The checkout to run in. @default PROJECT_ROOT */
  readonly cwd?: string;
  /** Run `node scripts/start.mjs` (what `npm start` runs) instead of `npm start`, so exit codes are the server's. @default false */
  readonly direct?: boolean;
  /** Environment on top of this process's (minus `API_KEY` and `PORT`); `undefined` removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Run as this user (needs root), e.g. to see what an unprivileged user sees. @default this process's user */
  readonly user?: { readonly uid: number; readonly gid: number };
}

export interface Banner {
  readonly graphql: string;
  readonly realtime: string;
  readonly explorer: string;
  readonly apiKey: string;
  readonly data: string;
  /** Path of the local CA certificate; null with `--no-tls`. */
  readonly caCert: string | null;
  /** Path of the backend's generated IAM credentials (JSON), when the banner names one. */
  readonly iamKeys: string | null;
}

/** `npm start -- <args>` (or `node scripts/start.mjs <args>` with `direct`). */
export function spawnNpmStart(args: readonly string[], options: NpmStartOptions = {}): NpmStart {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['API_KEY'];
  delete env['PORT'];
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const [command, commandArgs] = options.direct === true ? [process.execPath, ['scripts/start.mjs', ...args]] : ['npm', ['start', '--', ...args]];
  const child = spawn(command, commandArgs, { cwd: options.cwd ?? PROJECT_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...(options.user ?? {}) });
  const lines: string[] = [];
  const stderr: string[] = [];
  let partial = { stdout: '', stderr: '' };
  const collect = (stream: 'stdout' | 'stderr') => (chunk: Buffer): void => {
    const text = partial[stream] + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = { ...partial, [stream]: parts.pop() ?? '' };
    const complete = parts.filter((line) => line !== '');
    lines.push(...complete);
    if (stream === 'stderr') stderr.push(...complete);
  };
  child.stdout?.on('data', collect('stdout'));
  child.stderr?.on('data', collect('stderr'));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      for (const rest of [partial.stdout, partial.stderr]) if (rest !== '') lines.push(rest);
      if (partial.stderr !== '') stderr.push(partial.stderr);
      resolve({ code, signal });
    }),
  );
  return { child, lines, stderr, exit };
}

/** Sends `signal` to npm and everything it started, as a terminal's Ctrl-C does. */
export function signalGroup(started: NpmStart, signal: NodeJS.Signals): void {
  if (started.child.pid === undefined) return;
  try {
    process.kill(-started.child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Stops the whole process group: SIGINT, then SIGKILL if it has not exited within `graceMs`. */
export async function stopNpmStart(started: NpmStart, graceMs = 10_000): Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }> {
  if (started.child.exitCode !== null || started.child.signalCode !== null) return started.exit;
  signalGroup(started, 'SIGINT');
  const timer = setTimeout(() => signalGroup(started, 'SIGKILL'), graceMs);
  try {
    return await started.exit;
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with the banner once the server prints it; rejects (with the output) if it exits or times out first. */
export function waitForBanner(started: NpmStart, timeoutMs: number = COLD_START_TIMEOUT_MS): Promise<Banner> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      clearInterval(poll);
      reject(new Error(`npm start printed no banner within ${timeoutMs} ms:\n${started.lines.join('\n')}`));
    }, timeoutMs);
    const poll = setInterval(() => {
      const banner = parseBanner(started.lines);
      if (banner !== null) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(banner);
      } else if (started.child.exitCode !== null || started.child.signalCode !== null) {
        clearInterval(poll);
        clearTimeout(timer);
        // Let the last output arrive before reporting it.
        void started.exit.then(({ code, signal }) => reject(new Error(`npm start exited (${code ?? signal}) before it was ready:\n${started.lines.join('\n')}`)));
      }
    }, 25);
  });
}

/** The banner in `lines`, or null until its last line (`Data:`, or `TLS CA:` after it) is there. */
export function parseBanner(lines: readonly string[]): Banner | null {
  const dataIndex = lines.findIndex((line) => line.startsWith('  Data:'));
  if (dataIndex < 0) return null;
  const field = (label: string): string | null => {
    const line = lines.find((l) => l.startsWith(`  ${label}:`));
    return line === undefined ? null : line.slice(label.length + 3).trim();
  };
  const graphql = field('GraphQL');
  const realtime = field('Realtime');
  const explorer = field('Explorer');
  const apiKey = field('API key');
  const data = field('Data');
  if (graphql === null || realtime === null || explorer === null || apiKey === null || data === null) return null;
  // The TLS line follows `Data:` in the same write; with --no-tls there is none.
  const caCert = field('TLS CA');
  const iamKeys = field('IAM keys')?.replace(/\s+\(.*\)$/, '') ?? null;
  return { graphql, realtime: realtime.replace(/\s+\(.*\)$/, ''), explorer, apiKey, data, caCert, iamKeys };
}

/** What is never copied: installed packages (linked instead), build output, local data, VCS metadata. */
const NOT_COPIED = new Set(['node_modules', 'dist', 'cdk.out', '.data', '.git', 'coverage']);

export interface CheckoutCopy {
  /** The copy's root: run `npm start` here. */
  readonly root: string;
  /** Removes the copy. Safe to call twice. */
  remove(): void;
}

/**
 * A copy of this checkout's sources in a temporary folder, with `node_modules` linked to this one's,
 * as a fresh clone after `npm ci` looks: no `dist/`, no caches.
 */
export function copyCheckout(prefix = 'asset-api-checkout-'): CheckoutCopy {
  const root = mkdtempSync(join(tmpdir(), prefix));
  cpSync(PROJECT_ROOT, root, {
    recursive: true,
    filter: (source) => {
      const rel = relative(PROJECT_ROOT, source);
      if (rel === '') return true;
      const first = rel.split(sep)[0] ?? '';
      return !NOT_COPIED.has(first) && !basename(source).startsWith('.scratch');
    },
  });
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  let removed = false;
  return {
    root,
    remove() {
      if (removed) return;
      removed = true;
      rmSync(root, { recursive: true, force: true });
    },
  };
}
