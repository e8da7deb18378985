/**
 * The SigV4 string to sign, signing key and signature, and their constant-time comparison.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html ("Create a string to
 * sign", "Calculate the signature"); checked against AWS's published examples in
 * `test/unit/sigv4/aws-test-suite.test.ts`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The only algorithm SigV4 verifiers here accept (`Authorization` prefix, `X-Amz-Algorithm`). */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** The payload hash line of a request whose body is not signed (presigned URLs, S3 `x-amz-content-sha256`). */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** The last part of every credential scope. */
export const SCOPE_TERMINAL = 'aws4_request';

export function sha256Hex(value: string | Uint8Array): string {
  return createHash('sha256').update(value).digest('hex');
}

function hmac(key: string | Buffer, value: string): Buffer {
  return createHmac('sha256', key).update(value, 'utf8').digest();
}

/** `<date>/<region>/<service>/aws4_request`. */
export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/${SCOPE_TERMINAL}`;
}

/** Algorithm, request time (`yyyymmddThhmmssZ`), scope and the hex SHA-256 of the canonical request, joined by newlines. */
export function createStringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return [SIGV4_ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
}

/** The HMAC chain `AWS4<secret>` → date → region → service → `aws4_request`. */
export function deriveSigningKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const kDate = hmac(`AWS4${secretAccessKey}`, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, SCOPE_TERMINAL);
}

export interface SigningKeyCacheOptions {
  /** Keys kept; the oldest is dropped past this. A key is valid for one date, region and service. @default 50 (as `@smithy/signature-v4`) */
  readonly maxEntries?: number;
}

/** Signing keys by secret, date, region and service. */
export type SigningKeys = (secretAccessKey: string, date: string, region: string, service: string) => Buffer;

/** A small cache in front of `deriveSigningKey`: a key changes once a day, while a verifier checks every request. */
export function createSigningKeyCache(options: SigningKeyCacheOptions = {}): SigningKeys {
  const maxEntries = options.maxEntries ?? 50;
  const keys = new Map<string, Buffer>();
  return function cachedSigningKey(secretAccessKey, date, region, service) {
    const id = `${date}\n${region}\n${service}\n${secretAccessKey}`;
    const cached = keys.get(id);
    if (cached !== undefined) return cached;
    const key = deriveSigningKey(secretAccessKey, date, region, service);
    if (keys.size >= maxEntries) {
      const oldest = keys.keys().next();
      if (oldest.done !== true) keys.delete(oldest.value);
    }
    keys.set(id, key);
    return key;
  };
}

const SHARED_SIGNING_KEYS = createSigningKeyCache();

/** The hex signature of `stringToSign` under the signing key of `secretAccessKey` for that date, region and service. */
export function calculateSignature(
  secretAccessKey: string,
  date: string,
  region: string,
  service: string,
  stringToSign: string,
  signingKeys: SigningKeys = SHARED_SIGNING_KEYS,
): string {
  return createHmac('sha256', signingKeys(secretAccessKey, date, region, service)).update(stringToSign, 'utf8').digest('hex');
}

/** Compares two signatures as strings, in time that does not depend on where they differ. */
export function signaturesMatch(expected: string, provided: string): boolean {
  const left = Buffer.from(expected, 'utf8');
  const right = Buffer.from(provided, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
