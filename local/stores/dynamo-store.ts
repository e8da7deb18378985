/**
 * The embedded DynamoDB-compatible store: dynalite in-process on 127.0.0.1, port 0.
 *
 * Durability with `dataDir`: dynalite writes through LevelDB (`classic-level`) without `sync`, so
 * every write it has acknowledged is in LevelDB's log in the OS page cache. A killed process
 * (SIGKILL, crash) loses no acknowledged write; a power loss or kernel crash may lose the last
 * writes. A write that was in flight when the process died may leave a GSI entry without its item
 * (dynalite writes index entries before the item, as separate puts), but such a write was never
 * acknowledged. `test/integration/stores.test.ts` checks the SIGKILL case.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { ClassicLevel } from 'classic-level';
import dynalite from 'dynalite';
import { ConfigError } from '../../api/config-error.ts';

export interface DynamoStoreOptions {
  /** Folder for the LevelDB files; in memory when absent. @default undefined */
  readonly dataDir?: string;
}

export interface DynamoStore {
  /** `http://127.0.0.1:<port>`, for `new DynamoDBClient({ endpoint })`. */
  readonly endpoint: string;
  /** Stops the server and closes LevelDB. Safe to call twice. */
  close(): Promise<void>;
}

export async function startDynamoStore(options: DynamoStoreOptions = {}): Promise<DynamoStore> {
  if (options.dataDir !== undefined) {
    await mkdir(options.dataDir, { recursive: true });
    await assertLevelDbOpens(options.dataDir);
  }
  const server = dynalite({
    ...(options.dataDir !== undefined ? { path: options.dataDir } : {}),
    // Tables are ACTIVE at once; the local runtime has nothing to gain from DynamoDB's delays.
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const port = await listenOnLoopback(server);
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: function closeDynamoStore() {
      closing ??= closeServer(server);
      return closing;
    },
  };
}

/**
 * Opens and closes the LevelDB folder once before dynalite does. dynalite opens it lazily and, when
 * that fails (another server holds its lock, or a file in it cannot be written), the first request
 * crashes the process with an unrelated "Iterator is not open" error; here the failure is a `ConfigError` naming the folder.
 */
async function assertLevelDbOpens(path: string): Promise<void> {
  const db = new ClassicLevel(path);
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const detail = typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error);
    if (cause?.code === 'LEVEL_LOCKED') throw new ConfigError(`--data-dir: the table store ${path} is in use by another process (another npm start on the same folder?). Received: ${detail}`);
    throw new ConfigError(`--data-dir: the table store ${path} cannot be opened. Received: ${detail}`);
  }
  await db.close();
}

function listenOnLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    // dynalite's `close` waits for open connections, then closes LevelDB. Idle keep-alive sockets
    // of SDK clients would otherwise hold it open.
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}
