/**
 * Every cache of the start path, in both states, through the real `node scripts/start.mjs` (what
 * `npm start` runs) in a throwaway copy of the checkout: a cold start builds and records each cache;
 * a warm start uses them and behaves the same; leftovers of older versions and corrupt entries are
 * pruned or rebuilt, never trusted; a changed source rebuilds exactly what depends on it. The table
 * of caches is in README.md ("Caches").
 */
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCheckout, spawnNpmStart, stopNpmStart, waitForBanner, type CheckoutCopy, type NpmStart } from '../support/npm-start.ts';

const API_KEY = 'da2-localdevelopmentapikey0000';
const SERVER_BUILT = /^dist\/local\/main\.cjs: \d+ bytes from \d+ inputs in \d+ ms$/;

let copy: CheckoutCopy;
const running: NpmStart[] = [];

beforeAll(() => {
  copy = copyCheckout('asset-api-caches-');
});
afterAll(async () => {
  for (const started of running) await stopNpmStart(started);
  copy.remove();
});

function dist(...parts: string[]): string {
  return join(copy.root, 'dist', ...parts);
}

/** Starts the server in the copy, runs `body` against its GraphQL URL, stops it cleanly, and returns its output. */
async function withStart(body: (graphqlUrl: string) => Promise<void>): Promise<readonly string[]> {
  const started = spawnNpmStart(['--port', '0', '--no-watch'], { cwd: copy.root, direct: true });
  running.push(started);
  const banner = await waitForBanner(started);
  await body(banner.graphql);
  expect(await stopNpmStart(started)).toEqual({ code: 0, signal: null });
  return started.lines;
}

async function post(url: string, query: string, variables: Record<string, unknown> = {}): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': API_KEY }, body: JSON.stringify({ query, variables }) });
  return response.json();
}

/** A Lambda-backed field (createUpload loads the asset-urls bundle with import()) and a JS resolver (getAsset). */
async function uploadAndRead(url: string): Promise<void> {
  const created = (await post(url, 'mutation { createUpload(input: { name: "cache.txt", contentType: "text/plain", size: 4 }) { asset { id status } upload { method } } }')) as {
    data?: { createUpload?: { asset?: { id?: string } } };
  };
  expect(created).toEqual({ data: { createUpload: { asset: { id: expect.any(String), status: 'PENDING' }, upload: { method: 'PUT' } } } });
  const id = created.data?.createUpload?.asset?.id;
  expect(await post(url, 'query ($id: ID!) { getAsset(id: $id) { id name } }', { id })).toEqual({ data: { getAsset: { id, name: 'cache.txt' } } });
}

function mtime(file: string): number {
  return statSync(file).mtimeMs;
}

describe('start-path caches', () => {
  it('a cold start builds every cache and records it; the warm start reuses each and behaves the same', { timeout: 240_000 }, async () => {
    expect(existsSync(dist())).toBe(false);
    const cold = await withStart(uploadAndRead);
    expect(cold.filter((line) => SERVER_BUILT.test(line))).toHaveLength(1);
    const records = ['local/main.build.json', 'bundles.build.json', 'explorer.build.json'].map((file) => dist(file));
    expect(records.map((file) => existsSync(file))).toEqual([true, true, true]);
    expect(readdirSync(dist('.runtime-cache')).filter((name) => name.endsWith('.json')).length).toBeGreaterThan(0);
    const builtAt = records.map(mtime);

    const warm = await withStart(uploadAndRead);
    expect({ serverBuilt: warm.filter((line) => SERVER_BUILT.test(line)), records: records.map(mtime) }).toEqual({ serverBuilt: [], records: builtAt });
  });

  it('removes what older versions left (V8 code cache, inputs list, build stamp) and rebuilds corrupt records and cache entries', { timeout: 240_000 }, async () => {
    // What the old start path wrote: a code cache that broke import() on the second start, and its records.
    const leftovers = [dist('local', 'main.cjs.1796172279263-5891108.v8'), dist('local', 'main.inputs.json'), dist('.local-build-stamp')];
    for (const file of leftovers) writeFileSync(file, 'left by an older npm start');
    // Corrupt runtime-cache entries are misses (validated again), never trusted.
    const runtimeCache = dist('.runtime-cache');
    for (const name of readdirSync(runtimeCache)) writeFileSync(join(runtimeCache, name), '{ not json');
    // A truncated build record makes its build run again.
    writeFileSync(dist('bundles.build.json'), '{"version":1,');

    const lines = await withStart(uploadAndRead);
    expect({ leftovers: leftovers.map((file) => existsSync(file)), serverBuilt: lines.filter((line) => SERVER_BUILT.test(line)) }).toEqual({ leftovers: [false, false, false], serverBuilt: [] });
    expect(JSON.parse(readFileSync(dist('bundles.build.json'), 'utf8'))).toEqual({ version: 1, root: copy.root, inputs: expect.arrayContaining(['resolvers/Query.getAsset.ts', 'schema.graphql']), outputs: expect.arrayContaining(['dist/resolvers/Query.getAsset.js', 'dist/lambda/assetUrls/index.mjs']) });
  });

  it('an edited resolver rebuilds the resolver bundles only; an edited server source rebuilds the server bundle', { timeout: 240_000 }, async () => {
    const bundlesBuiltAt = mtime(dist('bundles.build.json'));
    const future = new Date(Date.now() + 1_000);
    utimesSync(join(copy.root, 'resolvers', 'Query.getAsset.ts'), future, future);
    const afterResolverEdit = await withStart(uploadAndRead);
    expect({ serverBuilt: afterResolverEdit.filter((line) => SERVER_BUILT.test(line)), bundlesRebuilt: mtime(dist('bundles.build.json')) > bundlesBuiltAt }).toEqual({ serverBuilt: [], bundlesRebuilt: true });

    utimesSync(join(copy.root, 'local', 'main.ts'), new Date(Date.now() + 1_000), new Date(Date.now() + 1_000));
    const afterServerEdit = await withStart(uploadAndRead);
    expect(afterServerEdit.filter((line) => SERVER_BUILT.test(line))).toHaveLength(1);
  });
});
