import { describe, expect, it } from 'vitest';
import { evalExpr, evalModule, resolverReturning } from './evaluate.ts';

describe('util.str (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers; str-helpers-in-util-str-js.html)', () => {
  it('normalize applies the Unicode form', () => {
    expect(evalExpr('[util.str.normalize("Ⅸ", "nfkc"), util.str.normalize("é", "nfd").length]')).toEqual(['IX', 2]);
  });
});

describe('util.math (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers; math-helpers-in-util-math-js.html)', () => {
  it('roundNum rounds halves up, minVal/maxVal compare', () => {
    expect(evalExpr('[util.math.roundNum(2.5), util.math.roundNum(-2.5), util.math.minVal(3, 4), util.math.maxVal(3, 4)]')).toEqual([3, -2, 3, 4]);
  });
  it('randomDouble is in [0, 1) and randomWithinRange stays in range', () => {
    const [d, r] = evalExpr('[util.math.randomDouble(), util.math.randomWithinRange(5, 10)]') as [number, number];
    expect(d >= 0 && d < 1).toBe(true);
    expect(Number.isInteger(r) && r >= 5 && r <= 10).toBe(true);
  });
});

describe('util.xml (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers; xml-helpers-in-util-xml-js.html)', () => {
  it('toMap keeps the root, groups repeated elements and reads numbers', () => {
    expect(evalExpr('util.xml.toMap("<?xml version=\\"1.0\\"?><order><id>7</id><item>a</item><item>b</item></order>")')).toEqual({ order: { id: 7, item: ['a', 'b'] } });
  });
  it('toJsonString returns the same as a JSON string, optionally encoded again', () => {
    expect(evalExpr('[util.xml.toJsonString("<a><b>x</b></a>"), util.xml.toJsonString("<a><b>x</b></a>", true)]')).toEqual(['{"a":{"b":"x"}}', '"{\\"a\\":{\\"b\\":\\"x\\"}}"']);
  });
  it('toMap returns null for malformed XML', () => {
    expect(evalExpr('util.xml.toMap("<a><b></a>")')).toBeNull();
  });
});

describe('util.http (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers; http-helpers-in-utils-http-js.html)', () => {
  it('copyHeaders drops hop-by-hop headers', () => {
    expect(evalExpr('util.http.copyHeaders({ "content-length": "3", host: "h", "x-a": "1", Connection: "close", accept: "*/*" })')).toEqual({ 'x-a': '1', accept: '*/*' });
  });
  it('addResponseHeader refuses forbidden names with a ResponseHeaderError', () => {
    const code = resolverReturning('null').replace('return null;', 'util.http.addResponseHeader("x-amz-id", "1");\n  util.http.addResponseHeaders({ "content-type": "x", "x-ok": "1" });\n  return 1;');
    expect(evalModule(code)).toEqual({
      evaluationResult: '1', logs: [], stash: '{}',
      outErrors: JSON.stringify([
        { message: 'Unable to add response header x-amz-id', errorType: 'ResponseHeaderError', data: null, errorInfo: null },
        { message: 'Unable to add response header content-type', errorType: 'ResponseHeaderError', data: null, errorInfo: null },
      ]),
    });
  });
});
