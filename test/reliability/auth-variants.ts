/**
 * Credentials for the hostile cases: valid user-pool tokens, and tokens that must be refused
 * (unsigned, `alg: none`, signed by another key, expired, another issuer, HMAC with the public key,
 * missing or wrong claims). The server's own issuer key signs the "wrong claims" ones, so only the
 * claim is at fault.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import type { LocalIssuer } from '../../local/auth/local-issuer.ts';

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodePart(token: string, index: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function sign(claims: Record<string, unknown>, header: { alg: string; kid?: string }, key: KeyObject | Uint8Array): Promise<string> {
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

/** Tokens by name; `alice`, `bob` and `aliceAccess` are valid, the rest must be refused. */
export async function mintTokenVariants(issuer: LocalIssuer): Promise<Record<string, string>> {
  const alice = await issuer.mintToken({ sub: 'alice', groups: ['users'] });
  const bob = await issuer.mintToken({ sub: 'bob' });
  const aliceAccess = await issuer.mintToken({ sub: 'alice', tokenUse: 'access' });
  const header = decodePart(alice, 0) as { alg: string; kid: string };
  const claims = decodePart(alice, 1);
  const now = Math.floor(Date.now() / 1000);
  const ownKey = createPrivateKey(readFileSync(issuer.keyPath));
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const publicPem = issuer.publicKey.export({ type: 'spki', format: 'pem' });
  const [h, p, s] = alice.split('.') as [string, string, string];
  const ownWith = (changes: Record<string, unknown>): Promise<string> => {
    const next: Record<string, unknown> = { ...claims, ...changes };
    for (const [k, v] of Object.entries(changes)) if (v === undefined) delete next[k];
    return sign(next, header, ownKey);
  };
  return {
    alice,
    bob,
    aliceAccess,
    expired: await issuer.mintToken({ sub: 'alice', issuedAt: now - 7200 }),
    algNone: `${base64UrlJson({ alg: 'none', typ: 'JWT' })}.${p}.`,
    algNoneWithSignature: `${base64UrlJson({ alg: 'none', typ: 'JWT' })}.${p}.${s}`,
    unsigned: `${h}.${p}.`,
    otherKey: await sign(claims, header, otherKey),
    otherKeyOtherKid: await sign(claims, { alg: 'RS256', kid: 'not-the-issuer-key' }, otherKey),
    otherIssuer: await sign({ ...claims, iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_someoneelse' }, header, otherKey),
    otherIssuerOwnKey: await ownWith({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_someoneelse' }),
    hs256PublicKey: await sign(claims, { alg: 'HS256', kid: header.kid }, Buffer.from(publicPem)),
    tamperedPayload: `${h}.${base64UrlJson({ ...claims, sub: 'bob' })}.${s}`,
    noTokenUse: await ownWith({ token_use: undefined }),
    refreshTokenUse: await ownWith({ token_use: 'refresh' }),
    noSub: await ownWith({ sub: undefined }),
    noExp: await ownWith({ exp: undefined }),
    notYetValid: await ownWith({ nbf: now + 3600 }),
    expiredLongAgo: await ownWith({ iat: 1_000_000_000, exp: 1_000_003_600 }),
  };
}
