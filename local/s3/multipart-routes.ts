/**
 * The multipart operations of the local S3 front, answered by the front itself over
 * `multipart-store.ts` (s3rver never sees them): CreateMultipartUpload (`POST ?uploads`),
 * UploadPart (`PUT ?partNumber&uploadId`), ListParts (`GET ?uploadId`), CompleteMultipartUpload
 * (`POST ?uploadId`) and AbortMultipartUpload (`DELETE ?uploadId`), with S3's XML answers and
 * errors (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html and the
 * pages of the other four operations). Requests arrive verified (SigV4, expiry, signed headers) and
 * scoped (bucket, key, upload id and part number syntax); part bodies stream to disk through the
 * payload verifier (a presigned part is UNSIGNED-PAYLOAD; `x-amz-checksum-sha256` is hashed while it
 * streams), so neither a part nor an object is ever held in memory.
 *
 * Completion writes the object under the key lock of `conditional-writes.ts` (honouring
 * `If-None-Match: *`) and into s3rver's store: data to a temp file renamed into place, then the
 * multipart ETag as the object's ETag. The caller announces the one "Object Created" event.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { rename, rm, stat } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, checksumHeaderName } from './checksums.ts';
import { type KeyLocks, preconditionFailed } from './conditional-writes.ts';
import { type CompletedPartRequest, type MultipartStore, noSuchUpload } from './multipart-store.ts';
import { createPartPayloadVerifier, createPayloadVerifier } from './payload-verifier.ts';
import type { ObjectTarget } from './request-scope.ts';
import { S3Error, escapeXml, isS3Error } from './s3-errors.ts';
import type { VerifiedRequest } from './sigv4-verifier.ts';

export type MultipartOperation = 'CreateMultipartUpload' | 'UploadPart' | 'ListParts' | 'CompleteMultipartUpload' | 'AbortMultipartUpload';

/** The multipart operation a verified request names, if any. */
export function multipartOperationOf(method: string, query: readonly (readonly [string, string])[]): MultipartOperation | undefined {
  const has = (name: string): boolean => query.some(([key]) => key === name);
  if (method === 'POST' && has('uploads')) return 'CreateMultipartUpload';
  if (!has('uploadId')) return undefined;
  if (method === 'PUT' && has('partNumber')) return 'UploadPart';
  if (method === 'GET') return 'ListParts';
  if (method === 'POST') return 'CompleteMultipartUpload';
  if (method === 'DELETE') return 'AbortMultipartUpload';
  return undefined;
}

/** Where completed objects go: s3rver's store, written directly (same process, same files). */
export interface ObjectFiles {
  /** The object's data file. */
  objectPath(key: string): string;
  /** Writes metadata (`content-type`, `x-amz-meta-*`) and the ETag (without quotes) beside the object. */
  putMetadata(key: string, metadata: Record<string, string>, etag: string): Promise<void>;
}

export interface MultipartRoutesDeps {
  readonly store: MultipartStore;
  readonly objects: ObjectFiles;
  readonly keyLocks: KeyLocks;
  readonly bucketName: string;
}

export interface MultipartRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly verified: VerifiedRequest;
  readonly target: ObjectTarget;
  /** `If-None-Match: *` on CompleteMultipartUpload. */
  readonly onlyIfAbsent: boolean;
}

/** A completed upload, for the "Object Created" event. */
export interface CompletedObject {
  readonly size: number;
  readonly etag: string;
}

export type MultipartRoutes = (operation: MultipartOperation, request: MultipartRequest) => Promise<CompletedObject | undefined>;

/** CompleteMultipartUpload bodies list at most 10,000 parts; a few hundred bytes each is plenty. */
const MAX_COMPLETE_BODY_BYTES = 4 * 1024 * 1024;
const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

function xmlDocument(root: string, elements: readonly (readonly [string, string])[] | string): string {
  const body = typeof elements === 'string' ? elements : elements.map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${XMLNS}">${body}</${root}>`;
}

function sendXml(res: ServerResponse, status: number, xml: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(xml)) });
  res.end(xml);
}

function queryValue(query: readonly (readonly [string, string])[], name: string): string | undefined {
  return query.find(([key]) => key === name)?.[1];
}

function malformedXml(): S3Error {
  return new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
}

