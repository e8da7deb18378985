/**
 * AWS Signature Version 4 canonicalization, as S3 applies it (pure functions, no I/O).
 *
 * S3 differs from other services in two ways: the path is URI-encoded once (not twice) and is not
 * normalised (`//` and `.` segments stay), and the payload hash line is the value of
 * `x-amz-content-sha256` (or `UNSIGNED-PAYLOAD` for presigned URLs).
 * Source: docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html and
 * …/sigv4-query-string-auth.html; checked against `@smithy/signature-v4` in `test/unit/s3/`.
 */
import { createHash, createHmac } from 'node:crypto';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** RFC 3986 encoding as SigV4 requires: every byte except `A-Z a-z 0-9 - _ . ~` becomes `%XX`. */
export function uriEncode(value: string, encodeSlash: boolean): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (c === '/' && !encodeSlash)) out += c;
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Decodes `%XX` escapes; a malformed escape is kept as it is (S3 then fails the signature). */
function decodeLenient(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The canonical URI of a raw request path (as received, percent-encoded): each segment is decoded
 * and encoded again strictly, so `(`, `!` or a space arrive as `%28`, `%21`, `%20` whatever
 * the client sent. An encoded slash (`%2F`) inside a segment stays encoded.
 */
export function canonicalUri(rawPath: string): string {
  if (rawPath === '') return '/';
  return rawPath
    .split('/')
    .map((segment) => uriEncode(decodeLenient(segment), true))
    .join('/');
}

/** Query parameters of a raw query string (without `?`), decoded, in order. `+` means a space. */
export function parseQuery(rawQuery: string): [string, string][] {
  if (rawQuery === '') return [];
  return rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const key = eq === -1 ? part : part.slice(0, eq);
      const value = eq === -1 ? '' : part.slice(eq + 1);
      return [decodeLenient(key.replace(/\+/g, ' ')), decodeLenient(value.replace(/\+/g, ' '))];
    });
}

/** Sorted `key=value` pairs joined by `&`, both encoded; `omit` names a parameter left out (the signature). */
export function canonicalQueryString(params: readonly (readonly [string, string])[], omit?: string): string {
  return params
    .filter(([key]) => key !== omit)
    .map(([key, value]) => [uriEncode(key, true), uriEncode(value, true)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

/** Header values as SigV4 canonicalizes them: trimmed, inner runs of spaces collapsed, repeats joined by `,`. */
export function canonicalHeaderValue(values: readonly string[]): string {
  return values.map((value) => value.trim().replace(/\s+/g, ' ')).join(',');
}

export interface CanonicalRequestParts {
  readonly method: string;
  readonly canonicalUri: string;
  readonly canonicalQuery: string;
  /** Lower-case header names, in the order the client listed them in SignedHeaders. */
  readonly signedHeaders: readonly string[];
  /** Values by lower-case name (repeated headers in order); a missing header canonicalizes as empty. */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
  readonly payloadHash: string;
}

export function createCanonicalRequest(parts: CanonicalRequestParts): string {
  const headerLines = parts.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(parts.headers[name] ?? [])}\n`).join('');
  return [parts.method, parts.canonicalUri, parts.canonicalQuery, headerLines, parts.signedHeaders.join(';'), parts.payloadHash].join('\n');
}

/** `<date>/<region>/<service>/aws4_request`. */
export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/aws4_request`;
}

export function createStringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return [SIGV4_ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
}

/** HMAC chain `AWS4<secret>` → date → region → service → `aws4_request`, then the hex signature. */
export function calculateSignature(secretAccessKey: string, date: string, region: string, service: string, stringToSign: string): string {
  const kDate = hmac(`AWS4${secretAccessKey}`, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  const kSigning = hmac(kService, 'aws4_request');
  return createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
}

export function sha256Hex(value: string | Uint8Array): string {
  return createHash('sha256').update(value).digest('hex');
}

function hmac(key: string | Buffer, value: string): Buffer {
  return createHmac('sha256', key).update(value, 'utf8').digest();
}
