/**
 * Checks an AWS Signature Version 4 `Authorization` header the way AWS does for AppSync (service
 * `appsync`): known access key, credential scope, request time within 15 minutes, session token, and
 * the signature recomputed over the canonical request including the hash of the exact body bytes.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 * The SigV4 arithmetic is `local/sigv4/`; this file holds AppSync's checks and error texts
 * (docs/APPSYNC-BEHAVIOUR.md#iam-sigv4).
 */
import type { AwsCredentials } from '../config.ts';
import { AppSyncHttpError, HTTP_ERROR_MESSAGE, HTTP_ERROR_TYPE } from '../http/http-error.ts';
import { formatAmzDate, parseAmzDate, parseAuthorizationFields, parseCredential } from '../sigv4/authorization.ts';
import { canonicalQueryString, canonicalUri, createCanonicalRequest, parseQuery } from '../sigv4/canonical-request.ts';
import { SCOPE_TERMINAL, SIGV4_ALGORITHM, calculateSignature, credentialScope, createStringToSign, sha256Hex, signaturesMatch } from '../sigv4/signature.ts';

export { SIGV4_ALGORITHM } from '../sigv4/signature.ts';

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
  const parts = parseAuthorizationFields(header.slice(SIGV4_ALGORITHM.length + 1));
  const credential = parts.get('Credential');
  const signedHeaders = parts.get('SignedHeaders');
  const signature = parts.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw new AppSyncHttpError(400, HTTP_ERROR_TYPE.BAD_REQUEST, "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.");
  }
  const scope = parseCredential(credential);
  if (!scope || !scope.accessKeyId || !scope.date || !scope.region || !scope.service || scope.terminal !== SCOPE_TERMINAL) {
    throw new AppSyncHttpError(400, HTTP_ERROR_TYPE.BAD_REQUEST, `Credential should be scoped to a valid region, service and date. Received: ${credential.split('/').slice(1).join('/')}`);
  }
  const { accessKeyId, date, region, service } = scope;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature: signature.toLowerCase() };
}

/** The request time from `x-amz-date` (or `date`), within 15 minutes of `now`; throws AppSync's 403 otherwise. */
function checkRequestTime(request: SignedRequest, parsed: ParsedAuthorization, now: Date): string {
  const amzDate = request.headers['x-amz-date'] ?? request.headers['date'] ?? '';
  const signedAt = parseAmzDate(amzDate);
  if (Number.isNaN(signedAt.getTime()) || (!parsed.signedHeaders.includes('x-amz-date') && !parsed.signedHeaders.includes('date'))) {
    throw invalidSignature("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (amzDate.slice(0, 8) !== parsed.date) throw invalidSignature(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parsed.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
  const skew = signedAt.getTime() - now.getTime();
  if (Math.abs(skew) > MAX_SKEW_MS) {
    const bound = formatAmzDate(new Date(now.getTime() + (skew < 0 ? -MAX_SKEW_MS : MAX_SKEW_MS)));
    throw invalidSignature(`Signature ${skew < 0 ? 'expired' : 'not yet current'}: ${amzDate} is now ${skew < 0 ? 'earlier' : 'later'} than ${bound} (${formatAmzDate(now)} ${skew < 0 ? '-' : '+'} 15 min.)`);
  }
  return amzDate;
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
  const amzDate = checkRequestTime(request, parsed, options.now);
  const securityToken = request.headers['x-amz-security-token'];
  if ((credentials.sessionToken ?? undefined) !== securityToken) throw unrecognizedClient();

  // No prototype: a header named `__proto__` is just a name.
  const headers: Record<string, readonly string[]> = Object.create(null) as Record<string, readonly string[]>;
  for (const name of parsed.signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) throw invalidSignature();
    headers[name] = [value];
  }
  // AppSync signs the body: a declared payload hash must be the hash of the bytes received.
  const payloadHash = sha256Hex(request.body);
  const declaredHash = request.headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== payloadHash) throw invalidSignature();
  const canonicalRequest = createCanonicalRequest({
    method: request.method.toUpperCase(),
    canonicalUri: canonicalUri(request.path),
    canonicalQuery: canonicalQueryString(parseQuery(request.query)),
    signedHeaders: parsed.signedHeaders,
    headers,
    payloadHash,
  });
  const stringToSign = createStringToSign(amzDate, credentialScope(parsed.date, parsed.region, parsed.service), canonicalRequest);
  const expected = calculateSignature(credentials.secretAccessKey, parsed.date, parsed.region, parsed.service, stringToSign);
  if (!signaturesMatch(expected, parsed.signature)) throw invalidSignature();
  return { accessKeyId: parsed.accessKeyId, region: parsed.region };
}
