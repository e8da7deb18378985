/**
 * UploadPart on disk for `multipart-store.ts`: where a part's bytes go (its slot of the shared
 * `data` file, or a file of its own) and the streaming write that measures, hashes and only then
 * records the part. The bytes are hashed and written by a digest worker (`digest-workers.ts`), each
 * digest once: MD5 for the ETag, the upload's checksum, and those the request's checks need. See
 * the header of `multipart-store.ts` for the slot layout, and
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html for the part rules.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type ChecksumAlgorithm, type DigestAlgorithm, createHasher } from './checksums.ts';
import { type DigestWorkerPool, type JobTarget, WORKER_DIGEST_ALGORITHMS, type WorkerDigestAlgorithm } from './digest-workers.ts';
import { MAX_PART_BYTES, MIN_PART_BYTES, type PartRecord, SLOT_FILE, type UploadRecord, noSuchUpload, readPart, readUpload, uploadDirOf } from './multipart-records.ts';
import type { PartPayloadVerifier } from './payload-verifier.ts';
import { S3Error } from './s3-errors.ts';

/** A part's place in the slot file: `offset` = (n - 1) × `stride`. */
interface PartSlot {
  readonly offset: number;
  readonly stride: number;
}

/** The part being written: where the upload lives and where its bytes go. */
interface PartTarget {
  readonly uploadsDir: string;
  readonly uploadId: string;
  readonly dir: string;
  readonly partNumber: number;
  readonly slot: PartSlot | null;
}

/**
 * Streams `source` through `verifier` into part `partNumber` of the upload, checks the digests
 * `verifier` needs, and records the part. `slotsInFlight` (`<uploadId>/<n>`, one set per store)
 * holds the slots being written now: a second upload of the same part number goes to a file of its own.
 */
export async function putPart(
  uploads: { readonly uploadsDir: string; readonly slotsInFlight: Set<string>; readonly digestWorkers: DigestWorkerPool },
  part: { readonly uploadId: string; readonly key: string; readonly partNumber: number; readonly declaredSize: number | undefined },
  source: Readable,
  verifier: PartPayloadVerifier,
): Promise<PartRecord> {
  const { uploadsDir, slotsInFlight, digestWorkers } = uploads;
  const { uploadId, partNumber } = part;
  const upload = await readUpload(uploadsDir, uploadId, part.key);
  const dir = uploadDirOf(uploadsDir, uploadId);
  const slotKey = `${uploadId}/${partNumber}`;
  let slot = await slotFor(uploadsDir, uploadId, dir, partNumber, part.declaredSize);
  // Checked and claimed with no await in between: one writer per slot.
  if (slot !== null && slotsInFlight.has(slotKey)) slot = null;
  if (slot !== null) slotsInFlight.add(slotKey);
  try {
    return await writePart(digestWorkers, upload, { uploadsDir, uploadId, dir, partNumber, slot }, source, verifier);
  } finally {
    if (slot !== null) slotsInFlight.delete(slotKey);
  }
}

/**
 * The upload's stride: fixed by the first part of at least 5 MiB with a known size (written with
 * `wx`, so concurrent first parts agree on one), or null when none has arrived yet.
 */
