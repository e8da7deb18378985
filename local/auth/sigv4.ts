/**
 * Checks an AWS Signature Version 4 `Authorization` header the way AWS does for AppSync (service
 * `appsync`): known access key, credential scope, request time within 15 minutes, session token, and
 * the signature recomputed over the canonical request including the hash of the exact body bytes.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AwsCredentials } from '../config.ts';
import { AppSyncHttpError, HTTP_ERROR_MESSAGE, HTTP_ERROR_TYPE } from '../http/http-error.ts';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** AWS accepts signatures made up to 15 minutes before or after its clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;

export interface SignedRequest {
  readonly method: string;
  /** The path as sent, still percent-encoded, e.g. `/graphql`. */
  readonly path: string;
  /** The raw query string, without `?`. */
  readonly query: string;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}

export interface SigV4Options {
  readonly credentials: readonly AwsCredentials[];
  readonly service: string;
  /** The API's region; a credential scoped to another region is refused, as AWS does. @default any region */
  readonly region?: string;
  readonly now: Date;
}

export interface VerifiedSigner {
  readonly accessKeyId: string;
  readonly region: string;
}

interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

function invalidSignature(message: string = HTTP_ERROR_MESSAGE.SIGNATURE_MISMATCH): AppSyncHttpError {
  return new AppSyncHttpError(403, HTTP_ERROR_TYPE.INVALID_SIGNATURE, message);
}

function unrecognizedClient(): AppSyncHttpError {
  return new AppSyncHttpError(403, HTTP_ERROR_TYPE.UNRECOGNIZED_CLIENT, HTTP_ERROR_MESSAGE.INVALID_SECURITY_TOKEN);
}

/** Parses `AWS4-HMAC-SHA256 Credential=AKID/20250301/us-east-1/appsync/aws4_request, SignedHeaders=a;b, Signature=hex`. */
export function parseSigV4Authorization(header: string): ParsedAuthorization {
  if (!header.startsWith(`${SIGV4_ALGORITHM} `)) throw new AppSyncHttpError(400, HTTP_ERROR_TYPE.BAD_REQUEST, `Authorization header requires the ${SIGV4_ALGORITHM} algorithm.`);
  const parts = new Map<string, string>();
  for (const piece of header.slice(SIGV4_ALGORITHM.length + 1).split(',')) {
    const eq = piece.indexOf('=');
    if (eq > 0) parts.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim());
  }
  const credential = parts.get('Credential');
  const signedHeaders = parts.get('SignedHeaders');
  const signature = parts.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw new AppSyncHttpError(400, HTTP_ERROR_TYPE.BAD_REQUEST, "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.");
  }
  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request') {
    throw new AppSyncHttpError(400, HTTP_ERROR_TYPE.BAD_REQUEST, `Credential should be scoped to a valid region, service and date. Received: ${credential.split('/').slice(1).join('/')}`);
  }
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature: signature.toLowerCase() };
}

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept, everything else %XX upper-case). */
function awsUriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Non-S3 services normalise the path and encode each segment of the (already encoded) path again. */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const joined = `/${segments.map(awsUriEncode).join('/')}`;
  return path.endsWith('/') && segments.length > 0 ? `${joined}/` : joined;
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      return [awsUriEncode(safeDecode(key.replace(/\+/g, ' '))), awsUriEncode(safeDecode(value.replace(/\+/g, ' ')))] as const;
    })
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** `yyyymmddThhmmssZ` -> Date, or null. */
function parseAmzDate(value: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Verifies the request's SigV4 signature; throws a 403 (or 400 for a malformed header) otherwise. */
export function verifySigV4(request: SignedRequest, options: SigV4Options): VerifiedSigner {
  const authorization = request.headers['authorization'] ?? '';
  const parsed = parseSigV4Authorization(authorization);
  const credentials = options.credentials.find((c) => c.accessKeyId === parsed.accessKeyId);
  if (!credentials) throw unrecognizedClient();
  if (parsed.service !== options.service) throw invalidSignature(`Credential should be scoped to correct service: '${options.service}'.`);
  if (options.region !== undefined && parsed.region !== options.region) throw invalidSignature('Credential should be scoped to a valid region.');

  // SigV4 requires the host header to be signed
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html); AWS answers
  // InvalidSignatureException "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
  if (!parsed.signedHeaders.includes('host')) throw invalidSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  const amzDate = request.headers['x-amz-date'] ?? request.headers['date'] ?? '';
  const signedAt = parseAmzDate(amzDate);
  if (!signedAt || (!parsed.signedHeaders.includes('x-amz-date') && !parsed.signedHeaders.includes('date'))) {
    throw invalidSignature("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (amzDate.slice(0, 8) !== parsed.date) throw invalidSignature(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parsed.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
  const skew = signedAt.getTime() - options.now.getTime();
  if (Math.abs(skew) > MAX_SKEW_MS) {
    const bound = formatAmzDate(new Date(options.now.getTime() + (skew < 0 ? -MAX_SKEW_MS : MAX_SKEW_MS)));
    throw invalidSignature(`Signature ${skew < 0 ? 'expired' : 'not yet current'}: ${amzDate} is now ${skew < 0 ? 'earlier' : 'later'} than ${bound} (${formatAmzDate(options.now)} ${skew < 0 ? '-' : '+'} 15 min.)`);
  }
  const securityToken = request.headers['x-amz-security-token'];
  if ((credentials.sessionToken ?? undefined) !== securityToken) throw unrecognizedClient();

  const headerLines: string[] = [];
  for (const name of parsed.signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) throw invalidSignature();
    headerLines.push(`${name}:${value.trim().replace(/\s+/g, ' ')}\n`);
  }
  // AppSync signs the body: a declared payload hash must be the hash of the bytes received.
  const payloadHash = sha256Hex(request.body);
  const declaredHash = request.headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== payloadHash) throw invalidSignature();
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(request.path),
    canonicalQuery(request.query),
    headerLines.join(''),
    parsed.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${parsed.date}/${parsed.region}/${parsed.service}/aws4_request`;
  const stringToSign = [SIGV4_ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, parsed.date), parsed.region), parsed.service), 'aws4_request');
  const expected = createHmac('sha256', signingKey).update(stringToSign).digest();
  const given = Buffer.from(parsed.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidSignature();
  return { accessKeyId: parsed.accessKeyId, region: parsed.region };
}
