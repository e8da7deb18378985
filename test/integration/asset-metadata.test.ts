/**
 * Asset metadata end to end on the local endpoint, with two users and real clients: `updateAsset`
 * (optimistic locking, announced to the owner's other connection and to nobody else), `getAssets`
 * (one batch, in order, null for what the caller may not read) and `listAssets(tag:)` over the
 * `assetTags` table, whose items are read straight from the store after every change.
 */
import { PutItemCommand, QueryCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, test as base } from 'vitest';
import { CreateUploadDocument, DeleteAssetDocument, GetAssetsDocument, ListAssetsDocument, OnAssetUpdatedDocument, UpdateAssetDocument } from '../../generated/operations.ts';
import { fromAttributeMap } from '../../local/datasources/dynamodb-values.ts';
import { sweepExpiredItems } from '../../local/stores/ttl-sweeper.ts';
import { localTableNames } from '../../local/stores/tables.ts';
import { storeBackedFixture, type StoreBackedTestServer } from '../support/test-server.ts';
import { createGraphQLCall, type GraphQLCall } from '../support/graphql-client.ts';
import { connectRealtime } from '../support/realtime-client.ts';
import { putToTicket, type Ticket } from './lib/upload.ts';

const test = base.extend<{ assets: StoreBackedTestServer }>({ assets: storeBackedFixture() });

const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const LOCATION = [{ line: 2, column: 3, sourceName: null }];

interface Callers {
  readonly alice: GraphQLCall;
  readonly bob: GraphQLCall;
}

async function callers(assets: StoreBackedTestServer): Promise<Callers> {
  const [aliceToken, bobToken] = await Promise.all([assets.tokenFor('alice'), assets.tokenFor('bob')]);
  return { alice: createGraphQLCall(assets.server.url, { token: aliceToken }), bob: createGraphQLCall(assets.server.url, { token: bobToken }) };
}

/** Creates a PENDING asset for the caller and returns it as the API answered, with its ticket. */
async function createAsset(call: GraphQLCall, input: { name: string; tags?: string[]; title?: string; description?: string }) {
  const created = await call(CreateUploadDocument, { input: { contentType: 'text/plain', size: 5, ...input } });
  const payload = created.data?.createUpload;
  if (!payload) throw new Error(`createUpload failed: ${JSON.stringify(created)}`);
  return { asset: payload.asset, ticket: payload.upload as Ticket };
}

/** Every tag item of `owner`, as stored, sorted by partition and sort key. */
async function tagItems(assets: StoreBackedTestServer, owner: string): Promise<Record<string, unknown>[]> {
  const TableName = localTableNames(assets.api)['assetTags'] ?? '';
  const out = await assets.table.client.send(new ScanCommand({ TableName, ConsistentRead: true }));
  return (out.Items ?? [])
    .map(fromAttributeMap)
    .filter((item) => String(item['ownerTag']).startsWith(`${owner}#`))
    .sort((a, b) => `${String(a['ownerTag'])} ${String(a['createdAtId'])}`.localeCompare(`${String(b['ownerTag'])} ${String(b['createdAtId'])}`));
}

function tagItem(owner: string, tag: string, asset: { id: string; createdAt: string }, expiresAt?: number): Record<string, unknown> {
  return { ownerTag: `${owner}#${tag}`, createdAtId: `${asset.createdAt}#${asset.id}`, assetId: asset.id, ...(expiresAt === undefined ? {} : { expiresAt }) };
}

function fieldError(field: string, errorType: string, message: string, errorInfo: unknown = null, data: unknown = null): Record<string, unknown> {
  return { path: [field], data, errorType, errorInfo, locations: LOCATION, message };
}

