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
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ChecksumAlgorithm } from './checksums.ts';
import { type DigestWorkerPoolOptions, createDigestWorkerPool } from './digest-workers.ts';
import { assembleUpload } from './multipart-assembly.ts';
import { putPart } from './multipart-part-writer.ts';
import type { PartPayloadVerifier } from './payload-verifier.ts';
import {
  type AssembledObject,
  type CompletedPartRequest,
  type PartRecord,
  type UploadRecord,
  createUploadRecord,
  listPartRecords,
  readUpload,
  uploadDirOf,
  uploadsInitiatedBefore,
} from './multipart-records.ts';

export { MAX_PART_BYTES, MIN_PART_BYTES, noSuchUpload } from './multipart-records.ts';
export type { AssembledObject, CompletedPartRequest, PartRecord, UploadRecord } from './multipart-records.ts';

export interface MultipartStore {
  create(key: string, metadata: Record<string, string>, checksumAlgorithm: ChecksumAlgorithm | null): Promise<string>;
  /** The upload, or NoSuchUpload when it does not exist or belongs to another key. */
  get(uploadId: string, key: string): Promise<UploadRecord>;
  /**
   * Streams `source` through `verifier` (the request's payload checks) into part `partNumber`; the
   * bytes are hashed on the way (off the main thread) and the digests `verifier` needs checked.
   * Nothing is recorded unless every check passed. `declaredSize` (the decoded Content-Length, when
   * known) lets the part go straight to its slot.
   */
  putPart(uploadId: string, key: string, partNumber: number, source: Readable, verifier: PartPayloadVerifier, declaredSize?: number): Promise<PartRecord>;
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
  /** Stops the digest workers (parts still arriving fail). Safe to call twice. */
  close(): Promise<void>;
}

export function createMultipartStore(uploadsDir: string, options: DigestWorkerPoolOptions = {}): MultipartStore {
  /** Slots being written now, `<uploadId>/<n>`: a second upload of the same part number goes elsewhere. */
  const slotsInFlight = new Set<string>();
  const digestWorkers = createDigestWorkerPool(options);
  return {
    create: async function createUpload(key, metadata, checksumAlgorithm) {
      const uploadId = randomBytes(16).toString('hex');
      await createUploadRecord(uploadsDir, uploadId, key, metadata, checksumAlgorithm);
      return uploadId;
    },
    get: function getUpload(uploadId, key) {
      return readUpload(uploadsDir, uploadId, key);
    },
    putPart: function putUploadPart(uploadId, key, partNumber, source, verifier, declaredSize) {
      return putPart({ uploadsDir, slotsInFlight, digestWorkers }, { uploadId, key, partNumber, declaredSize }, source, verifier);
    },
    listParts: function listParts(uploadId, key) {
      return listPartRecords(uploadsDir, uploadId, key);
    },
    assemble: function assemble(uploadId, key, requested, destination) {
      return assembleUpload(uploadsDir, uploadId, key, requested, destination);
    },
    remove: async function removeUpload(uploadId) {
      await rm(uploadDirOf(uploadsDir, uploadId), { recursive: true, force: true });
    },
    initiatedBefore: function initiatedBefore(before) {
      return uploadsInitiatedBefore(uploadsDir, before);
    },
    close: function closeMultipartStore() {
      return digestWorkers.close();
    },
  };
}
