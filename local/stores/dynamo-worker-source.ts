/**
 * The program of the embedded DynamoDB store's worker (`dynamo-store.ts`), as source text: the
 * worker runs it with `eval`, so it needs no file of its own next to the server bundle. Plain
 * CommonJS. It checks the LevelDB folder (with `dataDir`), starts dynalite on 127.0.0.1, port 0, and
 * closes it again when asked.
 *
 * Where its modules come from: an eval'd worker's own `require` resolves from the process's working
 * directory, which need not be the checkout. So the main side passes `resolveFrom`, the URL of
 * `dynamo-store.ts` (in the server bundle too: `scripts/bundle-server.ts` keeps each source file's
 * `import.meta.url`), and dynalite is resolved from there, as a static import in that file would
 * be; dynalite then loads `level` (`classic-level`, a native addon) and `memory-level` from its own
 * folder. None of them is in the server bundle.
 *
 * workerData: { resolveFrom: string, dataDir: string | null }.
 * Worker → main: { type: 'ready', port }; { type: 'failed', dataDir: { locked, detail } } (the
 * LevelDB folder cannot be opened) or { type: 'failed', error } (anything else), after which the
 * worker waits to be terminated; { type: 'closed', error } once dynalite is closed, then it exits.
 * Main → worker: { type: 'close' }.
 * An error thrown later (a crash inside dynalite) is the worker's uncaught exception: it ends the
 * worker, and the main side sees its `error` and `exit` events. One is not a crash: dynalite's
 * request handler rethrows a request stream's error (`req.on('error', err => { throw err })`), so a
 * client that hangs up before its body is complete would end the store, where DynamoDB just loses
 * that request. That error (Node's "aborted", ECONNRESET, on a request) is dropped; any other is
 * rethrown, which still ends the worker with it.
 */
export const DYNAMO_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { mkdir } = require('node:fs/promises');
const { createRequire } = require('node:module');

function describe(error) {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields = { name: error.name, message: error.message, stack: error.stack };
  for (const key of ['code', 'errno', 'syscall', 'address', 'port', 'path']) {
    if (error[key] !== undefined) fields[key] = error[key];
  }
  return fields;
}

// Opens and closes the folder once before dynalite does, with the LevelDB class dynalite uses (why:
// levelDbRefusal in dynamo-store.ts). Resolves with null, or with why it cannot be opened.
async function assertLevelDbOpens(Level, path) {
  await mkdir(path, { recursive: true });
  const db = new Level(path);
  try {
    await db.open();
  } catch (error) {
    const cause = error && error.cause;
    const detail = cause && typeof cause.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error);
    return { locked: Boolean(cause) && cause.code === 'LEVEL_LOCKED', detail };
  }
  await db.close();
  return null;
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });
}

// dynalite's close waits for open connections, then closes LevelDB; idle keep-alive sockets of SDK
// clients would otherwise hold it open.
function closeAndExit(server) {
  server.close((error) => {
    parentPort.postMessage({ type: 'closed', error: error ? describe(error) : null });
    process.exit(0);
  });
  server.closeIdleConnections();
}

// A client's hang-up in the middle of a request is not a crash (see the module comment); anything else still is.
process.on('uncaughtException', (error) => {
  if (error instanceof Error && error.code === 'ECONNRESET' && error.message === 'aborted') return;
  throw error;
});

async function start() {
  const dataDir = workerData.dataDir;
  const dynalitePath = createRequire(workerData.resolveFrom).resolve('dynalite');
  // The folder check runs on libuv's pool while this thread loads dynalite's modules.
  const checked = dataDir === null ? Promise.resolve(null) : assertLevelDbOpens(createRequire(dynalitePath)('level').Level, dataDir);
  const dynalite = require(dynalitePath);
  const refused = await checked;
  if (refused !== null) {
    parentPort.postMessage({ type: 'failed', dataDir: refused });
    return;
  }
  // Tables are ACTIVE at once; the local runtime has nothing to gain from DynamoDB's delays.
  const server = dynalite({ ...(dataDir === null ? {} : { path: dataDir }), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listen(server);
  parentPort.on('message', (message) => {
    if (message.type === 'close') closeAndExit(server);
  });
  parentPort.postMessage({ type: 'ready', port });
}

start().catch((error) => parentPort.postMessage({ type: 'failed', error: describe(error) }));
`;