describe('updateAsset: optimistic locking, announced to the owner only', () => {
  test("alice's edit reaches her second connection, not bob's; version and tag items follow; a stale version is refused", async ({ assets, expect }) => {
    const { alice, bob } = await callers(assets);
    const { asset } = await createAsset(alice, { name: 'notes.txt', tags: ['trip', '__proto__'], title: 'Draft' });
    const stored = await assets.table.get(asset.id);
    const expiresAt = stored?.['expiresAt'] as number;
    expect({ version: asset.version, title: asset.title, tags: asset.tags, item: { version: stored?.['version'], title: stored?.['title'] } }).toEqual({
      version: 1,
      title: 'Draft',
      tags: ['trip', '__proto__'],
      item: { version: 1, title: 'Draft' },
    });
    // A PENDING asset's tag items expire with it.
    expect(await tagItems(assets, 'alice')).toEqual([tagItem('alice', '__proto__', asset, expiresAt), tagItem('alice', 'trip', asset, expiresAt)]);

    const [aliceToken, bobToken] = await Promise.all([assets.tokenFor('alice'), assets.tokenFor('bob')]);
    const aliceTab = await connectRealtime({ realtimeUrl: assets.server.realtimeUrl, graphqlUrl: assets.server.url, authorization: { Authorization: aliceToken } });
    const bobSocket = await connectRealtime({ realtimeUrl: assets.server.realtimeUrl, graphqlUrl: assets.server.url, authorization: { Authorization: bobToken } });
    try {
      expect(await aliceTab.start('edits', OnAssetUpdatedDocument, { id: asset.id })).toEqual({ type: 'start_ack', id: 'edits' });
      expect(await bobSocket.start('spy', OnAssetUpdatedDocument, { id: asset.id })).toEqual({ type: 'start_ack', id: 'spy' });

      // WHEN alice retitles and retags it at version 1
      const updated = await alice(UpdateAssetDocument, { input: { id: asset.id, expectedVersion: 1, title: 'Final', tags: ['trip', 'sea'], description: 'from the shore' } });
      const updatedAt = updated.data?.updateAsset?.updatedAt ?? '';
      const edited = { ...asset, title: 'Final', tags: ['trip', 'sea'], description: 'from the shore', version: 2, updatedAt };
      expect(updated).toEqual({ data: { updateAsset: edited } });
      expect(updatedAt).toMatch(ISO_MILLIS);

      // THEN her other connection receives it, bob's does not
      expect(await aliceTab.nextData('edits')).toEqual({ type: 'data', id: 'edits', payload: { data: { onAssetUpdated: edited } } });
      expect(await bobSocket.stopAndCollect('spy')).toEqual([]);

      // AND the item and the tag items changed together: __proto__ gone, sea added (still expiring with the asset)
      expect(await assets.table.get(asset.id)).toEqual({ ...stored, title: 'Final', tags: ['trip', 'sea'], description: 'from the shore', version: 2, updatedAt });
      expect(await tagItems(assets, 'alice')).toEqual([tagItem('alice', 'sea', asset, expiresAt), tagItem('alice', 'trip', asset, expiresAt)]);

      // AND a second edit from the stale version 1 is refused with the current version; nothing changes
      const stale = await alice(UpdateAssetDocument, { input: { id: asset.id, expectedVersion: 1, title: 'Stale' } });
      expect(stale).toEqual({
        data: { updateAsset: null },
        errors: [fieldError('updateAsset', 'ConflictError', `Asset ${asset.id} is at version 2, not 1; read it again and retry`, { currentVersion: 2 }, edited)],
      });
      expect((await assets.table.get(asset.id))?.['title']).toBe('Final');

      // AND bob cannot edit it at any version
      const bobs = await bob(UpdateAssetDocument, { input: { id: asset.id, expectedVersion: 2, title: 'Mine now' } });
      expect(bobs).toEqual({ data: { updateAsset: null }, errors: [fieldError('updateAsset', 'Unauthorized', 'Not Authorized to access updateAsset on type Mutation')] });
      expect(await assets.table.get(asset.id)).toEqual({ ...stored, title: 'Final', tags: ['trip', 'sea'], description: 'from the shore', version: 2, updatedAt });
    } finally {
      await Promise.all([aliceTab.close(), bobSocket.close()]);
    }
  });

  test('of two concurrent edits from the same version exactly one wins; the item keeps the winner\'s values', async ({ assets, expect }) => {
    const { alice } = await callers(assets);
    const { asset } = await createAsset(alice, { name: 'race.txt', tags: ['race'] });
    const [first, second] = await Promise.all([
      alice(UpdateAssetDocument, { input: { id: asset.id, expectedVersion: 1, title: 'first', tags: ['first'] } }),
      alice(UpdateAssetDocument, { input: { id: asset.id, expectedVersion: 1, title: 'second', tags: ['second'] } }),
    ]);
    const outcomes = [first, second];
    const winner = outcomes.find((o) => o.data?.updateAsset !== null && o.data?.updateAsset !== undefined);
    const loser = outcomes.find((o) => o !== winner);
    const won = winner?.data?.updateAsset;
    expect({ winners: outcomes.filter((o) => o === winner).length, version: won?.version }).toEqual({ winners: 1, version: 2 });
    expect(loser?.errors?.map((e) => ({ errorType: e['errorType'], errorInfo: e['errorInfo'] }))).toEqual([{ errorType: 'ConflictError', errorInfo: { currentVersion: 2 } }]);
    const item = await assets.table.get(asset.id);
    expect({ title: item?.['title'], tags: item?.['tags'], version: item?.['version'] }).toEqual({ title: won?.title, tags: won?.tags, version: 2 });
    // Only the winner's tag item exists.
    expect((await tagItems(assets, 'alice')).filter((t) => t['assetId'] === asset.id)).toEqual([tagItem('alice', won?.tags?.[0] ?? '', asset, item?.['expiresAt'] as number)]);
  });

  test('bad input: each a clear error, and the stored item unchanged', async ({ assets, expect }) => {
    const { alice } = await callers(assets);
    const { asset } = await createAsset(alice, { name: 'keep.txt', tags: ['keep'] });
    const before = await assets.table.get(asset.id);
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ expectedVersion: 1 }, fieldError('updateAsset', 'ValidationError', 'input: nothing to change; give at least one of name, description, tags, title')],
      [{ expectedVersion: 1, tags: ['ok', ''] }, fieldError('updateAsset', 'ValidationError', 'input.tags: each tag must be 1-64 characters without control characters, got ""')],
      [{ expectedVersion: 1, tags: ['t'.repeat(65)] }, fieldError('updateAsset', 'ValidationError', `input.tags: each tag must be 1-64 characters without control characters, got "${'t'.repeat(65)}"`)],
      [{ expectedVersion: 1, tags: ['__proto__', '__proto__'] }, fieldError('updateAsset', 'ValidationError', 'input.tags: each tag may appear once, got "__proto__" twice')],
      [{ expectedVersion: 1, title: 'T'.repeat(201) }, fieldError('updateAsset', 'ValidationError', 'input.title must be at most 200 characters, got 201')],
      [{ expectedVersion: 7, title: 'x' }, fieldError('updateAsset', 'ConflictError', `Asset ${asset.id} is at version 1, not 7; read it again and retry`, { currentVersion: 1 }, asset)],
    ];
    for (const [fields, error] of cases) {
      expect(await alice(UpdateAssetDocument, { input: { id: asset.id, ...fields } as never })).toEqual({ data: { updateAsset: null }, errors: [error] });
    }
    expect(await assets.table.get(asset.id)).toEqual(before);

    // A DELETING asset (a deleteAsset that stopped half-way) cannot be edited.
    await assets.table.client.send(
      new UpdateItemCommand({ TableName: assets.table.tableName, Key: { id: { S: asset.id } }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'DELETING' } } }),
    );
    expect(await alice(UpdateAssetDocument, { input: { id: asset.id, expectedVersion: 1, title: 'x' } })).toEqual({
      data: { updateAsset: null },
      errors: [fieldError('updateAsset', 'InvalidStatusError', `Asset ${asset.id} is DELETING; only READY or PENDING assets can be updated`, { status: 'DELETING' })],
    });
    expect(await assets.table.get(asset.id)).toEqual({ ...before, status: 'DELETING' });
    // An id that does not exist: null, as deleteAsset answers.
    expect(await alice(UpdateAssetDocument, { input: { id: 'no-such-asset', expectedVersion: 1, title: 'x' } })).toEqual({ data: { updateAsset: null } });
  });

  test('an item written before versions existed reads as version 1 and accepts expectedVersion 1', async ({ assets, expect }) => {
    const { alice } = await callers(assets);
    const { asset } = await createAsset(alice, { name: 'old.txt' });
    await assets.table.client.send(
      new UpdateItemCommand({ TableName: assets.table.tableName, Key: { id: { S: asset.id } }, UpdateExpression: 'REMOVE #v, #t', ExpressionAttributeNames: { '#v': 'version', '#t': 'title' } }),
    );
    expect((await alice(GetAssetsDocument, { ids: [asset.id] })).data?.getAssets).toEqual([{ ...asset, version: 1, title: null }]);
    const updated = await alice(UpdateAssetDocument, { input: { id: asset.id, expectedVersion: 1, title: 'Versioned' } });
    expect({ version: updated.data?.updateAsset?.version, title: updated.data?.updateAsset?.title, stored: (await assets.table.get(asset.id))?.['version'] }).toEqual({ version: 2, title: 'Versioned', stored: 2 });
  });
});

