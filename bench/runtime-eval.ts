/**
 * Figure 4a: microseconds per request+response evaluation of a simple resolver in the local
 * APPSYNC_JS runtime, against the same two functions called as plain JavaScript in this process
 * (same run, same inputs). Goal: ratio ≤ 3 — no compilation or vm context per request.
 *
 * The baseline is what a plain JS resolver host must do at minimum for each handler call: build a
 * fresh `ctx` object with the same members (`arguments`/`args`, `identity`, `source`, `stash`,
 * `prev`, `request`, `env`, `result`, `error`) and a fresh `info` object, referencing the
 * executor's values (no copying, no sandbox), call the handler, and keep `ctx` and the result alive
 * (a ring buffer, so the JIT cannot optimise the allocations away). Ours calls
 * `CompiledResolver.evaluate` with the same inputs and keeps the outcome alive the same way.
 * Each figure is the fastest of `WINDOWS` windows of `ITERATIONS` calls, which filters out time
 * lost to other processes on a loaded machine.
 *
 * Run directly (`npx tsx bench/runtime-eval.ts`) it also measures start-up: a child process that
 * imports the runtime and loads the 15 project bundles, with an empty (cold) and then a filled
 * (warm) runtime cache.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { compileResolver, type ResolverContextInput } from '../local/runtime/index.ts';
import { validateResolverCode } from '../local/runtime/validate.ts';

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

const ITERATIONS = 5_000;
const WINDOWS = 40;
const RING = 1024;

/** What the baseline does per handler call (printed with the figure). */
export const BASELINE_INCLUDES = 'plain JS call of the same functions with a fresh ctx + info object per call (members referenced, not copied)';

function input(result?: unknown): ResolverContextInput {
  return {
    arguments: { id: 'a1' }, identity: null, source: null, stash: {}, request: { headers: { 'x-api-key': 'k' }, domainName: null },
    info: { fieldName: 'getAsset', parentTypeName: 'Query', variables: { id: 'a1' }, selectionSetList: ['id', 'name'], selectionSetGraphQL: '{\n  id\n  name\n}' },
    env: {}, authType: 'API_KEY', ...(result !== undefined ? { result } : {}),
  };
}

/** Fastest window, in µs per call of `fn`. */
function timePerOp(fn: (i: number) => void): number {
  for (let i = 0; i < ITERATIONS; i += 1) fn(i);
  let best = Infinity;
  for (let w = 0; w < WINDOWS; w += 1) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < ITERATIONS; i += 1) fn(i);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000 / ITERATIONS);
  }
  return best;
}

type PlainHandler = (ctx: unknown) => unknown;

/** The baseline's ctx: what a JS host must build for each handler call. */
function plainContext(x: ResolverContextInput): unknown {
  const info = { fieldName: x.info.fieldName, parentTypeName: x.info.parentTypeName, variables: x.info.variables, selectionSetList: x.info.selectionSetList, selectionSetGraphQL: x.info.selectionSetGraphQL };
  return { arguments: x.arguments, args: x.arguments, identity: x.identity, source: x.source, stash: x.stash, prev: x.prev ?? null, request: x.request, info, env: x.env, result: x.result, error: x.error };
}

export interface RuntimeEvalResult {
  readonly name: string;
  readonly perOpMicros: number;
  readonly baselineMicros: number;
  readonly ratio: number;
  readonly baselineIncludes: string;
}

