/**
 * S3's error responses, as S3 writes them: `<Error><Code>…</Code><Message>…</Message>…<RequestId>…
 * </RequestId><HostId>…</HostId></Error>` with the HTTP status S3 uses for the code.
 *
 * Sources for codes, statuses and messages: the S3 API reference "Error responses" list
 * (docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html) and S3 responses quoted in public
 * issue threads (aws-sdk-js #3493 and aws-sdk-php #1333 for "Request has expired", aws-sdk-js-v3 #3906
 * for HeadersNotSigned, bryanjos/aws_auth #31 for the X-Amz-Expires limit, versitygw #1694 and
 * aws-sdk-ruby #3322 for BadDigest with flexible checksums).
 */
import { randomBytes } from 'node:crypto';
import { defineBrandedError, hasErrorBrand } from '../../api/branded-error.ts';

/** S3 error codes this store answers with, and their HTTP status. */
export const S3_ERROR_STATUS = {
  AccessDenied: 403,
  AccessForbidden: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  BadRequest: 400,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  InvalidRange: 416,
  InvalidDigest: 400,
  InvalidRequest: 400,
  InvalidURI: 400,
  MalformedXML: 400,
  MissingContentLength: 411,
  NoSuchUpload: 404,
  NotImplemented: 501,
  PreconditionFailed: 412,
  RequestTimeout: 400,
  RequestTimeTooSkewed: 403,
  SignatureDoesNotMatch: 403,
  XAmzContentSHA256Mismatch: 400,
} as const;

export type S3ErrorCode = keyof typeof S3_ERROR_STATUS;

/** An S3 error with its wire shape. `detail` becomes extra elements after `<Message>`, in order. Recognised by brand (STYLE 7). */
export class S3Error extends defineBrandedError('S3Error') {
  readonly status: number;

  constructor(
    readonly code: S3ErrorCode,
    message: string,
    readonly detail: readonly (readonly [string, string])[] = [],
  ) {
    super(message);
    this.status = S3_ERROR_STATUS[code];
  }
}

export function isS3Error(e: unknown): e is S3Error {
  return hasErrorBrand(e, 'S3Error');
}

/** S3 request ids are 16 upper-case hex-like characters. */
export function createRequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

/** The `x-amz-id-2` / `<HostId>` value: an opaque base64 token. */
export function createHostId(): string {
  return randomBytes(48).toString('base64');
}

/** The one formatter for S3 errors (STYLE 6). */
export function formatS3ErrorXml(error: S3Error, requestId: string, hostId: string): string {
  const elements: (readonly [string, string])[] = [['Code', error.code], ['Message', error.message], ...error.detail, ['RequestId', requestId], ['HostId', hostId]];
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' +
    elements.map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`).join('') +
    '</Error>'
  );
}

/** Escapes markup; characters XML 1.0 cannot carry at all (NUL, most C0 controls, lone surrogates) become U+FFFD. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c).replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '\ufffd');
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
