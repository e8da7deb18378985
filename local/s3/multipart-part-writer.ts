/**
 * UploadPart on disk for `multipart-store.ts`: where a part's bytes go (its slot of the shared
 * `data` file, or a file of its own) and the streaming write that measures, hashes and only then
 * records the part. See the header of `multipart-store.ts` for the slot layout, and
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html for the part rules.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type ChecksumAlgorithm, createHasher } from './checksums.ts';
import { MAX_PART_BYTES, MIN_PART_BYTES, type PartRecord, SLOT_FILE, type UploadRecord, noSuchUpload, readPart, readUpload, uploadDirOf } from './multipart-records.ts';
import { S3Error } from './s3-errors.ts';

/** Bytes gathered before one write to disk. */
const WRITE_BATCH_BYTES = 1024 * 1024;

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
 * Streams `source` through `verifier` into part `partNumber` of the upload and records it.
 * `slotsInFlight` (`<uploadId>/<n>`, one set per store) holds the slots being written now: a second
 * upload of the same part number goes to a file of its own.
 */
export async function putPart(
  uploadsDir: string,
  slotsInFlight: Set<string>,
  part: { readonly uploadId: string; readonly key: string; readonly partNumber: number; readonly declaredSize: number | undefined },
  source: Readable,
  verifier: Transform,
): Promise<PartRecord> {
  const { uploadId, partNumber } = part;
  const upload = await readUpload(uploadsDir, uploadId, part.key);
  const dir = uploadDirOf(uploadsDir, uploadId);
  const slotKey = `${uploadId}/${partNumber}`;
  let slot = await slotFor(uploadsDir, uploadId, dir, partNumber, part.declaredSize);
  // Checked and claimed with no await in between: one writer per slot.
  if (slot !== null && slotsInFlight.has(slotKey)) slot = null;
  if (slot !== null) slotsInFlight.add(slotKey);
  try {
    return await writePart(upload, { uploadsDir, uploadId, dir, partNumber, slot }, source, verifier);
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

async function writePart(upload: UploadRecord, target: PartTarget, source: Readable, verifier: Transform): Promise<PartRecord> {
  const { dir, partNumber, slot } = target;
  const file = `part-${randomBytes(8).toString('hex')}`;
  const measure = createPartMeasure(upload.checksumAlgorithm, partNumber, slot);
  const out = slot === null ? createWriteStream(join(dir, file)) : createWriteStream(join(dir, SLOT_FILE), { flags: 'r+', start: slot.offset });
  try {
    await pipeline(source, verifier, measure.stream, out);
  } catch (error) {
    // A slot keeps what was half-written: no record points at it, and a later upload rewrites it.
    if (slot === null) await rm(join(dir, file), { force: true });
    throw error;
  }
  const record: PartRecord = {
    partNumber,
    etag: measure.etag(),
    size: measure.size(),
    checksum: await measure.checksum(),
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

interface PartMeasure {
  /** Counts, checks the size limits, hashes, and passes the bytes on in batches. */
  readonly stream: Transform;
  size(): number;
  /** Quoted MD5 hex; call once, after the stream finished. */
  etag(): string;
  /** Base64 digest of the upload's checksum algorithm, or null without one; call once. */
  checksum(): Promise<string | null>;
}

function createPartMeasure(checksumAlgorithm: ChecksumAlgorithm | null, partNumber: number, slot: PartSlot | null): PartMeasure {
  const md5 = createHash('md5');
  const checksum = checksumAlgorithm === null ? undefined : createHasher(checksumAlgorithm);
  let size = 0;
  // Socket reads arrive in chunks of tens of KiB; one file write per chunk cost more main-thread
  // time than the hashing (CPU profile of a 256 MiB upload), so chunks go to disk in batches.
  const batch = createWriteBatch();
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      const tooLong = partLengthError(size, partNumber, slot);
      if (tooLong !== undefined) {
        callback(tooLong);
        return;
      }
      md5.update(chunk);
      checksum?.update(chunk);
      callback(null, batch.add(chunk));
    },
    flush(callback) {
      callback(null, batch.rest());
    },
  });
  return {
    stream,
    size: () => size,
    etag: () => `"${md5.digest('hex')}"`,
    checksum: async () => (checksum === undefined ? null : (await checksum.digest()).toString('base64')),
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

/** Gathers chunks until `WRITE_BATCH_BYTES`; `add` answers the batch to write, or undefined to wait. */
function createWriteBatch(): { add(chunk: Buffer): Buffer | undefined; rest(): Buffer | undefined } {
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (): Buffer => {
    const batch = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
    pending.length = 0;
    pendingBytes = 0;
    return batch;
  };
  return {
    add: function addChunk(chunk) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      return pendingBytes < WRITE_BATCH_BYTES ? undefined : take();
    },
    rest: function takeRest() {
      return pendingBytes > 0 ? take() : undefined;
    },
  };
}
