/** Query.getAsset and Query.listAssets. */
import { describe, expect, it } from 'vitest';
import { USER_A, USER_B, assetItem, run, summary, unauthorized } from './harness.ts';

const GET = 'resolvers/Query.getAsset.ts';
const LIST = 'resolvers/Query.listAssets.ts';
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
    expect(summary(run(GET, 'response', { args: { id: ID }, stash: { owner: USER_A }, result: ITEM }))).toEqual({ value: ITEM, error: null, earlyReturn: null });
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

describe('listAssets', () => {
  const byOwner = (owner: string) => ({ expression: '#owner = :owner', expressionNames: { '#owner': 'owner' }, expressionValues: { ':owner': { S: owner } } });

  it("queries the byOwner index for the caller's assets, newest first, 20 by default", () => {
    expect(summary(run(LIST, 'request', { caller: { user: USER_A } }))).toEqual({
      value: { operation: 'Query', index: 'byOwner', query: byOwner(USER_A), scanIndexForward: false, limit: 20 },
      error: null,
      earlyReturn: null,
    });
  });

  it('passes the page token on, caps the limit at 100 and filters by status and content type', () => {
    expect(summary(run(LIST, 'request', { caller: 'apikey', args: { limit: 500, nextToken: 'opaque-token', status: 'READY', contentType: 'image/png' } })).value).toEqual({
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
    expect(summary(run(LIST, 'request', { args: { limit: null, nextToken: null, status: null, contentType: null } })).value).toEqual({
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

  it('answers the items and the next token (null on the last page)', () => {
    expect(summary(run(LIST, 'response', { result: { items: [ITEM], nextToken: 'next', scannedCount: 1 } })).value).toEqual({ items: [ITEM], nextToken: 'next' });
    expect(summary(run(LIST, 'response', { result: { items: [], nextToken: null, scannedCount: 0 } })).value).toEqual({ items: [], nextToken: null });
  });

  it('surfaces DynamoDB errors', () => {
    const error = { message: 'The provided starting key is invalid', type: 'DynamoDB:ValidationException' };
    expect(summary(run(LIST, 'response', { result: null, error })).error).toEqual({ message: error.message, errorType: error.type });
  });
});