async function strideOf(dir: string, declaredSize: number | undefined): Promise<number | null> {
  const file = join(dir, 'stride');
  if (declaredSize !== undefined && declaredSize >= MIN_PART_BYTES) {
    try {
      await writeFile(file, String(declaredSize), { flag: 'wx' });
      return declaredSize;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const text = await readFile(file, 'utf8').catch(() => null);
  const stride = text === null ? NaN : Number(text);
  return Number.isSafeInteger(stride) && stride > 0 ? stride : null;
}

/** Part `partNumber`'s slot offset, or null when it must go to a file of its own. */
async function slotFor(uploadsDir: string, uploadId: string, dir: string, partNumber: number, declaredSize: number | undefined): Promise<PartSlot | null> {
  if (declaredSize === undefined || declaredSize <= 0) return null;
  const stride = await strideOf(dir, declaredSize);
  if (stride === null || declaredSize > stride) return null;
  // A stored part in the slot must survive a retry that fails half-way.
  if ((await readPart(uploadsDir, uploadId, partNumber))?.file === SLOT_FILE) return null;
  // Created if missing, never truncated (`r+` below needs it): parts write at their own offsets.
  await writeFile(join(dir, SLOT_FILE), '', { flag: 'a' });
  return { offset: (partNumber - 1) * stride, stride };
}

async function writePart(digestWorkers: DigestWorkerPool, upload: UploadRecord, target: PartTarget, source: Readable, verifier: PartPayloadVerifier): Promise<PartRecord> {
  const { dir, partNumber, slot } = target;
  const file = `part-${randomBytes(8).toString('hex')}`;
  const destination: JobTarget = slot === null ? { path: join(dir, file), flags: 'w', position: 0 } : { path: join(dir, SLOT_FILE), flags: 'r+', position: slot.offset };
  const sink = createPartSink(digestWorkers, destination, partDigestAlgorithms(upload.checksumAlgorithm, verifier.digestAlgorithms), partNumber, slot);
  let digests: Map<DigestAlgorithm, Buffer>;
  try {
    await pipeline(source, verifier, sink.stream);
    digests = await sink.digests();
    verifier.checkDigests(digests);
  } catch (error) {
    // The worker may still hold the file: the slot is released (and a part file removed) only once it does not.
    await sink.abort();
    // A slot keeps what was half-written: no record points at it, and a later upload rewrites it.
    if (slot === null) await rm(join(dir, file), { force: true });
    throw error;
  }
  const md5 = digests.get('MD5');
  if (md5 === undefined) throw new Error(`part ${partNumber}: no MD5 was computed`);
  const checksum = upload.checksumAlgorithm === null ? undefined : digests.get(upload.checksumAlgorithm);
  const record: PartRecord = {
    partNumber,
    etag: `"${md5.toString('hex')}"`,
    size: sink.size(),
    checksum: checksum === undefined ? null : checksum.toString('base64'),
    lastModified: new Date().toISOString(),
    file: slot === null ? file : SLOT_FILE,
    offset: slot?.offset ?? 0,
  };
  await storePartRecord(target, record, file);
  return record;
}

/** Puts `<n>.json` in place (staged, then renamed) and removes the replaced part's own file. */
async function storePartRecord(target: PartTarget, record: PartRecord, file: string): Promise<void> {
  const { uploadsDir, uploadId, dir, partNumber, slot } = target;
  const previous = await readPart(uploadsDir, uploadId, partNumber);
  const staged = join(dir, `${partNumber}.json.${file}`);
  try {
    await writeFile(staged, JSON.stringify(record));
    // Aborted or completed meanwhile: the folder is gone and the rename fails.
    await rename(staged, join(dir, `${partNumber}.json`));
  } catch {
    if (slot === null) await rm(join(dir, file), { force: true });
    throw noSuchUpload(uploadId);
  }
  // The slot file is shared by every part; only a part's own file goes with it.
  if (previous !== null && previous.file !== record.file && previous.file !== SLOT_FILE) await rm(join(dir, previous.file), { force: true });
}

/** MD5 (the ETag), the upload's checksum and whatever the request's checks need, each computed once. */
function partDigestAlgorithms(checksumAlgorithm: ChecksumAlgorithm | null, verifierNeeds: readonly DigestAlgorithm[]): DigestAlgorithm[] {
  return [...new Set<DigestAlgorithm>(['MD5', ...(checksumAlgorithm === null ? [] : [checksumAlgorithm]), ...verifierNeeds])];
}

function isWorkerDigest(algorithm: DigestAlgorithm): algorithm is WorkerDigestAlgorithm {
  return (WORKER_DIGEST_ALGORITHMS as readonly string[]).includes(algorithm);
}

interface PartSink {
  /** Counts, checks the size limits, hashes CRCs here and hands the bytes to a digest worker. */
  readonly stream: Writable;
  size(): number;
  /** Every digest of `algorithms`; call once, after the stream finished. */
  digests(): Promise<Map<DigestAlgorithm, Buffer>>;
  /** Resolves once the worker no longer touches the file. */
  abort(): Promise<void>;
}

function createPartSink(digestWorkers: DigestWorkerPool, destination: JobTarget, algorithms: readonly DigestAlgorithm[], partNumber: number, slot: PartSlot | null): PartSink {
  const job = digestWorkers.open(destination, algorithms.filter(isWorkerDigest));
  // CRCs (the SDK's implementations) are not available to the eval'd worker: hashed here.
  const local = algorithms.filter((a) => !isWorkerDigest(a)).map((algorithm) => [algorithm, createHasher(algorithm)] as const);
  let size = 0;
  let workerDigests: Map<WorkerDigestAlgorithm, Buffer> | undefined;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      const tooLong = partLengthError(size, partNumber, slot);
      if (tooLong !== undefined) {
        callback(tooLong);
        return;
      }
      for (const [, hasher] of local) hasher.update(chunk);
      job.write(chunk, callback);
    },
    final(callback) {
      job.end().then(
        (digests) => {
          workerDigests = digests;
          callback();
        },
        (error: unknown) => callback(error as Error),
      );
    },
    destroy(error, callback) {
      job.abort().then(() => callback(error), () => callback(error));
    },
  });
  return {
    stream,
    size: () => size,
    digests: async function collectDigests() {
      const digests = new Map<DigestAlgorithm, Buffer>(workerDigests ?? []);
      for (const [algorithm, hasher] of local) digests.set(algorithm, await hasher.digest());
      return digests;
    },
    abort: function abortPartSink() {
      stream.destroy();
      return job.abort();
    },
  };
}

/** Checked before the chunk is written: bytes past the slot would overwrite the next part. */
function partLengthError(size: number, partNumber: number, slot: PartSlot | null): Error | undefined {
  if (slot !== null && size > slot.stride) return new Error(`part ${partNumber} is longer than its slot of ${slot.stride} bytes`);
  if (size > MAX_PART_BYTES) {
    return new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', [['ProposedSize', String(size)], ['MaxSizeAllowed', String(MAX_PART_BYTES)]]);
  }
  return undefined;
}
