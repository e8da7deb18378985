/**
 * The asset flow refusing what it must refuse (docs/ARCHITECTURE.md#upload-and-completion-path), on the local endpoint over the
 * network: invalid tickets, uploads that do not match their ticket (refused by local S3 with S3's
 * codes), an expired ticket, completions from callers that are not the backend, a completion that
 * does not match the ticket, the TTL of unused tickets, and queries sent to the realtime endpoint.
 */
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect as staticExpect, test as base } from 'vitest';
import { api } from '../../api/definition.ts';

import { sweepExpiredItems } from '../../local/stores/ttl-sweeper.ts';
import { localTableNames } from '../../local/stores/tables.ts';
import {
  CompleteUploadDocument,
  CreateUploadDocument,
  GetAssetDocument,
  ListAssetsDocument,
  OnAssetUpdatedDocument,
  type CreateUploadInput,
} from '../../generated/operations.ts';
import { HOST_ID, REQUEST_ID } from './fixtures/s3-fixtures.ts';
import { objectStore } from '../support/store-readers.ts';
import { storeBackedFixture, type StoreBackedTestServer } from '../support/test-server.ts';
import { createGraphQLCall, type GraphQLCall } from '../support/graphql-client.ts';
import { connectRealtime } from '../support/realtime-client.ts';
import { assetKeyOf, createUpload, putToTicket } from './lib/upload.ts';
import { TEST_CREDENTIALS } from '../support/credentials.ts';

/** Upload tickets that expire after one second, for the expired-ticket test. */
const SHORT_TICKETS = { ...api, assets: { ...api.assets, uploadUrlExpirySeconds: 1 } };

const test = base.extend<{ assets: StoreBackedTestServer; shortTickets: StoreBackedTestServer }>({
  assets: storeBackedFixture(),
  shortTickets: storeBackedFixture({ api: SHORT_TICKETS }),
});

const BYTES = Buffer.from('hello, asset');
const SHA256 = createHash('sha256').update(BYTES).digest('base64');
const ALLOWED = api.assets.allowedContentTypes.join(', ');


/** AppSync's error object for a resolver error on a root field (docs/APPSYNC-BEHAVIOUR.md#graphql-error-object). */
function fieldError(field: string, errorType: string, message: string): Record<string, unknown> {
  return { path: [field], data: null, errorType, errorInfo: null, locations: [{ line: 2, column: 3, sourceName: null }], message };
}

/** A user of its own per test, so list assertions see only that test's assets. */
async function userCaller(assets: StoreBackedTestServer, sub: string): Promise<GraphQLCall> {
  return createGraphQLCall(assets.server.url, { token: await assets.tokenFor(sub) });
}


describe('createUpload: input the ticket must not be issued for', () => {
  const valid: CreateUploadInput = { name: 'photo.png', contentType: 'image/png', size: 10 };
  const cases: readonly { readonly name: string; readonly input: CreateUploadInput; readonly message: string }[] = [
    { name: 'a content type outside the allow-list', input: { ...valid, contentType: 'text/html' }, message: `input.contentType "text/html" is not allowed; allowed: ${ALLOWED}` },
    {
      name: 'a size above the maximum',
      input: { ...valid, size: api.assets.maxUploadBytes + 1 },
      message: `input.size must be an integer from 1 to ${api.assets.maxUploadBytes} bytes, got ${api.assets.maxUploadBytes + 1}`,
    },
    { name: 'an empty file', input: { ...valid, size: 0 }, message: `input.size must be an integer from 1 to ${api.assets.maxUploadBytes} bytes, got 0` },
    { name: 'a name with a control character', input: { ...valid, name: 'photo\u0007.png' }, message: 'input.name must not contain control characters' },
    { name: 'a name with a newline', input: { ...valid, name: 'photo\n.png' }, message: 'input.name must not contain control characters' },
    { name: 'a name with a slash', input: { ...valid, name: '../etc/photo.png' }, message: 'input.name must not contain "/" or "\\"' },
    { name: 'a name with a backslash', input: { ...valid, name: 'dir\\photo.png' }, message: 'input.name must not contain "/" or "\\"' },
    { name: 'the name ".."', input: { ...valid, name: '..' }, message: 'input.name must not be ".."' },
    { name: 'an empty name', input: { ...valid, name: '' }, message: 'input.name must be 1-255 characters, got 0' },
    { name: 'a name of 256 characters', input: { ...valid, name: `${'a'.repeat(252)}.png` }, message: 'input.name must be 1-255 characters, got 256' },
    { name: 'a checksum that is not base64 SHA-256', input: { ...valid, checksumSha256: 'not-a-digest' }, message: 'input.checksumSha256 must be the base64 encoding of 32 bytes (a SHA-256 digest)' },
  ];

  test.for(cases)('refuses $name with a ValidationError and writes nothing', async ({ input, message }, { assets, expect }) => {
    const call = await userCaller(assets, 'validation-user');
    expect(await call(CreateUploadDocument, { input })).toEqual({ data: null, errors: [fieldError('createUpload', 'ValidationError', message)] });
    expect(await call(ListAssetsDocument, {})).toEqual({ data: { listAssets: { items: [], nextToken: null } } });
  });
});