describe('getAssets: one batch read, in the order asked', () => {
  test("answers alice's assets in order, the same asset at a repeated id, null for bob's and for missing ids; refuses 101 ids", async ({ assets, expect }) => {
    const { alice, bob } = await callers(assets);
    const [a, b] = [await createAsset(alice, { name: 'a.txt' }), await createAsset(alice, { name: 'b.txt' })];
    const bobs = await createAsset(bob, { name: 'bob.txt' });
    expect(await alice(GetAssetsDocument, { ids: [b.asset.id, bobs.asset.id, 'missing', a.asset.id, b.asset.id, '__proto__'] })).toEqual({
      data: { getAssets: [b.asset, null, null, a.asset, b.asset, null] },
    });
    expect(await alice(GetAssetsDocument, { ids: [] })).toEqual({ data: { getAssets: [] } });
    const ids = Array.from({ length: 101 }, (_, i) => `id-${i}`);
    expect(await alice(GetAssetsDocument, { ids })).toEqual({ data: null, errors: [fieldError('getAssets', 'ValidationError', 'ids: at most 100 ids per call, got 101')] });
  });
});

describe('listAssets(tag:): the tag index, kept in step', () => {
  test('lists tagged assets newest first with paging; retagging and deleting leave no stale tag items', async ({ assets, expect }) => {
    const { alice, bob } = await callers(assets);
    const first = await createAsset(alice, { name: 'one.txt', tags: ['Paris', 'work'] });
    const second = await createAsset(alice, { name: 'two.txt', tags: ['Paris'] });
    const third = await createAsset(alice, { name: 'three.txt', tags: ['paris'] });
    await createAsset(bob, { name: 'bobs.txt', tags: ['Paris'] });

    // Exact, case-sensitive match; newest first; bob's asset never shows.
    const page1 = await alice(ListAssetsDocument, { tag: 'Paris', limit: 1 });
    expect(page1.data?.listAssets.items.map((i) => i.id)).toEqual([second.asset.id]);
    const page2 = await alice(ListAssetsDocument, { tag: 'Paris', limit: 1, nextToken: page1.data?.listAssets.nextToken ?? null });
    expect(page2.data?.listAssets.items.map((i) => i.id)).toEqual([first.asset.id]);
    expect((await alice(ListAssetsDocument, { tag: 'paris' })).data?.listAssets.items.map((i) => i.id)).toEqual([third.asset.id]);
    expect(await alice(ListAssetsDocument, { tag: '' })).toEqual({ data: null, errors: [fieldError('listAssets', 'ValidationError', 'tag must be 1-64 characters without control characters, got ""')] });

    // Retag: the old tag item goes, the new one comes.
    const retagged = await alice(UpdateAssetDocument, { input: { id: first.asset.id, expectedVersion: 1, tags: ['work', 'London'] } });
    expect(retagged.data?.updateAsset?.tags).toEqual(['work', 'London']);
    expect((await alice(ListAssetsDocument, { tag: 'Paris' })).data?.listAssets).toEqual({ items: [{ ...second.asset, downloadUrl: null }], nextToken: null });
    expect((await tagItems(assets, 'alice')).filter((t) => t['assetId'] === first.asset.id).map((t) => t['ownerTag'])).toEqual(['alice#London', 'alice#work']);

    // Delete: every tag item of the asset goes with it.
    expect((await alice(DeleteAssetDocument, { id: first.asset.id })).data?.deleteAsset?.status).toBe('DELETING');
    expect((await tagItems(assets, 'alice')).filter((t) => t['assetId'] === first.asset.id)).toEqual([]);
    expect((await alice(ListAssetsDocument, { tag: 'work' })).data?.listAssets).toEqual({ items: [], nextToken: null });
  });

  test('a tag item whose asset no longer carries the tag (a crash between the two writes) is not listed', async ({ assets, expect }) => {
    const { alice } = await callers(assets);
    const { asset } = await createAsset(alice, { name: 'heal.txt', tags: ['kept'] });
    const TableName = localTableNames(assets.api)['assetTags'] ?? '';
    await assets.table.client.send(
      new PutItemCommand({ TableName, Item: { ownerTag: { S: 'alice#orphan' }, createdAtId: { S: `${asset.createdAt}#${asset.id}` }, assetId: { S: asset.id } } }),
    );
    expect(await alice(ListAssetsDocument, { tag: 'orphan' })).toEqual({ data: { listAssets: { items: [], nextToken: null } } });
    expect((await alice(ListAssetsDocument, { tag: 'kept' })).data?.listAssets.items.map((i) => i.id)).toEqual([asset.id]);
  });

  test('tag items expire with a PENDING asset and lose the TTL when it becomes READY', async ({ assets, expect }) => {
    const { alice } = await callers(assets);
    const token = await assets.tokenFor('alice');
    const ready = await createAsset(alice, { name: 'ready.txt', tags: ['ttl-ready'] });
    const abandoned = await createAsset(alice, { name: 'abandoned.txt', tags: ['ttl-gone'] });
    const subscriber = await connectRealtime({ realtimeUrl: assets.server.realtimeUrl, graphqlUrl: assets.server.url, authorization: { Authorization: token } });
    try {
      expect(await subscriber.start('done', OnAssetUpdatedDocument, { id: ready.asset.id })).toEqual({ type: 'start_ack', id: 'done' });
      expect(await putToTicket(ready.ticket, 'hello')).toEqual({ status: 200, error: null });
      const frame = await subscriber.nextData('done');
      expect((frame['payload'] as { data: { onAssetUpdated: { status: string } } }).data.onAssetUpdated.status).toBe('READY');
    } finally {
      await subscriber.close();
    }
    const TableName = localTableNames(assets.api)['assetTags'] ?? '';
    const query = async (tag: string) =>
      (await assets.table.client.send(new QueryCommand({ TableName, KeyConditionExpression: 'ownerTag = :p', ExpressionAttributeValues: { ':p': { S: `alice#${tag}` } }, ConsistentRead: true }))).Items?.map(fromAttributeMap);
    expect(await query('ttl-ready')).toEqual([tagItem('alice', 'ttl-ready', ready.asset)]);
    const abandonedExpiry = (await assets.table.get(abandoned.asset.id))?.['expiresAt'] as number;
    expect(await query('ttl-gone')).toEqual([tagItem('alice', 'ttl-gone', abandoned.asset, abandonedExpiry)]);

    // WHEN the TTL passes (the local sweeper does what DynamoDB TTL does in the cloud)
    await sweepExpiredItems({ client: assets.table.client, api: assets.api, tableNames: localTableNames(assets.api), now: () => new Date((abandonedExpiry + 1) * 1000) });
    // THEN the abandoned asset and its tag item are gone; the READY one and its tag item stay
    expect({ abandoned: await assets.table.get(abandoned.asset.id), gone: await query('ttl-gone'), kept: await query('ttl-ready') }).toEqual({
      abandoned: null,
      gone: [],
      kept: [tagItem('alice', 'ttl-ready', ready.asset)],
    });
    expect((await alice(ListAssetsDocument, { tag: 'ttl-ready' })).data?.listAssets.items.map((i) => [i.id, i.status])).toEqual([[ready.asset.id, 'READY']]);
  });
});
