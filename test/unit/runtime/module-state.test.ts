import { describe, expect, it } from 'vitest';
import { compileResolver, validateResolverCode, type ResolverContextInput } from '../../../local/runtime/index.ts';

function input(overrides: Partial<ResolverContextInput> = {}): ResolverContextInput {
  return {
    arguments: {}, identity: null, source: null, stash: {}, request: { headers: {}, domainName: null },
    info: { fieldName: 'getAsset', parentTypeName: 'Query', variables: {}, selectionSetList: ['id'], selectionSetGraphQL: '{\n  id\n}' },
    env: {}, authType: 'API_KEY', ...overrides,
  };
}

const RESPONSE = 'export function response(ctx) { return ctx.result; }\n';

function moduleStateOf(body: string): unknown {
  return compileResolver(`${body}\n${RESPONSE}`, 'state.js').moduleState;
}

describe('module state: when the top level runs once and is shared (module-analysis.ts)', () => {
  it('shares a module whose top level holds only functions, primitives and objects read by member', () => {
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
    expect(moduleStateOf(code)).toEqual({ mode: 'shared', reason: null });
  });
  it.each([
    ['a reassigned top-level let', 'let counter = 0;\nexport function request(ctx) {\n  counter = counter + 1;\n  return counter;\n}', 'top-level `counter` is reassigned (line 3)'],
    ['a top-level array changed by a mutating method', 'const seen = [];\nexport function request(ctx) {\n  seen.push(ctx.args.id);\n  return seen;\n}', 'top-level `seen` may be mutated: it is the receiver of .push() (line 3)'],
    ['a member assignment on a top-level object', 'const DEFAULTS = { limit: 10 };\nexport function request(ctx) {\n  DEFAULTS.limit = ctx.args.limit;\n  return DEFAULTS.limit;\n}', 'top-level `DEFAULTS` may be mutated: a member is assigned (line 3)'],
    ['a top-level call (its value may differ per request)', "import { util } from '@aws-appsync/utils';\nconst ID = util.autoId();\nexport function request(ctx) {\n  return ID;\n}", 'a top-level initializer has a CallExpression (line 2)'],
    ['a top-level statement', "console.log('loaded');\nexport function request(ctx) {\n  return 1;\n}", 'the top level runs a ExpressionStatement (line 1)'],
    ['a nested top-level object handed to handler code', 'const CONFIG = { limits: { max: 1 } };\nexport function request(ctx) {\n  const limits = CONFIG.limits;\n  return limits;\n}', 'a mutable top-level object flows into handler code (line 3)'],
    ['array elements handed to a callback', 'const ITEMS = [{ n: 0 }];\nexport function request(ctx) {\n  return ITEMS.map((item) => item.n);\n}', 'a mutable top-level object flows into handler code (line 3)'],
  ])('runs the top level per evaluation for %s', (_name, body, reason) => {
    expect(moduleStateOf(body)).toEqual({ mode: 'per-evaluation', reason });
  });
});

describe('module state: no state is shared between requests', () => {
  it('a top-level object written by one request is pristine for the next', () => {
    const code = 'const cache = {};\nexport function request(ctx) {\n  cache[ctx.args.id] = true;\n  return Object.keys(cache);\n}\n' + RESPONSE;
    const compiled = compileResolver(code, 'cache.js');
    const values = ['a', 'b', 'c'].map((id) => compiled.evaluate('request', input({ arguments: { id } })).value);
    expect([compiled.moduleState.mode, values]).toEqual(['per-evaluation', [['a'], ['b'], ['c']]]);
  });
  it('a top-level call runs for every request (each gets its own util.autoId())', () => {
    const code = "import { util } from '@aws-appsync/utils';\nconst ID = util.autoId();\nexport function request(ctx) {\n  return ID;\n}\n" + RESPONSE;
    const compiled = compileResolver(code, 'id.js');
    const first = compiled.evaluate('request', input()).value;
    const second = compiled.evaluate('request', input()).value;
    expect([typeof first, first === second]).toEqual(['string', false]);
  });
  it('a shared module gives the same answers on every evaluation and returns fresh host data', () => {
    const code = 'const DEFAULTS = { limit: 10, order: "ASC" };\nexport function request(ctx) {\n  return { ...DEFAULTS, id: ctx.args.id };\n}\n' + RESPONSE;
    const compiled = compileResolver(code, 'defaults.js');
    const first = compiled.evaluate('request', input({ arguments: { id: 'a' } })).value as Record<string, unknown>;
    first['limit'] = 99;
    const second = compiled.evaluate('request', input({ arguments: { id: 'b' } })).value;
    expect([compiled.moduleState.mode, second, Object.getPrototypeOf(second) === Object.prototype]).toEqual(['shared', { limit: 10, order: 'ASC', id: 'b' }, true]);
  });
  it('handler arguments and results are copies: mutating them in one request does not reach the next', () => {
    const code = 'export function request(ctx) {\n  ctx.args.input.touched = (ctx.args.input.touched ?? 0) + 1;\n  return ctx.args.input;\n}\n' + RESPONSE;
    const compiled = compileResolver(code, 'args.js');
    const args = { input: { name: 'n' } };
    const values = [compiled.evaluate('request', input({ arguments: args })).value, compiled.evaluate('request', input({ arguments: args })).value];
    expect([values, args]).toEqual([[{ name: 'n', touched: 1 }, { name: 'n', touched: 1 }], { input: { name: 'n' } }]);
  });
});

