import { describe, expect, it } from 'vitest';
import { compileResolver, type ResolverContextInput } from '../../../local/runtime/index.ts';
import { evalExpr, evalModule, resolverReturning } from './evaluate.ts';
import { RUNTIME } from './runtime-mode.ts';

function input(overrides: Partial<ResolverContextInput> = {}): ResolverContextInput {
  return {
    arguments: {}, identity: null, source: null, stash: {}, request: { headers: {}, domainName: null },
    info: { fieldName: 'getAsset', parentTypeName: 'Query', variables: {}, selectionSetList: [], selectionSetGraphQL: '' },
    env: {}, authType: 'API_KEY', ...overrides,
  };
}

describe('sandbox isolation (docs/APPSYNC-BEHAVIOUR.md#js-built-in-objects)', () => {
  it('exposes no Node globals, timers, Date, Promise or eval to resolver code', () => {
    expect(evalExpr('[typeof process, typeof require, typeof module, typeof Buffer, typeof setTimeout, typeof setInterval, typeof setImmediate, typeof queueMicrotask, typeof fetch, typeof Date, typeof Promise, typeof eval, typeof globalThis.process]')).toEqual(
      ['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined'],
    );
  });
  it('exposes util, extensions and runtime as globals even without an import (docs/APPSYNC-BEHAVIOUR.md#js-module-format)', () => {
    const code = 'export function request(ctx) { return [typeof util.autoId, typeof extensions.setSubscriptionFilter, typeof runtime.earlyReturn]; }\nexport function response(ctx) { return ctx.result; }\n';
    expect(evalModule(code)).toEqual({ evaluationResult: '["function","function","function"]', logs: [], stash: '{}' });
  });
  it('blocks the constructor escape to the host (string code generation is disabled)', () => {
    expect(evalModule(resolverReturning('util.autoId.constructor("return process")()'))).toEqual({
      error: { message: 'code.js:4:22: EvalError: Code generation from strings disallowed for this context' }, logs: [], stash: '{}',
    });
  });
  it('built-in prototypes are frozen, so a request cannot pollute the next one', () => {
    const result = evalModule(resolverReturning('null').replace('return null;', 'Object.prototype.isAdmin = true;\n  return 1;'));
    expect(result).toEqual({ error: { message: "code.js:4:28: TypeError: Cannot add property isAdmin, object is not extensible" }, logs: [], stash: '{}' });
    expect(evalExpr('({}).isAdmin === undefined')).toBe(true);
  });
  it('globals cannot be replaced and globalThis is a frozen view', () => {
    expect(evalModule(resolverReturning('null').replace('return null;', 'globalThis.leak = 1;\n  return 1;'))).toEqual({
      error: { message: 'code.js:4:19: TypeError: Cannot add property leak, object is not extensible' }, logs: [], stash: '{}',
    });
  });
  it('own properties named like Object.prototype members can still be assigned on plain objects', () => {
    expect(evalExpr('Object.assign({}, { toString: "x", constructor: 1 })')).toEqual({ toString: 'x', constructor: 1 });
  });
  it('module-level variables start afresh for every request (no state shared between requests)', () => {
    const code = 'let counter = 0;\nconst seen = [];\nexport function request(ctx) {\n  counter = counter + 1;\n  seen.push(ctx.args.id);\n  return { counter, seen };\n}\nexport function response(ctx) { return ctx.result; }\n';
    const compiled = compileResolver(code, 'counter.js', RUNTIME);
    const first = compiled.evaluate('request', input({ arguments: { id: 'a' } }));
    const second = compiled.evaluate('request', input({ arguments: { id: 'b' } }));
    expect([first.value, second.value]).toEqual([{ counter: 1, seen: ['a'] }, { counter: 1, seen: ['b'] }]);
  });
  it('JSON.parse of invalid text returns "" (docs/APPSYNC-BEHAVIOUR.md#js-built-in-objects)', () => {
    expect(evalExpr('JSON.parse("{nope")')).toBe('');
  });
});

