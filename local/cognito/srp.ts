/**
 * The server side of Cognito's SRP-6a (`USER_SRP_AUTH`), in the exact arithmetic the Amplify JS and
 * Cognito clients use: the 3072-bit group of RFC 5054 (Appendix A) with g = 2, SHA-256,
 * k = H(PAD(N) | PAD(g)), u = H(PAD(A) | PAD(B)),
 * x = H(PAD(salt) | H(poolName | userId | ":" | password)), the session key from HKDF-SHA256 with the
 * info "Caldera Derived Key" + 0x01 (16 bytes), and the `PASSWORD_VERIFIER` claim
 * HMAC-SHA256(key, poolName | userId | secretBlock | timestamp), base64.
 * `PAD` is the hex of the value's two's-complement bytes (a leading `00` when the top bit is set).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html
 *
 * Our own code over BigInt and node:crypto, not a library: the client's rules (padding, the HKDF
 * info, the timestamp text) are Cognito-specific and small, and test/unit/cognito/srp.test.ts drives
 * Amplify's own helpers against it.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** RFC 5054 Appendix A, 3072-bit group. */
export const SRP_N = BigInt(
  '0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
    '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
    '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
    'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);
export const SRP_G = 2n;

const HKDF_INFO = Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])]);

/** Hex of a non-negative integer as the clients pad it: even length, `00` prefix when the top bit is set. */
export function padHex(value: bigint): string {
  if (value < 0n) throw new RangeError('padHex: negative values are not used by SRP');
  let hex = value.toString(16);
  if (hex.length % 2 !== 0) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** H over the bytes of a hex string, as a number. */
function hashHex(hex: string): bigint {
  return BigInt(`0x${sha256Hex(Buffer.from(hex, 'hex'))}`);
}

/** base^exponent mod modulus (square and multiply). */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** k = H(PAD(N) | PAD(g)). */
export const SRP_K = hashHex(`${padHex(SRP_N)}${padHex(SRP_G)}`);

/** The part of a user pool id after the underscore (`us-east-1_abc` -> `abc`), which SRP hashes. */
export function poolNameOf(userPoolId: string): string {
  return userPoolId.split('_')[1] ?? '';
}

/** x = H(PAD(salt) | H(poolName | userId | ":" | password)). */
export function computeX(poolName: string, userId: string, password: string, saltHex: string): bigint {
  const inner = sha256Hex(Buffer.from(`${poolName}${userId}:${password}`, 'utf8'));
  return hashHex(`${padHex(BigInt(`0x${saltHex}`))}${inner}`);
}

/** What the pool stores instead of a password: the salt and v = g^x mod N, both hex. */
export interface PasswordVerifier {
  readonly salt: string;
  readonly verifier: string;
}

/** A fresh salt (128 random bits, as the clients make device salts) and its verifier. */
export function createPasswordVerifier(poolName: string, userId: string, password: string, salt: string = padHex(BigInt(`0x${randomBytes(16).toString('hex')}`))): PasswordVerifier {
  return { salt, verifier: modPow(SRP_G, computeX(poolName, userId, password, salt), SRP_N).toString(16) };
}

/** True when `password` is the one the verifier was made from (USER_PASSWORD_AUTH: compare g^x with v). */
export function passwordMatches(poolName: string, userId: string, password: string, stored: PasswordVerifier): boolean {
  const candidate = Buffer.from(padHex(modPow(SRP_G, computeX(poolName, userId, password, stored.salt), SRP_N)), 'hex');
  const expected = Buffer.from(padHex(BigInt(`0x${stored.verifier}`)), 'hex');
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}

/** The server's half of one handshake: its secret b and public B = (k·v + g^b) mod N. */
export interface ServerEphemeral {
  readonly b: bigint;
  readonly B: bigint;
}

export function createServerEphemeral(verifierHex: string, random: () => Buffer = () => randomBytes(32)): ServerEphemeral {
  const v = BigInt(`0x${verifierHex}`);
  for (;;) {
    const b = BigInt(`0x${random().toString('hex')}`);
    const B = (SRP_K * v + modPow(SRP_G, b, SRP_N)) % SRP_N;
    if (b !== 0n && B !== 0n) return { b, B };
  }
}

/** Thrown for an A the protocol forbids (A mod N = 0) or a u of zero; both end the handshake. */
export class SrpParameterError extends Error {
  override readonly name = 'SrpParameterError';
}

/**
 * The 16-byte session key the client derived, from the server side: S = (A · v^u)^b mod N, then
 * HKDF(ikm = PAD(S), salt = PAD(u), info = "Caldera Derived Key" 0x01).
 */
export function deriveSessionKey(A: bigint, ephemeral: ServerEphemeral, verifierHex: string): Buffer {
  if (A % SRP_N === 0n) throw new SrpParameterError('SRP_A mod N is 0');
  const u = hashHex(`${padHex(A)}${padHex(ephemeral.B)}`);
  if (u === 0n) throw new SrpParameterError('u is 0');
  const v = BigInt(`0x${verifierHex}`);
  const S = modPow((A * modPow(v, u, SRP_N)) % SRP_N, ephemeral.b, SRP_N);
  const prk = createHmac('sha256', Buffer.from(padHex(u), 'hex')).update(Buffer.from(padHex(S), 'hex')).digest();
  return createHmac('sha256', prk).update(HKDF_INFO).digest().subarray(0, 16);
}

/** PASSWORD_CLAIM_SIGNATURE = base64(HMAC-SHA256(key, poolName | userId | secretBlock bytes | timestamp)). */
export function passwordClaimSignature(key: Buffer, poolName: string, userId: string, secretBlock: string, timestamp: string): string {
  return createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(poolName, 'utf8'), Buffer.from(userId, 'utf8'), Buffer.from(secretBlock, 'base64'), Buffer.from(timestamp, 'utf8')]))
    .digest('base64');
}

/** Constant-time comparison of two base64 signatures. */
export function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** The claim's TIMESTAMP as the clients write it: `ddd MMM D HH:mm:ss UTC YYYY` (day not padded). */
export function formatSrpTimestamp(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${WEEKDAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

/** Parses a TIMESTAMP in that format; null for anything else. */
export function parseSrpTimestamp(text: string): Date | null {
  const m = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4})$/.exec(text);
  if (!m) return null;
  const [, , month = '', day = '', h = '', mi = '', s = '', y = ''] = m;
  const date = new Date(Date.UTC(Number(y), MONTHS.indexOf(month as (typeof MONTHS)[number]), Number(day), Number(h), Number(mi), Number(s)));
  return formatSrpTimestamp(date) === text ? date : null;
}
