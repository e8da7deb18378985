/**
 * Presigned S3 URLs with `S3RequestPresigner` on a plain `HttpRequest`: no S3 client, so no client
 * middleware either (the client's flexible-checksum middleware is what adds `x-amz-checksum-crc32` /
 * `x-amz-sdk-checksum-algorithm` to PUT URLs in SDK versions since 3.729).
 *
 * The presigner leaves `content-type` unsigned unless told (`unsignableHeaders.add('content-type')`
 * in its `prepareRequest`), so uploads pass it in `signableHeaders`, with `content-length`,
 * `if-none-match` and the optional `x-amz-checksum-sha256`; the checksum stays a header (unhoisted),
 * which S3 verifies. Only `x-amz-*` headers are ever hoisted into the query, so `if-none-match`
 * stays a header too, listed in X-Amz-SignedHeaders.
 *
 * `If-None-Match: *` makes an upload URL write once: S3 creates the object only if no object has
 * the key, and answers any later PUT with 412 PreconditionFailed without changing the object
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html). A URL is valid for its whole
 * expiry window, so without it the bytes of an asset already READY could be replaced, unchecked.
 * Signed, the header cannot be left out: the signature then no longer matches.
 */
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import type { AwsContext, BucketConfig } from './config.ts';
import { objectRequest, requestUrl } from './s3-object.ts';
import { NodeSha256 } from './sha256.ts';

export interface PresignedRequest {
  readonly url: string;
  /** Headers the client must send exactly as given (host excluded: HTTP clients set it). */
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  readonly expiresAt: string;
}

export interface UploadRequest {
  readonly key: string;
  readonly contentType: string;
  readonly size: number;
  readonly checksumSha256: string | null;
  readonly expiresInSeconds: number;
}

export interface DownloadRequest {
  readonly key: string;
  /** The file name offered to the browser. */
  readonly fileName: string;
  readonly expiresInSeconds: number;
  /**
   * `attachment` (save) or `inline` (show or play, with `contentType` as the response's Content-Type:
   * S3's `response-content-type` override). @default 'attachment'
   */
  readonly disposition?: 'attachment' | 'inline';
  /** The stored content type, sent back for inline URLs. */
  readonly contentType?: string;
}

export interface UploadPartRequest {
  readonly key: string;
  readonly uploadId: string;
  readonly partNumber: number;
  /** The part's exact size, signed as `content-length`. */
  readonly size: number;
  /** Base64 SHA-256 of the part, signed as `x-amz-checksum-sha256` (S3 checks it), or null. */
  readonly checksumSha256: string | null;
  readonly expiresInSeconds: number;
}

export interface Presigner {
  presignUpload(request: UploadRequest): Promise<PresignedRequest>;
  presignDownload(request: DownloadRequest): Promise<PresignedRequest>;
  /**
   * A presigned UploadPart (https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html):
   * `partNumber` and `uploadId` are query parameters, so they are signed; a URL cannot be used for
   * another part, upload or key.
   */
  presignUploadPart(request: UploadPartRequest): Promise<PresignedRequest>;
}

/** `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 §4.3, RFC 5987 / 8187). */
export function attachmentDisposition(fileName: string): string {
  return contentDisposition('attachment', fileName);
}

/** `inline` or `attachment`, with an ASCII fallback and the UTF-8 name (RFC 6266 §4.3, RFC 8187). */
export function contentDisposition(type: 'attachment' | 'inline', fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export function createPresigner(aws: AwsContext, bucketConfig: BucketConfig, now: () => Date): Presigner {
  // URLs name the address clients use; the Lambda's own calls keep `endpoint` (local only, see config.ts).
  const bucket: BucketConfig = bucketConfig.presignEndpoint === undefined ? bucketConfig : { ...bucketConfig, endpoint: bucketConfig.presignEndpoint };
  const presigner = new S3RequestPresigner({
    region: aws.region,
    credentials: aws.credentials,
    sha256: NodeSha256,
  });

  async function presign(
    request: ReturnType<typeof objectRequest>,
    expiresIn: number,
    signedHeaders: readonly string[],
  ): Promise<PresignedRequest> {
    const signingDate = now();
    const signed = await presigner.presign(request, {
      signingDate,
      expiresIn,
      signableHeaders: new Set(signedHeaders),
      unhoistableHeaders: new Set(signedHeaders.filter((name) => name.startsWith('x-amz-'))),
    });
    return {
      url: requestUrl(signed),
      headers: signedHeaders.map((name) => ({ name, value: String(signed.headers[name]) })),
      expiresAt: new Date(Math.floor(signingDate.getTime() / 1000) * 1000 + expiresIn * 1000).toISOString(),
    };
  }

  return {
    presignUpload: function presignUpload({ key, contentType, size, checksumSha256, expiresInSeconds }) {
      const headers: Record<string, string> = { 'content-type': contentType, 'content-length': String(size), 'if-none-match': '*' };
      if (checksumSha256 !== null) {
        headers['x-amz-checksum-sha256'] = checksumSha256;
      }
      const request = objectRequest(bucket, aws.region, key, { method: 'PUT', headers });
      return presign(request, expiresInSeconds, Object.keys(headers));
    },
    presignDownload: function presignDownload({ key, fileName, expiresInSeconds, disposition = 'attachment', contentType }) {
      // Response header overrides: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
      const query: Record<string, string> = { 'response-content-disposition': contentDisposition(disposition, fileName) };
      if (disposition === 'inline' && contentType !== undefined) {
        query['response-content-type'] = contentType;
      }
      const request = objectRequest(bucket, aws.region, key, { method: 'GET', query });
      return presign(request, expiresInSeconds, []);
    },
    presignUploadPart: function presignUploadPart({ key, uploadId, partNumber, size, checksumSha256, expiresInSeconds }) {
      const headers: Record<string, string> = { 'content-length': String(size) };
      if (checksumSha256 !== null) {
        headers['x-amz-checksum-sha256'] = checksumSha256;
      }
      const request = objectRequest(bucket, aws.region, key, { method: 'PUT', headers, query: { partNumber: String(partNumber), uploadId } });
      return presign(request, expiresInSeconds, Object.keys(headers));
    },
  };
}
