/**
 * TOTP (RFC 6238) as Cognito's software-token MFA uses it: HMAC-SHA1, 30-second steps, 6 digits, the
 * secret shared as base32 (RFC 4648, no padding) in `AssociateSoftwareToken`'s `SecretCode`.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Codes of the previous and the next step are accepted too (clock drift between phone and server). */
export const TOTP_ALLOWED_DRIFT_STEPS = 1;

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function encodeBase32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes base32 (case-insensitive, `=` padding ignored); null when a character is not base32. */
export function decodeBase32(text: string): Buffer | null {
  const clean = text.replace(/=+$/, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index < 0) return null;
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new shared secret: 20 random bytes (the RFC 4226 recommended length for SHA-1), base32. */
export function createTotpSecret(): string {
  return encodeBase32(randomBytes(20));
}

/** The time step of `epochSeconds`. */
export function totpStep(epochSeconds: number): number {
  return Math.floor(epochSeconds / TOTP_STEP_SECONDS);
}

/** HOTP (RFC 4226 §5.3) of one counter value, `digits` long. */
export function hotp(secret: Uint8Array, counter: number, digits: number = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(binary).padStart(digits, '0');
}

/** The code for `epochSeconds`. */
export function totpCode(secret: Uint8Array, epochSeconds: number, digits: number = TOTP_DIGITS): string {
  return hotp(secret, totpStep(epochSeconds), digits);
}

/**
 * The step whose code `code` is, within ±TOTP_ALLOWED_DRIFT_STEPS of `epochSeconds`, and later than
 * `lastUsedStep` (a code is good once: RFC 6238 §5.2); null when none matches.
 */
export function matchTotpStep(secret: Uint8Array, code: string, epochSeconds: number, lastUsedStep: number | null = null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const now = totpStep(epochSeconds);
  for (let step = now - TOTP_ALLOWED_DRIFT_STEPS; step <= now + TOTP_ALLOWED_DRIFT_STEPS; step++) {
    if (lastUsedStep !== null && step <= lastUsedStep) continue;
    if (timingSafeEqual(Buffer.from(hotp(secret, step)), Buffer.from(code))) return step;
  }
  return null;
}