describe('upload: local S3 refuses a PUT that does not match the ticket, and the asset stays PENDING', () => {
  const s3Error = (code: string, message: string, extra: Record<string, unknown> = {}) => ({
    Code: code,
    Message: message,
    ...extra,
    RequestId: staticExpect.stringMatching(REQUEST_ID),
    HostId: staticExpect.stringMatching(HOST_ID),
  });
  // SignatureDoesNotMatch carries the request as S3 saw it; only its code and message matter here.
  const signatureMismatch = s3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', {
    AWSAccessKeyId: TEST_CREDENTIALS.accessKeyId,
    StringToSign: staticExpect.any(String),
    SignatureProvided: staticExpect.stringMatching(/^[0-9a-f]{64}$/),
    StringToSignBytes: staticExpect.any(String),
    CanonicalRequest: staticExpect.stringMatching(/^PUT\n/),
    CanonicalRequestBytes: staticExpect.any(String),
  });
  const cases = [
    {
      name: 'other bytes of the same length: 400 BadDigest (the signed x-amz-checksum-sha256)',
      body: Buffer.from('HELLO, ASSET'),
      overrides: {},
      expected: { status: 400, error: s3Error('BadDigest', 'The SHA256 you specified did not match the calculated checksum.') },
    },
    { name: 'another length: 403 SignatureDoesNotMatch (signed Content-Length)', body: Buffer.from('hello, asset!'), overrides: {}, expected: { status: 403, error: signatureMismatch } },
    { name: 'another Content-Type: 403 SignatureDoesNotMatch (signed Content-Type)', body: BYTES, overrides: { 'content-type': 'text/html' }, expected: { status: 403, error: signatureMismatch } },
  ] as const;

  test.for(cases)('$name', async ({ body, overrides, expected }, { assets, expect }) => {
    const call = await userCaller(assets, 'mismatch-user');
    const { asset, ticket } = await createUpload(call, { name: 'photo.png', contentType: 'image/png', size: BYTES.length, checksumSha256: SHA256 });

    expect(await putToTicket(ticket, body, overrides)).toEqual(expected);
    expect(await objectStore(ticket.url).exists(assetKeyOf(asset))).toBe(false);
    expect(await call(GetAssetDocument, { id: asset.id })).toEqual({ data: { getAsset: { ...asset, downloadUrl: null } } });
    expect(await assets.table.get(asset.id)).toEqual({ ...asset, key: assetKeyOf(asset), expiresAt: expect.any(Number) });
  });

  test('an expired ticket: 403 AccessDenied "Request has expired"', async ({ shortTickets, expect }) => {
    const call = await userCaller(shortTickets, 'late-user');
    const { asset, ticket } = await createUpload(call, { name: 'late.txt', contentType: 'text/plain', size: BYTES.length });
    expect(new URL(ticket.url).searchParams.get('X-Amz-Expires')).toBe('1');
    // S3 compares whole seconds: wait until the expiry second is over.
    await delay(Math.max(0, Date.parse(ticket.expiresAt) + 1_100 - Date.now()));

    expect(await putToTicket(ticket, BYTES)).toEqual({
      status: 403,
      error: s3Error('AccessDenied', 'Request has expired', {
        'X-Amz-Expires': '1',
        Expires: ticket.expiresAt.replace('.000Z', 'Z'),
        ServerTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      }),
    });
    expect(await objectStore(ticket.url).exists(assetKeyOf(asset))).toBe(false);
    expect(await call(GetAssetDocument, { id: asset.id })).toEqual({ data: { getAsset: { ...asset, downloadUrl: null } } });
  });
});

