/**
 * The multipart store's slot layout (`local/s3/multipart-store.ts`): parts of the upload's stride go
 * straight into their slot of one file, completion of parts 1…k in their slots moves that file
 * instead of copying it, and every part that cannot use its slot (a retry over a stored part, a
 * part larger than the stride, a list that skips a part) still completes to the right bytes.
 * Real files in a temp folder and real digest workers; the request's payload checks are framing and length only here.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { MIN_PART_BYTES, createMultipartStore, type MultipartStore } from '../../../local/s3/multipart-store.ts';
import { type PartPayloadVerifier, createPartPayloadVerifier } from '../../../local/s3/payload-verifier.ts';

const KEY = 'assets/apikey/1/movie.mp4';
const STRIDE = MIN_PART_BYTES;

let dir: string;
let store: MultipartStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multipart-store-'));
  store = createMultipartStore(join(dir, 'uploads'));
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

function md5Etag(bytes: Buffer): string {
  return `"${createHash('md5').update(bytes).digest('hex')}"`;
}

/** The request's payload checks of a presigned part with no checksum: framing and length only. */
function noChecks(): PartPayloadVerifier {
  return createPartPayloadVerifier({ encoding: 'identity', decodedLength: undefined, sha256Hex: undefined, checksum: undefined, trailerChecksum: undefined, contentMd5: undefined });
}

/** Sends `bytes` as part `n`, in 64 KiB chunks as a socket would, declaring its length (or not). */
function putPart(uploadId: string, n: number, bytes: Buffer, declared: 'length' | 'unknown' = 'length') {
  const chunks = Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536));
  return store.putPart(uploadId, KEY, n, Readable.from(chunks), noChecks(), declared === 'length' ? bytes.length : undefined);
}

async function uploadFiles(uploadId: string): Promise<string[]> {
  return (await readdir(join(dir, 'uploads', uploadId))).filter((name) => name === 'data' || name.startsWith('part-')).sort();
}

describe('multipart store: parts in slots', () => {
  test('writes parts of the stride into one file, and completion moves it to the object', async () => {
    const file = randomBytes(2 * STRIDE + 1000);
    const parts = [file.subarray(0, STRIDE), file.subarray(STRIDE, 2 * STRIDE), file.subarray(2 * STRIDE)];
    const uploadId = await store.create(KEY, { 'content-type': 'video/mp4' }, null);
    // Full parts at once, as parallel clients send them, then the short last one.
    const [first, second] = await Promise.all([putPart(uploadId, 1, parts[0]!), putPart(uploadId, 2, parts[1]!)]);
    const third = await putPart(uploadId, 3, parts[2]!);
    expect([first, second, third].map((r) => ({ file: r.file, offset: r.offset, size: r.size, etag: r.etag }))).toEqual([
      { file: 'data', offset: 0, size: STRIDE, etag: md5Etag(parts[0]!) },
      { file: 'data', offset: STRIDE, size: STRIDE, etag: md5Etag(parts[1]!) },
      { file: 'data', offset: 2 * STRIDE, size: 1000, etag: md5Etag(parts[2]!) },
    ]);
    expect(await uploadFiles(uploadId)).toEqual(['data']);

    const destination = join(dir, 'object');
    const assembled = await store.assemble(uploadId, KEY, [first, second, third].map((r) => ({ partNumber: r.partNumber, etag: r.etag, checksum: null })), destination);
    expect(assembled.size).toBe(file.length);
    expect((await readFile(destination)).equals(file)).toBe(true);
    // Moved, not copied: the slot file is gone from the upload.
    expect(await uploadFiles(uploadId)).toEqual([]);
  });

  test('drops parts uploaded but left out of a shorter list', async () => {
    const bytes = randomBytes(3 * STRIDE);
    const uploadId = await store.create(KEY, {}, null);
    const records = await Promise.all([1, 2, 3].map((n) => putPart(uploadId, n, bytes.subarray((n - 1) * STRIDE, n * STRIDE))));
    const destination = join(dir, 'object');
    const assembled = await store.assemble(uploadId, KEY, records.slice(0, 2).map((r) => ({ partNumber: r.partNumber, etag: r.etag, checksum: null })), destination);
    expect(assembled.size).toBe(2 * STRIDE);
    expect((await readFile(destination)).equals(bytes.subarray(0, 2 * STRIDE))).toBe(true);
  });
});

