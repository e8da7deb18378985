/**
 * What the body of a verified S3 request must satisfy, read from its head: framing (identity or
 * aws-chunked), decoded length, `x-amz-content-sha256`, one `x-amz-checksum-*` header or trailer,
 * and `Content-MD5`. `payload-verifier.ts` checks the body against it while streaming.
 * Error codes and messages are S3's (see `s3-errors.ts` for sources).
 */
import { S3Error } from './s3-errors.ts';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, checksumAlgorithmOfHeader, isValidChecksumValue } from './checksums.ts';

/** Header values by lower-case name, repeated headers in order (node's `req.headersDistinct`). */
export type HeadHeaders = Readonly<Record<string, readonly string[] | undefined>>;

/** What the body of a verified request must satisfy. */
export interface PayloadExpectation {
  /** `identity`, or `aws-chunked` (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`): chunk framing to strip. */
  readonly encoding: 'identity' | 'aws-chunked';
  /** Bytes of the decoded body (`Content-Length`, or `x-amz-decoded-content-length`); undefined when no length was given. */
  readonly decodedLength: number | undefined;
  /** A real `x-amz-content-sha256` (hex) the body must hash to; undefined for UNSIGNED-PAYLOAD and streaming. */
  readonly sha256Hex: string | undefined;
  /** A `x-amz-checksum-*` header the body must match (base64). */
  readonly checksum: { readonly algorithm: ChecksumAlgorithm; readonly value: string } | undefined;
  /** The checksum announced in `x-amz-trailer`, sent after the last aws-chunked chunk. */
  readonly trailerChecksum: ChecksumAlgorithm | undefined;
  /** `Content-MD5` (base64) the body must match. */
  readonly contentMd5: string | undefined;
}

/** The `x-amz-content-sha256` value of an aws-chunked body whose chunks are not signed. */
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

function firstHeader(headers: HeadHeaders, name: string): string | undefined {
  return headers[name]?.[0];
}

/** The expectation for a request with these method and headers, whose payload hash line is `payloadHash`; throws S3's error for a bad header. */
export function payloadExpectation(method: string, headers: HeadHeaders, payloadHash: string): PayloadExpectation {
  const contentEncoding = (firstHeader(headers, 'content-encoding') ?? '').split(',').map((v) => v.trim().toLowerCase());
  const chunked = payloadHash === STREAMING_UNSIGNED_TRAILER || contentEncoding.includes('aws-chunked');
  const lengthHeader = chunked ? firstHeader(headers, 'x-amz-decoded-content-length') : firstHeader(headers, 'content-length');
  const upperMethod = method.toUpperCase();
  const hasBody = upperMethod === 'PUT' || upperMethod === 'POST';
  if (lengthHeader === undefined && hasBody) {
    if (chunked || firstHeader(headers, 'transfer-encoding') !== undefined) {
      throw new S3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.');
    }
  }
  if (lengthHeader !== undefined && !/^\d+$/.test(lengthHeader)) {
    throw new S3Error('InvalidArgument', `Invalid ${chunked ? 'x-amz-decoded-content-length' : 'Content-Length'}`, [['ArgumentValue', lengthHeader]]);
  }

  const checksumHeaders = Object.keys(headers).filter((name) => checksumAlgorithmOfHeader(name) !== undefined && headers[name] !== undefined);
  if (checksumHeaders.length > 1) {
    throw new S3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  }
  let checksum: PayloadExpectation['checksum'];
  const checksumHeader = checksumHeaders[0];
  if (checksumHeader !== undefined) {
    const algorithm = checksumAlgorithmOfHeader(checksumHeader) as ChecksumAlgorithm;
    const value = firstHeader(headers, checksumHeader) ?? '';
    if (!isValidChecksumValue(algorithm, value)) throw new S3Error('InvalidRequest', `Value for ${checksumHeader} header is invalid.`);
    checksum = { algorithm, value };
  }
  const trailer = firstHeader(headers, 'x-amz-trailer')?.trim().toLowerCase();
  const trailerChecksum = trailer === undefined ? undefined : checksumAlgorithmOfHeader(trailer);
  if (trailer !== undefined && trailerChecksum === undefined) {
    throw new S3Error('InvalidRequest', `The value specified in the x-amz-trailer header is not supported`);
  }
  const sdkAlgorithm = firstHeader(headers, 'x-amz-sdk-checksum-algorithm');
  if (sdkAlgorithm !== undefined && checksum === undefined && trailerChecksum === undefined) {
    if (!(CHECKSUM_ALGORITHMS as readonly string[]).includes(sdkAlgorithm.toUpperCase())) {
      throw new S3Error('InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.');
    }
  }
  const contentMd5 = firstHeader(headers, 'content-md5');
  if (contentMd5 !== undefined && Buffer.from(contentMd5, 'base64').length !== 16) {
    throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.', [['Content-MD5', contentMd5]]);
  }
  return {
    encoding: chunked ? 'aws-chunked' : 'identity',
    decodedLength: lengthHeader === undefined ? undefined : Number(lengthHeader),
    sha256Hex: /^[0-9a-f]{64}$/.test(payloadHash) ? payloadHash : undefined,
    checksum,
    trailerChecksum,
    contentMd5,
  };
}
