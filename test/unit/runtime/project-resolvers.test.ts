import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { api } from '../../../api/definition.ts';
import { resolverBundlePath } from '../../../api/paths.ts';
import { compileResolver, loadResolverFile, type ResolverContextInput } from '../../../local/runtime/index.ts';
import { resolverSources } from '../../../api/bundle.ts';
import { ENV, USER_A, USER_B, assetItem, contextOf, type Call, type Caller } from '../resolvers/harness.ts';
import { RUNTIME } from './runtime-mode.ts';

describe('the project resolvers pass the runtime save-time checks (bundles from test/global-setup.ts)', () => {
  it.each(resolverSources(api))('%s compiles and exports request and response', (source) => {
    const compiled = loadResolverFile(resolverBundlePath(source), RUNTIME);
    expect([compiled.hasHandler('request'), compiled.hasHandler('response')]).toEqual([true, true]);
  });
  it('loadResolverFile returns the cached compilation while the file is unchanged', () => {
    const [first] = resolverSources(api);
    expect(loadResolverFile(resolverBundlePath(first!), RUNTIME)).toBe(loadResolverFile(resolverBundlePath(first!), RUNTIME));
  });
});

describe('loadResolverFile hot reload', () => {
  it('recompiles a bundle whose file changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hot-reload-'));
    try {
      const file = join(dir, 'Query.x.js');
      const write = (value: string, mtime: number): void => {
        writeFileSync(file, `export function request(ctx) { return '${value}'; }\nexport function response(ctx) { return ctx.result; }\n`);
        utimesSync(file, mtime, mtime);
      };
      const ctx: ResolverContextInput = {
        arguments: {}, identity: null, source: null, stash: {}, request: { headers: {}, domainName: null },
        info: { fieldName: 'x', parentTypeName: 'Query', variables: {}, selectionSetList: [], selectionSetGraphQL: '' }, env: {}, authType: 'API_KEY',
      };
      write('one', 1_700_000_000);
      const first = loadResolverFile(file, RUNTIME).evaluate('request', ctx).value;
      write('two', 1_700_000_100);
      const second = loadResolverFile(file, RUNTIME).evaluate('request', ctx).value;
      expect([first, second]).toEqual(['one', 'two']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Contexts as the API's requests build them, shared by every resolver and pipeline function: three
 * kinds of caller; arguments covering every field's (or none); a stash and `prev.result` as the
 * pipelines leave them; data-source results of each shape (an item, a page, nothing, a batch) and a
 * DynamoDB error. Each call is made afresh, because the runtime writes the stash back in place.
 */
function representativeCalls(): { readonly handler: 'request' | 'response'; readonly call: Call }[] {
  const item = assetItem({ status: 'READY', version: 1 });
  const other = assetItem({ id: 'c0ffee00-0000-4000-8000-00000000000b', owner: USER_B });
  const id = item['id'] as string;
  const args = {
    id,
    ids: [id, other['id'], id],
    limit: 5,
    nextToken: null,
    status: 'READY',
    tag: 'trip',
    input: { id, expectedVersion: 1, name: 'holiday.png', contentType: 'image/png', size: 2048, key: item['key'], tags: ['trip', 'beach'], description: 'Beach', title: 'Summer' },
  };
  const stash = { owner: USER_A, asset: item, batch: { ids: [id, other['id']], items: [item], unprocessedIds: [other['id']] }, upload: { url: 'https://bucket.example/put', method: 'PUT', headers: {}, expiresAt: '2025-03-04T05:21:07.890Z' } };
  const callers: Caller[] = [{ user: USER_A }, { user: USER_B }, 'apikey', 'iam'];
  // A BatchGetItem result names its tables; ctx.env holds the table names.
  const batch = { data: Object.fromEntries(Object.values(ENV).map((name) => [name, [item, other]])), unprocessedKeys: {} };
  const results: unknown[] = [item, { items: [item, other], nextToken: 'next', scannedCount: 2 }, null, batch];
  const error = { message: 'The conditional request failed', type: 'DynamoDB:ConditionalCheckFailedException' };
  return callers.flatMap((caller) => [
    { handler: 'request' as const, call: { caller, args, source: item, stash: structuredClone(stash), prev: item } },
    { handler: 'request' as const, call: { caller, args: {}, stash: {} } },
    ...results.map((result) => ({ handler: 'response' as const, call: { caller, args, source: item, stash: structuredClone(stash), prev: item, result } })),
    { handler: 'response' as const, call: { caller, args, stash: structuredClone(stash), result: null, error } },
  ]);
}

const UUID_OR_TIME = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z/g;

/**
 * An outcome as JSON, with ids and timestamps numbered in order of first appearance: `util.autoId()`
 * and `util.time.now*()` differ from one evaluation to the next, but where each one appears does not.
 */
function normalized(outcome: unknown): string {
  const seen = new Map<string, string>();
  return JSON.stringify(outcome).replace(UUID_OR_TIME, (found) => {
    let placeholder = seen.get(found);
    if (placeholder === undefined) {
      placeholder = `<${seen.size}>`;
      seen.set(found, placeholder);
    }
    return placeholder;
  });
}

/**
 * Each representative context's outcome of `source` in one mode, with the stash written back.
 * Compiled from `code`, read once for both modes: other test runs may rebuild the bundles meanwhile.
 */
function outcomesOf(source: string, code: string, fastPaths: boolean): string[] {
  const compiled = compileResolver(code, resolverBundlePath(source), { fastPaths });
  return representativeCalls().map(({ handler, call }) => {
    const ctx = contextOf(source, call);
    return normalized({ ...compiled.evaluate(handler, ctx), stash: ctx.stash });
  });
}

describe('fast paths and plain path agree on every project resolver (local/runtime/options.ts)', () => {
  it.each(resolverSources(api))('%s: the same outcome and stash for each representative context', (source) => {
    const code = readFileSync(resolverBundlePath(source), 'utf8');
    expect(outcomesOf(source, code, false)).toEqual(outcomesOf(source, code, true));
  });
  it('the representative contexts do real work: nearly every resolver answers at least one of them without an error', () => {
    // A comparison of nothing but refusals would prove little. Resolvers added since the contexts were
    // written may still need a context of their own, hence "nearly".
    const sources = resolverSources(api);
    const unanswered = sources.filter((source) => !outcomesOf(source, readFileSync(resolverBundlePath(source), 'utf8'), true).some((o) => o.includes('"error":null')));
    expect({ unanswered, fewerThanAQuarter: unanswered.length * 4 < sources.length }).toEqual({ unanswered, fewerThanAQuarter: true });
  });
});