describe('multipart store: parts outside their slot', () => {
  test('a retry of a stored part goes to its own file; a failed retry leaves the stored part intact', async () => {
    const first = randomBytes(STRIDE);
    const last = randomBytes(10);
    const uploadId = await store.create(KEY, {}, null);
    await putPart(uploadId, 1, first);
    const lastRecord = await putPart(uploadId, 2, last);
    // A retry that breaks half-way: its bytes must not reach part 1's slot.
    const broken = Readable.from(
      (async function* sendHalfThenFail() {
        yield randomBytes(65536);
        throw new Error('client went away');
      })(),
    );
    await expect(store.putPart(uploadId, KEY, 1, broken, noChecks(), STRIDE)).rejects.toThrow('client went away');
    const listed = await store.listParts(uploadId, KEY);
    expect(listed.map((p) => ({ partNumber: p.partNumber, file: p.file, etag: p.etag }))).toEqual([
      { partNumber: 1, file: 'data', etag: md5Etag(first) },
      { partNumber: 2, file: 'data', etag: md5Etag(last) },
    ]);

    // A successful retry with other bytes: stored in a file of its own, and completion copies.
    const replacement = randomBytes(STRIDE);
    const retried = await putPart(uploadId, 1, replacement);
    expect(retried.file).toMatch(/^part-[0-9a-f]{16}$/);
    const destination = join(dir, 'object');
    await store.assemble(uploadId, KEY, [{ partNumber: 1, etag: retried.etag, checksum: null }, { partNumber: 2, etag: lastRecord.etag, checksum: null }], destination);
    expect((await readFile(destination)).equals(Buffer.concat([replacement, last]))).toBe(true);
  });

  test('a short last part that arrives before any full part gets its own file and completes by copy', async () => {
    const uploadId = await store.create(KEY, {}, null);
    const last = await putPart(uploadId, 2, Buffer.from('tail'));
    const first = await putPart(uploadId, 1, Buffer.alloc(STRIDE, 7));
    expect([first.file, last.file === 'data' ? 'data' : 'own']).toEqual(['data', 'own']);
    const destination = join(dir, 'object');
    await store.assemble(uploadId, KEY, [first, last].map((r) => ({ partNumber: r.partNumber, etag: r.etag, checksum: null })), destination);
    expect((await readFile(destination)).equals(Buffer.concat([Buffer.alloc(STRIDE, 7), Buffer.from('tail')]))).toBe(true);
  });

  test('a part larger than the stride, or of unknown length, gets its own file and completes by copy', async () => {
    const uploadId = await store.create(KEY, {}, null);
    const one = randomBytes(STRIDE);
    const two = randomBytes(STRIDE + 1);
    const three = randomBytes(100);
    const records = [await putPart(uploadId, 1, one), await putPart(uploadId, 2, two), await putPart(uploadId, 3, three, 'unknown')];
    expect(records.map((r) => (r.file === 'data' ? 'data' : 'own'))).toEqual(['data', 'own', 'own']);
    const destination = join(dir, 'object');
    const assembled = await store.assemble(uploadId, KEY, records.map((r) => ({ partNumber: r.partNumber, etag: r.etag, checksum: null })), destination);
    expect(assembled.size).toBe(2 * STRIDE + 101);
    expect((await readFile(destination)).equals(Buffer.concat([one, two, three]))).toBe(true);
  });

  test('a list that skips a part number copies the listed parts from their slots', async () => {
    const uploadId = await store.create(KEY, {}, null);
    const parts = [randomBytes(STRIDE), randomBytes(STRIDE), randomBytes(500)];
    const records = await Promise.all(parts.map((bytes, i) => putPart(uploadId, i + 1, bytes)));
    const destination = join(dir, 'object');
    await store.assemble(uploadId, KEY, [records[0]!, records[2]!].map((r) => ({ partNumber: r.partNumber, etag: r.etag, checksum: null })), destination);
    expect((await readFile(destination)).equals(Buffer.concat([parts[0]!, parts[2]!]))).toBe(true);
  });
});
