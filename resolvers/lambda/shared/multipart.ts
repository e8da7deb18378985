/**
 * S3 multipart calls of the assetUrls Lambda over SigV4-signed `fetch` (no S3 client in the bundle):
 * CreateMultipartUpload, ListParts, CompleteMultipartUpload and AbortMultipartUpload
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html, …/API_ListParts.html,
 * …/API_CompleteMultipartUpload.html, …/API_AbortMultipartUpload.html). The answers are small XML
 * documents of known shape, read with a few element matches.
 */
import type { AwsContext, BucketConfig } from './config.ts';
import { objectRequest } from './s3-object.ts';
import type { SignedFetch } from './sign-fetch.ts';

/** S3's refusal of a multipart call: its `<Code>` and `<Message>` and the part concerned, if any. */
export interface S3Refusal {
  readonly ok: false;
  readonly code: string;
  readonly message: string;
  readonly partNumber: number | null;
}

export type S3Outcome = { readonly ok: true } | S3Refusal;

export interface ListedPart {
  readonly partNumber: number;
  /** With its quotes, as S3 sends it and CompleteMultipartUpload takes it. */
  readonly etag: string;
  readonly size: number;
}

export interface CompletedPart {
  readonly partNumber: number;
  readonly etag: string;
  readonly checksumSha256: string | null;
}

export interface MultipartClient {
  create(key: string, contentType: string, checksumAlgorithm: 'SHA256' | null): Promise<string>;
  listParts(key: string, uploadId: string): Promise<ListedPart[]>;
  complete(key: string, uploadId: string, parts: readonly CompletedPart[]): Promise<S3Outcome>;
  abort(key: string, uploadId: string): Promise<S3Outcome>;
}

/** Codes a client can act on; anything else is thrown (the Lambda fails, AppSync shows `Lambda:Unhandled`). */
const CLIENT_CODES = ['InvalidPart', 'InvalidPartOrder', 'EntityTooSmall', 'EntityTooLarge', 'NoSuchUpload', 'PreconditionFailed', 'MalformedXML', 'InvalidRequest', 'InvalidArgument'];

function element(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1];
}

function elements(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g'))].map((m) => m[1] ?? '');
}

function unescapeXml(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The refusal in an S3 error document, or null when `body` is not one. */
export function readS3Refusal(body: string): S3Refusal | null {
  if (!body.includes('<Error>')) return null;
  const code = element(body, 'Code') ?? 'InternalError';
  const partNumber = element(body, 'PartNumber');
  return { ok: false, code, message: unescapeXml(element(body, 'Message') ?? code), partNumber: partNumber === undefined ? null : Number(partNumber) };
}

export function createMultipartClient(aws: AwsContext, bucket: BucketConfig, s3Fetch: SignedFetch): MultipartClient {
  async function call(key: string, method: 'GET' | 'POST' | 'DELETE', query: Record<string, string>, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; text: string }> {
    const request = objectRequest(bucket, aws.region, key, { method, query, headers });
    if (body !== undefined) request.body = body;
    const response = await s3Fetch(request);
    return { status: response.status, text: await response.text() };
  }

  function fail(operation: string, key: string, status: number, text: string): never {
    throw new Error(`S3 ${operation} ${key} failed: HTTP ${status} ${text.slice(0, 300)}`);
  }

  /** S3 may answer CompleteMultipartUpload 200 with an error document (see the API reference). */
  function outcomeOf(operation: string, key: string, status: number, text: string): S3Outcome {
    const refusal = readS3Refusal(text);
    if (refusal === null && status >= 200 && status < 300) return { ok: true };
    if (refusal !== null && CLIENT_CODES.includes(refusal.code)) return refusal;
    return fail(operation, key, status, text);
  }

  return {
    create: async function createMultipartUpload(key, contentType, checksumAlgorithm) {
      const headers: Record<string, string> = { 'content-type': contentType };
      if (checksumAlgorithm !== null) headers['x-amz-checksum-algorithm'] = checksumAlgorithm;
      const { status, text } = await call(key, 'POST', { uploads: '' }, headers);
      const uploadId = element(text, 'UploadId');
      if (status !== 200 || uploadId === undefined || uploadId === '') fail('CreateMultipartUpload', key, status, text);
      return unescapeXml(uploadId);
    },
    listParts: async function listParts(key, uploadId) {
      const parts: ListedPart[] = [];
      let marker = '0';
      // ListParts answers at most 1,000 parts per page; a 10,000-part upload takes 10 pages.
      for (let page = 0; page < 11; page += 1) {
        const { status, text } = await call(key, 'GET', { uploadId, 'max-parts': '1000', 'part-number-marker': marker });
        if (status !== 200) fail('ListParts', key, status, text);
        for (const part of elements(text, 'Part')) {
          parts.push({ partNumber: Number(element(part, 'PartNumber')), etag: unescapeXml(element(part, 'ETag') ?? ''), size: Number(element(part, 'Size')) });
        }
        if (element(text, 'IsTruncated') !== 'true') return parts;
        marker = element(text, 'NextPartNumberMarker') ?? '0';
      }
      return parts;
    },
    complete: async function completeMultipartUpload(key, uploadId, parts) {
      const body =
        '<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        parts
          .map(
            (p) =>
              `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${escapeXml(p.etag)}</ETag>` +
              (p.checksumSha256 === null ? '' : `<ChecksumSHA256>${escapeXml(p.checksumSha256)}</ChecksumSHA256>`) +
              '</Part>',
          )
          .join('') +
        '</CompleteMultipartUpload>';
      // Write-once, as the single-PUT ticket (`If-None-Match: *`): https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
      const { status, text } = await call(key, 'POST', { uploadId }, { 'content-type': 'application/xml', 'if-none-match': '*' }, body);
      return outcomeOf('CompleteMultipartUpload', key, status, text);
    },
    abort: async function abortMultipartUpload(key, uploadId) {
      const { status, text } = await call(key, 'DELETE', { uploadId });
      const outcome = outcomeOf('AbortMultipartUpload', key, status, text);
      // Already aborted or completed: nothing left to abort.
      return !outcome.ok && outcome.code === 'NoSuchUpload' ? { ok: true } : outcome;
    },
  };
}
