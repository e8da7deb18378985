/**
 * Module state and `ctx` as handlers see them. On AppSync every handler run starts from the uploaded
 * code (docs/APPSYNC-BEHAVIOUR.md), so nothing carries over from one request to the next, and a
 * handler sees every `ctx` member. These tests run in the project's runtime mode (runtime-mode.ts):
 * with the fast paths (shared frozen modules, selective `ctx` copying, one-walk copy-out) and on the
 * plain path, the answers must be the same.
 */
import { describe, expect, it } from 'vitest';
import { compileResolver, type HandlerOutcome, type ResolverContextInput } from '../../../local/runtime/index.ts';
import { RUNTIME } from './runtime-mode.ts';

function input(overrides: Partial<ResolverContextInput> = {}): ResolverContextInput {
  return {
    arguments: {}, identity: null, source: null, stash: {}, request: { headers: {}, domainName: null },
    info: { fieldName: 'getAsset', parentTypeName: 'Query', variables: {}, selectionSetList: ['id'], selectionSetGraphQL: '{\n  id\n}' },
    env: {}, authType: 'API_KEY', ...overrides,
  };
}

const RESPONSE = 'export function response(ctx) { return ctx.result; }\n';

function compile(body: string, filename = 'state.js'): ReturnType<typeof compileResolver> {
  return compileResolver(`${body}\n${RESPONSE}`, filename, RUNTIME);
}

/** The request handler's values for one request per `args`, in order, from one compilation. */
function valuesOf(body: string, args: readonly Record<string, unknown>[]): unknown[] {
  const compiled = compile(body);
  return args.map((a) => compiled.evaluate('request', input({ arguments: a })).value);
}

