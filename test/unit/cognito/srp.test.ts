/**
 * The server side of SRP (local/cognito/srp.ts) against Amplify JS v6's own client helpers: the same
 * padding, the same session key, the same PASSWORD_VERIFIER signature and timestamp text.
 */
import { describe, expect, it } from 'vitest';
import {
  createPasswordVerifier,
  createServerEphemeral,
  deriveSessionKey,
  formatSrpTimestamp,
  padHex,
  parseSrpTimestamp,
  passwordClaimSignature,
  passwordMatches,
  poolNameOf,
  SRP_N,
  SrpParameterError,
} from '../../../local/cognito/srp.ts';
import { AmplifyBigInteger, getAuthenticationHelper, getNowString, getPaddedHex, getSignatureString } from './amplify-srp.ts';

const POOL = 'localpool';
const USER = '7d6c1a3e-2b1f-4c1e-9a55-0d2f3c4b5a69';
const PASSWORD = 'Correct-Horse-9';

/** One whole handshake: Amplify's client against our server, returning both signatures. */
async function handshake(clientPassword: string): Promise<{ client: string; server: string }> {
  const stored = createPasswordVerifier(POOL, USER, PASSWORD);
  const helper = await getAuthenticationHelper(POOL);
  const A = BigInt(`0x${helper.A.toString(16)}`);
  const ephemeral = createServerEphemeral(stored.verifier);
  const hkdf = await helper.getPasswordAuthenticationKey({
    username: USER,
    password: clientPassword,
    serverBValue: new AmplifyBigInteger(ephemeral.B.toString(16), 16),
    salt: new AmplifyBigInteger(stored.salt, 16),
  });
  const secretBlock = Buffer.from('an opaque secret block').toString('base64');
  const timestamp = getNowString();
  return {
    client: getSignatureString({ userPoolName: POOL, username: USER, challengeParameters: { SECRET_BLOCK: secretBlock }, dateNow: timestamp, hkdf }),
    server: passwordClaimSignature(deriveSessionKey(A, ephemeral, stored.verifier), POOL, USER, secretBlock, timestamp),
  };
}

describe('srp: arithmetic shared with the client', () => {
  it("pads hex as Amplify's getPaddedHex does (sign byte when the top bit is set)", () => {
    expect([20n, 56n, 200n, 236n, 0x80n, 0x7fn, 0x100n].map(padHex)).toEqual(['14', '38', '00c8', '00ec', '0080', '7f', '0100']);
    for (const value of [1n, 0xffn, SRP_N, SRP_N - 1n, 2n ** 1023n, 0x0fffn]) {
      expect(padHex(value)).toBe(getPaddedHex(new AmplifyBigInteger(value.toString(16), 16)));
    }
  });

  it('takes the pool name from the pool id as the client does', () => {
    expect(poolNameOf('us-east-1_localpool')).toBe('localpool');
  });

  it("derives the client's session key: Amplify's PASSWORD_CLAIM_SIGNATURE equals ours for the right password", async () => {
    const { client, server } = await handshake(PASSWORD);
    expect(client).toBe(server);
    expect(client).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('gives a different signature for a wrong password', async () => {
    const { client, server } = await handshake('Wrong-Horse-9');
    expect(client).not.toBe(server);
  });

  it('refuses A = 0 mod N (the SRP-6a safety check)', () => {
    const stored = createPasswordVerifier(POOL, USER, PASSWORD);
    expect(() => deriveSessionKey(SRP_N * 2n, createServerEphemeral(stored.verifier), stored.verifier)).toThrow(SrpParameterError);
  });

  it('checks a password against the stored verifier alone (USER_PASSWORD_AUTH)', () => {
    const stored = createPasswordVerifier(POOL, USER, PASSWORD);
    expect({ right: passwordMatches(POOL, USER, PASSWORD, stored), wrong: passwordMatches(POOL, USER, 'Correct-Horse-8', stored), otherUser: passwordMatches(POOL, 'someone', PASSWORD, stored) }).toEqual({
      right: true,
      wrong: false,
      otherUser: false,
    });
    expect(JSON.stringify(stored)).not.toContain(PASSWORD);
  });
});

describe('srp: TIMESTAMP', () => {
  it('formats "ddd MMM D HH:mm:ss UTC YYYY" with an unpadded day, like getNowString', () => {
    expect(formatSrpTimestamp(new Date(Date.UTC(2025, 2, 4, 9, 5, 7)))).toBe('Tue Mar 4 09:05:07 UTC 2025');
    expect(formatSrpTimestamp(new Date(Date.UTC(2024, 11, 25, 23, 59, 59)))).toBe('Wed Dec 25 23:59:59 UTC 2024');
  });

  it("parses the client's timestamp and refuses other text", () => {
    const parsed = parseSrpTimestamp(getNowString());
    expect(Math.abs((parsed?.getTime() ?? 0) - Date.now())).toBeLessThan(2000);
    expect(parseSrpTimestamp('Tue Mar 4 09:05:07 UTC 2025')?.toISOString()).toBe('2025-03-04T09:05:07.000Z');
    expect([parseSrpTimestamp('Mon Mar 4 09:05:07 UTC 2025'), parseSrpTimestamp('2025-03-04T09:05:07Z'), parseSrpTimestamp('Tue Mar 04 09:05:07 UTC 2025')]).toEqual([null, null, null]);
  });
});
