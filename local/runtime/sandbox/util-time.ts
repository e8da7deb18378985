/**
 * `util.time` (runs INSIDE the vm context): a subset of Java's `DateTimeFormatter` patterns, enough
 * for the documented examples (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers; AWS docs:
 * time-helpers-in-util-time-js.html).
 */
import { nowMillis } from './bridge.ts';
import { localToEpoch, offsetSecondsAt, resolveZone, zoneName, type Zone } from './time-zone.ts';

const NativeDate = Date;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

type Token = { kind: 'field'; letter: string; count: number } | { kind: 'literal'; text: string } | { kind: 'optional'; tokens: Token[] };

const tokenCache = new Map<string, Token[]>();

function tokenize(pattern: string): Token[] {
  const cached = tokenCache.get(pattern);
  if (cached) return cached;
  const stack: Token[][] = [[]];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    const top = stack[stack.length - 1]!;
    if (ch === "'") {
      let j = i + 1;
      let text = '';
      while (j < pattern.length) {
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") { text += "'"; j += 2; continue; }
          break;
        }
        text += pattern[j];
        j += 1;
      }
      top.push({ kind: 'literal', text: j === i + 1 ? "'" : text });
      i = j + 1;
    } else if (ch === '[') {
      const inner: Token[] = [];
      top.push({ kind: 'optional', tokens: inner });
      stack.push(inner);
      i += 1;
    } else if (ch === ']') {
      if (stack.length > 1) stack.pop();
      i += 1;
    } else if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (pattern[j] === ch) j += 1;
      top.push({ kind: 'field', letter: ch, count: j - i });
      i = j;
    } else {
      top.push({ kind: 'literal', text: ch });
      i += 1;
    }
  }
  tokenCache.set(pattern, stack[0]!);
  return stack[0]!;
}

const pad = (n: number, width: number): string => String(Math.abs(n)).padStart(width, '0');

function formatOffset(seconds: number, letter: string, count: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const hh = pad(Math.floor(abs / 3600), 2);
  const mm = pad(Math.floor((abs % 3600) / 60), 2);
  const ss = abs % 60;
  if (letter === 'Z') {
    if (count <= 3) return `${sign}${hh}${mm}`;
    if (count === 4) return seconds === 0 ? 'GMT' : `GMT${sign}${hh}:${mm}${ss ? ':' + pad(ss, 2) : ''}`;
    return seconds === 0 ? 'Z' : `${sign}${hh}:${mm}${ss ? ':' + pad(ss, 2) : ''}`;
  }
  if (letter === 'O') {
    if (seconds === 0) return 'GMT';
    return count === 1 ? `GMT${sign}${Number(hh)}${mm !== '00' ? ':' + mm : ''}` : `GMT${sign}${hh}:${mm}`;
  }
  if (letter === 'X' && seconds === 0) return 'Z';
  const colon = count === 3 || count === 5 ? ':' : '';
  if (count === 1) return `${sign}${hh}${mm !== '00' ? mm : ''}`;
  const secs = count >= 4 && ss ? colon + pad(ss, 2) : '';
  return `${sign}${hh}${colon}${mm}${secs}`;
}

interface Fields { year: number; month: number; day: number; hour: number; minute: number; second: number; milli: number; weekday: number; dayOfYear: number }

function fieldsOf(localMs: number): Fields {
  const d = new NativeDate(localMs);
  const startOfYear = NativeDate.UTC(d.getUTCFullYear(), 0, 1);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(), milli: d.getUTCMilliseconds(), weekday: d.getUTCDay(), dayOfYear: Math.floor((localMs - startOfYear) / 86_400_000) + 1,
  };
}

function formatField(letter: string, count: number, f: Fields, offset: number, zone: Zone, epochMs: number): string {
  switch (letter) {
    case 'y': case 'u': return count === 2 ? pad(f.year % 100, 2) : (f.year < 0 ? '-' : '') + pad(f.year, count);
    case 'M': case 'L':
      if (count >= 5) return MONTHS[f.month - 1]!.slice(0, 1);
      if (count === 4) return MONTHS[f.month - 1]!;
      if (count === 3) return MONTHS[f.month - 1]!.slice(0, 3);
      return pad(f.month, count);
    case 'd': return pad(f.day, count);
    case 'D': return pad(f.dayOfYear, count);
    case 'H': return pad(f.hour, count);
    case 'k': return pad(f.hour === 0 ? 24 : f.hour, count);
    case 'h': return pad(f.hour % 12 === 0 ? 12 : f.hour % 12, count);
    case 'K': return pad(f.hour % 12, count);
    case 'm': return pad(f.minute, count);
    case 's': return pad(f.second, count);
    case 'S': return pad(f.milli, 3).padEnd(count, '0').slice(0, count);
    case 'n': return String(f.milli * 1_000_000);
    case 'A': return String(((f.hour * 60 + f.minute) * 60 + f.second) * 1000 + f.milli);
    case 'a': return f.hour < 12 ? 'AM' : 'PM';
    case 'E': return count === 4 ? DAYS[f.weekday]! : count >= 5 ? DAYS[f.weekday]!.slice(0, 1) : DAYS[f.weekday]!.slice(0, 3);
    case 'e': case 'c': return count <= 2 ? pad(((f.weekday + 6) % 7) + 1, count) : formatField('E', count, f, offset, zone, epochMs);
    case 'Z': case 'X': case 'x': case 'O': return formatOffset(offset, letter, count);
    case 'z': return zoneName(zone, epochMs, count >= 4);
    case 'V': return zone.id;
    case 'G': return f.year > 0 ? 'AD' : 'BC';
    default: throw new Error(`Unknown pattern letter: ${letter}`);
  }
}

