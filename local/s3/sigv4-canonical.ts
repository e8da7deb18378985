/**
 * AWS Signature Version 4 canonicalization, as S3 applies it: `local/sigv4/` with S3's path rules.
 *
 * S3 differs from other services in two ways: the path is URI-encoded once (not twice) and is not
 * normalised (`//` and `.` segments stay), and the payload hash line is the value of
 * `x-amz-content-sha256` (or `UNSIGNED-PAYLOAD` for presigned URLs).
 * Source: docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html and
 * …/sigv4-query-string-auth.html; checked against `@smithy/signature-v4` in `test/unit/s3/`.
 */
import { canonicalUri as canonicalUriFor } from '../sigv4/canonical-request.ts';

export { canonicalHeaderValue, canonicalQueryString, createCanonicalRequest, parseQuery, uriEncode, type CanonicalRequestParts } from '../sigv4/canonical-request.ts';
export { SIGV4_ALGORITHM, UNSIGNED_PAYLOAD, calculateSignature, createStringToSign, credentialScope, sha256Hex } from '../sigv4/signature.ts';

/**
 * The canonical URI of a raw request path (as received, percent-encoded): each segment is decoded
 * and encoded again strictly, so `(`, `!` or a space arrive as `%28`, `%21`, `%20` whatever
 * the client sent. An encoded slash (`%2F`) inside a segment stays encoded.
 */
export function canonicalUri(rawPath: string): string {
  return canonicalUriFor(rawPath, { s3: true });
}
