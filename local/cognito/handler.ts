/**
 * The HTTP side of the local user pool: Cognito's JSON 1.1 protocol at `/cognito-idp/` (what
 * Amplify's `Auth.Cognito.userPoolEndpoint` and the AWS SDK's `endpoint` point at). POST with
 * `X-Amz-Target: AWSCognitoIdentityProviderService.<Action>` and a JSON body; answers JSON, and
 * failures through `formatCognitoError`. Admin* actions and ListUsers need a SigV4 signature
 * (service `cognito-idp`) with the server's backend credentials, as they need IAM on AWS.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonParameters.html
 * CORS (browsers call it from the app's dev server) is the router's, like every API route.
 */
import { randomUUID } from 'node:crypto';
import type { AwsCredentials } from '../config.ts';
import { verifySigV4 } from '../auth/sigv4.ts';
import { HTTP_ERROR_TYPE, isAppSyncHttpError } from '../http/http-error.ts';
import { readBody } from '../http/request-body.ts';
import { CognitoError, COGNITO_CONTENT_TYPE, COGNITO_ERROR_MESSAGE, COGNITO_ERROR_TYPE, formatCognitoError, invalidParameter, isCognitoError } from './cognito-error.ts';
import type { CognitoAction } from './sign-in.ts';
import { MAX_BODY_BYTES, parseWireBody } from './wire.ts';

/** Path of the endpoint; `/cognito-idp` without the slash is answered too. */
export const COGNITO_PATH = '/cognito-idp/';
export const COGNITO_TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
/** The actions that need IAM (SigV4) credentials. */
export const ADMIN_ACTIONS: ReadonlySet<string> = new Set([
  'AdminCreateUser',
  'AdminSetUserPassword',
  'AdminResetUserPassword',
  'AdminDeleteUser',
  'AdminAddUserToGroup',
  'AdminInitiateAuth',
  'AdminGetUser',
  'AdminUpdateUserAttributes',
  'AdminDeleteUserAttributes',
  'ListUsers',
]);
/** Requests per second before TooManyRequestsException (Cognito's default UserAuthentication quota is 120). @default 120 */
export const DEFAULT_REQUESTS_PER_SECOND = 120;

export interface CognitoHandlerDeps {
  readonly actions: Readonly<Record<string, CognitoAction>>;
  /** Credentials whose signatures the Admin* actions accept. */
  readonly adminCredentials: readonly AwsCredentials[];
  /** The pool's region: signatures must be scoped to it. */
  readonly region: string;
  /** Unexpected failures (logged once; the caller sees InternalErrorException). */
  readonly onError: (error: unknown) => void;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

export interface CognitoHandlerOptions {
  /** @default DEFAULT_REQUESTS_PER_SECOND */
  readonly requestsPerSecond?: number;
}

function json(body: unknown, requestId: string): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': COGNITO_CONTENT_TYPE, 'x-amzn-RequestId': requestId } });
}

function lowerCaseHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name.toLowerCase()] = value;
  });
  return out;
}

/** A token bucket: `rate` requests per second, bursts of `rate`. */
function createRateLimiter(rate: number, now: () => number): () => boolean {
  let tokens = rate;
  let last = now();
  return function takeToken() {
    const at = now();
    tokens = Math.min(rate, tokens + ((at - last) / 1000) * rate);
    last = at;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

/** SigV4 failures as the JSON protocol names them (CommonErrors). */
function signatureError(error: unknown): CognitoError {
  if (isAppSyncHttpError(error)) {
    const type = error.errorType === HTTP_ERROR_TYPE.UNRECOGNIZED_CLIENT ? COGNITO_ERROR_TYPE.UNRECOGNIZED_CLIENT : COGNITO_ERROR_TYPE.INVALID_SIGNATURE;
    return new CognitoError(type, error.message);
  }
  throw error;
}

export function createCognitoHandler(deps: CognitoHandlerDeps, options: CognitoHandlerOptions = {}): (request: Request) => Promise<Response | null> {
  const now = deps.now ?? (() => new Date());
  const allow = createRateLimiter(options.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND, () => now().getTime());

  async function answer(request: Request, url: URL): Promise<unknown> {
    if (request.method !== 'POST') throw new CognitoError(COGNITO_ERROR_TYPE.UNKNOWN_OPERATION, `The Cognito API takes POST requests; received ${request.method}.`);
    const target = request.headers.get('x-amz-target') ?? '';
    const name = target.startsWith(COGNITO_TARGET_PREFIX) ? target.slice(COGNITO_TARGET_PREFIX.length) : '';
    const action = Object.hasOwn(deps.actions, name) ? deps.actions[name] : undefined;
    if (action === undefined) throw new CognitoError(COGNITO_ERROR_TYPE.UNKNOWN_OPERATION, `Unknown operation: X-Amz-Target ${JSON.stringify(target.slice(0, 128))}.`);
    const contentType = request.headers.get('content-type') ?? '';
    if (!/^application\/(x-amz-json-1\.[01]|json)\b/i.test(contentType)) throw new CognitoError(COGNITO_ERROR_TYPE.SERIALIZATION, `Content-Type must be ${COGNITO_CONTENT_TYPE}; received ${JSON.stringify(contentType.slice(0, 128))}.`);
    if (!allow()) throw new CognitoError(COGNITO_ERROR_TYPE.TOO_MANY_REQUESTS, COGNITO_ERROR_MESSAGE.RATE_EXCEEDED);
    let bytes: Uint8Array;
    try {
      bytes = await readBody(request, MAX_BODY_BYTES);
    } catch (e) {
      if (isAppSyncHttpError(e)) throw invalidParameter(`Request body is larger than ${MAX_BODY_BYTES} bytes.`);
      throw e;
    }
    if (ADMIN_ACTIONS.has(name)) {
      const headers = lowerCaseHeaders(request.headers);
      if (headers['authorization'] === undefined) throw new CognitoError(COGNITO_ERROR_TYPE.MISSING_AUTHENTICATION_TOKEN, 'Missing Authentication Token');
      try {
        verifySigV4({ method: request.method, path: url.pathname, query: url.search.slice(1), headers, body: bytes }, { credentials: deps.adminCredentials, service: 'cognito-idp', region: deps.region, now: now() });
      } catch (e) {
        throw signatureError(e);
      }
    }
    return action(parseWireBody(Buffer.from(bytes).toString('utf8')));
  }

  return async function handleCognitoRequest(request) {
    const url = new URL(request.url);
    if (url.pathname !== COGNITO_PATH && url.pathname !== COGNITO_PATH.slice(0, -1)) return null;
    const requestId = randomUUID();
    try {
      return json(await answer(request, url), requestId);
    } catch (error) {
      const known = isCognitoError(error) ? error : null;
      if (known === null) deps.onError(error);
      const response = formatCognitoError(known ?? new CognitoError(COGNITO_ERROR_TYPE.INTERNAL, 'An internal error occurred.', 500));
      response.headers.set('x-amzn-RequestId', requestId);
      return response;
    }
  };
}
