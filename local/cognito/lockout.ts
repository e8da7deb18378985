/**
 * Cognito's lockout for failed sign-in attempts: after five failures with a password (or an MFA
 * code) the user is locked out for 1 s, doubling with each further failure up to about 15 minutes;
 * attempts during a lockout get NotAuthorizedException "Password attempts exceeded" and do not count;
 * a successful sign-in after the lockout, or 15 minutes without attempts, resets the count.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior
 */
import { COGNITO_ERROR_MESSAGE, notAuthorized } from './cognito-error.ts';

export const FREE_FAILURES = 5;
export const MAX_LOCKOUT_MS = 15 * 60 * 1000;
export const LOCKOUT_RESET_IDLE_MS = 15 * 60 * 1000;

export interface Lockout {
  /** True while `key` is locked out. */
  isLockedOut(key: string): boolean;
  /** Throws "Password attempts exceeded" while `key` is locked out. */
  assertNotLockedOut(key: string): void;
  /** Counts a failure and starts the next lockout once FREE_FAILURES is reached. */
  recordFailure(key: string): void;
  recordSuccess(key: string): void;
}

interface LockoutState {
  readonly failures: number;
  readonly lockedUntil: number;
  readonly lastAttempt: number;
}

export function createLockout(deps: { readonly now?: () => number } = {}): Lockout {
  const now = deps.now ?? Date.now;
  const states = new Map<string, LockoutState>();

  function current(key: string): LockoutState | null {
    const state = states.get(key);
    if (state === undefined) return null;
    if (now() - state.lastAttempt >= LOCKOUT_RESET_IDLE_MS) {
      states.delete(key);
      return null;
    }
    return state;
  }

  function isLockedOut(key: string): boolean {
    const state = current(key);
    return state !== null && now() < state.lockedUntil;
  }

  return {
    isLockedOut,
    assertNotLockedOut: function assertNotLockedOut(key) {
      if (isLockedOut(key)) throw notAuthorized(COGNITO_ERROR_MESSAGE.PASSWORD_ATTEMPTS_EXCEEDED);
    },
    recordFailure: function recordFailure(key) {
      const failures = (current(key)?.failures ?? 0) + 1;
      const at = now();
      const lockMs = failures >= FREE_FAILURES ? Math.min(2 ** (failures - FREE_FAILURES) * 1000, MAX_LOCKOUT_MS) : 0;
      states.set(key, { failures, lockedUntil: at + lockMs, lastAttempt: at });
    },
    recordSuccess: function recordSuccess(key) {
      states.delete(key);
    },
  };
}
