/**
 * S3 multipart uploads on disk, for the local S3 front (s3rver's own multipart support checks no
 * ETags, order or sizes, has no ListParts or AbortMultipartUpload, and answers a plain MD5 ETag).
 * Each upload is a folder `<uploadsDir>/<uploadId>/` with `upload.json` (key, metadata, checksum
 * algorithm, initiation time), per part a `<n>.json` that says where its bytes are, and the bytes.
 * A part streams to disk; only once the body has passed every check is `<n>.json` renamed into
 * place, so a failed or half-sent part never replaces the part stored before it, and the last
 * successful upload of a part number wins (S3: "If you upload a new part using the same part
 * number …, the previously uploaded part is overwritten").
 *
 * Where the bytes go: clients cut a file into parts of one size (the last one shorter), so the
 * first part of at least 5 MiB fixes the upload's `stride`, and part n of at most that size is
 * written straight into its slot of one `data` file, at `(n - 1) × stride`. When the completed
 * list is parts 1…k in their slots, `data` already is the object: completion truncates it to the
 * object's size and renames it, so the bytes are written to disk once. A part that does not fit
 * (larger than the stride, unknown length) or whose slot holds a stored part or a part still
 * arriving (a retry racing the first attempt) goes to a file of its own instead, and completion
 * then falls back to copying the parts into the object.
 *
 * Completion follows CompleteMultipartUpload
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html): parts listed
 * in ascending order (InvalidPartOrder), each uploaded with that ETag (InvalidPart), each but the
 * last at least 5 MiB (EntityTooSmall); the object's ETag is the MD5 of the concatenated binary
 * MD5s of the parts, then `-<part count>`. With a checksum algorithm, the object's checksum is the
 * composite one, `<base64 of the digest of the part digests>-<part count>`
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { type ChecksumAlgorithm, createHasher } from './checksums.ts';
import { S3Error } from './s3-errors.ts';

/** S3: every part but the last is at least 5 MiB; a part is at most 5 GiB (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html). */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_BYTES = 5 * 1024 * 1024 * 1024;

export interface UploadRecord {
  readonly key: string;
  /** Content-Type and `x-amz-meta-*` given at CreateMultipartUpload; stored on the object. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly checksumAlgorithm: ChecksumAlgorithm | null;
  readonly initiated: string;
}

export interface PartRecord {
  readonly partNumber: number;
  /** Quoted MD5 hex, as S3 answers it. */
  readonly etag: string;
  readonly size: number;
  /** Base64 digest of the upload's checksum algorithm, or null. */
  readonly checksum: string | null;
  readonly lastModified: string;
  /** The file holding the part's bytes: `data` (the shared slot file) or a file of its own. */
  readonly file: string;
  /** Where the part starts in `file`; absent (0) in records written before slots existed. */
  readonly offset?: number;
}

export interface CompletedPartRequest {
  readonly partNumber: number;
  readonly etag: string;
  readonly checksum: string | null;
}

export interface AssembledObject {
  readonly etag: string;
  readonly size: number;
  readonly checksum: string | null;
}

export interface MultipartStore {
  create(key: string, metadata: Record<string, string>, checksumAlgorithm: ChecksumAlgorithm | null): Promise<string>;
  /** The upload, or NoSuchUpload when it does not exist or belongs to another key. */
  get(uploadId: string, key: string): Promise<UploadRecord>;
  /**
   * Streams `source` through `verifier` (the request's payload checks) into part `partNumber`; the
   * upload's checksum is hashed on the way. Nothing is recorded unless every check passed.
   * `declaredSize` (the decoded Content-Length, when known) lets the part go straight to its slot.
   */
  putPart(uploadId: string, key: string, partNumber: number, source: Readable, verifier: Transform, declaredSize?: number): Promise<PartRecord>;
  listParts(uploadId: string, key: string): Promise<PartRecord[]>;
  /**
   * Checks the list and puts the assembled object at `destination` (a temp path, renamed by the
   * caller): by renaming the slot file when the parts are 1…k in their slots, else by copying.
   */
  assemble(uploadId: string, key: string, parts: readonly CompletedPartRequest[], destination: string): Promise<AssembledObject>;
  /** Removes the upload and its parts. */
  remove(uploadId: string): Promise<void>;
  /** Upload ids initiated before `before`. */
  initiatedBefore(before: Date): Promise<string[]>;
}

