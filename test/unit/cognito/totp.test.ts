/** TOTP (local/cognito/totp.ts) against the published test vectors of RFC 6238 and RFC 4648. */
import { describe, expect, it } from 'vitest';
import { decodeBase32, encodeBase32, hotp, matchTotpStep, totpCode, totpStep } from '../../../local/cognito/totp.ts';

/** RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890". */
const RFC6238_SECRET = Buffer.from('12345678901234567890', 'ascii');

describe('totp: RFC 6238 Appendix B (HMAC-SHA1)', () => {
  it('gives the published 8-digit codes, and their last 6 digits with 6', () => {
    const times = [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000];
    expect(times.map((t) => totpCode(RFC6238_SECRET, t, 8))).toEqual(['94287082', '07081804', '14050471', '89005924', '69279037', '65353130']);
    expect(times.map((t) => totpCode(RFC6238_SECRET, t))).toEqual(['287082', '081804', '050471', '005924', '279037', '353130']);
  });

  it('matches RFC 4226 Appendix D HOTP values', () => {
    expect([0, 1, 2, 9].map((counter) => hotp(RFC6238_SECRET, counter))).toEqual(['755224', '287082', '359152', '520489']);
  });
});

describe('totp: verifying a code', () => {
  const at = 1111111111;
  it('accepts the current step and one step either side, not two', () => {
    const step = totpStep(at);
    expect([-60, -30, 0, 30, 60].map((offset) => matchTotpStep(RFC6238_SECRET, totpCode(RFC6238_SECRET, at + offset), at))).toEqual([null, step - 1, step, step + 1, null]);
  });

  it('refuses a code of a step already used, and anything that is not six digits', () => {
    const code = totpCode(RFC6238_SECRET, at);
    expect(matchTotpStep(RFC6238_SECRET, code, at, totpStep(at))).toBeNull();
    expect(['12345', '1234567', 'abcdef', ''].map((c) => matchTotpStep(RFC6238_SECRET, c, at))).toEqual([null, null, null, null]);
  });
});

describe('totp: base32 (RFC 4648 §10)', () => {
  it('encodes and decodes the published vectors', () => {
    const vectors: [string, string][] = [['', ''], ['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI']];
    expect(vectors.map(([plain]) => encodeBase32(Buffer.from(plain)))).toEqual(vectors.map(([, encoded]) => encoded));
    expect(vectors.map(([, encoded]) => decodeBase32(`${encoded}======`.slice(0, encoded.length + 2))?.toString())).toEqual(vectors.map(([plain]) => plain));
    expect(decodeBase32('mzxw6ytboi')?.toString()).toBe('foobar');
    expect(decodeBase32('MZXW1')).toBeNull();
  });
});
