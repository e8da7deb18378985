/**
 * Checks an S3 request's SigV4 authentication as S3 does, over a parsed request head (no sockets):
 * presigned query parameters or the `Authorization` header, expiry and clock skew, every signed
 * header, and which headers must have been signed. Returns what the body must then satisfy
 * (`payload-expectation.ts`), which `payload-verifier.ts` checks while streaming. The SigV4
 * arithmetic is `local/sigv4/` with S3's path rules.
 *
 * Error codes and messages are S3's (see `s3-errors.ts` for sources). Where S3's exact text is not
 * recorded the message says so in the code comment.
 */
import { S3Error } from './s3-errors.ts';
import { STREAMING_UNSIGNED_TRAILER, payloadExpectation, type PayloadExpectation } from './payload-expectation.ts';
import {
  PRESIGN_PARAMETERS,
  formatAmzDate,
  parseAmzDate,
  parseAuthorizationFields,
  parseCredential as splitCredential,
  readPresignedParameters,
} from '../sigv4/authorization.ts';
import { canonicalQueryString, canonicalUri, createCanonicalRequest, parseQuery } from '../sigv4/canonical-request.ts';
import { SIGV4_ALGORITHM, UNSIGNED_PAYLOAD, calculateSignature, createStringToSign, credentialScope, signaturesMatch } from '../sigv4/signature.ts';

export { PRESIGN_PARAMETERS, parseAmzDate } from '../sigv4/authorization.ts';
export type { PayloadExpectation } from './payload-expectation.ts';

/** What the verifier reads of a request. */
export interface S3RequestHead {
  readonly method: string;
  /** The request target as received (`req.url`): percent-encoded path, then `?` and the raw query. */
  readonly url: string;
  /** Values by lower-case name, repeated headers in order (node's `req.headersDistinct`). */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
}

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface VerifyOptions {
  /** Credentials whose signatures are accepted. */
  readonly credentials: readonly SigningCredentials[];
  /** The bucket's region; the credential scope must name it. */
  readonly region: string;
  readonly now: Date;
}

export interface VerifiedRequest {
  readonly accessKeyId: string;
  readonly authentication: 'query' | 'header';
  /** The request path, raw, and its query parameters without the SigV4 ones. */
  readonly rawPath: string;
  readonly query: readonly (readonly [string, string])[];
  readonly payload: PayloadExpectation;
}

const PRESIGN_PARAMETER_NAMES = new Set<string>(PRESIGN_PARAMETERS.map((name) => name.toLowerCase()));

/** S3 answers "Request has expired" past X-Amz-Date + X-Amz-Expires; the longest allowed is a week. */
export const MAX_PRESIGN_EXPIRES_SECONDS = 604_800;
/** S3 refuses header-signed requests more than 15 minutes off its clock (RequestTimeTooSkewed). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const STREAMING_VALUES = [
  STREAMING_UNSIGNED_TRAILER,
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER',
];

interface SignatureClaim {
  readonly accessKeyId: string;
  readonly scopeDate: string;
  readonly scopeRegion: string;
  readonly scopeService: string;
  readonly scopeTerminal: string;
  readonly amzDate: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  readonly payloadHash: string;
}

/** Verifies the request head; throws an `S3Error` with S3's code when S3 would refuse it. */
export function verifyRequestHead(head: S3RequestHead, options: VerifyOptions): VerifiedRequest {
  const queryStart = head.url.indexOf('?');
  const rawPath = queryStart === -1 ? head.url : head.url.slice(0, queryStart);
  const rawQuery = queryStart === -1 ? '' : head.url.slice(queryStart + 1);
  const params = parseQuery(rawQuery);
  const has = (name: string): boolean => params.some(([key]) => key === name);
  const authorization = firstHeader(head, 'authorization');

  const mechanisms = [authorization !== undefined, has('X-Amz-Algorithm'), has('Signature') || has('AWSAccessKeyId')].filter(Boolean).length;
  if (mechanisms > 1) {
    throw new S3Error(
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      [['ArgumentName', 'Authorization'], ['ArgumentValue', authorization ?? 'null']],
    );
  }
  if (mechanisms === 0) {
    // The bucket is private: an anonymous request is denied.
    throw new S3Error('AccessDenied', 'Access Denied');
  }
  if (has('Signature') || has('AWSAccessKeyId') || (authorization !== undefined && authorization.startsWith('AWS '))) {
    throw new S3Error('InvalidRequest', `The authorization mechanism you have provided is not supported. Please use ${SIGV4_ALGORITHM}.`);
  }

  const query = authorization === undefined;
  const claim = query ? parseQueryClaim(head, params, options) : parseHeaderClaim(head, authorization, options);

  const secret = options.credentials.find((c) => c.accessKeyId === claim.accessKeyId)?.secretAccessKey;
  if (secret === undefined) {
    throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', [['AWSAccessKeyId', claim.accessKeyId]]);
  }
  if (query) assertNotExpired(params, claim, options.now);
  assertHeadersSigned(head, claim.signedHeaders);

  const canonicalRequest = createCanonicalRequest({
    method: head.method.toUpperCase(),
    canonicalUri: canonicalUri(rawPath, { s3: true }),
    canonicalQuery: canonicalQueryString(params, query ? 'X-Amz-Signature' : undefined),
    signedHeaders: claim.signedHeaders,
    headers: head.headers,
    payloadHash: claim.payloadHash,
  });
  const scope = credentialScope(claim.scopeDate, claim.scopeRegion, claim.scopeService);
  const stringToSign = createStringToSign(claim.amzDate, scope, canonicalRequest);
  const expected = calculateSignature(secret, claim.scopeDate, claim.scopeRegion, claim.scopeService, stringToSign);
  if (!signaturesMatch(expected, claim.signature)) {
    throw new S3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', [
      ['AWSAccessKeyId', claim.accessKeyId],
      ['StringToSign', stringToSign],
      ['SignatureProvided', claim.signature],
      ['StringToSignBytes', hexBytes(stringToSign)],
      ['CanonicalRequest', canonicalRequest],
      ['CanonicalRequestBytes', hexBytes(canonicalRequest)],
    ]);
  }

  return {
    accessKeyId: claim.accessKeyId,
    authentication: query ? 'query' : 'header',
    rawPath,
    query: params.filter(([key]) => !PRESIGN_PARAMETER_NAMES.has(key.toLowerCase())),
    payload: payloadExpectation(head.method, head.headers, claim.payloadHash),
  };
}


