/**
 * Asset metadata: Mutation.updateAsset (getAssetForUpdate -> updateAssetItem -> removeAssetTags ->
 * putAssetTags), Query.getAssets (batchGetAssets -> retryUnprocessedAssets), Query.listAssets with
 * `tag` (queryAssetTags -> batchGetAssets), and the tag items written by createUpload, completeUpload
 * and deleteAsset. Each handler runs in the APPSYNC_JS runtime with a context as AppSync builds it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolverBundlePath } from '../../../api/paths.ts';
import type { HandlerOutcome } from '../../../local/runtime/index.ts';
import { evaluateCode } from '../../../local/runtime/index.ts';
import { RUNTIME } from '../runtime/runtime-mode.ts';
import { ASSETS_TABLE, ASSET_TAGS_TABLE, ENV, ISO_MS, USER_A, USER_B, assetItem, run, summary, unauthorized } from './harness.ts';

const UPDATE = 'resolvers/Mutation.updateAsset.ts';
const GET_FOR_UPDATE = 'resolvers/functions/getAssetForUpdate.ts';
const UPDATE_ITEM = 'resolvers/functions/updateAssetItem.ts';
const PUT_TAGS = 'resolvers/functions/putAssetTags.ts';
const REMOVE_TAGS = 'resolvers/functions/removeAssetTags.ts';
const CHECK_EXPIRY = 'resolvers/functions/checkTagExpiry.ts';
const GET_ASSETS = 'resolvers/Query.getAssets.ts';
const BATCH_GET = 'resolvers/functions/batchGetAssets.ts';
const RETRY = 'resolvers/functions/retryUnprocessedAssets.ts';
const LIST = 'resolvers/Query.listAssets.ts';
const BY_OWNER = 'resolvers/functions/queryAssetsByOwner.ts';
const TAGS_QUERY = 'resolvers/functions/queryAssetTags.ts';
const PUT_ASSET = 'resolvers/functions/putAsset.ts';
const COMPLETE = 'resolvers/functions/completeAsset.ts';
const MARK = 'resolvers/functions/markDeleting.ts';

const READY = assetItem({ status: 'READY', tags: ['trip', 'beach'], version: 3, expiresAt: undefined });
const ID = READY['id'] as string;
const CREATED_AT = READY['createdAt'] as string;

/** The error with everything AppSync puts on the wire. */
function fullError(outcome: HandlerOutcome): unknown {
  return outcome.error && { message: outcome.error.message, errorType: outcome.error.errorType, data: outcome.error.data, errorInfo: outcome.error.errorInfo };
}

function tagKey(owner: string, tag: string, createdAt = CREATED_AT, id = ID): Record<string, { S: string }> {
  return { ownerTag: { S: `${owner}#${tag}` }, createdAtId: { S: `${createdAt}#${id}` } };
}

