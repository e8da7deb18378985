/**
 * The embedded DynamoDB store on a thread of its own (`local/stores/dynamo-store.ts`): it answers
 * while the main thread is blocked, its worker is gone once closed, a crash of its worker reaches
 * `onCrash` (and no longer the process), and start-up failures reject as they did in-thread.
 * Real sockets, real worker threads; the crash is a real one, and so is the hang-up the store survives (`test/support/dynalite-crash.ts`).
 */
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { isConfigError } from '../../api/config-error.ts';
import { startDynamoStore } from '../../local/stores/dynamo-store.ts';
import { abortRequestMidBody, NULL_BODY_CRASH, sendNullBody } from '../support/dynalite-crash.ts';

/** How long the main thread stays blocked at most; the store answers in milliseconds when it runs elsewhere. */
const BLOCK_LIMIT_MS = 10_000;

/**
 * A helper thread: on 'go' it sends ListTables to the store, then raises the shared flag (waking the
 * blocked main thread) and posts what it got.
 */
const LIST_TABLES_HELPER = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
parentPort.once('message', async () => {
  const response = await fetch(workerData.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.ListTables',
      'x-amz-date': '20300101T000000Z',
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20300101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: '{}',
  });
  const body = await response.text();
  Atomics.store(workerData.flag, 0, 1);
  Atomics.notify(workerData.flag, 0);
  parentPort.postMessage({ status: response.status, body });
});
parentPort.postMessage('ready');
`;

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dynamo-store-'));
  dirs.push(dir);
  return dir;
}

/** Worker threads alive in this process (the diagnostic report lists each). */
function workerThreadCount(): number {
  return (process.report.getReport() as { workers: unknown[] }).workers.length;
}

/** What connecting to `endpoint` gives: 'connected', or the error code. */
function tryConnect(endpoint: string): Promise<string> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('dynamo store: its own thread', () => {
  test('answers a request from another thread while the main thread is blocked', async () => {
    const store = await startDynamoStore();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const helper = new Worker(LIST_TABLES_HELPER, { eval: true, workerData: { endpoint: store.endpoint, flag } });
    try {
      await once(helper, 'message');
      const answered = once(helper, 'message');
      helper.postMessage('go');
      // Blocks this thread (no event loop turn) until the helper has its answer: only a store that
      // runs on another thread can give it. 'not-equal': it was there before the wait began.
      const outcome = Atomics.wait(flag, 0, 0, BLOCK_LIMIT_MS);
      const [answer] = (await answered) as [unknown];
      expect({ answeredWhileBlocked: outcome !== 'timed-out', answer }).toEqual({ answeredWhileBlocked: true, answer: { status: 200, body: '{"TableNames":[]}' } });
    } finally {
      await helper.terminate();
      await store.close();
    }
  });

  test('close() twice is safe; the worker is gone and the port closed afterwards', async () => {
    const before = workerThreadCount();
    const store = await startDynamoStore();
    const running = workerThreadCount() - before;
    await Promise.all([store.close(), store.close()]);
    await store.close();
    expect({ running, afterClose: workerThreadCount() - before, port: await tryConnect(store.endpoint) }).toEqual({ running: 1, afterClose: 0, port: 'ECONNREFUSED' });
  });

  test('with a data folder, close() releases LevelDB: the next store on the folder starts', async () => {
    const dataDir = await tempDir();
    const first = await startDynamoStore({ dataDir });
    await first.close();
    const second = await startDynamoStore({ dataDir });
    expect(await tryConnect(second.endpoint)).toBe('connected');
    await second.close();
  });
});

describe('dynamo store: a crash of its worker', () => {
  test('reaches onCrash once, with the cause; the process lives on, the port is closed, and close() still resolves', async () => {
    const crashes: Error[] = [];
    const before = workerThreadCount();
    const store = await startDynamoStore({ onCrash: (error) => crashes.push(error) });
    await sendNullBody(store.endpoint);
    await vi.waitFor(() => expect(crashes).toHaveLength(1), { timeout: 10_000, interval: 20 });
    expect(crashes.map((error) => ({ message: error.message, cause: error.cause instanceof Error ? error.cause.message : error.cause }))).toEqual([
      { message: `the embedded DynamoDB store (dynalite) crashed: ${NULL_BODY_CRASH}`, cause: NULL_BODY_CRASH },
    ]);
    expect({ port: await tryConnect(store.endpoint), workers: workerThreadCount() - before }).toEqual({ port: 'ECONNREFUSED', workers: 0 });
    await store.close();
    await store.close();
    expect(crashes).toHaveLength(1);
  });
});

describe('dynamo store: a client that hangs up mid-request', () => {
  test('does not end the store: no crash, and the store answers the next request', async () => {
    const crashes: Error[] = [];
    const store = await startDynamoStore({ onCrash: (error) => crashes.push(error) });
    try {
      await abortRequestMidBody(store.endpoint);
      // dynalite rethrows the request's "aborted" error on the next turns of its thread; give it time.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const answer = await fetch(`${store.endpoint}/`).then((response) => response.text());
      expect({ crashes: crashes.map((error) => error.message), answer: answer.startsWith('healthy: dynamodb') }).toEqual({ crashes: [], answer: true });
    } finally {
      await store.close();
    }
  });
});

describe('dynamo store: start-up failures', () => {
  test('a data folder another store holds rejects with the ConfigError naming it; the folder is free once that store closes', async () => {
    const dataDir = await tempDir();
    const first = await startDynamoStore({ dataDir });
    const refused: unknown = await startDynamoStore({ dataDir }).catch((error: unknown) => error);
    await first.close();
    expect({ isConfigError: isConfigError(refused), message: refused instanceof Error ? refused.message : refused }).toEqual({
      isConfigError: true,
      message: `--data-dir: the table store ${dataDir} is in use by another process (another npm start on the same folder?). Received: IO error: lock ${join(dataDir, 'LOCK')}: already held by process`,
    });
    const again = await startDynamoStore({ dataDir });
    await again.close();
  });

  test('a data folder that cannot be created rejects with the file system error and its fields', async () => {
    const file = join(await tempDir(), 'a-file');
    await writeFile(file, 'not a folder');
    const error: unknown = await startDynamoStore({ dataDir: join(file, 'dynamodb') }).catch((e: unknown) => e);
    const fields = error as NodeJS.ErrnoException;
    expect({ isError: error instanceof Error, isConfigError: isConfigError(error), code: fields.code, syscall: fields.syscall, path: fields.path, message: fields.message }).toEqual({
      isError: true,
      isConfigError: false,
      code: 'ENOTDIR',
      syscall: 'mkdir',
      path: join(file, 'dynamodb'),
      message: `ENOTDIR: not a directory, mkdir '${join(file, 'dynamodb')}'`,
    });
  });
});