/** The `<Part>` list of a CompleteMultipartUpload body. */
export function parseCompleteBody(xml: string, checksumAlgorithm: ChecksumAlgorithm | null): CompletedPartRequest[] {
  if (!/<CompleteMultipartUpload[\s>]/.test(xml) || !xml.includes('</CompleteMultipartUpload>')) throw malformedXml();
  const checksumElement = checksumAlgorithm === null ? null : `Checksum${checksumAlgorithm}`;
  return [...xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((match) => {
    const part = match[1] ?? '';
    const number = /<PartNumber>\s*(\d{1,5})\s*<\/PartNumber>/.exec(part)?.[1];
    const etag = /<ETag>([\s\S]*?)<\/ETag>/.exec(part)?.[1];
    if (number === undefined || etag === undefined) throw malformedXml();
    const checksum = checksumElement === null ? undefined : new RegExp(`<${checksumElement}>([^<]*)</${checksumElement}>`).exec(part)?.[1];
    return { partNumber: Number(number), etag: etag.replace(/&quot;/g, '"').trim(), checksum: checksum ?? null };
  });
}

async function readSmallBody(req: IncomingMessage, verified: VerifiedRequest): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  await pipeline(
    req,
    createPayloadVerifier(verified.payload),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > MAX_COMPLETE_BODY_BYTES) {
          done(malformedXml());
          return;
        }
        chunks.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(chunks).toString('utf8');
}

export function createMultipartRoutes(deps: MultipartRoutesDeps): MultipartRoutes {
  return async function handleMultipart(operation, request) {
    switch (operation) {
      case 'CreateMultipartUpload':
        return createUpload(deps, request);
      case 'UploadPart':
        return uploadPart(deps, request);
      case 'ListParts':
        return listParts(deps, request);
      case 'CompleteMultipartUpload':
        return completeUpload(deps, request);
      case 'AbortMultipartUpload':
        return abortUpload(deps, request);
    }
  };
}

async function createUpload({ store, bucketName }: MultipartRoutesDeps, { req, res, target }: MultipartRequest): Promise<undefined> {
  req.resume();
  const algorithmHeader = req.headers['x-amz-checksum-algorithm'];
  const algorithm = typeof algorithmHeader === 'string' ? algorithmHeader.toUpperCase() : undefined;
  if (algorithm !== undefined && !(CHECKSUM_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new S3Error('InvalidRequest', 'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]');
  }
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string' && (name === 'content-type' || name === 'cache-control' || name === 'content-disposition' || name.startsWith('x-amz-meta-'))) metadata[name] = value;
  }
  metadata['content-type'] ??= 'binary/octet-stream';
  const uploadId = await store.create(target.key, metadata, (algorithm as ChecksumAlgorithm | undefined) ?? null);
  sendXml(res, 200, xmlDocument('InitiateMultipartUploadResult', [['Bucket', bucketName], ['Key', target.key], ['UploadId', uploadId]]), algorithm === undefined ? {} : { 'x-amz-checksum-algorithm': algorithm });
  return undefined;
}

async function uploadPart({ store }: MultipartRoutesDeps, { req, res, verified, target }: MultipartRequest): Promise<undefined> {
  if (req.headers['x-amz-copy-source'] !== undefined) {
    req.resume();
    throw new S3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', [['Header', 'x-amz-copy-source']]);
  }
  const uploadId = queryValue(verified.query, 'uploadId') ?? '';
  const partNumber = Number(queryValue(verified.query, 'partNumber'));
  const upload = await store.get(uploadId, target.key).catch((error: unknown) => {
    req.resume();
    throw error;
  });
  const given = verified.payload.checksum;
  if (given !== undefined && upload.checksumAlgorithm !== null && given.algorithm !== upload.checksumAlgorithm) {
    req.resume();
    throw new S3Error('InvalidRequest', `Checksum Type mismatch occurred, expected checksum Type: ${upload.checksumAlgorithm.toLowerCase()}, actual checksum Type: ${given.algorithm.toLowerCase()}`);
  }
  let record;
  try {
    record = await store.putPart(uploadId, target.key, partNumber, req, createPartPayloadVerifier(verified.payload), verified.payload.decodedLength);
  } catch (error) {
    if (isS3Error(error)) throw error;
    throw new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
  }
  const headers: Record<string, string> = { etag: record.etag, 'content-length': '0' };
  if (record.checksum !== null && upload.checksumAlgorithm !== null) headers[checksumHeaderName(upload.checksumAlgorithm)] = record.checksum;
  res.writeHead(200, headers);
  res.end();
  return undefined;
}

