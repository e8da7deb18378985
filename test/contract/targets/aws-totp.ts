/**
 * RFC 6238 TOTP (HMAC-SHA1, 30-second steps), the second factor the user pool requires: Cognito's
 * AssociateSoftwareToken hands out the shared secret in base32 (RFC 4648), and VerifySoftwareToken
 * and the SOFTWARE_TOKEN_MFA challenge take a 6-digit code.
 * https://datatracker.ietf.org/doc/html/rfc6238
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html
 */
import { createHmac } from 'node:crypto';

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Decodes RFC 4648 base32 (upper or lower case, padding and spaces ignored). */
export function decodeBase32(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const value = BASE32_ALPHABET.indexOf(char);
    if (value === -1) throw new Error(`base32: not a base32 character: ${JSON.stringify(char)}`);
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >>> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

export interface TotpOptions {
  /** Unix time in seconds. */
  readonly timeSeconds: number;
  /** @default 6 (what Cognito accepts) */
  readonly digits?: number;
  /** @default 30 */
  readonly periodSeconds?: number;
}

/** The time step a moment falls in (RFC 6238 §4.2: T = floor((now - T0) / X), T0 = 0). */
export function totpStep(timeSeconds: number, periodSeconds = 30): number {
  return Math.floor(timeSeconds / periodSeconds);
}

/** The TOTP code for `secret` at a time: HOTP (RFC 4226 §5.3) over the time step, zero-padded. */
export function totp(secret: Uint8Array, options: TotpOptions): string {
  const digits = options.digits ?? 6;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(totpStep(options.timeSeconds, options.periodSeconds)));
  const hmac = createHmac('sha1', secret).update(counter).digest();
  // Dynamic truncation: the low 4 bits of the last byte pick 4 bytes; the top bit is masked off.
  const offset = hmac[hmac.length - 1]! & 0x0f;
  const binary = hmac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}