const UPLOAD_ID = /^[0-9a-f]{32}$/;
/** The shared slot file of an upload (part files are `part-<hex>`). */
const SLOT_FILE = 'data';
/** Bytes gathered before one write to disk. */
const WRITE_BATCH_BYTES = 1024 * 1024;

export function noSuchUpload(uploadId: string): S3Error {
  return new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', [['UploadId', uploadId]]);
}

function invalidPart(uploadId: string, part: CompletedPartRequest): S3Error {
  return new S3Error(
    'InvalidPart',
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    [['UploadId', uploadId], ['PartNumber', String(part.partNumber)], ['ETag', part.etag]],
  );
}

/** `"abc"` and `abc` name the same ETag (S3 compares without quotes). */
function bareEtag(etag: string): string {
  return etag.replace(/"/g, '');
}

export function createMultipartStore(uploadsDir: string): MultipartStore {
  const uploadDir = (uploadId: string): string => {
    if (!UPLOAD_ID.test(uploadId)) throw noSuchUpload(uploadId);
    return join(uploadsDir, uploadId);
  };
  /** Slots being written now, `<uploadId>/<n>`: a second upload of the same part number goes elsewhere. */
  const slotsInFlight = new Set<string>();

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
  async function slotFor(uploadId: string, dir: string, partNumber: number, declaredSize: number | undefined): Promise<{ offset: number; stride: number } | null> {
    if (declaredSize === undefined || declaredSize <= 0) return null;
    const stride = await strideOf(dir, declaredSize);
    if (stride === null || declaredSize > stride) return null;
    // A stored part in the slot must survive a retry that fails half-way.
    if ((await readPart(uploadId, partNumber))?.file === SLOT_FILE) return null;
    // Created if missing, never truncated (`r+` below needs it): parts write at their own offsets.
    await writeFile(join(dir, SLOT_FILE), '', { flag: 'a' });
    return { offset: (partNumber - 1) * stride, stride };
  }

  async function readUpload(uploadId: string, key: string): Promise<UploadRecord> {
    let record: UploadRecord;
    try {
      record = JSON.parse(await readFile(join(uploadDir(uploadId), 'upload.json'), 'utf8')) as UploadRecord;
    } catch {
      throw noSuchUpload(uploadId);
    }
    // S3 refuses an upload id used with another key the same way.
    if (record.key !== key) throw noSuchUpload(uploadId);
    return record;
  }

  async function readPart(uploadId: string, partNumber: number): Promise<PartRecord | null> {
    try {
      return JSON.parse(await readFile(join(uploadDir(uploadId), `${partNumber}.json`), 'utf8')) as PartRecord;
    } catch {
      return null;
    }
  }

  async function writePart(
    upload: UploadRecord,
    uploadId: string,
    dir: string,
    partNumber: number,
    source: Readable,
    verifier: Transform,
    slot: { offset: number; stride: number } | null,
  ): Promise<PartRecord> {
    const file = `part-${randomBytes(8).toString('hex')}`;
    const md5 = createHash('md5');
    const checksum = upload.checksumAlgorithm === null ? undefined : createHasher(upload.checksumAlgorithm);
    let size = 0;
    // Socket reads arrive in chunks of tens of KiB; one file write per chunk cost more main-thread
    // time than the hashing (CPU profile of a 256 MiB upload), so chunks go to disk in batches.
    const pending: Buffer[] = [];
    let pendingBytes = 0;
    const takePending = (): Buffer => {
      const batch = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
      pending.length = 0;
      pendingBytes = 0;
      return batch;
    };
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        // Checked before the chunk is written: bytes past the slot would overwrite the next part.
        if (slot !== null && size > slot.stride) {
          callback(new Error(`part ${partNumber} is longer than its slot of ${slot.stride} bytes`));
          return;
        }
        if (size > MAX_PART_BYTES) {
          callback(new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', [['ProposedSize', String(size)], ['MaxSizeAllowed', String(MAX_PART_BYTES)]]));
          return;
        }
        md5.update(chunk);
        checksum?.update(chunk);
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes < WRITE_BATCH_BYTES) {
          callback();
          return;
        }
        callback(null, takePending());
      },
      flush(callback) {
        callback(null, pendingBytes > 0 ? takePending() : undefined);
      },
    });
    const out = slot === null ? createWriteStream(join(dir, file)) : createWriteStream(join(dir, SLOT_FILE), { flags: 'r+', start: slot.offset });
    try {
      await pipeline(source, verifier, measure, out);
    } catch (error) {
      // A slot keeps what was half-written: no record points at it, and a later upload rewrites it.
      if (slot === null) await rm(join(dir, file), { force: true });
      throw error;
    }
    const record: PartRecord = {
      partNumber,
      etag: `"${md5.digest('hex')}"`,
      size,
      checksum: checksum === undefined ? null : (await checksum.digest()).toString('base64'),
      lastModified: new Date().toISOString(),
      file: slot === null ? file : SLOT_FILE,
      offset: slot?.offset ?? 0,
    };
    const previous = await readPart(uploadId, partNumber);
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
    return record;
  }

  /**
   * When the parts are 1…k, each in its slot (so all but the last fill their slot), the slot file
   * is the object: cut it to `size` (dropping parts uploaded but not listed) and move it.
   */
  async function moveSlotFile(uploadId: string, stored: readonly PartRecord[], size: number, destination: string): Promise<boolean> {
    const stride = stored[0]?.size ?? 0;
    const inSlots = stored.every((r, i) => r.file === SLOT_FILE && r.partNumber === i + 1 && (r.offset ?? 0) === i * stride && (i === stored.length - 1 || r.size === stride));
    if (!inSlots) return false;
    const data = join(uploadDir(uploadId), SLOT_FILE);
    try {
      await truncate(data, size);
      await rename(data, destination);
      return true;
    } catch (error) {
      // Another file system (EXDEV): copy instead, from the slot file still in place.
      if ((error as NodeJS.ErrnoException).code === 'EXDEV') return false;
      throw error;
    }
  }

  /** Writes the parts one after the other into `destination`. */
  async function copyParts(uploadId: string, stored: readonly PartRecord[], destination: string): Promise<void> {
    const out = createWriteStream(destination);
    try {
      // One write stream for every part, with backpressure (no listener per part).
      for (const record of stored) {
        const start = record.offset ?? 0;
        if (record.size === 0) continue;
        for await (const chunk of createReadStream(join(uploadDir(uploadId), record.file), { start, end: start + record.size - 1, highWaterMark: 1024 * 1024 })) {
          if (!out.write(chunk as Buffer)) await once(out, 'drain');
        }
      }
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    } catch (error) {
      out.destroy();
      await rm(destination, { force: true });
      throw error;
    }
  }

  return {
    create: async function createUpload(key, metadata, checksumAlgorithm) {
      const uploadId = randomBytes(16).toString('hex');
      const dir = uploadDir(uploadId);
      await mkdir(dir, { recursive: true });
      const record: UploadRecord = { key, metadata, checksumAlgorithm, initiated: new Date().toISOString() };
      await writeFile(join(dir, 'upload.json'), JSON.stringify(record));
      return uploadId;
    },
    get: readUpload,
    putPart: async function putPart(uploadId, key, partNumber, source, verifier, declaredSize) {
      const upload = await readUpload(uploadId, key);
      const dir = uploadDir(uploadId);
      const slotKey = `${uploadId}/${partNumber}`;
      let slot = await slotFor(uploadId, dir, partNumber, declaredSize);
      // Checked and claimed with no await in between: one writer per slot.
      if (slot !== null && slotsInFlight.has(slotKey)) slot = null;
      if (slot !== null) slotsInFlight.add(slotKey);
      try {
        return await writePart(upload, uploadId, dir, partNumber, source, verifier, slot);
      } finally {
        if (slot !== null) slotsInFlight.delete(slotKey);
      }
    },
    listParts: async function listParts(uploadId, key) {
      await readUpload(uploadId, key);
      let names: string[];
      try {
        names = await readdir(uploadDir(uploadId));
      } catch {
        throw noSuchUpload(uploadId);
      }
      const numbers = names.flatMap((name) => (/^\d+\.json$/.test(name) ? [Number(name.slice(0, -5))] : [])).sort((a, b) => a - b);
      const parts = await Promise.all(numbers.map((n) => readPart(uploadId, n)));
      return parts.filter((p): p is PartRecord => p !== null);
    },
    assemble: async function assemble(uploadId, key, requested, destination) {
      const upload = await readUpload(uploadId, key);
      if (requested.length === 0) {
        throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
      }
      for (let i = 1; i < requested.length; i += 1) {
        const part = requested[i];
        if (part !== undefined && part.partNumber <= (requested[i - 1]?.partNumber ?? 0)) {
          throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.', [
            ['UploadId', uploadId],
            ['PartNumber', String(part.partNumber)],
          ]);
        }
      }
      const stored: PartRecord[] = [];
      for (const part of requested) {
        const record = await readPart(uploadId, part.partNumber);
        if (record === null || bareEtag(record.etag) !== bareEtag(part.etag) || (part.checksum !== null && record.checksum !== part.checksum)) {
          throw invalidPart(uploadId, part);
        }
        stored.push(record);
      }
      stored.forEach((record, index) => {
        if (index < stored.length - 1 && record.size < MIN_PART_BYTES) {
          throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', [
            ['ProposedSize', String(record.size)],
            ['MinSizeAllowed', String(MIN_PART_BYTES)],
            ['PartNumber', String(record.partNumber)],
            ['ETag', bareEtag(record.etag)],
          ]);
        }
      });
      await mkdir(dirname(destination), { recursive: true });
      const size = stored.reduce((sum, r) => sum + r.size, 0);
      if (!(await moveSlotFile(uploadId, stored, size, destination))) await copyParts(uploadId, stored, destination);
      const etagDigest = createHash('md5');
      for (const record of stored) etagDigest.update(Buffer.from(bareEtag(record.etag), 'hex'));
      let checksum: string | null = null;
      if (upload.checksumAlgorithm !== null && stored.every((r) => r.checksum !== null)) {
        const composite = createHasher(upload.checksumAlgorithm);
        for (const record of stored) composite.update(Buffer.from(record.checksum ?? '', 'base64'));
        checksum = `${(await composite.digest()).toString('base64')}-${stored.length}`;
      }
      return { etag: `"${etagDigest.digest('hex')}-${stored.length}"`, size, checksum };
    },
    remove: async function removeUpload(uploadId) {
      await rm(uploadDir(uploadId), { recursive: true, force: true });
    },
    initiatedBefore: async function initiatedBefore(before) {
      let names: string[];
      try {
        names = await readdir(uploadsDir);
      } catch {
        return [];
      }
      const old: string[] = [];
      for (const name of names.filter((n) => UPLOAD_ID.test(n))) {
        const info = await stat(join(uploadsDir, name, 'upload.json')).catch(() => null);
        if (info !== null && info.mtime < before) old.push(name);
      }
      return old;
    },
  };
}