describe('compiled resolver: evaluate (local/runtime/contract.ts)', () => {
  const code = [
    "import { util, runtime, extensions } from '@aws-appsync/utils';",
    'export function request(ctx) {',
    '  ctx.stash.seen = ctx.args.id;',
    "  if (ctx.args.mode === 'early') runtime.earlyReturn({ cached: true }, { skipTo: 'END' });",
    "  if (ctx.args.mode === 'earlyDefault') runtime.earlyReturn();",
    "  if (ctx.args.mode === 'unauth') util.unauthorized();",
    "  if (ctx.args.mode === 'crash') return ctx.args.missing.deep;",
    "  console.log('request for', ctx.args.id, { n: 1 });",
    "  util.appendError('soft', 'Soft:Type', { id: 1 }, { hint: 'x' });",
    "  extensions.invalidateSubscriptions({ subscriptionField: 'onAssetUpdated', payload: { id: ctx.args.id } });",
    "  extensions.evictFromApiCache('Query', 'getAsset', { 'context.arguments.id': ctx.args.id });",
    "  extensions.setSubscriptionFilter({ filterGroup: [] });",
    "  util.http.addResponseHeader('x-custom', 'v');",
    '  return { id: ctx.args.id, gone: undefined, list: [1, undefined], info: JSON.parse(JSON.stringify(ctx.info)), selection: ctx.info.selectionSetList, same: ctx.args === ctx.arguments, env: ctx.env.STAGE, prev: ctx.prev, source: ctx.source, result: ctx.result };',
    '}',
    'export function response(ctx) {',
    '  if (ctx.error) util.error(ctx.error.message, ctx.error.type, ctx.result);',
    '  return ctx.result;',
    '}',
  ].join('\n');
  const compiled = compileResolver(code, 'Query.getAsset.js', RUNTIME);
  const info = { fieldName: 'getAsset', parentTypeName: 'Query', variables: { id: 'a1' }, selectionSetList: ['id'], selectionSetGraphQL: '{\n  id\n}' };

  it('reports handlers present', () => {
    expect([compiled.hasHandler('request'), compiled.hasHandler('response')]).toEqual([true, true]);
  });
  it('returns the value as JSON data with every side channel, and writes the stash back in place', () => {
    const stash: Record<string, unknown> = { before: 1 };
    const outcome = compiled.evaluate('request', input({ arguments: { id: 'a1' }, stash, info, env: { STAGE: 'dev' } }));
    expect(outcome).toEqual({
      value: { id: 'a1', list: [1, null], info: { fieldName: 'getAsset', parentTypeName: 'Query', variables: { id: 'a1' } }, selection: ['id'], same: true, env: 'dev', prev: null, source: null },
      error: null,
      appendedErrors: [{ message: 'soft', errorType: 'Soft:Type', data: { id: 1 }, errorInfo: { hint: 'x' } }],
      earlyReturn: null,
      extensions: {
        invalidations: [{ subscriptionField: 'onAssetUpdated', payload: { id: 'a1' } }],
        cacheEvictions: [{ typeName: 'Query', fieldName: 'getAsset', keys: { 'context.arguments.id': 'a1' } }],
        subscriptionFilter: { filterGroup: [] },
      },
      logs: ['INFO - code.js:8:3: "request for" "a1" {"n":1}'],
      responseHeaders: { 'x-custom': 'v' },
    });
    expect(stash).toEqual({ before: 1, seen: 'a1' });
  });
  it('runtime.earlyReturn stops the handler and reports value and skipTo', () => {
    expect(compiled.evaluate('request', input({ arguments: { id: 'a', mode: 'early' } })).earlyReturn).toEqual({ value: { cached: true }, skipTo: 'END', skipToDefaulted: false });
    expect(compiled.evaluate('request', input({ arguments: { id: 'a', mode: 'earlyDefault' } })).earlyReturn).toEqual({ value: null, skipTo: 'NEXT', skipToDefaulted: true });
  });
  it('util.unauthorized gives the live message naming the field (docs/APPSYNC-BEHAVIOUR.md#js-util-errors)', () => {
    expect(compiled.evaluate('request', input({ arguments: { mode: 'unauth' }, info })).error).toEqual({ message: 'Not Authorized to access getAsset on type Query', errorType: 'Unauthorized', data: null, errorInfo: null });
  });
  it('an uncaught exception becomes errorType Code with the code.js position (docs/APPSYNC-BEHAVIOUR.md#js-util-errors)', () => {
    const outcome = compiled.evaluate('request', input({ arguments: { mode: 'crash' } }));
    expect([outcome.error, outcome.codeError]).toEqual([
      { message: "code.js:7:58: TypeError: Cannot read properties of undefined (reading 'deep')", errorType: 'Code', data: null, errorInfo: null },
      { line: 7, column: 58 },
    ]);
  });
  it('the response handler sees result and error; util.error carries type and data', () => {
    const outcome = compiled.evaluate('response', input({ result: { id: 'x' }, error: { message: 'The conditional request failed', type: 'DynamoDB:ConditionalCheckFailedException' } }));
    expect(outcome.error).toEqual({ message: 'The conditional request failed', errorType: 'DynamoDB:ConditionalCheckFailedException', data: { id: 'x' }, errorInfo: null });
    expect(outcome.value).toBeNull();
  });
  it('the pipeline prev.result reaches the handler', () => {
    const outcome = compiled.evaluate('request', input({ arguments: { id: 'p' }, prev: { result: { n: 1 } } }));
    expect((outcome.value as { prev: unknown }).prev).toEqual({ result: { n: 1 } });
  });
});
