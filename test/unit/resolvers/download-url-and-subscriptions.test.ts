/** Asset.downloadUrl (BatchInvoke) and the two subscriptions' enhanced filters. */
import { describe, expect, it } from 'vitest';
import { USER_A, USER_B, assetItem, run, summary, unauthorized } from './harness.ts';

const DOWNLOAD = 'resolvers/Asset.downloadUrl.ts';
const CREATED = 'resolvers/Subscription.onAssetCreated.ts';
const UPDATED = 'resolvers/Subscription.onAssetUpdated.ts';

const READY = assetItem({ status: 'READY' });

describe('Asset.downloadUrl', () => {
  it('batches a mintDownloadUrl call for a READY asset of the caller', () => {
    expect(summary(run(DOWNLOAD, 'request', { caller: { user: USER_A }, source: READY }))).toEqual({
      // The schema default (ATTACHMENT) when the argument is left out; the stored content type for INLINE.
      value: { operation: 'BatchInvoke', payload: { action: 'mintDownloadUrl', key: READY['key'], name: 'photo.png', disposition: 'ATTACHMENT', contentType: 'image/png' } },
      error: null,
      earlyReturn: null,
    });
  });

  it.each([['PENDING'], ['REJECTED'], ['DELETING']])('answers null for a %s asset without calling the Lambda', (status) => {
    expect(summary(run(DOWNLOAD, 'request', { source: assetItem({ status }) }))).toEqual({ value: null, error: null, earlyReturn: { value: null } });
  });

  it("answers null for another owner's asset and for IAM callers", () => {
    const outcomes = [run(DOWNLOAD, 'request', { caller: { user: USER_B }, source: READY }), run(DOWNLOAD, 'request', { caller: 'iam', source: READY })];
    expect(outcomes.map(summary)).toEqual(Array.from({ length: 2 }, () => ({ value: null, error: null, earlyReturn: { value: null } })));
  });

  it("maps this asset's element of the batch answer: the URL, or its error", () => {
    const url = 'https://bucket.s3.eu-west-1.amazonaws.com/assets/x?X-Amz-Signature=abc';
    expect(summary(run(DOWNLOAD, 'response', { source: READY, result: { data: { url, expiresAt: '2025-03-04T05:11:07.000Z' } } })).value).toBe(url);
    expect(summary(run(DOWNLOAD, 'response', { source: READY, result: { data: null, errorMessage: 'key must look like ...', errorType: 'AssetUrls:Refused' } })).error).toEqual({
      message: 'key must look like ...',
      errorType: 'AssetUrls:Refused',
    });
    expect(summary(run(DOWNLOAD, 'response', { source: READY, result: null })).value).toBeNull();
  });

  it('surfaces a failed BatchInvoke', () => {
    const error = { message: 'Task timed out after 10.00 seconds', type: 'Lambda:Unhandled' };
    expect(summary(run(DOWNLOAD, 'response', { source: READY, result: null, error })).error).toEqual({ message: error.message, errorType: error.type });
  });
});

describe('subscriptions: enhanced filters', () => {
  it('onAssetCreated delivers only READY assets of the subscriber', () => {
    expect(run(CREATED, 'request', { caller: { user: USER_A } }).value).toEqual({ payload: null });
    const outcome = run(CREATED, 'response', { caller: { user: USER_A }, result: null });
    expect({ value: outcome.value, error: outcome.error, filter: outcome.extensions.subscriptionFilter }).toEqual({
      value: null,
      error: null,
      filter: {
        filterGroup: [
          {
            filters: [
              { fieldName: 'owner', operator: 'eq', value: USER_A },
              { fieldName: 'status', operator: 'eq', value: 'READY' },
            ],
          },
        ],
      },
    });
  });

  it('onAssetUpdated delivers changes of the one asset, only to its owner (API-key callers share "apikey")', () => {
    const outcome = run(UPDATED, 'response', { caller: 'apikey', args: { id: 'asset-1' }, result: null });
    expect({ value: outcome.value, error: outcome.error, filter: outcome.extensions.subscriptionFilter }).toEqual({
      value: null,
      error: null,
      filter: {
        filterGroup: [
          {
            filters: [
              { fieldName: 'id', operator: 'eq', value: 'asset-1' },
              { fieldName: 'owner', operator: 'eq', value: 'apikey' },
            ],
          },
        ],
      },
    });
  });

  it('refuses IAM subscribers with Unauthorized', () => {
    expect([run(CREATED, 'response', { caller: 'iam', result: null }), run(UPDATED, 'response', { caller: 'iam', args: { id: 'a' }, result: null })].map(summary)).toEqual([
      { value: null, error: unauthorized(CREATED), earlyReturn: null },
      { value: null, error: unauthorized(UPDATED), earlyReturn: null },
    ]);
  });
});
