/**
 * Hashing and writing of part bodies off the main thread. A part's bytes are hashed (MD5 for its
 * ETag, SHA-1/SHA-256 for checksums) by a worker thread, which also issues their writes to disk,
 * while the main thread goes on reading sockets: MD5 runs at well under a gigabyte per second, and
 * on the main thread it bounded a whole server's upload throughput (CPU profile of a 512 MiB
 * multipart upload: half of the main thread's time in `Hash.update`; with the workers the main
 * thread's CPU time per uploaded byte is less than half).
 *
 * The caller's chunks are copied into batches whose buffers are transferred to the worker and
 * back (no copy, and no garbage per batch); at most `MAX_BATCHES_IN_FLIGHT` batches per job are on
 * their way, so memory stays bounded however fast the socket is. Each job runs on one worker (its
 * hashes are sequential); jobs go to the worker with the fewest. Workers start at the first job and
 * do not keep the process alive. The program they run: `digest-worker-source.ts`.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DIGEST_WORKER_SOURCE } from './digest-worker-source.ts';

/** The digests the workers compute (node:crypto); CRCs stay with the caller. */
export const WORKER_DIGEST_ALGORITHMS = ['MD5', 'SHA1', 'SHA256'] as const;
export type WorkerDigestAlgorithm = (typeof WORKER_DIGEST_ALGORITHMS)[number];

/**
 * Bytes per message to a worker. Larger batches save messages but raise the memory held per part
 * (server RSS during an upload of 8 parts at once grew ~15 MiB more with 1 MiB batches); at 256 KiB
 * the messages cost well under 1 % of the upload's CPU time.
 */
const BATCH_BYTES = 256 * 1024;
/** Batches of one job sent and not yet written; a write beyond waits. */
const MAX_BATCHES_IN_FLIGHT = 2;
/** Batch buffers kept for reuse once their job is done (fresh memory costs page faults; kept memory costs RSS). */
const MAX_FREE_BUFFERS = 16;

/** Where a job's bytes go: `path` opened with `flags`, from byte `position` on. */
export interface JobTarget {
  readonly path: string;
  readonly flags: 'w' | 'r+';
  readonly position: number;
}

export interface DigestJob {
  /** Queues `chunk` (copied); `done` is called at once, or once the worker has caught up; with the job's error if it failed. */
  write(chunk: Uint8Array, done: (error?: Error | null) => void): void;
  /** Sends what is left and resolves with the digests once everything is on disk. */
  end(): Promise<Map<WorkerDigestAlgorithm, Buffer>>;
  /** Stops the job; resolves once the worker no longer touches the file. Safe to call at any time, and twice. */
  abort(): Promise<void>;
}

export interface DigestWorkerPool {
  open(target: JobTarget, algorithms: readonly WorkerDigestAlgorithm[]): DigestJob;
  /** Stops the workers; open jobs fail. Safe to call twice. */
  close(): Promise<void>;
}

export interface DigestWorkerPoolOptions {
  /**
   * Worker threads. One worker hashes MD5 at ~700 MB/s, more than one main thread receives; a second
   * helps only with cores to spare. @default availableParallelism() - 1, at least 1 and at most 2
   */
  readonly workers?: number;
}

type WorkerAnswer =
  | { readonly type: 'written'; readonly id: number; readonly buffer: ArrayBuffer }
  | { readonly type: 'ended'; readonly id: number; readonly digests: readonly (readonly [WorkerDigestAlgorithm, Uint8Array])[] }
  | { readonly type: 'aborted'; readonly id: number }
  | { readonly type: 'failed'; readonly id: number; readonly message: string; readonly code: unknown };

/** The main side of one job: what the worker's answers settle. */
interface JobHandlers {
  onWritten(buffer: ArrayBuffer): void;
  onEnded(digests: Map<WorkerDigestAlgorithm, Buffer>): void;
  onAborted(): void;
  onFailed(error: Error): void;
}

interface PoolWorker {
  readonly worker: Worker;
  readonly jobs: Map<number, JobHandlers>;
}

function toError(answer: { readonly message: string; readonly code: unknown }): Error {
  return Object.assign(new Error(answer.message), typeof answer.code === 'string' ? { code: answer.code } : {});
}

function dispatchAnswer(entry: PoolWorker, answer: WorkerAnswer): void {
  const job = entry.jobs.get(answer.id);
  if (job === undefined) return;
  switch (answer.type) {
    case 'written':
      job.onWritten(answer.buffer);
      return;
    case 'ended':
      entry.jobs.delete(answer.id);
      job.onEnded(new Map(answer.digests.map(([algorithm, bytes]) => [algorithm, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)])));
      return;
    case 'aborted':
      entry.jobs.delete(answer.id);
      job.onAborted();
      return;
    case 'failed':
      entry.jobs.delete(answer.id);
      job.onFailed(toError(answer));
  }
}