function formatTokens(tokens: readonly Token[], f: Fields, offset: number, zone: Zone, epochMs: number): string {
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'literal') out += t.text;
    else if (t.kind === 'optional') out += formatTokens(t.tokens, f, offset, zone, epochMs);
    else out += formatField(t.letter, t.count, f, offset, zone, epochMs);
  }
  return out;
}

export function epochMilliSecondsToFormatted(epochMs: number, pattern: string, zoneId?: string): string {
  const zone = resolveZone(zoneId);
  const offset = offsetSecondsAt(zone, epochMs);
  return formatTokens(tokenize(String(pattern)), fieldsOf(epochMs + offset * 1000), offset, zone, epochMs);
}

interface ParseState { text: string; pos: number; values: Record<string, number>; offset: number | null; pm: boolean | null; zoneRegion?: Zone }

class ParseFailure {}
const FAIL = new ParseFailure();

function readDigits(s: ParseState, min: number, max: number): number {
  let j = s.pos;
  if (s.text[j] === '-' || s.text[j] === '+') j += 1;
  const start = j;
  while (j < s.text.length && j - start < max && s.text[j]! >= '0' && s.text[j]! <= '9') j += 1;
  if (j - start < min) throw FAIL;
  const value = Number(s.text.slice(s.pos, j));
  s.pos = j;
  return value;
}

function readName(s: ParseState, names: readonly string[], short: boolean): number {
  const rest = s.text.slice(s.pos).toLowerCase();
  for (let i = 0; i < names.length; i += 1) {
    const name = short ? names[i]!.slice(0, 3) : names[i]!;
    if (rest.startsWith(name.toLowerCase())) { s.pos += name.length; return i; }
  }
  throw FAIL;
}

function readOffset(s: ParseState): number {
  const rest = s.text.slice(s.pos);
  const m = /^(?:Z|(?:GMT|UTC)?([+-])(\d{2}):?(\d{2})?(?::?(\d{2}))?|GMT|UTC)/.exec(rest);
  if (!m) throw FAIL;
  s.pos += m[0].length;
  if (m[1] === undefined) return 0;
  const seconds = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  return m[1] === '-' ? -seconds : seconds;
}

function nextIsNumeric(tokens: readonly Token[], i: number): boolean {
  const next = tokens[i + 1];
  return next !== undefined && next.kind === 'field' && 'yuMdDHhkKmsS'.includes(next.letter) && !(next.letter === 'M' && next.count >= 3);
}

