/**
 * `util` members outside the namespaces: encoding, ids, errors, matching, auth type (runs INSIDE the
 * vm context). See docs/APPSYNC-BEHAVIOUR.md#js-util-helpers and #js-util-errors; AWS docs:
 * built-in-util-js.html.
 */
import { nowMillis, randomBytes } from './bridge.ts';
import { base64FromBytes, bytesFromBase64, escapeJavaScript, urlDecode, urlEncode, utf8Decode, utf8Encode } from './encoding.ts';
import { errorSignal, state, type SandboxErrorValue } from './state.ts';

function hex(bytes: readonly number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Random (version 4) UUID, lower case. */
export function autoId(): string {
  const b = randomBytes(16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** ULID: 10 chars of millisecond time + 16 chars of randomness, Crockford base32. */
export function autoUlid(): string {
  let time = nowMillis();
  let head = '';
  for (let i = 0; i < 10; i += 1) {
    head = CROCKFORD[time % 32]! + head;
    time = Math.floor(time / 32);
  }
  const rnd = randomBytes(10);
  let tail = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of rnd) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      tail += CROCKFORD[(buffer >> bits) & 31]!;
    }
    buffer &= (1 << bits) - 1;
  }
  return head + tail;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** KSUID epoch: 2014-05-13T16:53:20Z. */
const KSUID_EPOCH_SECONDS = 1_400_000_000;

/** KSUID: 4 bytes of seconds since the KSUID epoch + 16 random bytes, base62, 27 chars. */
export function autoKsuid(): string {
  const seconds = Math.floor(nowMillis() / 1000) - KSUID_EPOCH_SECONDS;
  const bytes = [(seconds >>> 24) & 255, (seconds >>> 16) & 255, (seconds >>> 8) & 255, seconds & 255, ...randomBytes(16)];
  let digits = bytes.slice();
  let out = '';
  while (digits.length > 0) {
    const quotient: number[] = [];
    let remainder = 0;
    for (const d of digits) {
      const acc = remainder * 256 + d;
      const q = Math.floor(acc / 62);
      remainder = acc % 62;
      if (quotient.length > 0 || q > 0) quotient.push(q);
    }
    out = BASE62[remainder]! + out;
    digits = quotient;
  }
  return out.padStart(27, '0');
}

function isOptionalString(v: unknown): boolean {
  return v === undefined || v === null || typeof v === 'string';
}

function errorValue(message: string, errorType: unknown, data: unknown, errorInfo: unknown): SandboxErrorValue {
  return { message, errorType: typeof errorType === 'string' ? errorType : null, data: data ?? null, errorInfo: errorInfo ?? null };
}

/**
 * Stops the handler and the whole resolver. Quirk (https://github.com/aws/aws-appsync-community/issues/384): with a
 * non-string message or errorType the call is silently a no-op.
 */
export function error(message: unknown, errorType?: unknown, data?: unknown, errorInfo?: unknown): void {
  if (typeof message !== 'string' || !isOptionalString(errorType)) return;
  throw errorSignal(errorValue(message, errorType, data, errorInfo), false);
}

/** Records a field error and lets the handler go on. Same no-op quirk as `error`. */
export function appendError(message: unknown, errorType?: unknown, data?: unknown, errorInfo?: unknown): void {
  if (typeof message !== 'string' || !isOptionalString(errorType)) return;
  state().appendedErrors.push(errorValue(message, errorType, data, errorInfo));
}

/** `util.unauthorized()`: like `util.error` with errorType `Unauthorized`. */
export function unauthorized(): void {
  throw errorSignal({ message: 'Unauthorized', errorType: 'Unauthorized', data: null, errorInfo: null }, true);
}

/**
 * Translates the Java `Pattern` constructs JavaScript lacks: a leading inline flag group (`(?i)`)
 * and possessive quantifiers (treated as greedy).
 */
function javaPatternToRegExp(pattern: string): RegExp {
  let flags = 'u';
  let body = pattern;
  const inline = /^\(\?([imsx]+)\)/.exec(body);
  if (inline) {
    body = body.slice(inline[0].length);
    if (inline[1]!.includes('i')) flags += 'i';
    if (inline[1]!.includes('s')) flags += 's';
    if (inline[1]!.includes('m')) flags += 'm';
  }
  body = body.replace(/([*+?}])\+/g, '$1');
  try {
    return new RegExp(`^(?:${body})$`, flags);
  } catch {
    return new RegExp(`^(?:${body})$`);
  }
}

/** Whole-string match with Java `Pattern` syntax. */
export function matches(pattern: string, value: string): boolean {
  return javaPatternToRegExp(String(pattern)).test(String(value));
}

export function authType(): string {
  return state().authType;
}

export const base64Encode = (s: string): string => base64FromBytes(utf8Encode(String(s)));
export const base64Decode = (s: string): string => utf8Decode(bytesFromBase64(String(s)));
export { escapeJavaScript, urlDecode, urlEncode };
