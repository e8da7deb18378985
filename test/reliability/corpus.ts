/**
 * The bad-input corpus: cases are data (`test/fixtures/bad-input/*.ndjson`, one JSON case per line)
 * and this module turns them into requests, frames and expectations.
 *
 * Values inside a case are expanded before use:
 * - `"{{name}}"` inside a string is replaced by the run variable `name` (API key, tokens, ids);
 * - `{"$var": "name"}` is the variable itself (any JSON value, e.g. a realtime auth object);
 * - `{"$repeat": {"prefix", "unit", "count", "suffix"}}` builds a long string (huge bodies, wide queries);
 * - `{"$nest": {"prefix", "open", "inner", "close", "depth", "suffix"}}` builds a deep one;
 * - `{"$json": value}` is `JSON.stringify` of the expanded value (a `start` frame's `payload.data`).
 * In expectations, `"re:<regex>"` matches a string, `{"$any": true}` any present value (null too) and
 * `{"$every": x}` a non-empty array of elements matching `x`, so a whole response is still compared
 * with `toEqual`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface SigV4Variant {
  /** Sign with this secret instead of the server's. */
  readonly secretAccessKey?: string;
  readonly accessKeyId?: string;
  readonly service?: string;
  readonly region?: string;
  /** Shift the signing time (AWS allows 15 minutes). */
  readonly dateOffsetMinutes?: number;
  /** Send a body other than the one signed. */
  readonly tamperBody?: boolean;
  /** Remove a signed header from the request. */
  readonly dropHeader?: string;
  /** Replace the `authorization` header after signing. */
  readonly replaceAuthorization?: string;
}

export interface HttpCase {
  readonly kind: 'http';
  readonly name: string;
  /** @default 'POST' */
  readonly method?: string;
  /** Path and query. @default '/graphql' */
  readonly path?: string;
  readonly headers?: Readonly<Record<string, Json>>;
  /** The body: a string as is, anything else as JSON. Absent: no body. */
  readonly body?: Json;
  /** The body as base64 bytes (invalid UTF-8 and the like). */
  readonly bodyBase64?: string;
  /** Sign the request with SigV4 (after the body is built). */
  readonly sigv4?: SigV4Variant;
  readonly expect: {
    readonly status: number;
    /** `x-amzn-ErrorType`; null for none. */
    readonly errorType: string | null;
    readonly body: Json;
  };
}

export type WsStep =
  | { readonly send: Json }
  | { readonly sendRaw: Json }
  | { readonly expect: Json }
  | { readonly expectClose: number }
  | { readonly http: { readonly as: string; readonly query: string; readonly variables?: Json } }
  | { readonly repeat: number; readonly steps: readonly WsStep[] };

export interface WsCase {
  readonly kind: 'ws';
  readonly name: string;
  readonly connect: {
    /** How the connection-level header object travels. */
    readonly via: 'subprotocol' | 'query' | 'headers';
    /** The header object (expanded); ignored with `rawProtocol`. */
    readonly auth: Json;
    /** Offer this `header-…` token as is (undecodable handshakes). */
    readonly rawProtocol?: string;
  };
  readonly steps: readonly WsStep[];
}

export type CorpusCase = (HttpCase | WsCase) & { readonly file: string; readonly line: number };

export const CORPUS_DIR = join(import.meta.dirname, '..', 'fixtures', 'bad-input');

/** Reads every `*.ndjson` file of the corpus; throws naming the file and line of a broken case. */
export function loadCorpus(dir: string = CORPUS_DIR): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ndjson')).sort()) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    lines.forEach((text, index) => {
      if (text.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new Error(`${file}:${index + 1}: not JSON (${String(error)})`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${file}:${index + 1}: a case must be an object`);
      const record = value as Record<string, unknown>;
      if (record['kind'] !== 'http' && record['kind'] !== 'ws') throw new Error(`${file}:${index + 1}: kind must be "http" or "ws"`);
      if (typeof record['name'] !== 'string' || record['name'] === '') throw new Error(`${file}:${index + 1}: name must be a non-empty string`);
      cases.push({ ...(value as HttpCase | WsCase), file, line: index + 1 });
    });
  }
  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`${c.file}:${c.line}: duplicate case name ${JSON.stringify(c.name)}`);
    names.add(c.name);
  }
  return cases;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function interpolate(text: string, vars: Readonly<Record<string, unknown>>): string {
  return text.replace(/\{\{([\w.-]+)\}\}/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`unknown corpus variable {{${name}}}`);
    const value = vars[name];
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what} must be a string`);
  return value;
}

/** Expands the `$…` builders and `{{…}}` variables of a case value (see the module comment). */
export function expand(value: unknown, vars: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === 'string') return interpolate(value, vars);
  if (Array.isArray(value)) return value.map((v) => expand(v, vars));
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = value[key as string];
    if (key === '$var') {
      const name = text(arg, '$var');
      if (!(name in vars)) throw new Error(`unknown corpus variable ${name}`);
      return vars[name];
    }
    if (key === '$json') return JSON.stringify(expand(arg, vars));
    if (key === '$repeat' && isObject(arg)) {
      const count = Number(arg['count']);
      return `${interpolate(String(arg['prefix'] ?? ''), vars)}${interpolate(text(arg['unit'], '$repeat.unit'), vars).repeat(count)}${interpolate(String(arg['suffix'] ?? ''), vars)}`;
    }
    if (key === '$nest' && isObject(arg)) {
      const depth = Number(arg['depth']);
      const open = interpolate(text(arg['open'], '$nest.open'), vars);
      const close = interpolate(text(arg['close'], '$nest.close'), vars);
      return `${interpolate(String(arg['prefix'] ?? ''), vars)}${open.repeat(depth)}${interpolate(String(arg['inner'] ?? ''), vars)}${close.repeat(depth)}${interpolate(String(arg['suffix'] ?? ''), vars)}`;
    }
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v, vars)]));
}

function matches(actual: unknown, expected: unknown): boolean {
  try {
    expect(actual).toEqual(expected);
    return true;
  } catch {
    return false;
  }
}

/** An asymmetric matcher: any value, null included, but not a missing one. */
function anyPresentValue(): unknown {
  return { $$typeof: Symbol.for('jest.asymmetricMatcher'), asymmetricMatch: (other: unknown) => other !== undefined, toString: () => 'AnyPresentValue', toAsymmetricMatcher: () => 'AnyPresentValue' };
}

/** An asymmetric matcher: a non-empty array whose every element matches `matcher`. */
function everyElement(matcher: unknown): unknown {
  return {
    $$typeof: Symbol.for('jest.asymmetricMatcher'),
    asymmetricMatch: (other: unknown) => Array.isArray(other) && other.length > 0 && other.every((item) => matches(item, matcher)),
    toString: () => 'EveryElement',
    toAsymmetricMatcher: () => `EveryElement<${JSON.stringify(matcher)}>`,
  };
}

/** Turns an expanded expectation into a value for `toEqual` (regex strings and `$any` become matchers). */
export function toMatcher(value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith('re:')) return expect.stringMatching(new RegExp(value.slice(3)));
  if (Array.isArray(value)) return value.map(toMatcher);
  if (isObject(value)) {
    if (Object.keys(value).length === 1 && value['$any'] === true) return anyPresentValue();
    if (Object.keys(value).length === 1 && '$every' in value) return everyElement(toMatcher(value['$every']));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toMatcher(v)]));
  }
  return value;
}