describe('module state: no state carries over from one request to the next', () => {
  it('a module whose top level holds only functions, primitives and objects read by member answers every request alike', () => {
    const code = [
      "import { util } from '@aws-appsync/utils';",
      "const PREFIX = 'asset#';",
      'var LIMITS = { max: 100, names: ["a", "b"] };',
      'function keyOf(id) { return PREFIX + id; }',
      'export function request(ctx) {',
      '  if (LIMITS.names.includes(ctx.args.kind)) return null;',
      '  return { key: keyOf(ctx.args.id), max: LIMITS.max, n: LIMITS.names.length, id: util.autoId().length };',
      '}',
    ].join('\n');
    expect(valuesOf(code, [{ id: 'x', kind: 'c' }, { id: 'y', kind: 'a' }, { id: 'z' }])).toEqual([
      { key: 'asset#x', max: 100, n: 2, id: 36 },
      null,
      { key: 'asset#z', max: 100, n: 2, id: 36 },
    ]);
  });
  it.each<[string, string, Record<string, unknown>[], unknown[]]>([
    ['a reassigned top-level let', 'let counter = 0;\nexport function request(ctx) {\n  counter = counter + 1;\n  return counter;\n}', [{}, {}], [1, 1]],
    ['a top-level array changed by a mutating method', 'const seen = [];\nexport function request(ctx) {\n  seen.push(ctx.args.id);\n  return seen;\n}', [{ id: 'a' }, { id: 'b' }], [['a'], ['b']]],
    ['a member assignment on a top-level object', 'const DEFAULTS = { limit: 10 };\nexport function request(ctx) {\n  if (ctx.args.limit) DEFAULTS.limit = ctx.args.limit;\n  return DEFAULTS.limit;\n}', [{ limit: 5 }, {}], [5, 10]],
    ['a top-level object written by key', 'const cache = {};\nexport function request(ctx) {\n  cache[ctx.args.id] = true;\n  return Object.keys(cache);\n}', [{ id: 'a' }, { id: 'b' }, { id: 'c' }], [['a'], ['b'], ['c']]],
    ['a nested top-level object written through a local alias', 'const CONFIG = { limits: { max: 1 } };\nexport function request(ctx) {\n  const limits = CONFIG.limits;\n  limits.max = limits.max + ctx.args.n;\n  return limits.max;\n}', [{ n: 2 }, { n: 3 }], [3, 4]],
    ['array elements written by a callback', 'const ITEMS = [{ n: 0 }];\nexport function request(ctx) {\n  return ITEMS.map((item) => {\n    item.n = item.n + ctx.args.step;\n    return item.n;\n  });\n}', [{ step: 1 }, { step: 1 }], [[1], [1]]],
    ['a top-level object handed to Object.assign', 'const DEFAULTS = { order: "ASC" };\nexport function request(ctx) {\n  return Object.assign(DEFAULTS, ctx.args);\n}', [{ order: 'DESC' }, {}], [{ order: 'DESC' }, { order: 'ASC' }]],
    ['a top-level list returned by a helper and changed by the caller', 'const STORE = { list: [] };\nfunction bag() { return STORE.list; }\nexport function request(ctx) {\n  bag().push(ctx.args.id);\n  return bag();\n}', [{ id: 'a' }, { id: 'b' }], [['a'], ['b']]],
  ])('%s: every request starts from the uploaded code', (_name, body, args, values) => {
    expect(valuesOf(body, args)).toEqual(values);
  });
  it('a top-level call runs for every request (each gets its own util.autoId())', () => {
    const [first, second] = valuesOf("import { util } from '@aws-appsync/utils';\nconst ID = util.autoId();\nexport function request(ctx) {\n  return ID;\n}", [{}, {}]);
    expect([typeof first, first === second]).toEqual(['string', false]);
  });
  it('a top-level statement runs for every request: its log line is in each outcome', () => {
    const compiled = compile("console.log('loaded');\nexport function request(ctx) {\n  return ctx.args.id;\n}");
    const outcomes = ['a', 'b'].map((id) => compiled.evaluate('request', input({ arguments: { id } })));
    expect(outcomes.map((o) => [o.value, o.logs])).toEqual([['a', ['INFO - code.js:1:1: "loaded"']], ['b', ['INFO - code.js:1:1: "loaded"']]]);
  });
  it('a top-level value a handler spreads gives the same answers on every evaluation and returns fresh host data', () => {
    const compiled = compile('const DEFAULTS = { limit: 10, order: "ASC" };\nexport function request(ctx) {\n  return { ...DEFAULTS, id: ctx.args.id };\n}');
    const first = compiled.evaluate('request', input({ arguments: { id: 'a' } })).value as Record<string, unknown>;
    first['limit'] = 99;
    const second = compiled.evaluate('request', input({ arguments: { id: 'b' } })).value;
    expect([second, Object.getPrototypeOf(second) === Object.prototype]).toEqual([{ limit: 10, order: 'ASC', id: 'b' }, true]);
  });
  it('handler arguments and results are copies: mutating them in one request does not reach the next', () => {
    const compiled = compile('export function request(ctx) {\n  ctx.args.input.touched = (ctx.args.input.touched ?? 0) + 1;\n  return ctx.args.input;\n}');
    const args = { input: { name: 'n' } };
    const values = [compiled.evaluate('request', input({ arguments: args })).value, compiled.evaluate('request', input({ arguments: args })).value];
    expect([values, args]).toEqual([[{ name: 'n', touched: 1 }, { name: 'n', touched: 1 }], { input: { name: 'n' } }]);
  });
  it('the fast paths share a stateless module; the plain path runs its top level for every evaluation', () => {
    // The one test of the switch itself: without it, both projects could run the plain path unnoticed.
    expect(compile('const PREFIX = "asset#";\nexport function request(ctx) {\n  return PREFIX + ctx.args.id;\n}').moduleState.mode).toBe(RUNTIME.fastPaths === false ? 'per-evaluation' : 'shared');
  });
});

