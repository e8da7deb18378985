/**
 * CompleteMultipartUpload on disk for `multipart-store.ts`: the part list checked as S3 checks it
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html), the object
 * put together (the slot file moved, or the parts copied), and its multipart ETag and composite
 * checksum (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, truncate } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type ChecksumAlgorithm, createHasher } from './checksums.ts';
import {
  type AssembledObject,
  type CompletedPartRequest,
  MIN_PART_BYTES,
  type PartRecord,
  SLOT_FILE,
  bareEtag,
  invalidPart,
  readPart,
  readUpload,
  uploadDirOf,
} from './multipart-records.ts';
import { S3Error } from './s3-errors.ts';

/** Checks the list and puts the assembled object at `destination`. */
export async function assembleUpload(uploadsDir: string, uploadId: string, key: string, requested: readonly CompletedPartRequest[], destination: string): Promise<AssembledObject> {
  const upload = await readUpload(uploadsDir, uploadId, key);
  if (requested.length === 0) {
    throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
  }
  assertAscending(uploadId, requested);
  const stored = await storedPartsFor(uploadsDir, uploadId, requested);
  assertPartSizes(stored);
  await mkdir(dirname(destination), { recursive: true });
  const size = stored.reduce((sum, r) => sum + r.size, 0);
  const dir = uploadDirOf(uploadsDir, uploadId);
  if (!(await moveSlotFile(dir, stored, size, destination))) await copyParts(dir, stored, destination);
  const etagDigest = createHash('md5');
  for (const record of stored) etagDigest.update(Buffer.from(bareEtag(record.etag), 'hex'));
  const checksum = await compositeChecksum(upload.checksumAlgorithm, stored);
  return { etag: `"${etagDigest.digest('hex')}-${stored.length}"`, size, checksum };
}

function assertAscending(uploadId: string, requested: readonly CompletedPartRequest[]): void {
  for (let i = 1; i < requested.length; i += 1) {
    const part = requested[i];
    if (part !== undefined && part.partNumber <= (requested[i - 1]?.partNumber ?? 0)) {
      throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.', [
        ['UploadId', uploadId],
        ['PartNumber', String(part.partNumber)],
      ]);
    }
  }
}

/** The stored record of each listed part; InvalidPart when one is missing or its ETag or checksum differs. */
async function storedPartsFor(uploadsDir: string, uploadId: string, requested: readonly CompletedPartRequest[]): Promise<PartRecord[]> {
  const stored: PartRecord[] = [];
  for (const part of requested) {
    const record = await readPart(uploadsDir, uploadId, part.partNumber);
    if (record === null || bareEtag(record.etag) !== bareEtag(part.etag) || (part.checksum !== null && record.checksum !== part.checksum)) {
      throw invalidPart(uploadId, part);
    }
    stored.push(record);
  }
  return stored;
}

function assertPartSizes(stored: readonly PartRecord[]): void {
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
}

/** `<base64 of the digest of the part digests>-<part count>`, or null when the upload has no algorithm or a part no checksum. */
async function compositeChecksum(checksumAlgorithm: ChecksumAlgorithm | null, stored: readonly PartRecord[]): Promise<string | null> {
  if (checksumAlgorithm === null || !stored.every((r) => r.checksum !== null)) return null;
  const composite = createHasher(checksumAlgorithm);
  for (const record of stored) composite.update(Buffer.from(record.checksum ?? '', 'base64'));
  return `${(await composite.digest()).toString('base64')}-${stored.length}`;
}

/**
 * When the parts are 1…k, each in its slot (so all but the last fill their slot), the slot file
 * is the object: cut it to `size` (dropping parts uploaded but not listed) and move it.
 */
async function moveSlotFile(dir: string, stored: readonly PartRecord[], size: number, destination: string): Promise<boolean> {
  const stride = stored[0]?.size ?? 0;
  const inSlots = stored.every((r, i) => r.file === SLOT_FILE && r.partNumber === i + 1 && (r.offset ?? 0) === i * stride && (i === stored.length - 1 || r.size === stride));
  if (!inSlots) return false;
  const data = join(dir, SLOT_FILE);
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
async function copyParts(dir: string, stored: readonly PartRecord[], destination: string): Promise<void> {
  const out = createWriteStream(destination);
  try {
    // One write stream for every part, with backpressure (no listener per part).
    for (const record of stored) {
      const start = record.offset ?? 0;
      if (record.size === 0) continue;
      for await (const chunk of createReadStream(join(dir, record.file), { start, end: start + record.size - 1, highWaterMark: 1024 * 1024 })) {
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