export async function benchRuntimeEval(): Promise<RuntimeEvalResult> {
  const compiled = compileResolver(SIMPLE_RESOLVER, 'bench-simple.js');
  // The figure is the runtime as it runs by default, with its fast paths (local/runtime/options.ts):
  // this stateless module must be the one shared instance, or the figure would measure the plain path.
  if (compiled.moduleState.mode !== 'shared') throw new Error(`bench: the simple resolver is not on the fast path: ${compiled.moduleState.reason ?? 'unknown reason'}`);
  const item = { id: 'a1', name: 'photo.png', size: 1234 };

  // The same module, run as plain JavaScript in the host realm.
  const validated = validateResolverCode(SIMPLE_RESOLVER);
  if (validated.factorySource === null) throw new Error('bench: simple resolver does not compile');
  const factory = vm.runInThisContext(validated.factorySource) as (i: unknown, g: unknown) => Record<string, PlainHandler>;
  const plain = factory(() => ({}), globalThis);
  const plainRequest = plain['request']!;
  const plainResponse = plain['response']!;
  const requestInput = input();
  const responseInput = input(item);

  const ring: unknown[] = new Array<unknown>(RING * 2).fill(null);
  const perOpMicros = timePerOp((i) => {
    const j = (i % RING) * 2;
    ring[j] = compiled.evaluate('request', requestInput).value;
    ring[j + 1] = compiled.evaluate('response', responseInput).value;
  });
  const baselineMicros = timePerOp((i) => {
    const j = (i % RING) * 2;
    const requestCtx = plainContext(requestInput);
    ring[j] = [requestCtx, plainRequest(requestCtx)];
    const responseCtx = plainContext(responseInput);
    ring[j + 1] = [responseCtx, plainResponse(responseCtx)];
  });
  return {
    name: `runtime-eval: request+response of a simple resolver; baseline = ${BASELINE_INCLUDES}`,
    perOpMicros,
    baselineMicros,
    ratio: perOpMicros / baselineMicros,
    baselineIncludes: BASELINE_INCLUDES,
  };
}

const RESOLVER_DIST = fileURLToPath(new URL('../dist/resolvers/', import.meta.url));

/** Child process: import the runtime and load every project bundle with the cache in `cacheDir`. */
async function startupChild(cacheDir: string): Promise<void> {
  const t0 = performance.now();
  const runtime = await import('../local/runtime/index.ts');
  const cache = runtime.createDiskCache({ dir: cacheDir });
  const files = readdirSync(RESOLVER_DIST, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js')).map((f) => join(RESOLVER_DIST, f));
  const t1 = performance.now();
  for (const file of files) runtime.loadResolverFile(file, { cache });
  const t2 = performance.now();
  const eslintLoaded = Object.keys((await import('node:module')).createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/eslint/'));
  process.stdout.write(JSON.stringify({ bundles: files.length, importMs: t1 - t0, loadMs: t2 - t1, sinceProcessStartMs: t2, eslintLoaded }));
}

export interface StartupRun {
  readonly bundles: number;
  readonly importMs: number;
  readonly loadMs: number;
  readonly sinceProcessStartMs: number;
  readonly eslintLoaded: boolean;
}

/** Cold (empty cache) then warm (same cache) start-up, each in a fresh process. */
export function benchRuntimeStartup(): { cold: StartupRun; warm: StartupRun } {
  const dir = mkdtempSync(join(tmpdir(), 'runtime-cache-'));
  const self = fileURLToPath(import.meta.url);
  const runChild = (): StartupRun => {
    const out = spawnSync(process.execPath, ['--import', 'tsx', self, '--startup-child', dir], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`startup child failed: ${out.stderr}`);
    return JSON.parse(out.stdout) as StartupRun;
  };
  try {
    const cold = runChild();
    const warm = runChild();
    return { cold, warm };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--startup-child');
  if (at >= 0) {
    await startupChild(process.argv[at + 1] ?? '');
  } else {
    const evalResult = await benchRuntimeEval();
    const round = (n: number): number => Math.round(n * 1000) / 1000;
    process.stdout.write(`${JSON.stringify({ ...evalResult, perOpMicros: round(evalResult.perOpMicros), baselineMicros: round(evalResult.baselineMicros), ratio: round(evalResult.ratio) })}\n`);
    process.stdout.write(`${JSON.stringify(benchRuntimeStartup())}\n`);
  }
}
