/**
 * Transport-level failures (non-200) with AppSync's envelope and the `x-amzn-ErrorType` header
 * (docs/APPSYNC-BEHAVIOUR.md#http-responses-and-status-codes). Auth raises them too; the realtime
 * transport turns them into `connection_error`/`error` frames carrying `errorCode` = status
 * (docs/APPSYNC-BEHAVIOUR.md#realtime-errors).
 */
import { STATUS_CODES } from 'node:http';
import { defineBrandedError, hasErrorBrand } from '../../api/branded-error.ts';

/** AppSync's error types for transport failures, spelled as AppSync spells them. */
export const HTTP_ERROR_TYPE = {
  MALFORMED: 'MalformedHttpRequestException',
  UNAUTHORIZED: 'UnauthorizedException',
  /** 403 with AppSync's name for it (docs.aws.amazon.com/appsync/latest/APIReference/CommonErrors.html). */
  ACCESS_DENIED: 'AccessDeniedException',
  UNRECOGNIZED_CLIENT: 'UnrecognizedClientException',
  INVALID_SIGNATURE: 'InvalidSignatureException',
  BAD_REQUEST: 'BadRequestException',
  NOT_FOUND: 'NotFoundException',
  PAYLOAD_TOO_LARGE: 'PayloadTooLargeException',
  INTERNAL: 'InternalFailureException',
} as const;

// Laid out like cognito/cognito-error.ts (types, then messages, then a branded class on
// api/branded-error.ts), but not shared: AppSync and Cognito name and word their errors differently,
// and each wire format keeps its own closed list and formatter (STYLE 6).
export type HttpErrorType = (typeof HTTP_ERROR_TYPE)[keyof typeof HTTP_ERROR_TYPE];

/** Messages observed from AppSync (docs/APPSYNC-BEHAVIOUR.md#http-responses-and-status-codes), reused wherever the same failure happens. */
export const HTTP_ERROR_MESSAGE = {
  EMPTY_BODY: 'Request body is empty.',
  UNPARSABLE: 'Unable to parse GraphQL query.',
  MISSING_AUTH: 'Missing authorization header',
  NOT_AUTHORIZED: 'You are not authorized to make this call.',
  INVALID_AUTH_HEADER: 'Valid authorization header not provided.',
  UNPARSABLE_JWT: 'Unable to parse JWT token.',
  /** Chosen by us: the live wording is not public (docs/APPSYNC-BEHAVIOUR.md#http-responses-and-status-codes, row "expired token"). */
  TOKEN_EXPIRED: 'Token has expired.',
  INVALID_SECURITY_TOKEN: 'The security token included in the request is invalid.',
  SIGNATURE_MISMATCH:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
} as const;

/** A transport failure with its status and `errorType`. Recognised by brand (STYLE 7). */
export class AppSyncHttpError extends defineBrandedError('AppSyncHttpError') {
  constructor(
    readonly status: number,
    readonly errorType: HttpErrorType,
    message: string,
  ) {
    super(message);
  }
}

export function isAppSyncHttpError(e: unknown): e is AppSyncHttpError {
  return hasErrorBrand(e, 'AppSyncHttpError');
}

export function unauthorized(message: string = HTTP_ERROR_MESSAGE.NOT_AUTHORIZED): AppSyncHttpError {
  return new AppSyncHttpError(401, HTTP_ERROR_TYPE.UNAUTHORIZED, message);
}

/** AppSync's minimal envelope for a transport failure, as JSON text. */
export function httpErrorBody(error: AppSyncHttpError): string {
  return JSON.stringify({ errors: [{ errorType: error.errorType, message: error.message }] });
}

/** The one formatter for transport failures: AppSync's minimal envelope plus `x-amzn-ErrorType`. */
export function formatHttpError(error: AppSyncHttpError, headers: HeadersInit = {}): Response {
  const out = new Headers(headers);
  out.set('content-type', 'application/json;charset=UTF-8');
  out.set('x-amzn-ErrorType', error.errorType);
  return new Response(httpErrorBody(error), { status: error.status, headers: out });
}

/**
 * The same answer written straight to a socket that has no `ServerResponse` (a refused upgrade, a
 * request Node's parser gave up on), then the socket is ended.
 */
export function endSocketWithHttpError(socket: { end(data: string): unknown }, error: AppSyncHttpError): void {
  const body = httpErrorBody(error);
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\ncontent-type: application/json;charset=UTF-8\r\n` +
      `x-amzn-ErrorType: ${error.errorType}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
