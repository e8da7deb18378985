/** Mutation.deleteAsset: before handler, markDeleting, deleteObject, deleteAssetItem, after handler. */
import { describe, expect, it } from 'vitest';
import { ISO_MS, USER_A, USER_B, assetItem, run, summary, unauthorized } from './harness.ts';

const BEFORE = 'resolvers/Mutation.deleteAsset.ts';
const MARK = 'resolvers/functions/markDeleting.ts';
const DELETE_OBJECT = 'resolvers/functions/deleteObject.ts';
const DELETE_ITEM = 'resolvers/functions/deleteAssetItem.ts';

const ITEM = assetItem({ status: 'READY' });
const ID = ITEM['id'] as string;
const DELETING = { ...ITEM, status: 'DELETING' };
const CONDITION_FAILED = { message: 'The conditional request failed', type: 'DynamoDB:ConditionalCheckFailedException' };

describe('deleteAsset: before handler', () => {
  it('stashes the caller as owner and the id', () => {
    const outcome = run(BEFORE, 'request', { caller: { user: USER_B }, args: { id: ID } });
    expect({ ...summary(outcome), stash: outcome.stash }).toEqual({ value: {}, error: null, earlyReturn: null, stash: { owner: USER_B, id: ID } });
  });

  it('refuses IAM callers with Unauthorized', () => {
    expect(summary(run(BEFORE, 'request', { caller: 'iam', args: { id: ID } })).error).toEqual(unauthorized(BEFORE));
  });
});

describe('deleteAsset: markDeleting', () => {
  it('sets DELETING only on an existing item of the caller', () => {
    const outcome = run(MARK, 'request', { stash: { owner: USER_A, id: ID }, prev: {} });
    const updatedAt = (outcome.value as { update: { expressionValues: Record<string, { S: string }> } }).update.expressionValues[':updatedAt']?.S;
    expect(updatedAt).toMatch(ISO_MS);
    expect(summary(outcome).value).toEqual({
      operation: 'UpdateItem',
      key: { id: { S: ID } },
      update: {
        expression: 'SET #status = :status, #updatedAt = :updatedAt',
        expressionNames: { '#status': 'status', '#updatedAt': 'updatedAt' },
        expressionValues: { ':status': { S: 'DELETING' }, ':updatedAt': { S: updatedAt } },
      },
      condition: {
        expression: 'attribute_exists(#id) AND #owner = :owner',
        expressionNames: { '#id': 'id', '#owner': 'owner' },
        expressionValues: { ':owner': { S: USER_A } },
      },
    });
  });

  it('answers the marked item', () => {
    expect(summary(run(MARK, 'response', { stash: { owner: USER_A, id: ID }, prev: {}, result: DELETING }))).toEqual({ value: DELETING, error: null, earlyReturn: null });
  });

  it("turns a failed condition on another owner's item into Unauthorized", () => {
    expect(summary(run(MARK, 'response', { stash: { owner: USER_B, id: ID }, prev: {}, result: ITEM, error: CONDITION_FAILED }))).toEqual({
      value: null,
      error: unauthorized(MARK),
      earlyReturn: null,
    });
  });

  it('answers null for a missing item', () => {
    expect(summary(run(MARK, 'response', { stash: { owner: USER_A, id: ID }, prev: {}, result: null, error: CONDITION_FAILED }))).toEqual({
      value: null,
      error: null,
      earlyReturn: null,
    });
  });

  it('surfaces other DynamoDB errors', () => {
    const error = { message: 'Internal server error', type: 'DynamoDB:InternalServerError' };
    expect(summary(run(MARK, 'response', { stash: { owner: USER_A, id: ID }, prev: {}, result: null, error })).error).toEqual({ message: error.message, errorType: error.type });
  });
});

describe('deleteAsset: deleteObject', () => {
  it('invokes the Lambda with the object key', () => {
    expect(summary(run(DELETE_OBJECT, 'request', { stash: { owner: USER_A, id: ID }, prev: DELETING })).value).toEqual({
      operation: 'Invoke',
      payload: { action: 'deleteObject', key: ITEM['key'] },
    });
  });

  it('skips the rest of the pipeline when there was no asset', () => {
    expect(summary(run(DELETE_OBJECT, 'request', { stash: { owner: USER_A, id: ID }, prev: null }))).toEqual({
      value: null,
      error: null,
      earlyReturn: { value: null, skipTo: 'END' },
    });
  });

  it('passes the marked item on, and surfaces a Lambda error (the item stays DELETING, the call can be repeated)', () => {
    expect(summary(run(DELETE_OBJECT, 'response', { stash: { owner: USER_A, id: ID }, prev: DELETING, result: { key: ITEM['key'], deleted: true } })).value).toEqual(DELETING);
    const error = { message: 'S3 DeleteObject failed: HTTP 503', type: 'Lambda:Unhandled' };
    expect(summary(run(DELETE_OBJECT, 'response', { stash: { owner: USER_A, id: ID }, prev: DELETING, result: null, error })).error).toEqual({
      message: error.message,
      errorType: error.type,
    });
  });
});

describe('deleteAsset: deleteAssetItem and after handler', () => {
  it("deletes the item, still only the caller's", () => {
    expect(summary(run(DELETE_ITEM, 'request', { stash: { owner: USER_A, id: ID }, prev: DELETING })).value).toEqual({
      operation: 'DeleteItem',
      key: { id: { S: ID } },
      condition: { expression: '#owner = :owner', expressionNames: { '#owner': 'owner' }, expressionValues: { ':owner': { S: USER_A } } },
    });
  });

  it('answers the asset as marked (status DELETING)', () => {
    expect(summary(run(DELETE_ITEM, 'response', { stash: { owner: USER_A, id: ID }, prev: DELETING, result: DELETING })).value).toEqual(DELETING);
    expect(summary(run(BEFORE, 'response', { stash: { owner: USER_A, id: ID }, prev: DELETING, result: DELETING })).value).toEqual({ ...DELETING, version: 1 });
    expect(summary(run(BEFORE, 'response', { stash: { owner: USER_A, id: ID }, prev: null, result: null })).value).toBeNull();
  });
});
