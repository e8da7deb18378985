/**
 * The program of a digest worker (`digest-workers.ts`), as source text: the worker runs it with
 * `eval`, so it needs no file of its own next to the server bundle. Plain CommonJS, node built-ins
 * only. Per job it opens the target file, then for each batch of bytes updates every hash and writes
 * the batch at its position (on libuv's pool), and hands the batch's buffer back once written.
 * Messages of one job are handled in order. A job's last answer ("ended", "aborted" or "failed",
 * the first failure winning) comes once none of its writes is pending and its file is closed.
 *
 * Main → worker: { type: 'open', id, path, flags, position, algorithms }, { type: 'write', id,
 * buffer, length } (buffer transferred), { type: 'end', id }, { type: 'abort', id }.
 * Worker → main: { type: 'written', id, buffer } (transferred back), { type: 'ended', id, digests:
 * [algorithm, bytes][] }, { type: 'aborted', id }, { type: 'failed', id, message, code }.
 */
export const DIGEST_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { close, openSync, write } = require('node:fs');

const jobs = new Map();

function post(message, transfer) {
  parentPort.postMessage(message, transfer);
}

// Once no write of the job is pending: closes its file, then sends the job's last answer.
function settleWhenIdle(id, job) {
  if (job.pending > 0 || job.last === null) return;
  jobs.delete(id);
  const last = job.failure === null ? job.last : { type: 'failed', id, message: job.failure.message, code: job.failure.code };
  close(job.fd, () => post(last));
}

function fail(id, job, error) {
  job.failure ??= error;
  job.last ??= { type: 'failed', id };
  settleWhenIdle(id, job);
}

// Writes run on libuv's pool while this thread hashes the next batch; positions are explicit, so
// they may complete in any order.
function writeBatch(id, job, buffer, length) {
  const bytes = new Uint8Array(buffer, 0, length);
  for (const [, hash] of job.hashes) hash.update(bytes);
  const start = job.position;
  job.position += length;
  job.pending += 1;
  const writeFrom = (done) => {
    write(job.fd, bytes, done, length - done, start + done, (error, written) => {
      if (error === null && done + written < length) return writeFrom(done + written);
      job.pending -= 1;
      if (error !== null) return fail(id, job, error);
      post({ type: 'written', id, buffer }, [buffer]);
      settleWhenIdle(id, job);
    });
  };
  writeFrom(0);
}

function handle(message) {
  const { type, id } = message;
  if (type === 'open') {
    const hashes = message.algorithms.map((algorithm) => [algorithm, createHash(algorithm.toLowerCase())]);
    jobs.set(id, { fd: openSync(message.path, message.flags), position: message.position, hashes, pending: 0, last: null, failure: null });
    return;
  }
  const job = jobs.get(id);
  if (job === undefined) {
    // Never opened (its failure was reported), or already settled.
    if (type === 'abort') post({ type: 'aborted', id });
    return;
  }
  if (job.last !== null) return;
  if (type === 'write') writeBatch(id, job, message.buffer, message.length);
  else if (type === 'end') {
    job.last = { type: 'ended', id, digests: job.hashes.map(([algorithm, hash]) => [algorithm, hash.digest()]) };
    settleWhenIdle(id, job);
  } else if (type === 'abort') {
    job.last = { type: 'aborted', id };
    settleWhenIdle(id, job);
  }
}

parentPort.on('message', (message) => {
  try {
    handle(message);
  } catch (error) {
    const job = jobs.get(message.id);
    if (job === undefined) post({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error), code: error?.code });
    else fail(message.id, job, error);
  }
});
`;
