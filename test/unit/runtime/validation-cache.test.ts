import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pruneDiskCache } from '../../../local/runtime/disk-cache.ts';
import { compileResolver, createDiskCache, isCodeValidationError, loadResolverFile, validationCacheName, type ResolverContextInput } from '../../../local/runtime/index.ts';
import { RUNTIME } from './runtime-mode.ts';

const ctx: ResolverContextInput = {
  arguments: { id: 'a' }, identity: null, source: null, stash: {}, request: { headers: {}, domainName: null },
  info: { fieldName: 'x', parentTypeName: 'Query', variables: {}, selectionSetList: [], selectionSetGraphQL: '' }, env: {}, authType: 'API_KEY',
};

const GOOD = 'export function request(ctx) { return ctx.args.id; }\nexport function response(ctx) { return ctx.result; }\n';
const WITH_WHILE = 'export function request(ctx) { while (ctx.args.id) { return 1; } return 2; }\nexport function response(ctx) { return ctx.result; }\n';

const dirs: string[] = [];
function tempCache(): ReturnType<typeof createDiskCache> {
  const dir = mkdtempSync(join(tmpdir(), 'runtime-cache-test-'));
  dirs.push(dir);
  return createDiskCache({ dir });
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Validation entries only (the first compile of the process also caches the sandbox prelude in the given cache). */
function jsonEntries(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.json'));
}

function codeErrorsOf(fn: () => unknown): unknown {
  try {
    fn();
    return 'compiled';
  } catch (e) {
    return isCodeValidationError(e) ? e.codeErrors.map((c) => [c.errorType, c.value]) : e;
  }
}

describe('validation cache (dist/.runtime-cache/<sha256>.json, validate.ts)', () => {
  it('stores one entry per bundle text, named by its hash, and answers from it the next time', () => {
    const cache = tempCache();
    const first = compileResolver(GOOD, 'good.js', { ...RUNTIME, cache }).evaluate('request', ctx).value;
    const entries = jsonEntries(cache.dir);
    // A planted entry proves the next compile reads the cache instead of validating.
    const planted = { codeErrors: [{ errorType: 'LINT_ERROR', value: 'planted', location: { line: 1, column: 1, span: 0 } }], factorySource: null, exports: [], modulePlan: null, contextUsage: {}, logCallSites: {} };
    writeFileSync(join(cache.dir, validationCacheName(GOOD)), JSON.stringify(planted));
    expect([first, entries, codeErrorsOf(() => compileResolver(GOOD, 'good.js', { ...RUNTIME, cache }))]).toEqual(['a', [validationCacheName(GOOD)], [['LINT_ERROR', 'planted']]]);
  });
  it('a changed bundle is a miss and is validated again: the rules are still enforced', () => {
    const cache = tempCache();
    compileResolver(GOOD, 'code.js', { ...RUNTIME, cache });
    expect(codeErrorsOf(() => compileResolver(WITH_WHILE, 'code.js', { ...RUNTIME, cache }))).toEqual([
      ['LINT_ERROR', 'While statements are not supported. (@aws-appsync/no-while)'],
    ]);
    expect(jsonEntries(cache.dir).sort()).toEqual([validationCacheName(GOOD), validationCacheName(WITH_WHILE)].sort());
  });
  it('rejected code is cached as rejected (a warm start reports the same errors)', () => {
    const cache = tempCache();
    const cold = codeErrorsOf(() => compileResolver(WITH_WHILE, 'code.js', { ...RUNTIME, cache }));
    const warm = codeErrorsOf(() => compileResolver(WITH_WHILE, 'code.js', { ...RUNTIME, cache }));
    expect([warm, existsSync(join(cache.dir, validationCacheName(WITH_WHILE)))]).toEqual([cold, true]);
  });
  it('a corrupt entry is a miss, validated afresh and rewritten', () => {
    const cache = tempCache();
    writeFileSync(join(cache.dir, validationCacheName(WITH_WHILE)), '{ not json');
    const errors = codeErrorsOf(() => compileResolver(WITH_WHILE, 'code.js', { ...RUNTIME, cache }));
    const again = codeErrorsOf(() => compileResolver(WITH_WHILE, 'code.js', { ...RUNTIME, cache }));
    expect([errors, again]).toEqual([[['LINT_ERROR', 'While statements are not supported. (@aws-appsync/no-while)']], [['LINT_ERROR', 'While statements are not supported. (@aws-appsync/no-while)']]]);
  });
  it('loadResolverFile re-validates a bundle edited in place even with a warm cache', () => {
    const cache = tempCache();
    const file = join(cache.dir, 'Query.edit.js');
    writeFileSync(file, GOOD);
    const before = loadResolverFile(file, { ...RUNTIME, cache }).evaluate('request', ctx).value;
    writeFileSync(file, `${WITH_WHILE}\n`);
    expect([before, codeErrorsOf(() => loadResolverFile(file, { ...RUNTIME, cache }))]).toEqual(['a', [['LINT_ERROR', 'While statements are not supported. (@aws-appsync/no-while)']]]);
  });
});

describe('runtime cache pruning (dist/.runtime-cache)', () => {
  function ageAll(dir: string, names: readonly string[], msAgo: number): void {
    const at = new Date(Date.now() - msAgo);
    for (const name of names) utimesSync(join(dir, name), at, at);
  }

  it('keeps the most recently used entries when a write goes past the bound, and a read counts as a use', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runtime-cache-prune-'));
    dirs.push(dir);
    const cache = createDiskCache({ dir, maxEntries: 3 });
    for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, name), name);
    // a is the oldest, b next, c newest; reading a makes it the most recently used.
    ageAll(dir, ['a'], 3 * 3_600_000);
    ageAll(dir, ['b'], 2 * 3_600_000);
    ageAll(dir, ['c'], 1.5 * 3_600_000);
    expect(cache.read('a')).toBe('a');
    cache.write('d', 'd');
    expect(readdirSync(dir).sort()).toEqual(['a', 'c', 'd']);
  });

  it('removes temporary files a killed writer left, and keeps a fresh one another writer is using', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runtime-cache-prune-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'x.json.123.abcd.tmp'), 'half');
    writeFileSync(join(dir, 'y.json.456.abcd.tmp'), 'in progress');
    ageAll(dir, ['x.json.123.abcd.tmp'], 10 * 60_000);
    pruneDiskCache(dir, 10);
    expect(readdirSync(dir).sort()).toEqual(['y.json.456.abcd.tmp']);
  });

  it('is a cache only: a cold start (empty folder) and a warm start (entries present) load the same resolver', () => {
    const cache = tempCache();
    const cold = compileResolver(GOOD, 'good.js', { ...RUNTIME, cache }).evaluate('request', ctx).value;
    const warm = compileResolver(GOOD, 'good.js', { ...RUNTIME, cache: createDiskCache({ dir: cache.dir }) }).evaluate('request', ctx).value;
    expect({ cold, warm, entries: jsonEntries(cache.dir) }).toEqual({ cold: 'a', warm: 'a', entries: [validationCacheName(GOOD)] });
  });
});
