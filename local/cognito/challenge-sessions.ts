/**
 * Server-side state of sign-ins in progress, keyed by an opaque random handle: the `SECRET_BLOCK` of
 * a PASSWORD_VERIFIER challenge, or the `Session` of the challenges after it. A handle is valid for
 * the app client's authentication session validity (Cognito's default: 3 minutes) and is taken out
 * when answered, so a replayed one is "Invalid session for the user."
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html#CognitoUserPools-CreateUserPoolClient-request-AuthSessionValidity
 */
import { randomBytes } from 'node:crypto';
import { COGNITO_ERROR_MESSAGE, notAuthorized } from './cognito-error.ts';

export const SESSION_VALIDITY_MS = 3 * 60 * 1000;
/** Sessions kept at most; the oldest go first (a flood of InitiateAuth cannot grow memory without bound). */
export const MAX_SESSIONS = 10_000;

export interface ChallengeSessions<T> {
  /** Stores `state` and returns its new handle. */
  open(state: T): string;
  /** Removes and returns the state; throws NotAuthorizedException for an unknown, used or expired handle. */
  take(handle: string): T;
  /** Returns the state and keeps it (an answer that may be retried, such as an MFA code); throws like `take`. */
  peek(handle: string): T;
}

export function createChallengeSessions<T>(deps: { readonly now?: () => number } = {}): ChallengeSessions<T> {
  const now = deps.now ?? Date.now;
  const sessions = new Map<string, { readonly state: T; readonly expiresAt: number }>();
  return {
    open: function openSession(state) {
      for (const [handle, entry] of sessions) {
        if (entry.expiresAt > now() && sessions.size < MAX_SESSIONS) break;
        sessions.delete(handle);
      }
      const handle = randomBytes(96).toString('base64');
      sessions.set(handle, { state, expiresAt: now() + SESSION_VALIDITY_MS });
      return handle;
    },
    take: function takeSession(handle) {
      const entry = sessions.get(handle);
      if (entry === undefined) throw notAuthorized(COGNITO_ERROR_MESSAGE.INVALID_SESSION);
      sessions.delete(handle);
      if (entry.expiresAt <= now()) throw notAuthorized(COGNITO_ERROR_MESSAGE.SESSION_EXPIRED);
      return entry.state;
    },
    peek: function peekSession(handle) {
      const entry = sessions.get(handle);
      if (entry === undefined) throw notAuthorized(COGNITO_ERROR_MESSAGE.INVALID_SESSION);
      if (entry.expiresAt <= now()) {
        sessions.delete(handle);
        throw notAuthorized(COGNITO_ERROR_MESSAGE.SESSION_EXPIRED);
      }
      return entry.state;
    },
  };
}
