/**
 * Confirmation and password-reset codes. Cognito e-mails them; the local pool writes them to the
 * server log. Six digits, kept as a hash; five wrong guesses use the code up (LimitExceededException,
 * as Cognito answers repeated wrong codes), and a code expires (sign-up and attribute verification:
 * 24 hours; reset: 1 hour).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { CognitoError, COGNITO_ERROR_MESSAGE, COGNITO_ERROR_TYPE } from './cognito-error.ts';
import type { PendingCode } from './user-store.ts';

export const SIGN_UP_CODE_VALIDITY_MS = 24 * 3600 * 1000;
export const RESET_CODE_VALIDITY_MS = 3600 * 1000;
/** Attribute verification codes (a changed e-mail address), like sign-up codes: 24 hours. */
export const ATTRIBUTE_CODE_VALIDITY_MS = 24 * 3600 * 1000;
export const MAX_CODE_ATTEMPTS = 5;

function hashCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

/** A new six-digit code and what to store for it. */
export function createCode(now: number, validityMs: number): { readonly code: string; readonly pending: PendingCode } {
  const code = String(randomInt(1_000_000)).padStart(6, '0');
  return { code, pending: { hash: hashCode(code), expiresAt: now + validityMs, attempts: 0 } };
}

export type CodeCheck = { readonly ok: true } | { readonly ok: false; readonly next: PendingCode | null; readonly error: CognitoError };

/** Checks `given` against the pending code: ok, or the error and what to store next (null: used up). */
export function checkCode(pending: PendingCode | null, given: string, now: number): CodeCheck {
  if (pending === null) return { ok: false, next: null, error: new CognitoError(COGNITO_ERROR_TYPE.CODE_MISMATCH, COGNITO_ERROR_MESSAGE.CODE_MISMATCH) };
  if (pending.attempts >= MAX_CODE_ATTEMPTS) return { ok: false, next: null, error: new CognitoError(COGNITO_ERROR_TYPE.LIMIT_EXCEEDED, COGNITO_ERROR_MESSAGE.ATTEMPT_LIMIT) };
  if (pending.expiresAt <= now) return { ok: false, next: null, error: new CognitoError(COGNITO_ERROR_TYPE.EXPIRED_CODE, COGNITO_ERROR_MESSAGE.CODE_EXPIRED) };
  const a = Buffer.from(hashCode(given), 'hex');
  const b = Buffer.from(pending.hash, 'hex');
  if (a.length === b.length && timingSafeEqual(a, b)) return { ok: true };
  return { ok: false, next: { ...pending, attempts: pending.attempts + 1 }, error: new CognitoError(COGNITO_ERROR_TYPE.CODE_MISMATCH, COGNITO_ERROR_MESSAGE.CODE_MISMATCH) };
}

/** `a***@e***`: how Cognito shows a delivery destination (CodeDeliveryDetails.Destination). */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.charAt(0)}***@${domain.charAt(0)}***`;
}

/** CodeDeliveryDetailsType of a code e-mailed to `email`. */
export interface EmailDelivery {
  readonly Destination: string;
  readonly DeliveryMedium: 'EMAIL';
  readonly AttributeName: 'email';
}

export function emailDelivery(email: string): EmailDelivery {
  return { Destination: maskEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
}