describe('completeUpload: only the backend (IAM) completes, and only what matches the ticket', () => {
  test('refuses an API-key caller and a user-pool caller with Unauthorized, and the asset stays PENDING', async ({ assets, expect }) => {
    const owner = await userCaller(assets, 'cheater');
    const { asset } = await createUpload(owner, { name: 'claim.txt', contentType: 'text/plain', size: BYTES.length });
    const input = { key: assetKeyOf(asset), size: BYTES.length, contentType: 'text/plain' };
    const refused = { data: { completeUpload: null }, errors: [fieldError('completeUpload', 'Unauthorized', 'Not Authorized to access completeUpload on type Mutation')] };

    expect(await createGraphQLCall(assets.server.url, { apiKey: assets.server.apiKey })(CompleteUploadDocument, { input })).toEqual(refused);
    expect(await owner(CompleteUploadDocument, { input })).toEqual(refused);
    expect(await assets.table.get(asset.id)).toEqual({ ...asset, key: assetKeyOf(asset), expiresAt: expect.any(Number) });
  });

  test('marks the asset REJECTED when S3 reports another size, and the bytes that arrive later are removed', async ({ assets, expect }) => {
    const owner = await userCaller(assets, 'rejected-user');
    const { asset, ticket } = await createUpload(owner, { name: 'numbers.txt', contentType: 'text/plain', size: BYTES.length });
    const subscriber = await connectRealtime({ realtimeUrl: assets.server.realtimeUrl, graphqlUrl: assets.server.url, authorization: { Authorization: await assets.tokenFor('rejected-user') } });
    await subscriber.start('updated', OnAssetUpdatedDocument, { id: asset.id });
    const backend = createGraphQLCall(assets.server.url, { iam: { credentials: TEST_CREDENTIALS, region: assets.config.region } });

    // The backend reports the object with a size other than the ticket's.
    const completed = await backend(CompleteUploadDocument, { input: { key: assetKeyOf(asset), size: BYTES.length + 1, contentType: 'text/plain' } });
    const rejected = { ...asset, status: 'REJECTED', updatedAt: completed.data?.completeUpload?.updatedAt };
    expect(completed).toEqual({ data: { completeUpload: { ...rejected, updatedAt: expect.stringMatching(/Z$/) } } });
    expect(await subscriber.nextData('updated')).toEqual({ type: 'data', id: 'updated', payload: { data: { onAssetUpdated: rejected } } });
    // REJECTED keeps the TTL attribute, so its metadata expires like an unused ticket.
    expect(await assets.table.get(asset.id)).toEqual({ ...rejected, key: assetKeyOf(asset), expiresAt: expect.any(Number) });
    expect(await owner(GetAssetDocument, { id: asset.id })).toEqual({ data: { getAsset: { ...rejected, downloadUrl: null } } });

    // The bytes S3 then accepts find no PENDING asset: the upload-completed Lambda deletes them.
    expect(await putToTicket(ticket, BYTES)).toEqual({ status: 200, error: null });
    await expect.poll(() => objectStore(ticket.url).exists(assetKeyOf(asset)), { timeout: 10_000 }).toBe(false);
    expect(await assets.table.get(asset.id)).toEqual({ ...rejected, key: assetKeyOf(asset), expiresAt: expect.any(Number) });
    await subscriber.close();
  });
});

describe('cleanup: the TTL of unused tickets', () => {
  test('a PENDING asset whose ticket and grace period are over is deleted by the TTL sweep; READY ones stay', async ({ assets, expect }) => {
    const call = await userCaller(assets, 'forgetful-user');
    const { asset: pending } = await createUpload(call, { name: 'never-sent.txt', contentType: 'text/plain', size: BYTES.length });
    const { asset: sent, ticket } = await createUpload(call, { name: 'sent.txt', contentType: 'text/plain', size: BYTES.length });
    expect(await putToTicket(ticket, BYTES)).toEqual({ status: 200, error: null });
    await expect.poll(async () => (await assets.table.get(sent.id))?.['status'], { timeout: 10_000 }).toBe('READY');
    const expiresAt = (await assets.table.get(pending.id))?.['expiresAt'];
    expect(expiresAt).toEqual(expect.any(Number));

    // The server's sweeper runs every 30 s on the real clock; the same sweep, run now with a clock
    // one second past the item's TTL, is what that timer would do later.
    const result = await sweepExpiredItems({
      client: assets.table.client,
      api: assets.api,
      tableNames: localTableNames(assets.api),
      now: () => new Date((Number(expiresAt) + 1) * 1000),
    });

    expect(result.deleted['assets']).toBeGreaterThanOrEqual(1);
    expect(await assets.table.get(pending.id)).toBeNull();
    expect(await call(GetAssetDocument, { id: pending.id })).toEqual({ data: { getAsset: null } });
    expect(await call(ListAssetsDocument, {})).toEqual({ data: { listAssets: { items: [{ ...sent, status: 'READY', updatedAt: expect.any(String), downloadUrl: expect.any(String) }], nextToken: null } } });
  });
});

describe('realtime: queries and mutations are not accepted on the socket', () => {
  test.for([
    { operation: 'mutation', query: 'mutation { createUpload(input: { name: "a.txt", contentType: "text/plain", size: 1 }) { asset { id } } }' },
    { operation: 'query', query: '{ listAssets { items { id } } }' },
  ] as const)('answers a $operation with UnsupportedOperation (docs/APPSYNC-BEHAVIOUR.md#realtime-errors) and creates nothing', async ({ operation, query }, { assets, expect }) => {
    const token = await assets.tokenFor('socket-user');
    const subscriber = await connectRealtime({ realtimeUrl: assets.server.realtimeUrl, graphqlUrl: assets.server.url, authorization: { Authorization: token } });
    const header = { host: new URL(assets.server.url).host, Authorization: token };
    subscriber.send({ id: 'op', type: 'start', payload: { data: JSON.stringify({ query, variables: {} }), extensions: { authorization: header } } });

    expect(await subscriber.next((f) => f['id'] === 'op')).toEqual({
      type: 'error',
      id: 'op',
      payload: { errors: [{ errorType: 'UnsupportedOperation', message: `${operation} not supported through the realtime channel` }] },
    });
    expect(await (await userCaller(assets, 'socket-user'))(ListAssetsDocument, {})).toEqual({ data: { listAssets: { items: [], nextToken: null } } });
    await subscriber.close();
  });
});
