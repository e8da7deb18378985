/** Mutation.completeUpload: before handler, getAssetForCompletion, completeAsset, after handler. */
import { describe, expect, it } from 'vitest';
import { ISO_MS, USER_A, assetItem, run, summary, unauthorized } from './harness.ts';

const BEFORE = 'resolvers/Mutation.completeUpload.ts';
const GET = 'resolvers/functions/getAssetForCompletion.ts';
const COMPLETE = 'resolvers/functions/completeAsset.ts';

const ITEM = assetItem();
const KEY = ITEM['key'] as string;
const ID = ITEM['id'] as string;

function stashFor(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: ID, owner: USER_A, key: KEY, size: 2048, contentType: 'image/png', ...overrides };
}

describe('completeUpload: before handler', () => {
  it('parses owner and id from the object key and stashes what S3 reported', () => {
    const outcome = run(BEFORE, 'request', { caller: 'iam', args: { input: { key: KEY, size: 2048, contentType: 'image/png' } } });
    expect({ ...summary(outcome), stash: outcome.stash }).toEqual({ value: {}, error: null, earlyReturn: null, stash: stashFor() });
  });

  it('stashes a null content type when S3 reported none', () => {
    expect(run(BEFORE, 'request', { caller: 'iam', args: { input: { key: KEY, size: 2048 } } }).stash).toEqual(stashFor({ contentType: null }));
  });

  it.each([['other/u/i/n.png'], ['assets/u/i'], ['assets/u/i/n/extra.png'], ['assets//i/n.png']])('answers null for the key %s, which no asset can have', (key) => {
    expect(summary(run(BEFORE, 'request', { caller: 'iam', args: { input: { key, size: 1 } } }))).toEqual({
      value: null,
      error: null,
      earlyReturn: { value: null },
    });
  });

  it.each([[{ user: USER_A }], ['apikey' as const]])('refuses a caller that is not IAM (%j) with Unauthorized', (caller) => {
    expect(summary(run(BEFORE, 'request', { caller, args: { input: { key: KEY, size: 1 } } })).error).toEqual(unauthorized(BEFORE));
  });

  it('answers the last function result, and surfaces errors', () => {
    expect(summary(run(BEFORE, 'response', { caller: 'iam', stash: stashFor(), prev: ITEM, result: ITEM })).value).toEqual({ ...ITEM, version: 1 });
    expect(summary(run(BEFORE, 'response', { caller: 'iam', stash: stashFor(), prev: null, result: null })).value).toBeNull();
  });
});

describe('completeUpload: getAssetForCompletion', () => {
  it('reads the item by id, strongly consistent', () => {
    expect(summary(run(GET, 'request', { caller: 'iam', stash: stashFor(), prev: {} })).value).toEqual({
      operation: 'GetItem',
      key: { id: { S: ID } },
      consistentRead: true,
    });
  });

  it('passes a missing item on as null and surfaces DynamoDB errors', () => {
    expect(summary(run(GET, 'response', { caller: 'iam', stash: stashFor(), prev: {}, result: null }))).toEqual({ value: null, error: null, earlyReturn: null });
    const error = { message: 'Throughput exceeded', type: 'DynamoDB:ProvisionedThroughputExceededException' };
    expect(summary(run(GET, 'response', { caller: 'iam', stash: stashFor(), prev: {}, result: null, error })).error).toEqual({ message: error.message, errorType: error.type });
  });
});

describe('completeAsset', () => {
  function update(outcome: ReturnType<typeof run>) {
    const value = outcome.value as { update: { expressionValues: Record<string, { S: string }> } };
    return value;
  }

  it('marks a matching PENDING asset READY, removes its TTL, only while it is still PENDING and the same object', () => {
    const outcome = run(COMPLETE, 'request', { caller: 'iam', stash: stashFor(), prev: ITEM });
    const updatedAt = update(outcome).update.expressionValues[':updatedAt']?.S;
    expect(updatedAt).toMatch(ISO_MS);
    expect(summary(outcome)).toEqual({
      value: {
        operation: 'UpdateItem',
        key: { id: { S: ID } },
        update: {
          expression: 'SET #status = :status, #updatedAt = :updatedAt REMOVE #expiresAt',
          expressionNames: { '#status': 'status', '#updatedAt': 'updatedAt', '#expiresAt': 'expiresAt' },
          expressionValues: { ':status': { S: 'READY' }, ':updatedAt': { S: updatedAt } },
        },
        condition: {
          expression: '#status = :pending AND #owner = :owner AND #key = :key',
          expressionNames: { '#status': 'status', '#owner': 'owner', '#key': 'key' },
          expressionValues: { ':pending': { S: 'PENDING' }, ':owner': { S: USER_A }, ':key': { S: KEY } },
        },
      },
      error: null,
      earlyReturn: null,
    });
  });

  it.each([
    ['another size', { size: 2049 }],
    ['another content type', { contentType: 'text/html' }],
    ['no content type', { contentType: null }],
  ])('marks the asset REJECTED (keeping its TTL) when S3 reports %s', (_, change) => {
    const value = update(run(COMPLETE, 'request', { caller: 'iam', stash: stashFor(change), prev: ITEM })) as unknown as Record<string, Record<string, unknown>>;
    expect({ expression: value['update']?.['expression'], names: value['update']?.['expressionNames'], status: (value['update']?.['expressionValues'] as Record<string, unknown>)[':status'] }).toEqual({
      expression: 'SET #status = :status, #updatedAt = :updatedAt',
      names: { '#status': 'status', '#updatedAt': 'updatedAt' },
      status: { S: 'REJECTED' },
    });
  });

  it('answers null without writing when no asset waits for the object (missing, another owner or another key)', () => {
    const outcomes = [null, assetItem({ owner: 'someone-else' }), assetItem({ key: `assets/${USER_A}/${ID}/other.png` })].map((prev) =>
      summary(run(COMPLETE, 'request', { caller: 'iam', stash: stashFor(), prev })),
    );
    expect(outcomes).toEqual(Array.from({ length: 3 }, () => ({ value: null, error: null, earlyReturn: { value: null } })));
  });

  it.each([['READY'], ['REJECTED'], ['DELETING']])('answers a %s asset with an AlreadyCompleted error and no write, so repeated events announce nothing', (status) => {
    const item = assetItem({ status });
    const outcome = run(COMPLETE, 'request', { caller: 'iam', stash: stashFor(), prev: item });
    expect({ value: outcome.value, error: outcome.error, earlyReturn: outcome.earlyReturn }).toEqual({
      value: null,
      error: { message: `Asset ${String(item['id'])} is already ${status}`, errorType: 'AlreadyCompleted', data: null, errorInfo: { status } },
      earlyReturn: null,
    });
  });

  it('answers the updated item and surfaces a lost race as the DynamoDB error', () => {
    const ready = assetItem({ status: 'READY' });
    expect(summary(run(COMPLETE, 'response', { caller: 'iam', stash: stashFor(), prev: ITEM, result: ready })).value).toEqual(ready);
    const error = { message: 'The conditional request failed', type: 'DynamoDB:ConditionalCheckFailedException' };
    expect(summary(run(COMPLETE, 'response', { caller: 'iam', stash: stashFor(), prev: ITEM, result: ready, error })).error).toEqual({
      message: error.message,
      errorType: error.type,
    });
  });
});
