/**
 * Servers under test run in child processes, so that the load generator, the store and each server
 * have an event loop of their own and a server's memory can be read from its own process.
 *
 * Parent side: `startChildHost(script)` forks `node --import tsx <script>` and waits for its `ready`
 * message. Child side: `runAsChildHost(start)` starts the resources, reports `ready` with their
 * addresses, answers `stats` requests with `process.memoryUsage().rss` and `process.cpuUsage()`, and
 * closes on `close`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { PROJECT_ROOT } from '../../api/paths.ts';

export interface ChildHost<Info> {
  readonly info: Info;
  readonly pid: number;
  /** Resident set size of the child process, in bytes. */
  rss(): Promise<number>;
  /** CPU time (user + system) the child process has used so far, in microseconds. */
  cpuMicros(): Promise<number>;
  /** Asks the child to close its resources and exit; kills it after a grace period. Safe to call twice. */
  close(): Promise<void>;
}

export interface ChildHostOptions {
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** @default 60000 */
  readonly readyTimeoutMs?: number;
}

type ParentMessage = { readonly type: 'stats' } | { readonly type: 'close' };
type ChildMessage =
  | { readonly type: 'ready'; readonly info: unknown }
  | { readonly type: 'stats'; readonly rss: number; readonly cpuMicros: number }
  | { readonly type: 'failed'; readonly message: string };

function hasMessageType(value: unknown): value is { readonly type: string } {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function isChildMessage(value: unknown): value is ChildMessage {
  return hasMessageType(value) && (value.type === 'ready' || value.type === 'stats' || value.type === 'failed');
}

function isParentMessage(value: unknown): value is ParentMessage {
  return hasMessageType(value) && (value.type === 'stats' || value.type === 'close');
}

const TAIL_LINES = 30;

function keepTail(child: ChildProcess): () => string {
  const lines: string[] = [];
  const collect = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.trim() !== ''));
    if (lines.length > TAIL_LINES) lines.splice(0, lines.length - TAIL_LINES);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return () => lines.join('\n');
}

/** Forks a host script (path relative to the project root) and resolves once it reports `ready`. */
export async function startChildHost<Info>(script: string, options: ChildHostOptions = {}): Promise<ChildHost<Info>> {
  const child = fork(script, [...(options.args ?? [])], {
    cwd: PROJECT_ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const tail = keepTail(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const info = await new Promise<Info>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script}: not ready after ${options.readyTimeoutMs ?? 60_000} ms\n${tail()}`));
    }, options.readyTimeoutMs ?? 60_000);
    const onMessage = (message: unknown): void => {
      if (!isChildMessage(message)) return;
      if (message.type === 'ready') {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message.info as Info);
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${script}: ${message.message}\n${tail()}`));
      }
    };
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`${script}: exited with ${code} before it was ready\n${tail()}`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });

  const readStats = (): Promise<{ rss: number; cpuMicros: number }> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: unknown): void => {
        if (isChildMessage(message) && message.type === 'stats') {
          child.off('message', onMessage);
          resolve({ rss: message.rss, cpuMicros: message.cpuMicros });
        }
      };
      child.on('message', onMessage);
      const sent: ParentMessage = { type: 'stats' };
      if (!child.send(sent)) reject(new Error(`${script}: cannot reach the child`));
    });

  let closing: Promise<void> | undefined;
  return {
    info,
    pid: child.pid ?? -1,
    rss: async function readChildRss(): Promise<number> {
      return (await readStats()).rss;
    },
    cpuMicros: async function readChildCpu(): Promise<number> {
      return (await readStats()).cpuMicros;
    },
    close: function closeChildHost(): Promise<void> {
      closing ??= (async () => {
        if (child.exitCode === null && child.connected) child.send({ type: 'close' } satisfies ParentMessage);
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}

export interface HostResources<Info> {
  readonly info: Info;
  close(): Promise<void>;
}

/** Child side: starts the resources, then serves `rss` and `close` requests from the parent. */
export function runAsChildHost<Info>(start: () => Promise<HostResources<Info>>): void {
  const send = (message: ChildMessage): void => {
    process.send?.(message);
  };
  start().then(
    (resources) => {
      process.on('message', (message: unknown) => {
        if (!isParentMessage(message)) return;
        if (message.type === 'stats') {
          const cpu = process.cpuUsage();
          send({ type: 'stats', rss: process.memoryUsage().rss, cpuMicros: cpu.user + cpu.system });
        }
        if (message.type === 'close') {
          resources.close().finally(() => process.exit(0));
        }
      });
      // The parent died: do not linger.
      process.on('disconnect', () => {
        resources.close().finally(() => process.exit(0));
      });
      send({ type: 'ready', info: resources.info });
    },
    (error: unknown) => {
      send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exit(1);
    },
  );
}
