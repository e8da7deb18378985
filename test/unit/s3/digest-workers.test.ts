/**
 * The digest workers of the S3 front (`local/s3/digest-workers.ts`): a job's bytes reach its file
 * at its position with the digests node:crypto computes, jobs run side by side, and a job that
 * cannot write, is aborted, or outlives the pool settles with an error instead of hanging.
 * Real worker threads and real files in a temp folder.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type DigestJob, type DigestWorkerPool, createDigestWorkerPool } from '../../../local/s3/digest-workers.ts';

let dir: string;
let pool: DigestWorkerPool;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'digest-workers-'));
  pool = createDigestWorkerPool({ workers: 2 });
});
afterEach(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

/** Writes `bytes` in socket-sized chunks, honouring the job's flow control; resolves with the first error. */
async function writeInChunks(job: DigestJob, bytes: Buffer, chunkBytes = 65536): Promise<void> {
  for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
    await new Promise<void>((resolve, reject) => job.write(bytes.subarray(offset, offset + chunkBytes), (error) => (error ? reject(error) : resolve())));
  }
}

function digestOf(algorithm: string, bytes: Buffer): string {
  return createHash(algorithm).update(bytes).digest('hex');
}

describe('digest workers: jobs', () => {
  test('writes each job at its position and answers MD5, SHA-1 and SHA-256 of its bytes, jobs side by side', async () => {
    const file = join(dir, 'data');
    await writeFile(file, '');
    const parts = [randomBytes(3 * 1024 * 1024 + 17), randomBytes(1024 * 1024), randomBytes(5)];
    const stride = 4 * 1024 * 1024;
    const digests = await Promise.all(
      parts.map(async (bytes, i) => {
        const job = pool.open({ path: file, flags: 'r+', position: i * stride }, ['MD5', 'SHA1', 'SHA256']);
        await writeInChunks(job, bytes, 65536 + i);
        const answer = await job.end();
        return Object.fromEntries([...answer].map(([algorithm, digest]) => [algorithm, digest.toString('hex')]));
      }),
    );
    const written = await readFile(file);

    expect({ digests, written: parts.map((bytes, i) => written.subarray(i * stride, i * stride + bytes.length).equals(bytes)) }).toEqual({
      digests: parts.map((bytes) => ({ MD5: digestOf('md5', bytes), SHA1: digestOf('sha1', bytes), SHA256: digestOf('sha256', bytes) })),
      written: [true, true, true],
    });
  });

  test('answers the digests of an empty job and creates its file', async () => {
    const file = join(dir, 'empty');
    const job = pool.open({ path: file, flags: 'w', position: 0 }, ['MD5']);
    const digests = await job.end();

    expect({ md5: digests.get('MD5')?.toString('hex'), file: (await readFile(file)).length }).toEqual({ md5: digestOf('md5', Buffer.alloc(0)), file: 0 });
  });
});

describe('digest workers: failures', () => {
  test('fails the writes and the end of a job whose file cannot be opened', async () => {
    const job = pool.open({ path: join(dir, 'missing', 'data'), flags: 'r+', position: 0 }, ['MD5']);
    const written = await writeInChunks(job, randomBytes(4 * 1024 * 1024)).then(
      () => 'written',
      (error: NodeJS.ErrnoException) => error.code,
    );
    const ended = await job.end().then(
      () => 'ended',
      (error: NodeJS.ErrnoException) => error.code,
    );

    expect({ written, ended }).toEqual({ written: 'ENOENT', ended: 'ENOENT' });
  });

  test('an aborted job settles, refuses more bytes and never ends; the pool goes on serving', async () => {
    const job = pool.open({ path: join(dir, 'aborted'), flags: 'w', position: 0 }, ['MD5']);
    await writeInChunks(job, randomBytes(1024 * 1024));
    await job.abort();
    await job.abort();
    const afterAbort = await new Promise<string>((resolve) => job.write(Buffer.alloc(1), (error) => resolve(error?.message ?? 'accepted')));
    const ended = await job.end().then(
      () => 'ended',
      (error: Error) => error.message,
    );
    const next = pool.open({ path: join(dir, 'next'), flags: 'w', position: 0 }, ['MD5']);
    await writeInChunks(next, Buffer.from('hello'));

    expect({ afterAbort, ended, next: (await next.end()).get('MD5')?.toString('hex') }).toEqual({
      afterAbort: 'the part was aborted',
      ended: 'the part was aborted',
      next: digestOf('md5', Buffer.from('hello')),
    });
  });

  test('closing the pool fails the jobs still open, and is safe twice', async () => {
    const job = pool.open({ path: join(dir, 'open'), flags: 'w', position: 0 }, ['MD5']);
    await pool.close();
    await pool.close();
    const ended = await job.end().then(
      () => 'ended',
      (error: Error) => error.message,
    );

    const late = (() => {
      try {
        pool.open({ path: join(dir, 'late'), flags: 'w', position: 0 }, ['MD5']);
        return 'opened';
      } catch (error) {
        return (error as Error).message;
      }
    })();

    expect({ ended, late }).toEqual({ ended: 'the digest workers are closed', late: 'the digest workers are closed' });
  });
});