function parseQueryClaim(head: S3RequestHead, params: readonly (readonly [string, string])[], options: VerifyOptions): SignatureClaim {
  const presigned = readPresignedParameters(params);
  if (presigned === undefined) {
    throw queryError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  const { algorithm, credential, amzDate, expires, signedHeaders, signature } = presigned;
  if (algorithm !== SIGV4_ALGORITHM) throw queryError(`X-Amz-Algorithm only supports "${SIGV4_ALGORITHM}"`);
  const scope = checkCredential(credential, options.region, 'Error parsing the X-Amz-Credential parameter; ', queryError);
  if (!/^\d{8}T\d{6}Z$/.test(amzDate)) throw queryError(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  if (amzDate.slice(0, 8) !== scope.scopeDate) throw queryError('Invalid credential date. Date is not the same as X-Amz-Date.');
  if (!/^-?\d+$/.test(expires)) throw queryError('X-Amz-Expires should be a number');
  const seconds = Number(expires);
  if (seconds < 0) throw queryError('X-Amz-Expires must be non-negative');
  if (seconds > MAX_PRESIGN_EXPIRES_SECONDS) {
    throw queryError('X-Amz-Expires must be less than a week (in seconds) that is; the given X-Amz-Expires must be less than 604800 seconds');
  }
  // The payload line of a presigned request: a signed x-amz-content-sha256 header, else the query
  // parameter the SDK adds (`X-Amz-Content-Sha256=UNSIGNED-PAYLOAD`), else UNSIGNED-PAYLOAD.
  const queryPayloadHash = params.find(([key]) => key.toLowerCase() === 'x-amz-content-sha256')?.[1];
  const payloadHash = firstHeader(head, 'x-amz-content-sha256') ?? queryPayloadHash ?? UNSIGNED_PAYLOAD;
  return { ...scope, amzDate, signedHeaders: signedHeaders.split(';'), signature, payloadHash };
}

function parseHeaderClaim(head: S3RequestHead, authorization: string, options: VerifyOptions): SignatureClaim {
  const malformed = (message: string): S3Error => new S3Error('AuthorizationHeaderMalformed', `The authorization header is malformed; ${message}`);
  const [algorithm, ...rest] = authorization.trim().split(/\s+/);
  if (algorithm !== SIGV4_ALGORITHM) {
    throw new S3Error('InvalidArgument', 'Unsupported Authorization Type', [['ArgumentName', 'Authorization'], ['ArgumentValue', authorization]]);
  }
  const fields = parseAuthorizationFields(rest.join(''));
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined) throw malformed('missing Credential.');
  if (signedHeaders === undefined) throw malformed('missing SignedHeaders.');
  if (signature === undefined) throw malformed('missing Signature.');
  const scope = checkCredential(credential, options.region, 'The authorization header is malformed; ', (message, detail) => new S3Error('AuthorizationHeaderMalformed', message, detail));

  const amzDate = firstHeader(head, 'x-amz-date');
  const date = firstHeader(head, 'date');
  const requestTime = amzDate !== undefined ? parseAmzDate(amzDate) : date !== undefined ? new Date(date) : undefined;
  if (requestTime === undefined || Number.isNaN(requestTime.getTime())) {
    throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  }
  const stamp = amzDate ?? formatAmzDate(requestTime);
  if (stamp.slice(0, 8) !== scope.scopeDate) throw malformed('Invalid credential date. Date is not the same as X-Amz-Date.');
  if (Math.abs(options.now.getTime() - requestTime.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw new S3Error('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', [
      ['RequestTime', stamp],
      ['ServerTime', options.now.toISOString().replace(/\.\d{3}Z$/, 'Z')],
      ['MaxAllowedSkewMilliseconds', String(MAX_CLOCK_SKEW_MS)],
    ]);
  }
  return { ...scope, amzDate: stamp, signedHeaders: signedHeaders.split(';'), signature, payloadHash: checkHeaderPayloadHash(head) };
}

/** The `x-amz-content-sha256` of a header-signed request: required, and a hash or one of S3's named values. */
function checkHeaderPayloadHash(head: S3RequestHead): string {
  const payloadHash = firstHeader(head, 'x-amz-content-sha256');
  if (payloadHash === undefined) throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  if (payloadHash !== UNSIGNED_PAYLOAD && !STREAMING_VALUES.includes(payloadHash) && !/^[0-9a-f]{64}$/.test(payloadHash)) {
    throw new S3Error(
      'InvalidArgument',
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
      [['ArgumentName', 'x-amz-content-sha256'], ['ArgumentValue', payloadHash]],
    );
  }
  if (STREAMING_VALUES.includes(payloadHash) && payloadHash !== STREAMING_UNSIGNED_TRAILER) {
    // A local limitation: signed aws-chunked payloads are not decoded (the JS SDK v3 sends the unsigned variant).
    throw new S3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', [['Header', 'x-amz-content-sha256']]);
  }
  return payloadHash;
}

function checkCredential(
  credential: string,
  region: string,
  prefix: string,
  fail: (message: string, detail?: readonly (readonly [string, string])[]) => S3Error,
): Pick<SignatureClaim, 'accessKeyId' | 'scopeDate' | 'scopeRegion' | 'scopeService' | 'scopeTerminal'> {
  const scope = splitCredential(credential);
  if (scope === undefined) throw fail(`${prefix}the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
  const { accessKeyId, date: scopeDate, region: scopeRegion, service: scopeService, terminal: scopeTerminal } = scope;
  if (!/^\d{8}$/.test(scopeDate)) throw fail(`${prefix}incorrect date format "${scopeDate}". This date in the credential must be in the format "yyyyMMdd".`);
  if (scopeRegion !== region) throw fail(`${prefix}the region '${scopeRegion}' is wrong; expecting '${region}'`, [['Region', region]]);
  if (scopeService !== 's3') throw fail(`${prefix}incorrect service "${scopeService}". This endpoint belongs to "s3".`);
  if (scopeTerminal !== 'aws4_request') throw fail(`${prefix}incorrect terminal "${scopeTerminal}". This endpoint uses "aws4_request".`);
  return { accessKeyId, scopeDate, scopeRegion, scopeService, scopeTerminal };
}

function assertNotExpired(params: readonly (readonly [string, string])[], claim: SignatureClaim, now: Date): void {
  const expires = params.find(([key]) => key === 'X-Amz-Expires')?.[1] ?? '0';
  const signedAt = parseAmzDate(claim.amzDate);
  if (Number.isNaN(signedAt.getTime())) throw queryError(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  const expiresAt = new Date(signedAt.getTime() + Number(expires) * 1000);
  const serverTime = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (now.getTime() > expiresAt.getTime()) {
    // S3's observed answer: AccessDenied "Request has expired" with X-Amz-Expires, Expires and ServerTime.
    throw new S3Error('AccessDenied', 'Request has expired', [
      ['X-Amz-Expires', expires],
      ['Expires', expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z')],
      ['ServerTime', serverTime],
    ]);
  }
  if (signedAt.getTime() - now.getTime() > MAX_CLOCK_SKEW_MS) {
    // S3's text for a URL dated in the future is not recorded here; this follows other S3 implementations.
    throw new S3Error('AccessDenied', 'Request is not valid yet', [['ServerTime', serverTime]]);
  }
}

/**
 * S3 refuses a request that carries `x-amz-*` headers it did not sign, and SigV4 requires `host`
 * to be signed whether or not the request carries one
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html: "The host header
 * must be included as a signed header"), so a request without `Host` (HTTP/1.0) cannot drop it
 * from SignedHeaders either. S3's answer: AccessDenied "There were headers present in the request
 * which were not signed" with `<HeadersNotSigned>`.
 */
function assertHeadersSigned(head: S3RequestHead, signedHeaders: readonly string[]): void {
  const present = Object.keys(head.headers).filter((name) => name.startsWith('x-amz-') && head.headers[name] !== undefined);
  const unsigned = [...present, 'host'].filter((name) => !signedHeaders.includes(name)).sort();
  if (unsigned.length > 0) {
    throw new S3Error('AccessDenied', 'There were headers present in the request which were not signed', [['HeadersNotSigned', unsigned.join(', ')]]);
  }
}

function firstHeader(head: S3RequestHead, name: string): string | undefined {
  return head.headers[name]?.[0];
}

function queryError(message: string): S3Error {
  return new S3Error('AuthorizationQueryParametersError', message);
}

function hexBytes(value: string): string {
  return Array.from(Buffer.from(value, 'utf8'), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}
