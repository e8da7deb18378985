import { describe, expect, it } from 'vitest';
import { evalExpr } from './evaluate.ts';

const MS = 1700000000123;

describe('util.time conversions (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers; time-helpers-in-util-time-js.html)', () => {
  it('epochMilliSecondsToISO8601 gives UTC with milliseconds and Z', () => {
    expect(evalExpr(`util.time.epochMilliSecondsToISO8601(${MS})`)).toBe('2023-11-14T22:13:20.123Z');
  });
  it('epochMilliSecondsToSeconds floors', () => {
    expect(evalExpr(`util.time.epochMilliSecondsToSeconds(${MS})`)).toBe(1700000000);
  });
  it('epochMilliSecondsToFormatted uses Java patterns, UTC by default', () => {
    expect(evalExpr(`util.time.epochMilliSecondsToFormatted(${MS}, "yyyy-MM-dd HH:mm:ssZ")`)).toBe('2023-11-14 22:13:20+0000');
  });
  it('epochMilliSecondsToFormatted applies an IANA zone', () => {
    expect(evalExpr(`util.time.epochMilliSecondsToFormatted(${MS}, "yyyy-MM-dd HH:mm:ssZ", "Asia/Tokyo")`)).toBe('2023-11-15 07:13:20+0900');
  });
  it('formats month and day names, 12-hour clock, fractions, literals and XXX offsets', () => {
    expect(evalExpr(`util.time.epochMilliSecondsToFormatted(${MS}, "EEE, d MMM yyyy hh:mm:ss.SSS a 'at' XXX", "America/New_York")`)).toBe('Tue, 14 Nov 2023 05:13:20.123 PM at -05:00');
    expect(evalExpr(`util.time.epochMilliSecondsToFormatted(${MS}, "EEEE MMMM dd XXX")`)).toBe('Tuesday November 14 Z');
  });
  it('formats an offset zone with seconds through an optional section', () => {
    expect(evalExpr(`util.time.epochMilliSecondsToFormatted(${MS}, "yyyy-MM-dd'T'HH:mm:ss[XXXXX]", "-07:00:30")`)).toBe('2023-11-14T15:12:50-07:00:30');
  });
  it('parseISO8601ToEpochMilliSeconds honours the offset', () => {
    expect(evalExpr('util.time.parseISO8601ToEpochMilliSeconds("2023-11-15T07:13:20.123+09:00")')).toBe(MS);
    expect(evalExpr('util.time.parseISO8601ToEpochMilliSeconds("2023-11-14T22:13:20.123Z")')).toBe(MS);
  });
  it('parseFormattedToEpochMilliSeconds uses the zone argument when the pattern has none', () => {
    expect(evalExpr('util.time.parseFormattedToEpochMilliSeconds("2023-11-15 07:13:20", "yyyy-MM-dd HH:mm:ss", "+09:00")')).toBe(1700000000000);
    expect(evalExpr('util.time.parseFormattedToEpochMilliSeconds("2023-11-15 07:13:20", "yyyy-MM-dd HH:mm:ss", "Asia/Tokyo")')).toBe(1700000000000);
  });
  it('parseFormattedToEpochMilliSeconds reads an offset from the text', () => {
    expect(evalExpr('util.time.parseFormattedToEpochMilliSeconds("2023-11-14 22:13:20+0000", "yyyy-MM-dd HH:mm:ssZ")')).toBe(1700000000000);
  });
  it('a text that does not fit the pattern is a Code error naming the text', () => {
    expect(() => evalExpr('util.time.parseFormattedToEpochMilliSeconds("2023/11/15", "yyyy-MM-dd")')).toThrow("Error: Text '2023/11/15' could not be parsed at index 4");
  });
});

describe('util.time now* (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers)', () => {
  it('returns the current time in every form', () => {
    const before = Date.now();
    const [iso, seconds, millis, formatted] = evalExpr('[util.time.nowISO8601(), util.time.nowEpochSeconds(), util.time.nowEpochMilliSeconds(), util.time.nowFormatted("yyyy")]') as [string, number, number, string];
    const after = Date.now();
    expect(Date.parse(iso)).toBeGreaterThanOrEqual(before);
    expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(seconds).toBeGreaterThanOrEqual(Math.floor(before / 1000));
    expect(millis).toBeGreaterThanOrEqual(before);
    expect(millis).toBeLessThanOrEqual(after);
    expect(formatted).toBe(String(new Date(millis).getUTCFullYear()));
  });
});
