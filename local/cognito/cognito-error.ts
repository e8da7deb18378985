/**
 * Failures of the local Cognito user-pool API, in Cognito's wire shape: status 400 (500 for an
 * internal error), a JSON body `{"__type": "<Type>", "message": "<text>"}`, and the headers
 * `x-amzn-ErrorType: <Type>:` (with the trailing colon Cognito sends) and `x-amzn-ErrorMessage`.
 * Observed on cognito-idp responses, e.g.
 *   x-amzn-errortype: NotAuthorizedException:
 *   {"__type":"NotAuthorizedException","message":"Incorrect username or password."}
 * Error types and messages: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonErrors.html
 * and each action's "Errors" section in the same API reference.
 */
import { defineBrandedError, hasErrorBrand } from '../../api/branded-error.ts';

/** Cognito's error types, spelled as Cognito spells them. */
export const COGNITO_ERROR_TYPE = {
  NOT_AUTHORIZED: 'NotAuthorizedException',
  USER_NOT_FOUND: 'UserNotFoundException',
  USERNAME_EXISTS: 'UsernameExistsException',
  ALIAS_EXISTS: 'AliasExistsException',
  CODE_MISMATCH: 'CodeMismatchException',
  EXPIRED_CODE: 'ExpiredCodeException',
  INVALID_PASSWORD: 'InvalidPasswordException',
  INVALID_PARAMETER: 'InvalidParameterException',
  USER_NOT_CONFIRMED: 'UserNotConfirmedException',
  PASSWORD_RESET_REQUIRED: 'PasswordResetRequiredException',
  TOO_MANY_REQUESTS: 'TooManyRequestsException',
  LIMIT_EXCEEDED: 'LimitExceededException',
  RESOURCE_NOT_FOUND: 'ResourceNotFoundException',
  ENABLE_SOFTWARE_TOKEN_MFA: 'EnableSoftwareTokenMFAException',
  UNKNOWN_OPERATION: 'UnknownOperationException',
  SERIALIZATION: 'SerializationException',
  /** SigV4 failures of the Admin* actions (CommonErrors). */
  MISSING_AUTHENTICATION_TOKEN: 'MissingAuthenticationTokenException',
  INVALID_SIGNATURE: 'InvalidSignatureException',
  UNRECOGNIZED_CLIENT: 'UnrecognizedClientException',
  INTERNAL: 'InternalErrorException',
} as const;

export type CognitoErrorType = (typeof COGNITO_ERROR_TYPE)[keyof typeof COGNITO_ERROR_TYPE];

/** Messages Cognito returns for the same failures, reused wherever they happen. */
export const COGNITO_ERROR_MESSAGE = {
  INCORRECT_CREDENTIALS: 'Incorrect username or password.',
  PASSWORD_ATTEMPTS_EXCEEDED: 'Password attempts exceeded',
  INVALID_SESSION: 'Invalid session for the user.',
  SESSION_EXPIRED: 'Invalid session for the user, session is expired.',
  USER_NOT_FOUND: 'User does not exist.',
  USER_NOT_CONFIRMED: 'User is not confirmed.',
  PASSWORD_RESET_REQUIRED: 'Password reset required for the user',
  USER_DISABLED: 'User is disabled.',
  INVALID_ACCESS_TOKEN: 'Invalid Access Token',
  ACCESS_TOKEN_EXPIRED: 'Access Token has expired',
  ACCESS_TOKEN_REVOKED: 'Access Token has been revoked',
  INVALID_REFRESH_TOKEN: 'Invalid Refresh Token',
  REFRESH_TOKEN_REVOKED: 'Refresh Token has been revoked',
  CODE_MISMATCH: 'Invalid verification code provided, please try again.',
  CODE_EXPIRED: 'Invalid code provided, please request a code again.',
  MFA_CODE_MISMATCH: 'Invalid code received for user',
  ATTEMPT_LIMIT: 'Attempt limit exceeded, please try after some time.',
  RATE_EXCEEDED: 'Rate exceeded',
  TEMPORARY_PASSWORD_EXPIRED: 'Temporary password has expired and must be reset by an administrator.',
} as const;

export class CognitoError extends defineBrandedError('CognitoError') {
  constructor(
    readonly errorType: CognitoErrorType,
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
  }
}

export function isCognitoError(e: unknown): e is CognitoError {
  return hasErrorBrand(e, 'CognitoError');
}

export function notAuthorized(message: string = COGNITO_ERROR_MESSAGE.INCORRECT_CREDENTIALS): CognitoError {
  return new CognitoError(COGNITO_ERROR_TYPE.NOT_AUTHORIZED, message);
}

export function invalidParameter(message: string): CognitoError {
  return new CognitoError(COGNITO_ERROR_TYPE.INVALID_PARAMETER, message);
}

/** JSON 1.1 content type of every answer. */
export const COGNITO_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** HTTP header values must be Latin-1 without line breaks; the message header is informational. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 1024);
}

/** The one formatter for Cognito failures. */
export function formatCognitoError(error: CognitoError): Response {
  return new Response(JSON.stringify({ __type: error.errorType, message: error.message }), {
    status: error.status,
    headers: {
      'content-type': COGNITO_CONTENT_TYPE,
      'x-amzn-ErrorType': `${error.errorType}:`,
      'x-amzn-ErrorMessage': headerSafe(error.message),
    },
  });
}
