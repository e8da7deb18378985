/**
 * Microseconds per request+response evaluation of a simple resolver in the local APPSYNC_JS runtime,
 * against calling the same two functions as plain JavaScript in this process (same run, same
 * inputs). Goal: ratio ≤ 3 — no compilation or vm context per request.
 */
import vm from 'node:vm';
import { compileResolver, type ResolverContextInput } from '../local/runtime/index.ts';
import { rewriteModule } from '../local/runtime/module-rewrite.ts';
import { checkSyntax } from '../local/runtime/static-checks.ts';

const SIMPLE_RESOLVER = [
  'export function request(ctx) {',
  "  return { operation: 'GetItem', key: { id: { S: ctx.args.id } }, consistentRead: true };",
  '}',
  'export function response(ctx) {',
  '  if (ctx.error) {',
  '    return null;',
  '  }',
  '  return ctx.result;',
  '}',
].join('\n');

const ITERATIONS = 20_000;
const WARMUP = 2_000;

function input(result?: unknown): ResolverContextInput {
  return {
    arguments: { id: 'a1' }, identity: null, source: null, stash: {}, request: { headers: { 'x-api-key': 'k' }, domainName: null },
    info: { fieldName: 'getAsset', parentTypeName: 'Query', variables: { id: 'a1' }, selectionSetList: ['id', 'name'], selectionSetGraphQL: '{\n  id\n  name\n}' },
    env: {}, authType: 'API_KEY', ...(result !== undefined ? { result } : {}),
  };
}

function timePerOp(fn: () => void): number {
  for (let i = 0; i < WARMUP; i += 1) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i += 1) fn();
  return Number(process.hrtime.bigint() - start) / 1000 / ITERATIONS;
}

export async function benchRuntimeEval(): Promise<{ name: string; perOpMicros: number; baselineMicros: number; ratio: number }> {
  const compiled = compileResolver(SIMPLE_RESOLVER, 'bench-simple.js');
  const item = { id: 'a1', name: 'photo.png', size: 1234 };

  // The same module, run as plain JavaScript in the host realm.
  const ast = checkSyntax(SIMPLE_RESOLVER).ast;
  if (ast === null) throw new Error('bench: simple resolver does not parse');
  const factory = vm.runInThisContext(rewriteModule(SIMPLE_RESOLVER, ast).factorySource) as (i: unknown, g: unknown) => Record<string, (ctx: unknown) => unknown>;
  const plain = factory(() => ({}), globalThis);
  // Both sides get their context objects built once, as the executor holds them already.
  const requestInput = input();
  const responseInput = input(item);
  const plainRequestCtx = { ...requestInput, args: requestInput.arguments, prev: null };
  const plainResponseCtx = { ...responseInput, args: responseInput.arguments, prev: null };

  let sink: unknown;
  const perOpMicros = timePerOp(() => {
    sink = compiled.evaluate('request', requestInput).value;
    sink = compiled.evaluate('response', responseInput).value;
  });
  const baselineMicros = timePerOp(() => {
    sink = plain['request']!(plainRequestCtx);
    sink = plain['response']!(plainResponseCtx);
  });
  void sink;
  return { name: 'runtime-eval: request+response of a simple resolver', perOpMicros, baselineMicros, ratio: perOpMicros / baselineMicros };
}