async function listParts({ store, bucketName }: MultipartRoutesDeps, { req, res, verified, target }: MultipartRequest): Promise<undefined> {
  req.resume();
  const uploadId = queryValue(verified.query, 'uploadId') ?? '';
  const upload = await store.get(uploadId, target.key);
  const maxParts = Math.min(1000, Math.max(0, Number(queryValue(verified.query, 'max-parts') ?? '1000') || 1000));
  const marker = Number(queryValue(verified.query, 'part-number-marker') ?? '0') || 0;
  const all = (await store.listParts(uploadId, target.key)).filter((p) => p.partNumber > marker);
  const page = all.slice(0, maxParts);
  const truncated = all.length > page.length;
  const checksumElement = upload.checksumAlgorithm === null ? null : `Checksum${upload.checksumAlgorithm}`;
  const parts = page
    .map(
      (p) =>
        `<Part><PartNumber>${p.partNumber}</PartNumber><LastModified>${p.lastModified}</LastModified><ETag>${escapeXml(p.etag)}</ETag><Size>${p.size}</Size>` +
        (checksumElement !== null && p.checksum !== null ? `<${checksumElement}>${p.checksum}</${checksumElement}>` : '') +
        '</Part>',
    )
    .join('');
  const head = [
    ['Bucket', bucketName],
    ['Key', target.key],
    ['UploadId', uploadId],
    ['PartNumberMarker', String(marker)],
    ['NextPartNumberMarker', String(page.at(-1)?.partNumber ?? marker)],
    ['MaxParts', String(maxParts)],
    ['IsTruncated', String(truncated)],
    ['StorageClass', 'STANDARD'],
  ] as const;
  sendXml(res, 200, xmlDocument('ListPartsResult', head.map(([n, v]) => `<${n}>${escapeXml(v)}</${n}>`).join('') + parts));
  return undefined;
}

async function completeUpload({ store, objects, keyLocks, bucketName }: MultipartRoutesDeps, { req, res, verified, target, onlyIfAbsent }: MultipartRequest): Promise<CompletedObject> {
  const uploadId = queryValue(verified.query, 'uploadId') ?? '';
  const body = await readSmallBody(req, verified);
  return keyLocks.run(target.key, async () => {
    const upload = await store.get(uploadId, target.key);
    const parts = parseCompleteBody(body, upload.checksumAlgorithm);
    if (onlyIfAbsent && (await stat(objects.objectPath(target.key)).then(() => true, () => false))) throw preconditionFailed();
    const objectPath = objects.objectPath(target.key);
    const staged = `${objectPath}.${uploadId}.assembling`;
    const assembled = await store.assemble(uploadId, target.key, parts, staged);
    try {
      await objects.putMetadata(target.key, { ...upload.metadata }, assembled.etag.replace(/"/g, ''));
      await rename(staged, objectPath);
    } catch (error) {
      await rm(staged, { force: true });
      throw error;
    }
    await store.remove(uploadId);
    const elements: [string, string][] = [
      ['Location', `http://${req.headers.host ?? '127.0.0.1'}/${bucketName}/${target.key}`],
      ['Bucket', bucketName],
      ['Key', target.key],
      ['ETag', assembled.etag],
    ];
    if (assembled.checksum !== null && upload.checksumAlgorithm !== null) elements.push([`Checksum${upload.checksumAlgorithm}`, assembled.checksum]);
    sendXml(res, 200, xmlDocument('CompleteMultipartUploadResult', elements));
    return { size: assembled.size, etag: assembled.etag };
  });
}

async function abortUpload({ store }: MultipartRoutesDeps, { req, res, verified, target }: MultipartRequest): Promise<undefined> {
  req.resume();
  const uploadId = queryValue(verified.query, 'uploadId') ?? '';
  await store.get(uploadId, target.key);
  await store.remove(uploadId);
  res.writeHead(204);
  res.end();
  return undefined;
}

export { noSuchUpload };
