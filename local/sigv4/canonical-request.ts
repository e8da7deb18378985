/**
 * The SigV4 canonical request, as a verifier rebuilds it from what it received (pure functions, no
 * I/O): one URI encoder, the canonical URI, the canonical query string and the canonical headers.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html ("Create a canonical
 * request"). S3's path rules differ and are an option: S3 encodes the path once and does not
 * normalise it (docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html); every other
 * service normalises the path and encodes it twice.
 *
 * Signing requests is left to `@smithy/signature-v4` (`sdk-signer.ts`). Its canonicalisation is not
 * used here: its functions are async, sort SignedHeaders instead of keeping the client's order, fold
 * header whitespace differently and always drop `X-Amz-Signature` from the query, so they would not
 * rebuild byte for byte the canonical request a verifier must check (and quote back in its errors).
 */

const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;

/** RFC 3986 encoding as SigV4 requires: every UTF-8 byte except `A-Z a-z 0-9 - _ . ~` becomes `%XX`; `/` stays unless `encodeSlash`. */
export function uriEncode(value: string, encodeSlash: boolean): string {
  if (UNRESERVED.test(value)) return value;
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (UNRESERVED.test(c) || (c === '/' && !encodeSlash)) out += c;
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Decodes `%XX` escapes; a malformed escape is kept as it is (the signature then fails, as at AWS). */
export function decodeLenient(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** How the path becomes the canonical URI. */
export interface CanonicalUriOptions {
  /**
   * S3's rules: each segment of the raw path is decoded and encoded once, strictly, and nothing is
   * normalised (`//` and `.` segments stay). Otherwise the path is normalised (empty and `.` segments
   * dropped, `..` removes the previous one) and each segment of the already encoded path is encoded
   * again. @default false
   */
  readonly s3?: boolean;
}

/** The canonical URI of a raw request path (as received, percent-encoded). */
export function canonicalUri(rawPath: string, options: CanonicalUriOptions = {}): string {
  if (options.s3 === true) {
    if (rawPath === '') return '/';
    return rawPath
      .split('/')
      .map((segment) => uriEncode(decodeLenient(segment), true))
      .join('/');
  }
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const joined = `/${segments.map((segment) => uriEncode(segment, true)).join('/')}`;
  return rawPath.endsWith('/') && segments.length > 0 ? `${joined}/` : joined;
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

/** Sorted `key=value` pairs joined by `&`, both encoded; `omit` names a parameter left out (the signature of a presigned URL). */
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

/** Method, URI, query, `name:value` lines, the SignedHeaders list and the payload hash, joined by newlines. */
export function createCanonicalRequest(parts: CanonicalRequestParts): string {
  const headerLines = parts.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(parts.headers[name] ?? [])}\n`).join('');
  return [parts.method, parts.canonicalUri, parts.canonicalQuery, headerLines, parts.signedHeaders.join(';'), parts.payloadHash].join('\n');
}