describe('updateAsset: before handler', () => {
  const input = (fields: Record<string, unknown>) => ({ input: { id: ID, expectedVersion: 3, ...fields } });

  it('stashes the caller and the id when at least one field changes', () => {
    const outcome = run(UPDATE, 'request', { caller: { user: USER_A }, args: input({ title: 'Summer' }) });
    expect({ ...summary(outcome), stash: outcome.stash }).toEqual({ value: {}, error: null, earlyReturn: null, stash: { owner: USER_A, id: ID } });
  });

  it.each([
    ['nothing to change', {}, 'input: nothing to change; give at least one of name, description, tags, title'],
    ['only nulls', { name: null, description: null, tags: null, title: null }, 'input: nothing to change; give at least one of name, description, tags, title'],
    ['an empty name', { name: '' }, 'input.name must be 1-255 characters, got 0'],
    ['a name with a slash', { name: 'a/b' }, 'input.name must not contain "/" or "\\"'],
    ['a long description', { description: 'd'.repeat(1001) }, 'input.description must be at most 1000 characters, got 1001'],
    ['a long title', { title: 'T'.repeat(201) }, 'input.title must be at most 200 characters, got 201'],
    ['a title with a control character', { title: 'a\u0007b' }, 'input.title must not contain control characters'],
    ['an empty tag', { tags: ['ok', ''] }, 'input.tags: each tag must be 1-64 characters without control characters, got ""'],
    ['an oversized tag', { tags: ['x'.repeat(65)] }, `input.tags: each tag must be 1-64 characters without control characters, got "${'x'.repeat(65)}"`],
    ['21 tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'input.tags must hold at most 20 tags, got 21'],
    ['a repeated tag', { tags: ['__proto__', 'a', '__proto__'] }, 'input.tags: each tag may appear once, got "__proto__" twice'],
    ['version 0', { expectedVersion: 0, title: 'x' }, 'input.expectedVersion must be an integer of at least 1, got 0'],
  ])('refuses %s with a ValidationError', (_, fields, message) => {
    expect(summary(run(UPDATE, 'request', { args: input(fields) })).error).toEqual({ message, errorType: 'ValidationError' });
  });

  it('accepts __proto__-style tags as plain strings', () => {
    expect(summary(run(UPDATE, 'request', { args: input({ tags: ['__proto__', 'constructor', 'hasOwnProperty'] }) })).error).toBeNull();
  });

  it('refuses IAM callers with Unauthorized', () => {
    expect(summary(run(UPDATE, 'request', { caller: 'iam', args: input({ title: 'x' }) })).error).toEqual(unauthorized(UPDATE));
  });

  it('answers the updated item with its version, or null', () => {
    expect(summary(run(UPDATE, 'response', { args: input({ title: 'x' }), stash: { owner: USER_A, id: ID }, prev: READY })).value).toEqual(READY);
    expect(summary(run(UPDATE, 'response', { args: input({ title: 'x' }), stash: { owner: USER_A, id: ID }, prev: null })).value).toBeNull();
  });
});

describe('updateAsset: getAssetForUpdate', () => {
  const call = (expectedVersion: number, result: unknown, caller = USER_A) => ({
    caller: { user: caller },
    args: { input: { id: ID, expectedVersion, title: 'x' } },
    stash: { owner: caller, id: ID },
    result,
  });

  it('reads the item strongly consistent', () => {
    expect(summary(run(GET_FOR_UPDATE, 'request', call(3, undefined))).value).toEqual({ operation: 'GetItem', key: { id: { S: ID } }, consistentRead: true });
  });

  it('passes the item on when the caller owns it, it is READY or PENDING and at the expected version', () => {
    expect(summary(run(GET_FOR_UPDATE, 'response', call(3, READY))).value).toEqual(READY);
    const legacy = assetItem({ status: 'PENDING' });
    expect(summary(run(GET_FOR_UPDATE, 'response', call(1, legacy))).value).toEqual(legacy);
  });

  it('answers null for a missing asset', () => {
    expect(summary(run(GET_FOR_UPDATE, 'response', call(3, null)))).toEqual({ value: null, error: null, earlyReturn: null });
  });

  it('refuses a stale version with ConflictError carrying the current version and the stored asset', () => {
    expect(fullError(run(GET_FOR_UPDATE, 'response', call(2, READY)))).toEqual({
      message: `Asset ${ID} is at version 3, not 2; read it again and retry`,
      errorType: 'ConflictError',
      data: READY,
      errorInfo: { currentVersion: 3 },
    });
    expect(fullError(run(GET_FOR_UPDATE, 'response', call(2, assetItem())))).toEqual({
      message: `Asset ${ID} is at version 1, not 2; read it again and retry`,
      errorType: 'ConflictError',
      data: { ...assetItem(), version: 1 },
      errorInfo: { currentVersion: 1 },
    });
  });

  it.each(['DELETING', 'REJECTED'])('refuses a %s asset with InvalidStatusError', (status) => {
    expect(fullError(run(GET_FOR_UPDATE, 'response', call(3, { ...READY, status })))).toEqual({
      message: `Asset ${ID} is ${status}; only READY or PENDING assets can be updated`,
      errorType: 'InvalidStatusError',
      data: null,
      errorInfo: { status },
    });
  });

  it("refuses another owner's asset with Unauthorized, before telling its status or version", () => {
    expect(summary(run(GET_FOR_UPDATE, 'response', call(9, { ...READY, status: 'DELETING' }, USER_B))).error).toEqual(unauthorized(GET_FOR_UPDATE));
  });
});

describe('updateAsset: updateAssetItem', () => {
  const stash = { owner: USER_A, id: ID };
  const ownedAndEditable = { '#owner': 'owner', '#status': 'status', '#version': 'version' };

  it('sets the given fields, version + 1 and updatedAt, only if still owned, READY or PENDING and at the expected version', () => {
    const outcome = run(UPDATE_ITEM, 'request', { stash, prev: READY, args: { input: { id: ID, expectedVersion: 3, name: 'n.png', description: '', title: 'Summer', tags: ['sea'] } } });
    const value = outcome.value as { update: { expressionValues: Record<string, { S?: string }> } };
    expect(summary(outcome)).toEqual({
      value: {
        operation: 'UpdateItem',
        key: { id: { S: ID } },
        update: {
          expression: 'SET #version = :version, #updatedAt = :updatedAt, #name = :name, #description = :description, #title = :title, #tags = :tags',
          expressionNames: { '#version': 'version', '#updatedAt': 'updatedAt', '#name': 'name', '#description': 'description', '#title': 'title', '#tags': 'tags' },
          expressionValues: {
            ':version': { N: 4 },
            ':updatedAt': { S: expect.stringMatching(ISO_MS) },
            ':name': { S: 'n.png' },
            // An empty description clears it.
            ':description': { NULL: null },
            ':title': { S: 'Summer' },
            ':tags': { L: [{ S: 'sea' }] },
          },
        },
        condition: {
          expression: '#owner = :owner AND #status IN (:ready, :pending) AND #version = :expected',
          expressionNames: ownedAndEditable,
          expressionValues: { ':owner': { S: USER_A }, ':ready': { S: 'READY' }, ':pending': { S: 'PENDING' }, ':expected': { N: 3 } },
        },
      },
      error: null,
      earlyReturn: null,
    });
    expect(value.update.expressionValues[':updatedAt']?.S).toMatch(ISO_MS);
  });

  it('accepts an item without a version as version 1', () => {
    const value = summary(run(UPDATE_ITEM, 'request', { stash, prev: assetItem(), args: { input: { id: ID, expectedVersion: 1, tags: [] } } })).value as Record<string, unknown>;
    expect({ update: value['update'], condition: value['condition'] }).toEqual({
      update: {
        expression: 'SET #version = :version, #updatedAt = :updatedAt, #tags = :tags',
        expressionNames: { '#version': 'version', '#updatedAt': 'updatedAt', '#tags': 'tags' },
        // An empty tag list removes every tag.
        expressionValues: { ':version': { N: 2 }, ':updatedAt': { S: expect.stringMatching(ISO_MS) }, ':tags': { NULL: null } },
      },
      condition: {
        expression: '#owner = :owner AND #status IN (:ready, :pending) AND (attribute_not_exists(#version) OR #version = :expected)',
        expressionNames: ownedAndEditable,
        expressionValues: { ':owner': { S: USER_A }, ':ready': { S: 'READY' }, ':pending': { S: 'PENDING' }, ':expected': { N: 1 } },
      },
    });
  });

  it('skips to the end when there is no such asset', () => {
    expect(summary(run(UPDATE_ITEM, 'request', { stash, prev: null, args: { input: { id: ID, expectedVersion: 1, title: 'x' } } })).earlyReturn).toEqual({ value: null, skipTo: 'END' });
  });

  it('answers a condition that failed on a newer version (a concurrent winner) with ConflictError and the winner', () => {
    const winner = { ...READY, version: 4, title: 'Winner' };
    const error = { message: 'The conditional request failed', type: 'DynamoDB:ConditionalCheckFailedException' };
    expect(fullError(run(UPDATE_ITEM, 'response', { stash, prev: READY, args: { input: { id: ID, expectedVersion: 3, title: 'Loser' } }, result: winner, error }))).toEqual({
      message: `Asset ${ID} is at version 4, not 3; read it again and retry`,
      errorType: 'ConflictError',
      data: winner,
      errorInfo: { currentVersion: 4 },
    });
    expect(fullError(run(UPDATE_ITEM, 'response', { stash, prev: READY, args: { input: { id: ID, expectedVersion: 3, title: 'x' } }, result: { ...READY, status: 'DELETING' }, error }))).toEqual({
      message: `Asset ${ID} is DELETING; only READY or PENDING assets can be updated`,
      errorType: 'InvalidStatusError',
      data: null,
      errorInfo: { status: 'DELETING' },
    });
    expect(summary(run(UPDATE_ITEM, 'response', { stash, prev: READY, args: { input: { id: ID, expectedVersion: 3, title: 'x' } }, result: null, error })).value).toBeNull();
  });

  it('surfaces other DynamoDB errors', () => {
    const error = { message: 'Throughput exceeds the current capacity', type: 'DynamoDB:ProvisionedThroughputExceededException' };
    expect(summary(run(UPDATE_ITEM, 'response', { stash, prev: READY, args: { input: { id: ID, expectedVersion: 3, title: 'x' } }, result: null, error })).error).toEqual({ message: error.message, errorType: error.type });
  });

  it('plans the tag items: old tags out, new tags in, with the TTL of a PENDING asset', () => {
    const updated = { ...READY, status: 'PENDING', tags: ['beach', 'sun', '__proto__'], version: 4, expiresAt: 1741068067 };
    const outcome = run(UPDATE_ITEM, 'response', { stash: { ...stash }, prev: READY, args: { input: { id: ID, expectedVersion: 3, tags: ['beach', 'sun', '__proto__'] } }, result: updated });
    expect({ value: outcome.value, tagChange: outcome.stash['tagChange'] }).toEqual({
      value: updated,
      tagChange: { owner: USER_A, assetId: ID, createdAt: CREATED_AT, put: ['sun', '__proto__'], remove: ['trip'], expiresAt: 1741068067 },
    });
  });

  it('plans no tag change when the tags were not given', () => {
    const outcome = run(UPDATE_ITEM, 'response', { stash: { ...stash }, prev: READY, args: { input: { id: ID, expectedVersion: 3, title: 'x' } }, result: { ...READY, title: 'x', version: 4 } });
    expect(outcome.stash['tagChange']).toBeUndefined();
  });
});

describe('tag items: putAssetTags and removeAssetTags', () => {
  const change = { owner: USER_A, assetId: ID, createdAt: CREATED_AT, put: ['sun', '__proto__'], remove: ['trip'], expiresAt: null };

  it('writes one item per new tag, keyed <owner>#<tag> and <createdAt>#<id>, with the TTL only while PENDING', () => {
    expect(summary(run(PUT_TAGS, 'request', { stash: { tagChange: change }, prev: READY })).value).toEqual({
      operation: 'BatchPutItem',
      tables: { [ASSET_TAGS_TABLE]: ['sun', '__proto__'].map((tag) => ({ ...tagKey(USER_A, tag), assetId: { S: ID } })) },
    });
    const pending = run(PUT_TAGS, 'request', { stash: { tagChange: { ...change, put: ['sun'], expiresAt: 1741068067 } }, prev: READY }).value;
    expect(pending).toEqual({ operation: 'BatchPutItem', tables: { [ASSET_TAGS_TABLE]: [{ ...tagKey(USER_A, 'sun'), assetId: { S: ID }, expiresAt: { N: 1741068067 } }] } });
  });

  it('deletes one item per removed tag', () => {
    expect(summary(run(REMOVE_TAGS, 'request', { stash: { tagChange: change }, prev: READY })).value).toEqual({
      operation: 'BatchDeleteItem',
      tables: { [ASSET_TAGS_TABLE]: [tagKey(USER_A, 'trip')] },
    });
  });

  it('skips with the asset passed on when there is nothing to do', () => {
    expect(summary(run(PUT_TAGS, 'request', { stash: {}, prev: READY })).earlyReturn).toEqual({ value: READY });
    expect(summary(run(REMOVE_TAGS, 'request', { stash: { tagChange: { ...change, remove: [] } }, prev: READY })).earlyReturn).toEqual({ value: READY });
  });

  it('passes the asset on, and refuses to answer as if all went well when items were left unprocessed', () => {
    expect(summary(run(PUT_TAGS, 'response', { stash: { tagChange: change }, prev: READY, result: { data: {}, unprocessedItems: { [ASSET_TAGS_TABLE]: [] } } })).value).toEqual(READY);
    expect(fullError(run(PUT_TAGS, 'response', { stash: { tagChange: change }, prev: READY, result: { data: {}, unprocessedItems: { [ASSET_TAGS_TABLE]: [{}] } } }))).toEqual({
      message: 'putAssetTags: 1 tag item(s) were not written; repeat the change',
      errorType: 'DynamoDB:UnprocessedItems',
      data: null,
      errorInfo: { unprocessedItems: 1 },
    });
    const error = { message: 'Requested resource not found', type: 'DynamoDB:ResourceNotFoundException' };
    expect(summary(run(REMOVE_TAGS, 'response', { stash: { tagChange: change }, prev: READY, result: null, error })).error).toEqual({ message: error.message, errorType: error.type });
  });

  it('are planned by createUpload (with the TTL), completeUpload (READY: without it) and deleteAsset (all of them)', () => {
    const pending = assetItem({ tags: ['a', 'b'] });
    expect(run(PUT_ASSET, 'response', { stash: {}, result: pending }).stash['tagChange']).toEqual({ owner: USER_A, assetId: ID, createdAt: CREATED_AT, put: ['a', 'b'], remove: [], expiresAt: 1741068067 });
    const ready = { ...pending, status: 'READY', expiresAt: undefined };
    expect(run(COMPLETE, 'response', { caller: 'iam', stash: {}, result: ready }).stash['tagChange']).toEqual({ owner: USER_A, assetId: ID, createdAt: CREATED_AT, put: ['a', 'b'], remove: [], expiresAt: null });
    expect(run(COMPLETE, 'response', { caller: 'iam', stash: {}, result: { ...pending, status: 'REJECTED' } }).stash['tagChange']).toBeUndefined();
    expect(run(MARK, 'response', { stash: { owner: USER_A, id: ID }, result: { ...pending, status: 'DELETING' } }).stash['tagChange']).toEqual({ owner: USER_A, assetId: ID, createdAt: CREATED_AT, put: [], remove: ['a', 'b'], expiresAt: null });
  });
});

describe('updateAsset: checkTagExpiry (a completion racing the tag write)', () => {
  const pendingChange = { owner: USER_A, assetId: ID, createdAt: CREATED_AT, put: ['sun', 'sea'], remove: ['trip'], expiresAt: 1741068067 };
  const UPDATED = assetItem({ status: 'PENDING', tags: ['sun', 'sea'], version: 4 });

  it('reads the asset again (consistent read) only when tag items were written with a TTL', () => {
    expect(summary(run(CHECK_EXPIRY, 'request', { stash: { tagChange: pendingChange }, prev: UPDATED })).value).toEqual({
      operation: 'GetItem',
      key: { id: { S: ID } },
      consistentRead: true,
    });
    for (const change of [{ ...pendingChange, expiresAt: null }, { ...pendingChange, put: [] }]) {
      const outcome = run(CHECK_EXPIRY, 'request', { stash: { tagChange: change }, prev: UPDATED });
      expect(summary(outcome).earlyReturn).toEqual({ value: UPDATED });
      // The rewrite step after it then has nothing to do.
      expect(outcome.stash['tagChange']).toEqual({ ...change, put: [], remove: [] });
    }
    expect(summary(run(CHECK_EXPIRY, 'request', { stash: {}, prev: UPDATED })).earlyReturn).toEqual({ value: UPDATED });
  });

  it('plans a rewrite without the TTL of the written tags the asset still carries once it is READY', () => {
    const nowReady = assetItem({ status: 'READY', tags: ['sun', 'boat'], version: 4, expiresAt: undefined });
    const outcome = run(CHECK_EXPIRY, 'response', { stash: { tagChange: pendingChange }, prev: UPDATED, result: nowReady });
    expect(summary(outcome).value).toEqual(UPDATED);
    expect(outcome.stash['tagChange']).toEqual({ ...pendingChange, put: ['sun'], remove: [], expiresAt: null });
    // ... which putAssetTags then writes as the items of a READY asset.
    expect(summary(run(PUT_TAGS, 'request', { stash: { tagChange: outcome.stash['tagChange'] }, prev: UPDATED })).value).toEqual({
      operation: 'BatchPutItem',
      tables: { [ASSET_TAGS_TABLE]: [{ ...tagKey(USER_A, 'sun'), assetId: { S: ID } }] },
    });
  });

  it('plans nothing while the asset is PENDING, or when it is gone, REJECTED or DELETING (its items expire with it)', () => {
    for (const result of [UPDATED, null, { ...UPDATED, status: 'REJECTED' }, { ...UPDATED, status: 'DELETING' }]) {
      const outcome = run(CHECK_EXPIRY, 'response', { stash: { tagChange: pendingChange }, prev: UPDATED, result });
      expect(summary(outcome).value).toEqual(UPDATED);
      expect(summary(run(PUT_TAGS, 'request', { stash: { tagChange: outcome.stash['tagChange'] }, prev: UPDATED })).earlyReturn).toEqual({ value: UPDATED });
    }
  });

  it('surfaces a read error', () => {
    const error = { message: 'Throughput exceeds the current capacity', type: 'DynamoDB:ProvisionedThroughputExceededException' };
    expect(summary(run(CHECK_EXPIRY, 'response', { stash: { tagChange: pendingChange }, prev: UPDATED, result: null, error })).error).toEqual({ message: error.message, errorType: error.type });
  });
});

describe('getAssets', () => {
  const other = assetItem({ id: 'other-id', owner: USER_B, status: 'READY' });
  const second = assetItem({ id: 'second-id', status: 'READY', version: 2 });

  it('reads each distinct id once', () => {
    const outcome = run(GET_ASSETS, 'request', { args: { ids: [ID, 'second-id', ID, '__proto__'] } });
    expect({ ...summary(outcome), stash: outcome.stash }).toEqual({
      value: {},
      error: null,
      earlyReturn: null,
      stash: { owner: USER_A, batch: { ids: [ID, 'second-id', '__proto__'], items: [], unprocessedIds: [] } },
    });
    expect(summary(run(BATCH_GET, 'request', { stash: outcome.stash, prev: {} })).value).toEqual({
      operation: 'BatchGetItem',
      tables: { [ASSETS_TABLE]: { keys: [{ id: { S: ID } }, { id: { S: 'second-id' } }, { id: { S: '__proto__' } }] } },
    });
  });

  it('accepts 100 ids and refuses 101 with a ValidationError', () => {
    const ids = Array.from({ length: 101 }, (_, i) => `id-${i}`);
    expect(summary(run(GET_ASSETS, 'request', { args: { ids: ids.slice(0, 100) } })).error).toBeNull();
    expect(summary(run(GET_ASSETS, 'request', { args: { ids } })).error).toEqual({ message: 'ids: at most 100 ids per call, got 101', errorType: 'ValidationError' });
  });

  it('skips the batch for no ids and answers an empty list', () => {
    const stash = run(GET_ASSETS, 'request', { args: { ids: [] } }).stash;
    expect(summary(run(BATCH_GET, 'request', { stash, prev: {} })).earlyReturn).toEqual({ value: {} });
    expect(summary(run(GET_ASSETS, 'response', { args: { ids: [] }, stash, prev: {} })).value).toEqual([]);
  });

  it('keeps what it found and what was left unprocessed, then retries only those once', () => {
    const stash: Record<string, unknown> = { owner: USER_A, batch: { ids: [ID, 'second-id', 'other-id', 'gone'], items: [], unprocessedIds: [] } };
    const first = run(BATCH_GET, 'response', {
      stash,
      prev: {},
      result: { data: { [ASSETS_TABLE]: [READY, null, other, null] }, unprocessedKeys: { [ASSETS_TABLE]: [{ id: 'second-id' }] } },
    });
    expect(first.stash['batch']).toEqual({ ids: [ID, 'second-id', 'other-id', 'gone'], items: [READY, other], unprocessedIds: ['second-id'] });
    // The retry's request reads what is left from batchGetAssets' result, never the stash of found items.
    expect(first.value).toEqual({ unprocessedIds: ['second-id'] });
    expect(summary(run(RETRY, 'request', { stash: {}, prev: first.value })).value).toEqual({ operation: 'BatchGetItem', tables: { [ASSETS_TABLE]: { keys: [{ id: { S: 'second-id' } }] } } });
    const retried = run(RETRY, 'response', { stash: first.stash, prev: first.value, result: { data: { [ASSETS_TABLE]: [second] }, unprocessedKeys: { [ASSETS_TABLE]: [] } } });
    expect(retried.stash['batch']).toEqual({ ids: [ID, 'second-id', 'other-id', 'gone'], items: [READY, other, second], unprocessedIds: [] });
    expect(retried.value).toEqual({ unprocessedIds: [] });
    expect(summary(run(RETRY, 'request', { stash: retried.stash, prev: retried.value })).earlyReturn).toEqual({ value: { unprocessedIds: [] } });
  });

  it('keeps ids left unprocessed by the retry for the after handler', () => {
    const stash: Record<string, unknown> = { owner: USER_A, batch: { ids: [ID, 'second-id'], items: [READY], unprocessedIds: ['second-id'] } };
    const retried = run(RETRY, 'response', { stash, prev: { unprocessedIds: ['second-id'] }, result: { data: { [ASSETS_TABLE]: [] }, unprocessedKeys: { [ASSETS_TABLE]: [{ id: 'second-id' }] } } });
    expect({ value: retried.value, batch: retried.stash['batch'] }).toEqual({ value: { unprocessedIds: ['second-id'] }, batch: { ids: [ID, 'second-id'], items: [READY], unprocessedIds: ['second-id'] } });
  });

  it('carries the ids through the whole pipeline as the runner passes ctx.prev.result: read, retried, reported', () => {
    const args = { ids: ['second-id', ID, 'gone', 'third-id', ID] };
    const third = assetItem({ id: 'third-id', status: 'READY', version: 3 });
    const before = run(GET_ASSETS, 'request', { args });
    const stash = before.stash;
    expect(summary(run(BATCH_GET, 'request', { args, stash, prev: before.value })).value).toEqual({
      operation: 'BatchGetItem',
      tables: { [ASSETS_TABLE]: { keys: [{ id: { S: 'second-id' } }, { id: { S: ID } }, { id: { S: 'gone' } }, { id: { S: 'third-id' } }] } },
    });
    const first = run(BATCH_GET, 'response', {
      args,
      stash,
      prev: before.value,
      result: { data: { [ASSETS_TABLE]: [null, READY, null] }, unprocessedKeys: { [ASSETS_TABLE]: [{ id: 'second-id' }, { id: 'third-id' }] } },
    });
    expect(summary(run(RETRY, 'request', { args, stash, prev: first.value })).value).toEqual({
      operation: 'BatchGetItem',
      tables: { [ASSETS_TABLE]: { keys: [{ id: { S: 'second-id' } }, { id: { S: 'third-id' } }] } },
    });
    const retried = run(RETRY, 'response', { args, stash, prev: first.value, result: { data: { [ASSETS_TABLE]: [third] }, unprocessedKeys: { [ASSETS_TABLE]: [{ id: 'second-id' }] } } });
    const after = run(GET_ASSETS, 'response', { args, stash, prev: retried.value, result: retried.value });
    expect({ value: after.value, appended: after.appendedErrors }).toEqual({
      value: [null, READY, null, third, READY],
      appended: [{ message: '1 id(s) could not be read in this request; ask for them again', errorType: 'DynamoDB:UnprocessedKeys', data: null, errorInfo: { ids: ['second-id'] } }],
    });
  });

  it('skips the retry after a skipped batchGetAssets, passing the previous result on', () => {
    expect(summary(run(RETRY, 'request', { stash: {}, prev: {} })).earlyReturn).toEqual({ value: {} });
    expect(summary(run(RETRY, 'request', { stash: {}, prev: null })).earlyReturn).toEqual({ value: null });
    expect(summary(run(RETRY, 'request', { stash: {}, prev: { items: [], nextToken: null } })).earlyReturn).toEqual({ value: { items: [], nextToken: null } });
  });

  it("answers in the order asked, the same asset at a repeated id, null for missing ids and another owner's", () => {
    const stash = { owner: USER_A, batch: { ids: [ID, 'other-id', 'gone', 'second-id'], items: [second, other, READY], unprocessedIds: [] } };
    const outcome = run(GET_ASSETS, 'response', { args: { ids: [ID, 'other-id', 'gone', ID, 'second-id'] }, stash, prev: {} });
    expect({ ...summary(outcome), appended: outcome.appendedErrors }).toEqual({ value: [READY, null, null, READY, second], error: null, earlyReturn: null, appended: [] });
  });

  it('finds ids that name Object.prototype members only when such an item was read', () => {
    const proto = assetItem({ id: '__proto__', status: 'READY', version: 2 });
    const stash = { owner: USER_A, batch: { ids: ['__proto__', 'constructor', 'toString', '#x', ''], items: [proto], unprocessedIds: [] } };
    const outcome = run(GET_ASSETS, 'response', { args: { ids: ['constructor', '__proto__', 'toString', '#x', '', '__proto__'] }, stash, prev: {} });
    expect({ ...summary(outcome), appended: outcome.appendedErrors }).toEqual({ value: [null, proto, null, null, null, proto], error: null, earlyReturn: null, appended: [] });
  });

  it('answers null with one UnprocessedKeys error for ids still unprocessed after the retry', () => {
    const stash = { owner: USER_A, batch: { ids: [ID, 'second-id'], items: [READY], unprocessedIds: ['second-id'] } };
    const outcome = run(GET_ASSETS, 'response', { args: { ids: [ID, 'second-id'] }, stash, prev: {} });
    expect({ value: outcome.value, appended: outcome.appendedErrors }).toEqual({
      value: [READY, null],
      appended: [{ message: '1 id(s) could not be read in this request; ask for them again', errorType: 'DynamoDB:UnprocessedKeys', data: null, errorInfo: { ids: ['second-id'] } }],
    });
  });

  it('runs through evaluateCode as AWS EvaluateCode would (an API-key caller: owner apikey)', () => {
    const result = evaluateCode({
      code: readFileSync(resolverBundlePath(GET_ASSETS), 'utf8'),
      function: 'request',
      context: { arguments: { ids: Array.from({ length: 101 }, (_, i) => `id-${i}`) }, env: ENV },
    }, RUNTIME);
    expect(result).toEqual({ error: { message: 'ids: at most 100 ids per call, got 101' }, logs: [], stash: JSON.stringify({ owner: 'apikey' }) });
  });
});

describe('listAssets with a tag', () => {
  const stash = { owner: USER_A, limit: 20 };

  it('refuses an empty or oversized tag with a ValidationError', () => {
    expect(summary(run(LIST, 'request', { args: { tag: '' } })).error).toEqual({ message: 'tag must be 1-64 characters without control characters, got ""', errorType: 'ValidationError' });
    expect(summary(run(LIST, 'request', { args: { tag: 'y'.repeat(65) } })).error).toEqual({
      message: `tag must be 1-64 characters without control characters, got "${'y'.repeat(65)}"`,
      errorType: 'ValidationError',
    });
  });

  it('skips the byOwner query and queries the tag partition, newest first, never a scan', () => {
    expect(summary(run(BY_OWNER, 'request', { stash, args: { tag: '__proto__' } })).earlyReturn).toEqual({ value: null });
    expect(summary(run(TAGS_QUERY, 'request', { stash, prev: null, args: { tag: '__proto__', nextToken: 'page-2' } })).value).toEqual({
      operation: 'Query',
      query: { expression: '#ownerTag = :ownerTag', expressionNames: { '#ownerTag': 'ownerTag' }, expressionValues: { ':ownerTag': { S: `${USER_A}#__proto__` } } },
      scanIndexForward: false,
      limit: 20,
      nextToken: 'page-2',
    });
    expect(summary(run(TAGS_QUERY, 'request', { stash, prev: { items: [], nextToken: null }, args: {} })).earlyReturn).toEqual({ value: { items: [], nextToken: null } });
  });

  it('hands the asset ids to batchGetAssets and keeps the page token', () => {
    const items = [
      { ownerTag: `${USER_A}#trip`, createdAtId: `2025-03-05T00:00:00.000Z#${ID}`, assetId: ID },
      { ownerTag: `${USER_A}#trip`, createdAtId: '2025-03-04T00:00:00.000Z#second-id', assetId: 'second-id' },
    ];
    expect(run(TAGS_QUERY, 'response', { stash: { ...stash }, args: { tag: 'trip' }, result: { items, nextToken: 'next', scannedCount: 2 } }).stash).toEqual({
      ...stash,
      taggedIds: [ID, 'second-id'],
      tagNextToken: 'next',
      batch: { ids: [ID, 'second-id'], items: [], unprocessedIds: [] },
    });
  });

  it('answers in tag order, leaving out assets that are gone, no longer tagged, or filtered out', () => {
    const untagged = assetItem({ id: 'untagged', status: 'READY', tags: ['beach'] });
    const pending = assetItem({ id: 'pending', status: 'PENDING', tags: ['trip'] });
    const listStash = { ...stash, taggedIds: ['pending', ID, 'gone', 'untagged'], tagNextToken: 'next', batch: { ids: [], items: [untagged, READY, pending], unprocessedIds: [] } };
    expect(summary(run(LIST, 'response', { stash: listStash, args: { tag: 'trip' }, prev: {} })).value).toEqual({ items: [{ ...pending, version: 1 }, READY], nextToken: 'next' });
    expect(summary(run(LIST, 'response', { stash: listStash, args: { tag: 'trip', status: 'READY' }, prev: {} })).value).toEqual({ items: [READY], nextToken: 'next' });
    expect(summary(run(LIST, 'response', { stash: listStash, args: { tag: 'trip', contentType: 'video/mp4' }, prev: {} })).value).toEqual({ items: [], nextToken: 'next' });
  });
});