describe('ctx members a handler can observe (context-usage.ts)', () => {
  it.each([
    ['member reads only', 'export function request(ctx) { return ctx.args.id; }', ['args']],
    ['destructuring and a helper that reads ctx.stash', 'function put(c) { c.stash.x = 1; return c.info.fieldName; }\nexport function request(ctx) { const { identity } = ctx; return [identity, put(ctx)]; }', ['identity', 'stash', 'info']],
    ['a destructured parameter', 'export function request({ args, result }) { return [args, result]; }', ['args', 'result']],
    ['ctx used as a value', 'export function request(ctx) { return JSON.stringify(ctx); }', null],
    ['ctx passed to an unknown function', 'export function request(ctx) { return Object.keys(ctx); }', null],
  ])('%s', (_name, body, members) => {
    expect(validateResolverCode(`${body}\n${RESPONSE}`).contextUsage).toEqual({ request: members, response: ['result'] });
  });
  it('a handler that cannot see the stash leaves it as it was; one that writes it has it written back', () => {
    const code = 'export function request(ctx) { return ctx.args.id; }\nexport function response(ctx) { ctx.stash.done = ctx.result; return ctx.result; }\n';
    const compiled = compileResolver(code, 'stash.js');
    const stash: Record<string, unknown> = { kept: 1 };
    const request = compiled.evaluate('request', input({ arguments: { id: 'a' }, stash })).value;
    const afterRequest = { ...stash };
    compiled.evaluate('response', input({ stash, result: 'r' }));
    expect([request, afterRequest, stash]).toEqual(['a', { kept: 1 }, { kept: 1, done: 'r' }]);
  });
  it('a handler that enumerates ctx sees every member, info without its selection set', () => {
    const code = 'export function request(ctx) { return { keys: Object.keys(ctx), info: { ...ctx.info }, list: ctx.info.selectionSetList, json: JSON.parse(JSON.stringify(ctx.info)) }; }\n' + RESPONSE;
    const info = { fieldName: 'getAsset', parentTypeName: 'Query', variables: { id: 'a' } };
    expect(compileResolver(code, 'keys.js').evaluate('request', input()).value).toEqual({
      keys: ['arguments', 'args', 'identity', 'source', 'stash', 'prev', 'request', 'info', 'env'],
      info: { fieldName: 'getAsset', parentTypeName: 'Query', variables: {} },
      list: ['id'],
      json: { ...info, variables: {} },
    });
  });
});

describe('copy-out: values leave the sandbox with JSON semantics (copy-out.ts)', () => {
  it('drops undefined and functions, nulls them in arrays, maps NaN to null and -0 to 0, keeps __proto__ as data', () => {
    const code = 'export function request(ctx) {\n  const o = JSON.parse(\'{"__proto__": 1}\');\n  return Object.assign(o, { a: undefined, f: (x) => x, n: NaN, z: -0, list: [1, undefined, (y) => y, Infinity], deep: { e: [] } });\n}\n' + RESPONSE;
    const value = compileResolver(code, 'json.js').evaluate('request', input()).value;
    expect([value, Object.is((value as { z: number }).z, 0), Object.keys(value as object)]).toEqual([
      JSON.parse('{"__proto__":1,"n":null,"z":0,"list":[1,null,null,null],"deep":{"e":[]}}'), true, ['__proto__', 'n', 'z', 'list', 'deep'],
    ]);
  });
  it('honours toJSON like JSON.stringify does', () => {
    const code = 'export function request(ctx) {\n  return { when: { toJSON: (key) => `at ${key}` }, list: [{ toJSON: () => 7 }] };\n}\n' + RESPONSE;
    expect(compileResolver(code, 'tojson.js').evaluate('request', input()).value).toEqual({ when: 'at when', list: [7] });
  });
  it('a circular value is a Code error, as JSON.stringify reports it', () => {
    const code = 'export function request(ctx) {\n  const o = { name: "loop" };\n  o.self = o;\n  return o;\n}\n' + RESPONSE;
    const outcome = compileResolver(code, 'loop.js').evaluate('request', input());
    expect([outcome.value, outcome.error?.errorType, outcome.error?.message.split('\n')[0]]).toEqual([null, 'Code', 'TypeError: Converting circular structure to JSON']);
  });
});
