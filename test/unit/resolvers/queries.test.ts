/** Query.getAsset and Query.listAssets. */
import { describe, expect, it } from 'vitest';
import { USER_A, USER_B, assetItem, run, summary, unauthorized } from './harness.ts';

const GET = 'resolvers/Query.getAsset.ts';
const LIST = 'resolvers/Query.listAssets.ts';
const BY_OWNER = 'resolvers/functions/queryAssetsByOwner.ts';
const ITEM = assetItem({ status: 'READY' });
const ID = ITEM['id'] as string;

describe('getAsset', () => {
  it('reads the item by id and remembers the caller', () => {
    const outcome = run(GET, 'request', { caller: { user: USER_A }, args: { id: ID } });
    expect({ ...summary(outcome), stash: outcome.stash }).toEqual({
      value: { operation: 'GetItem', key: { id: { S: ID } } },
      error: null,
      earlyReturn: null,
      stash: { owner: USER_A },
    });
  });

  it("answers the caller's asset", () => {
    // Written before versions existed: read as version 1.
    expect(summary(run(GET, 'response', { args: { id: ID }, stash: { owner: USER_A }, result: ITEM }))).toEqual({ value: { ...ITEM, version: 1 }, error: null, earlyReturn: null });
    expect(summary(run(GET, 'response', { args: { id: ID }, stash: { owner: USER_A }, result: { ...ITEM, version: 4 } })).value).toEqual({ ...ITEM, version: 4 });
    // A null version reads as 1 too, in the item's own key order.
    const nullVersion = run(GET, 'response', { args: { id: ID }, stash: { owner: USER_A }, result: { ...ITEM, version: null } }).value;
    expect(JSON.stringify(nullVersion)).toBe(JSON.stringify({ ...ITEM, version: 1 }));
  });

  it('adds the version to members named like Object.prototype members, __proto__ included, as data', () => {
    // The attribute names a stored item could have (DynamoDB allows any), in the item's own key order.
    const item = JSON.parse(JSON.stringify({ ...ITEM, constructor: 'c', toString: 't' }).replace('{', '{"__proto__":{"p":1},')) as Record<string, unknown>;
    const value = run(GET, 'response', { args: { id: ID }, stash: { owner: USER_A }, result: item }).value;
    expect(JSON.stringify(value)).toBe(`${JSON.stringify(item).slice(0, -1)},"version":1}`);
    const plain = run(GET, 'response', { args: { id: ID }, stash: { owner: USER_A }, result: { ...ITEM, constructor: 'c', toString: 't' } }).value;
    expect(JSON.stringify(plain)).toBe(JSON.stringify({ ...ITEM, constructor: 'c', toString: 't', version: 1 }));
  });

  it("refuses another owner's asset with Unauthorized", () => {
    expect(summary(run(GET, 'response', { caller: { user: USER_B }, args: { id: ID }, stash: { owner: USER_B }, result: ITEM }))).toEqual({
      value: null,
      error: unauthorized(GET),
      earlyReturn: null,
    });
  });

  it('answers null for a missing asset, and surfaces DynamoDB errors', () => {
    expect(summary(run(GET, 'response', { args: { id: ID }, stash: { owner: USER_A }, result: null })).value).toBeNull();
    const error = { message: 'Requested resource not found', type: 'DynamoDB:ResourceNotFoundException' };
    expect(summary(run(GET, 'response', { args: { id: ID }, stash: { owner: USER_A }, result: null, error })).error).toEqual({ message: error.message, errorType: error.type });
  });

  it('refuses IAM callers with Unauthorized before reading', () => {
    expect(summary(run(GET, 'request', { caller: 'iam', args: { id: ID } })).error).toEqual(unauthorized(GET));
  });
});

describe('listAssets: before handler and queryAssetsByOwner', () => {
  const byOwner = (owner: string) => ({ expression: '#owner = :owner', expressionNames: { '#owner': 'owner' }, expressionValues: { ':owner': { S: owner } } });

  it('stashes the caller and the page size: 20 by default, capped at 100', () => {
    const outcome = run(LIST, 'request', { caller: { user: USER_A } });
    expect({ ...summary(outcome), stash: outcome.stash }).toEqual({ value: {}, error: null, earlyReturn: null, stash: { owner: USER_A, limit: 20 } });
    expect(run(LIST, 'request', { caller: 'apikey', args: { limit: 500 } }).stash).toEqual({ owner: 'apikey', limit: 100 });
  });

  it("queries the byOwner index for the caller's assets, newest first", () => {
    expect(summary(run(BY_OWNER, 'request', { caller: { user: USER_A }, stash: { owner: USER_A, limit: 20 } }))).toEqual({
      value: { operation: 'Query', index: 'byOwner', query: byOwner(USER_A), scanIndexForward: false, limit: 20 },
      error: null,
      earlyReturn: null,
    });
  });

  it('passes the page token on and filters by status and content type', () => {
    expect(summary(run(BY_OWNER, 'request', { caller: 'apikey', stash: { owner: 'apikey', limit: 100 }, args: { nextToken: 'opaque-token', status: 'READY', contentType: 'image/png' } })).value).toEqual({
      operation: 'Query',
      index: 'byOwner',
      query: byOwner('apikey'),
      scanIndexForward: false,
      limit: 100,
      nextToken: 'opaque-token',
      filter: {
        expression: '#status = :status AND #contentType = :contentType',
        expressionNames: { '#status': 'status', '#contentType': 'contentType' },
        expressionValues: { ':status': { S: 'READY' }, ':contentType': { S: 'image/png' } },
      },
    });
  });

  it('treats explicit nulls as absent arguments', () => {
    expect(summary(run(BY_OWNER, 'request', { stash: { owner: USER_A, limit: 20 }, args: { limit: null, nextToken: null, status: null, contentType: null, tag: null } })).value).toEqual({
      operation: 'Query',
      index: 'byOwner',
      query: byOwner(USER_A),
      scanIndexForward: false,
      limit: 20,
    });
  });

  it('refuses a limit below 1 with a ValidationError', () => {
    expect(summary(run(LIST, 'request', { args: { limit: 0 } })).error).toEqual({ message: 'limit must be at least 1, got 0', errorType: 'ValidationError' });
  });

  it('answers the items (each with a version) and the next token (null on the last page)', () => {
    const page = summary(run(BY_OWNER, 'response', { stash: { owner: USER_A, limit: 20 }, result: { items: [ITEM], nextToken: 'next', scannedCount: 1 } })).value;
    expect(page).toEqual({ items: [ITEM], nextToken: 'next' });
    expect(summary(run(LIST, 'response', { stash: { owner: USER_A, limit: 20 }, prev: page })).value).toEqual({ items: [{ ...ITEM, version: 1 }], nextToken: 'next' });
    expect(summary(run(LIST, 'response', { stash: { owner: USER_A, limit: 20 }, prev: { items: [], nextToken: null } })).value).toEqual({ items: [], nextToken: null });
  });

  it('surfaces DynamoDB errors', () => {
    const error = { message: 'The provided starting key is invalid', type: 'DynamoDB:ValidationException' };
    expect(summary(run(BY_OWNER, 'response', { stash: { owner: USER_A, limit: 20 }, result: null, error })).error).toEqual({ message: error.message, errorType: error.type });
  });
});