function parseTokens(tokens: readonly Token[], s: ParseState): void {
  tokens.forEach((t, i) => {
    if (t.kind === 'literal') {
      if (!s.text.startsWith(t.text, s.pos)) throw FAIL;
      s.pos += t.text.length;
      return;
    }
    if (t.kind === 'optional') {
      const saved = { pos: s.pos, values: { ...s.values }, offset: s.offset };
      try { parseTokens(t.tokens, s); } catch (e) {
        if (e !== FAIL) throw e;
        s.pos = saved.pos; s.values = saved.values; s.offset = saved.offset;
      }
      return;
    }
    const fixed = nextIsNumeric(tokens, i);
    switch (t.letter) {
      case 'y': case 'u': {
        if (t.count === 2) { s.values['year'] = 2000 + readDigits(s, 2, 2); return; }
        s.values['year'] = readDigits(s, Math.min(t.count, 4), fixed ? Math.max(t.count, 4) : 10);
        return;
      }
      case 'M': case 'L':
        if (t.count >= 3) { s.values['month'] = readName(s, MONTHS, t.count === 3) + 1; return; }
        s.values['month'] = readDigits(s, ...(t.count === 2 ? [2, 2] as [number, number] : fixed ? [1, 1] as [number, number] : [1, 2] as [number, number]));
        return;
      case 'd': s.values['day'] = readDigits(s, ...(t.count === 2 ? [2, 2] as [number, number] : [1, 2] as [number, number])); return;
      case 'H': case 'k': s.values['hour'] = readDigits(s, ...(t.count === 2 ? [2, 2] as [number, number] : [1, 2] as [number, number])) % 24; return;
      case 'h': case 'K': s.values['hour12'] = readDigits(s, ...(t.count === 2 ? [2, 2] as [number, number] : [1, 2] as [number, number])) % 12; return;
      case 'm': s.values['minute'] = readDigits(s, ...(t.count === 2 ? [2, 2] as [number, number] : [1, 2] as [number, number])); return;
      case 's': s.values['second'] = readDigits(s, ...(t.count === 2 ? [2, 2] as [number, number] : [1, 2] as [number, number])); return;
      case 'S': {
        const start = s.pos;
        readDigits(s, t.count, t.count);
        s.values['milli'] = Number(s.text.slice(start, s.pos).padEnd(3, '0').slice(0, 3));
        return;
      }
      case 'a': {
        const ampm = s.text.slice(s.pos, s.pos + 2).toUpperCase();
        if (ampm !== 'AM' && ampm !== 'PM') throw FAIL;
        s.pm = ampm === 'PM';
        s.pos += 2;
        return;
      }
      case 'E': readName(s, DAYS, t.count < 4); return;
      case 'Z': case 'X': case 'x': case 'O': s.offset = readOffset(s); return;
      case 'z': case 'V': {
        const m = /^[A-Za-z_/+\-0-9:]+/.exec(s.text.slice(s.pos));
        if (!m) throw FAIL;
        s.pos += m[0].length;
        const zone = resolveZone(m[0] === 'UTC' || m[0] === 'GMT' ? 'UTC' : m[0]);
        s.offset = zone.kind === 'fixed' ? zone.offsetSeconds : null;
        if (zone.kind === 'region') s.zoneRegion = zone;
        return;
      }
      default: throw new Error(`Unknown pattern letter: ${t.letter}`);
    }
  });
}

/** Parses `text` with a Java pattern; `zoneId` applies when the pattern carries no zone. */
export function parseFormattedToEpochMilliSeconds(text: string, pattern: string, zoneId?: string): number {
  const s: ParseState = { text: String(text), pos: 0, values: {}, offset: null, pm: null };
  try {
    parseTokens(tokenize(String(pattern)), s);
    if (s.pos !== s.text.length) throw FAIL;
  } catch (e) {
    if (e !== FAIL) throw e;
    throw new Error(`Text '${String(text)}' could not be parsed at index ${s.pos}`);
  }
  const v = s.values;
  let hour = v['hour'] ?? 0;
  if (v['hour12'] !== undefined) hour = v['hour12'] + (s.pm ? 12 : 0);
  const local = NativeDate.UTC(v['year'] ?? 1970, (v['month'] ?? 1) - 1, v['day'] ?? 1, hour, v['minute'] ?? 0, v['second'] ?? 0, v['milli'] ?? 0);
  if (s.offset !== null) return local - s.offset * 1000;
  return localToEpoch(s.zoneRegion ?? resolveZone(zoneId), local);
}

/** ISO 8601 date-time with offset or `Z` (Java `ZonedDateTime.parse`). */
export function parseISO8601ToEpochMilliSeconds(text: string): number {
  const m = /^(\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?(?:\[[^\]]+\])?$/.exec(String(text));
  if (!m) throw new Error(`Text '${String(text)}' could not be parsed at index 0`);
  const milli = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  const local = NativeDate.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), milli);
  const zone = resolveZone(m[8] ?? 'UTC');
  return localToEpoch(zone, local);
}

export const epochMilliSecondsToSeconds = (ms: number): number => Math.floor(Number(ms) / 1000);
export const epochMilliSecondsToISO8601 = (ms: number): string => new NativeDate(Number(ms)).toISOString();

export function createTimeUtil(): Record<string, unknown> {
  return {
    nowISO8601: () => epochMilliSecondsToISO8601(nowMillis()),
    nowEpochSeconds: () => epochMilliSecondsToSeconds(nowMillis()),
    nowEpochMilliSeconds: () => nowMillis(),
    nowFormatted: (pattern: string, zone?: string) => epochMilliSecondsToFormatted(nowMillis(), pattern, zone),
    parseFormattedToEpochMilliSeconds,
    parseISO8601ToEpochMilliSeconds,
    epochMilliSecondsToSeconds,
    epochMilliSecondsToISO8601,
    epochMilliSecondsToFormatted,
  };
}
