/**
 * AppSync per-resolver caching, emulated by the local server when the definition has a `cache`
 * (https://docs.aws.amazon.com/appsync/latest/devguide/enabling-caching.html): getAsset and getAssets
 * are cached per caller (`$context.identity.sub`) and arguments; a cached result is served until the
 * TTL passes even though the item changed, as in the cloud. The default definition has no cache.
 */
import { describe, test as base } from 'vitest';
import { api } from '../../api/definition.ts';
import type { ApiDefinition } from '../../api/types.ts';
import { CreateUploadDocument, GetAssetDocument, GetAssetsDocument, ListAssetsDocument, UpdateAssetDocument } from '../../generated/operations.ts';
import { storeBackedFixture, type StoreBackedTestServer } from '../support/test-server.ts';
import { createGraphQLCall } from '../support/graphql-client.ts';

const TTL_SECONDS = 2;
const CACHED_API: ApiDefinition = { ...api, cache: { ttlSeconds: TTL_SECONDS, type: 'SMALL', atRestEncryption: true, transitEncryption: true } };

const test = base.extend<{ assets: StoreBackedTestServer }>({ assets: storeBackedFixture({ api: CACHED_API }) });

describe('per-resolver caching (definition with a cache)', () => {
  test('getAsset and getAssets answer from the cache until the TTL passes; listAssets is not cached; keys separate callers', async ({ assets, expect }) => {
    const [aliceToken, bobToken] = await Promise.all([assets.tokenFor('alice'), assets.tokenFor('bob')]);
    const alice = createGraphQLCall(assets.server.url, { token: aliceToken });
    const bob = createGraphQLCall(assets.server.url, { token: bobToken });
    const created = await alice(CreateUploadDocument, { input: { name: 'cached.txt', contentType: 'text/plain', size: 5, title: 'Before' } });
    const asset = created.data?.createUpload.asset;
    if (!asset) throw new Error(JSON.stringify(created));

    // GIVEN alice has read the asset (and bob has been refused it)
    expect((await alice(GetAssetDocument, { id: asset.id })).data?.getAsset?.title).toBe('Before');
    expect((await alice(GetAssetsDocument, { ids: [asset.id] })).data?.getAssets.map((a) => a?.title)).toEqual(['Before']);
    expect((await bob(GetAssetDocument, { id: asset.id })).errors?.map((e) => e['errorType'])).toEqual(['Unauthorized']);

    // WHEN she changes its title
    const updated = await alice(UpdateAssetDocument, { input: { id: asset.id, expectedVersion: 1, title: 'After' } });
    expect(updated.data?.updateAsset?.title).toBe('After');
    expect((await assets.table.get(asset.id))?.['title']).toBe('After');

    // THEN the cached resolvers still answer what they cached (as AppSync does), listAssets does not
    expect((await alice(GetAssetDocument, { id: asset.id })).data?.getAsset).toEqual({ ...asset, title: 'Before', downloadUrl: null });
    expect((await alice(GetAssetsDocument, { ids: [asset.id] })).data?.getAssets.map((a) => [a?.title, a?.version])).toEqual([['Before', 1]]);
    expect((await alice(ListAssetsDocument, {})).data?.listAssets.items.map((a) => [a.title, a.version])).toEqual([['After', 2]]);
    // AND another argument is another entry; a refused call was never cached, and bob never gets alice's entry
    expect((await alice(GetAssetsDocument, { ids: [asset.id, asset.id] })).data?.getAssets.map((a) => a?.title)).toEqual(['After', 'After']);
    expect((await bob(GetAssetDocument, { id: asset.id })).errors?.map((e) => e['errorType'])).toEqual(['Unauthorized']);

    // AND once the TTL has passed, the next read is fresh
    await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1000 + 100));
    expect((await alice(GetAssetDocument, { id: asset.id })).data?.getAsset?.title).toBe('After');
    expect((await alice(GetAssetsDocument, { ids: [asset.id] })).data?.getAssets.map((a) => a?.title)).toEqual(['After']);
  });
});
