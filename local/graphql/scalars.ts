/**
 * AppSync's built-in scalars (docs/APPSYNC-BEHAVIOUR.md#scalars), with AppSync's rules rather than
 * graphql-iso-date's. Each failure throws a branded `ScalarError` carrying the AppSync wording for the
 * three places a value can be wrong: a literal in the document, a variable, a resolver's output.
 */
import { isIP } from 'node:net';
import { Kind, type ValueNode } from 'graphql';
import { defineBrandedError, hasErrorBrand } from '../../api/branded-error.ts';

/** Where an invalid scalar value was found. */
export type ScalarErrorPlace = 'literal' | 'variable' | 'output';

export class ScalarError extends defineBrandedError('ScalarError') {
  constructor(
    readonly scalarName: string,
    readonly place: ScalarErrorPlace,
    message: string,
  ) {
    super(message);
  }
}

export function isScalarError(e: unknown): e is ScalarError {
  return hasErrorBrand(e, 'ScalarError');
}

/** The pieces of a GraphQL scalar graphql-js calls. */
export interface ScalarBehaviour {
  serialize(value: unknown): unknown;
  parseValue(value: unknown): unknown;
  parseLiteral(node: ValueNode): unknown;
}

const OFFSET = '(?:Z|[+-](\\d{2}):(\\d{2})(?::(\\d{2}))?)';
const DATE_RE = new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})(${OFFSET})?$`);
const TIME_RE = new RegExp(`^(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.\\d{1,9})?)?(${OFFSET})?$`);
const DATETIME_RE = new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.\\d{1,9})?)?(${OFFSET})$`);

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validDate(y: string | undefined, m: string | undefined, d: string | undefined): boolean {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function validClock(h: string | undefined, mi: string | undefined, s: string | undefined): boolean {
  return Number(h) <= 23 && Number(mi) <= 59 && (s === undefined || Number(s) <= 59);
}

function validOffset(offsetHours: string | undefined, offsetMinutes: string | undefined, offsetSeconds: string | undefined): boolean {
  if (offsetHours === undefined) return true;
  return Number(offsetHours) <= 18 && Number(offsetMinutes) <= 59 && (offsetSeconds === undefined || Number(offsetSeconds) <= 59);
}

export function isAwsDate(v: string): boolean {
  const m = DATE_RE.exec(v);
  return m !== null && validDate(m[1], m[2], m[3]) && validOffset(m[5], m[6], m[7]);
}

export function isAwsTime(v: string): boolean {
  const m = TIME_RE.exec(v);
  return m !== null && validClock(m[1], m[2], m[3]) && validOffset(m[5], m[6], m[7]);
}

export function isAwsDateTime(v: string): boolean {
  const m = DATETIME_RE.exec(v);
  return m !== null && validDate(m[1], m[2], m[3]) && validClock(m[4], m[5], m[6]) && validOffset(m[8], m[9], m[10]);
}

const EMAIL_RE = /^[^\s@"(),:;<>[\\\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

export function isAwsEmail(v: string): boolean {
  return EMAIL_RE.test(v);
}

/** Digits with optional spaces/hyphens, optional `+country`; without it, NANP (10 digits, or 1 + 10). */
export function isAwsPhone(v: string): boolean {
  if (!/^\+?[\d][\d -]*$/.test(v) || /[ -]{2}/.test(v) || /[ -]$/.test(v)) return false;
  const digits = v.replace(/[^\d]/g, '');
  if (v.startsWith('+')) return digits.length >= 8 && digits.length <= 15;
  return digits.length === 10 ? /^[2-9]\d{2}[2-9]/.test(digits) : digits.length === 11 && /^1[2-9]\d{2}[2-9]/.test(digits);
}

export function isAwsUrl(v: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(v)) return false;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return false;
  }
  return !url.pathname.includes('//') && !/\s/.test(v);
}