export function createDigestWorkerPool(options: DigestWorkerPoolOptions = {}): DigestWorkerPool {
  const size = Math.max(1, options.workers ?? Math.min(2, availableParallelism() - 1));
  const workers: PoolWorker[] = [];
  const freeBuffers: ArrayBuffer[] = [];
  let nextId = 1;
  let closed = false;

  const buffers: BufferSource = {
    take: () => freeBuffers.pop() ?? new ArrayBuffer(BATCH_BYTES),
    give: (buffer) => {
      if (buffer.byteLength === BATCH_BYTES && freeBuffers.length < MAX_FREE_BUFFERS) freeBuffers.push(buffer);
    },
  };

  function failAll(entry: PoolWorker, error: Error): void {
    const index = workers.indexOf(entry);
    if (index >= 0) workers.splice(index, 1);
    for (const job of entry.jobs.values()) job.onFailed(error);
    entry.jobs.clear();
  }

  function startWorker(): PoolWorker {
    const entry: PoolWorker = { worker: new Worker(DIGEST_WORKER_SOURCE, { eval: true }), jobs: new Map() };
    entry.worker.unref();
    entry.worker.on('message', (answer: WorkerAnswer) => dispatchAnswer(entry, answer));
    entry.worker.on('error', (error) => failAll(entry, error));
    entry.worker.on('exit', (code) => failAll(entry, new Error(`digest worker exited with code ${code}`)));
    workers.push(entry);
    return entry;
  }

  function leastBusy(): PoolWorker {
    if (workers.length < size) return startWorker();
    return workers.reduce((best, entry) => (entry.jobs.size < best.jobs.size ? entry : best));
  }

  return {
    open: function openDigestJob(target, algorithms) {
      if (closed) throw new Error('the digest workers are closed');
      const entry = leastBusy();
      const id = nextId;
      nextId += 1;
      const { job, handlers } = createJob((message, transfer) => entry.worker.postMessage({ ...message, id }, transfer), buffers);
      entry.jobs.set(id, handlers);
      entry.worker.postMessage({ type: 'open', id, path: target.path, flags: target.flags, position: target.position, algorithms: [...algorithms] });
      return job;
    },
    close: async function closeDigestWorkers() {
      closed = true;
      const stopping = workers.splice(0).map((entry) => {
        failAll(entry, new Error('the digest workers are closed'));
        return entry.worker.terminate();
      });
      await Promise.all(stopping);
    },
  };
}

/** Batch buffers, reused across jobs. */
interface BufferSource {
  take(): ArrayBuffer;
  give(buffer: ArrayBuffer): void;
}

type Send = (message: { readonly type: 'write'; readonly buffer: ArrayBuffer; readonly length: number } | { readonly type: 'end' | 'abort' }, transfer?: ArrayBuffer[]) => void;

/** One job's main-side state. */
interface JobState {
  readonly send: Send;
  readonly buffers: BufferSource;
  /** The batch being filled, and how far. */
  batch: Uint8Array | null;
  filled: number;
  inFlight: number;
  /** A write's callback held back until the worker catches up. */
  waiting: ((error?: Error | null) => void) | null;
  /** Why the job settled without digests, once it has. */
  failure: Error | null;
  phase: 'open' | 'ending' | 'aborting' | 'settled';
  ended: { resolve(digests: Map<WorkerDigestAlgorithm, Buffer>): void; reject(error: Error): void } | null;
  settle(): void;
}

function sendBatch(state: JobState): void {
  if (state.batch === null || state.filled === 0) return;
  const buffer = state.batch.buffer as ArrayBuffer;
  state.send({ type: 'write', buffer, length: state.filled }, [buffer]);
  state.inFlight += 1;
  state.batch = null;
  state.filled = 0;
}

/** Copies `chunk` into batches, sending each full one. */
function addToBatches(state: JobState, chunk: Uint8Array): void {
  for (let offset = 0; offset < chunk.length; ) {
    state.batch ??= new Uint8Array(state.buffers.take());
    const take = Math.min(chunk.length - offset, BATCH_BYTES - state.filled);
    state.batch.set(chunk.subarray(offset, offset + take), state.filled);
    state.filled += take;
    offset += take;
    if (state.filled === BATCH_BYTES) sendBatch(state);
  }
}

function settleJob(state: JobState, failure: Error | null): void {
  state.phase = 'settled';
  if (state.batch !== null) state.buffers.give(state.batch.buffer as ArrayBuffer);
  state.batch = null;
  state.failure ??= failure;
  const resume = state.waiting;
  state.waiting = null;
  resume?.(state.failure ?? new Error('the part was already ended'));
  state.settle();
}

function createHandlers(state: JobState): JobHandlers {
  return {
    onWritten(buffer) {
      state.buffers.give(buffer);
      state.inFlight -= 1;
      if (state.waiting !== null && state.inFlight < MAX_BATCHES_IN_FLIGHT) {
        const resume = state.waiting;
        state.waiting = null;
        resume();
      }
    },
    onEnded(digests) {
      settleJob(state, null);
      state.ended?.resolve(digests);
    },
    onAborted() {
      settleJob(state, new Error('the part was aborted'));
      state.ended?.reject(state.failure ?? new Error('the part was aborted'));
    },
    onFailed(error) {
      settleJob(state, error);
      state.ended?.reject(state.failure ?? error);
    },
  };
}

/** One job's batching, flow control and outcome; `handlers` receive the worker's answers. */
function createJob(send: Send, buffers: BufferSource): { job: DigestJob; handlers: JobHandlers } {
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const state: JobState = { send, buffers, batch: null, filled: 0, inFlight: 0, waiting: null, failure: null, phase: 'open', ended: null, settle: () => settle() };
  const job: DigestJob = {
    write: function writeToJob(chunk, done) {
      if (state.phase !== 'open') {
        done(state.failure ?? new Error('the part was already ended'));
        return;
      }
      addToBatches(state, chunk);
      if (state.inFlight < MAX_BATCHES_IN_FLIGHT) done();
      else state.waiting = done;
    },
    end: function endJob() {
      if (state.phase !== 'open') return Promise.reject(state.failure ?? new Error('the part was already ended'));
      state.phase = 'ending';
      sendBatch(state);
      send({ type: 'end' });
      return new Promise((resolve, reject) => (state.ended = { resolve, reject }));
    },
    abort: function abortJob() {
      if (state.phase === 'open' || state.phase === 'ending') {
        state.phase = 'aborting';
        send({ type: 'abort' });
      }
      return settled;
    },
  };
  return { job, handlers: createHandlers(state) };
}
