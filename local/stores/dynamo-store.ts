/**
 * The embedded DynamoDB-compatible store: dynalite on 127.0.0.1, port 0, in this process but on a
 * thread of its own (a `node:worker_threads` Worker running `dynamo-worker-source.ts`). The server
 * reaches it over HTTP like any DynamoDB endpoint, so the only change is where its CPU time goes:
 * request parsing, validation, LevelDB and JSON of every table call no longer share the server's
 * event loop with GraphQL, the resolver sandbox, the S3 front and realtime, and a machine with a
 * second core runs both at once. The worker loads dynalite from `node_modules` (it is not in the
 * server bundle); that takes tens of milliseconds on its own thread, which is why the server starts
 * the store before the rest of its start-up (`local/host/local-stores.ts`, `startEmbeddedDynamo`).
 *
 * Durability with `dataDir`: dynalite writes through LevelDB (`classic-level`) without `sync`, so
 * every write it has acknowledged is in LevelDB's log in the OS page cache. A killed process
 * (SIGKILL, crash, `process.exit` while the worker runs) loses no acknowledged write; a power loss
 * or kernel crash may lose the last writes. A write that was in flight when the process died may
 * leave a GSI entry without its item (dynalite writes index entries before the item, as separate
 * puts), but such a write was never acknowledged. `test/integration/stores.test.ts` and
 * `test/reliability/crash-safety.test.ts` check the SIGKILL case.
 *
 * Failures: one at start-up (the LevelDB folder, listening) rejects `startDynamoStore`, as before
 * the worker existed. A crash later (an error dynalite throws and does not catch, which used to end
 * the whole process) ends only the worker; the endpoint then refuses connections, and `onCrash`
 * hears of it once. `npm start` turns that into one line on stderr and exit code 1
 * (`local/main.ts`), rather than a server whose every table call fails; without `onCrash` the error
 * is rethrown on the main thread as an uncaught exception, which is what a crash did before.
 */
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../../api/config-error.ts';
import { DYNAMO_WORKER_SOURCE } from './dynamo-worker-source.ts';

export interface DynamoStoreOptions {
  /** Folder for the LevelDB files; in memory when absent. @default undefined */
  readonly dataDir?: string;
  /**
   * Called once if the store's worker dies after start-up; the endpoint no longer answers.
   * @default rethrows the error on the main thread as an uncaught exception
   */
  readonly onCrash?: (error: Error) => void;
}

export interface DynamoStore {
  /** `http://127.0.0.1:<port>`, for `new DynamoDBClient({ endpoint })`. */
  readonly endpoint: string;
  /** Stops the server, closes LevelDB and lets the worker exit. Safe to call twice, and after a crash. */
  close(): Promise<void>;
}

/** A worker error as the worker describes it (`describe` in the worker source). */
interface ErrorFields {
  readonly name?: string;
  readonly message: string;
  readonly stack?: string;
  readonly [field: string]: unknown;
}

type WorkerAnswer =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'failed'; readonly dataDir: { readonly locked: boolean; readonly detail: string } }
  | { readonly type: 'failed'; readonly error: ErrorFields }
  | { readonly type: 'closed'; readonly error: ErrorFields | null };

/** An Error with the worker error's message, stack and system fields (`code`, `syscall`, `port`, …). */
function toError(fields: ErrorFields): Error {
  const { name, message, stack, ...rest } = fields;
  const error = Object.assign(new Error(message), rest);
  if (name !== undefined && name !== 'Error') error.name = name;
  if (stack !== undefined) error.stack = stack;
  return error;
}

/**
 * The `--data-dir` pre-check's verdict as a `ConfigError` naming the folder. dynalite opens LevelDB
 * lazily and, when that fails (another server holds its lock, or a file in it cannot be written),
 * the first request crashes with an unrelated "Iterator is not open" error; so the worker opens and
 * closes the folder once before dynalite does (`assertLevelDbOpens` in the worker source), and a
 * refusal is reported here.
 */
function levelDbRefusal(path: string, refused: { readonly locked: boolean; readonly detail: string }): ConfigError {
  if (refused.locked) return new ConfigError(`--data-dir: the table store ${path} is in use by another process (another npm start on the same folder?). Received: ${refused.detail}`);
  return new ConfigError(`--data-dir: the table store ${path} cannot be opened. Received: ${refused.detail}`);
}

function rethrowUncaught(error: Error): void {
  process.nextTick(() => {
    throw error;
  });
}

export async function startDynamoStore(options: DynamoStoreOptions = {}): Promise<DynamoStore> {
  const dataDir = options.dataDir ?? null;
  const onCrash = options.onCrash ?? rethrowUncaught;
  // No execArgv: the worker runs plain CommonJS and needs none of the parent's loader hooks (under
  // tsx those would load tsx into the worker as well, and slow its start).
  const worker = new Worker(DYNAMO_WORKER_SOURCE, { eval: true, execArgv: [], workerData: { resolveFrom: import.meta.url, dataDir } });
  let phase: 'starting' | 'running' | 'closing' | 'gone' = 'starting';
  let lastError: Error | null = null;
  let closeError: Error | null = null;
  let exited: () => void = () => undefined;
  const exit = new Promise<void>((resolve) => (exited = resolve));

  return new Promise<DynamoStore>((resolve, reject) => {
    const failStart = (error: Error): void => {
      phase = 'gone';
      // Terminated before the promise settles, so the LevelDB folder is free again for a retry.
      void worker.terminate().then(() => reject(error), () => reject(error));
    };
    worker.on('error', (error) => (lastError = error));
    worker.on('exit', (code) => {
      const was = phase;
      phase = 'gone';
      exited();
      // A crash while closing fails the close (unless dynalite had already reported how it went).
      if (was === 'closing' && closeError === null && lastError !== null) closeError = lastError;
      if (was === 'starting') failStart(lastError ?? new Error(`the embedded DynamoDB store's worker exited with code ${code} before it was ready`));
      else if (was === 'running') onCrash(new Error(`the embedded DynamoDB store (dynalite) crashed: ${lastError?.message ?? `its worker exited with code ${code}`}`, { cause: lastError ?? undefined }));
    });
    worker.on('message', (answer: WorkerAnswer) => {
      if (answer.type === 'closed') {
        closeError = answer.error === null ? null : toError(answer.error);
        return;
      }
      if (phase !== 'starting') return;
      if (answer.type === 'ready') {
        phase = 'running';
        resolve({ endpoint: `http://127.0.0.1:${answer.port}`, close: createClose() });
      } else {
        failStart('dataDir' in answer ? levelDbRefusal(dataDir ?? '', answer.dataDir) : toError(answer.error));
      }
    });
  });

  function createClose(): () => Promise<void> {
    let closing: Promise<void> | undefined;
    return function closeDynamoStore() {
      closing ??= (async () => {
        if (phase === 'running') {
          phase = 'closing';
          worker.postMessage({ type: 'close' });
        }
        await exit;
        if (closeError !== null) throw closeError;
      })();
      return closing;
    };
  }
}