export function isAwsIpAddress(v: string): boolean {
  const [address = '', prefix, extra] = v.split('/');
  if (extra !== undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** What an invalid value is called in AppSync's "Unable to parse `v` as a valid …" messages. */
const NOUN: Readonly<Record<string, string>> = {
  AWSDate: 'date',
  AWSTime: 'time',
  AWSDateTime: 'DateTime Object',
  AWSTimestamp: 'timestamp',
  AWSEmail: 'email address',
  AWSJSON: 'JSON',
  AWSPhone: 'phone number',
  AWSURL: 'URL',
  AWSIPAddress: 'IP address',
};

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function fail(name: string, place: ScalarErrorPlace, value: unknown): never {
  const noun = NOUN[name] ?? name;
  const verb = place === 'output' ? 'serialize' : 'parse';
  throw new ScalarError(name, place, `Unable to ${verb} \`${show(value)}\` as a valid ${noun}.`);
}

/**
 * `isValid` remembering the last string it accepted: an item's `createdAt` and `updatedAt` are often
 * the same string, serialized one after the other. Only the verdict of a pure check is kept.
 */
function rememberingLastValid(isValid: (v: string) => boolean): (v: string) => boolean {
  let lastValid: string | null = null;
  return function isValidRemembered(v) {
    if (v === lastValid) return true;
    if (!isValid(v)) return false;
    lastValid = v;
    return true;
  };
}

function stringScalar(name: string, isValidString: (v: string) => boolean): ScalarBehaviour {
  const isValid = rememberingLastValid(isValidString);
  return {
    serialize(value) {
      if (typeof value !== 'string' || !isValid(value)) fail(name, 'output', value);
      return value;
    },
    parseValue(value) {
      if (typeof value !== 'string' || !isValid(value)) fail(name, 'variable', value);
      return value;
    },
    parseLiteral(node) {
      if (node.kind !== Kind.STRING || !isValid(node.value)) fail(name, 'literal', node);
      return node.value;
    },
  };
}

const TIMESTAMP_MAX = 2 ** 63;

function isTimestamp(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < TIMESTAMP_MAX;
}

const timestampScalar: ScalarBehaviour = {
  serialize(value) {
    if (!isTimestamp(value)) fail('AWSTimestamp', 'output', value);
    return value;
  },
  parseValue(value) {
    if (!isTimestamp(value)) fail('AWSTimestamp', 'variable', value);
    return value;
  },
  parseLiteral(node) {
    if (node.kind !== Kind.INT) fail('AWSTimestamp', 'literal', node);
    const n = Number(node.value);
    if (!isTimestamp(n)) fail('AWSTimestamp', 'literal', node);
    return n;
  },
};

function parseJson(text: string, place: ScalarErrorPlace, original: unknown): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fail('AWSJSON', place, original);
  }
}

/** AWSJSON: parsed before the resolver sees it, serialized to a JSON string on output. */
const jsonScalar: ScalarBehaviour = {
  serialize(value) {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch {
      text = undefined;
    }
    if (text === undefined) fail('AWSJSON', 'output', value);
    return text;
  },
  parseValue(value) {
    if (typeof value !== 'string') fail('AWSJSON', 'variable', value);
    return parseJson(value, 'variable', value);
  },
  parseLiteral(node) {
    if (node.kind !== Kind.STRING) fail('AWSJSON', 'literal', node);
    return parseJson(node.value, 'literal', node);
  },
};

/** Every AppSync scalar, by name. */
export const APPSYNC_SCALARS: Readonly<Record<string, ScalarBehaviour>> = {
  AWSDate: stringScalar('AWSDate', isAwsDate),
  AWSTime: stringScalar('AWSTime', isAwsTime),
  AWSDateTime: stringScalar('AWSDateTime', isAwsDateTime),
  AWSTimestamp: timestampScalar,
  AWSEmail: stringScalar('AWSEmail', isAwsEmail),
  AWSJSON: jsonScalar,
  AWSPhone: stringScalar('AWSPhone', isAwsPhone),
  AWSURL: stringScalar('AWSURL', isAwsUrl),
  AWSIPAddress: stringScalar('AWSIPAddress', isAwsIpAddress),
};