describe('ctx: a handler sees every member, however it reaches them', () => {
  const full = (): ResolverContextInput => input({
    arguments: { id: 'a1', key: 'stash' }, identity: { sub: 'u1' }, source: { parentId: 'p1' }, stash: { kept: 1 }, prev: { result: { n: 1 } },
    result: { id: 'r1' }, request: { headers: { 'x-trace': 't1' }, domainName: null }, env: { STAGE: 'dev' },
  });
  /** `ctx` as JSON shows it (docs/APPSYNC-BEHAVIOUR.md#js-info-and-selection-set: the selection set is left out). */
  const FULL_JSON = {
    arguments: { id: 'a1', key: 'stash' }, args: { id: 'a1', key: 'stash' }, identity: { sub: 'u1' }, source: { parentId: 'p1' }, stash: { kept: 1 }, prev: { result: { n: 1 } },
    request: { headers: { 'x-trace': 't1' }, domainName: null }, info: { fieldName: 'getAsset', parentTypeName: 'Query', variables: {} }, env: { STAGE: 'dev' }, result: { id: 'r1' },
  };

  it.each<[string, string, unknown, Record<string, unknown>]>([
    ['member reads only', 'export function request(ctx) { return ctx.args.id; }', 'a1', { kept: 1 }],
    ['destructuring, and a helper that writes ctx.stash', 'function put(c) { c.stash.x = 1; return c.info.fieldName; }\nexport function request(ctx) { const { identity } = ctx; return [identity, put(ctx)]; }', [{ sub: 'u1' }, 'getAsset'], { kept: 1, x: 1 }],
    ['a destructured parameter', 'export function request({ args, result, prev }) { return [args.id, result, prev]; }', ['a1', { id: 'r1' }, { result: { n: 1 } }], { kept: 1 }],
    ['ctx used as a value', 'export function request(ctx) { return JSON.parse(JSON.stringify(ctx)); }', FULL_JSON, { kept: 1 }],
    ['ctx passed to a function the analysis does not know', 'export function request(ctx) { return Object.keys(ctx); }', Object.keys(FULL_JSON), { kept: 1 }],
    ['a member it never names, reached by a computed key and written', 'export function request(ctx) { ctx[ctx.args.key].seen = ctx.source.parentId; return ctx[ctx.args.key]; }', { kept: 1, seen: 'p1' }, { kept: 1, seen: 'p1' }],
    ['a local alias of ctx that writes the stash', 'export function request(ctx) { const c = ctx; c.stash.seen = c.request.headers["x-trace"]; return c.env.STAGE; }', 'dev', { kept: 1, seen: 't1' }],
  ])('%s: the value and the stash written back', (_name, body, value, stash) => {
    const ctx = full();
    const outcome = compile(body, 'ctx.js').evaluate('request', ctx);
    expect({ value: outcome.value, error: outcome.error, stash: ctx.stash }).toEqual({ value, error: null, stash });
  });
  it('a handler that cannot see the stash leaves it as it was; one that writes it has it written back', () => {
    const code = 'export function request(ctx) { return ctx.args.id; }\nexport function response(ctx) { ctx.stash.done = ctx.result; return ctx.result; }\n';
    const compiled = compileResolver(code, 'stash.js', RUNTIME);
    const stash: Record<string, unknown> = { kept: 1 };
    const request = compiled.evaluate('request', input({ arguments: { id: 'a' }, stash })).value;
    const afterRequest = { ...stash };
    compiled.evaluate('response', input({ stash, result: 'r' }));
    expect([request, afterRequest, stash]).toEqual(['a', { kept: 1 }, { kept: 1, done: 'r' }]);
  });
  it('a handler that enumerates ctx sees every member, info without its selection set', () => {
    const code = 'export function request(ctx) { return { keys: Object.keys(ctx), info: { ...ctx.info }, list: ctx.info.selectionSetList, json: JSON.parse(JSON.stringify(ctx.info)) }; }\n';
    const info = { fieldName: 'getAsset', parentTypeName: 'Query', variables: { id: 'a' } };
    expect(compile(code, 'keys.js').evaluate('request', input()).value).toEqual({
      keys: ['arguments', 'args', 'identity', 'source', 'stash', 'prev', 'request', 'info', 'env'],
      info: { fieldName: 'getAsset', parentTypeName: 'Query', variables: {} },
      list: ['id'],
      json: { ...info, variables: {} },
    });
  });
});

describe('copy-out: values leave the sandbox with JSON semantics (copy-out.ts)', () => {
  const evaluate = (body: string, filename: string): HandlerOutcome => compile(body, filename).evaluate('request', input());

  it('drops undefined and functions, nulls them in arrays, maps NaN to null and -0 to 0, keeps __proto__ as data', () => {
    const value = evaluate('export function request(ctx) {\n  const o = JSON.parse(\'{"__proto__": 1}\');\n  return Object.assign(o, { a: undefined, f: (x) => x, n: NaN, z: -0, list: [1, undefined, (y) => y, Infinity], deep: { e: [] } });\n}', 'json.js').value;
    expect([value, Object.is((value as { z: number }).z, 0), Object.keys(value as object)]).toEqual([
      JSON.parse('{"__proto__":1,"n":null,"z":0,"list":[1,null,null,null],"deep":{"e":[]}}'), true, ['__proto__', 'n', 'z', 'list', 'deep'],
    ]);
  });
  it('honours toJSON like JSON.stringify does', () => {
    expect(evaluate('export function request(ctx) {\n  return { when: { toJSON: (key) => `at ${key}` }, list: [{ toJSON: () => 7 }] };\n}', 'tojson.js').value).toEqual({ when: 'at when', list: [7] });
  });
  it('a circular value is a Code error, as JSON.stringify reports it', () => {
    const outcome = evaluate('export function request(ctx) {\n  const o = { name: "loop" };\n  o.self = o;\n  return o;\n}', 'loop.js');
    expect([outcome.value, outcome.error?.errorType, outcome.error?.message.split('\n')[0]]).toEqual([null, 'Code', 'TypeError: Converting circular structure to JSON']);
  });
});
