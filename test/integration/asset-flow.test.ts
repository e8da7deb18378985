/**
 * The asset flow end to end, on the local endpoint with real clients over the network
 * (docs/ARCHITECTURE.md#upload-and-completion-path): HTTP with `fetch`, subscriptions with a raw client of AppSync's realtime protocol, the bytes
 * PUT to the presigned URL of local S3, and the side effects read straight from the table and the bucket.
 */
import { createHash } from 'node:crypto';
import { describe, test as base } from 'vitest';
import {
  CreateUploadDocument,
  DeleteAssetDocument,
  GetAssetDocument,
  ListAssetsDocument,
  OnAssetCreatedDocument,
  OnAssetUpdatedDocument,
} from '../../generated/operations.ts';
import { objectStore } from '../support/store-readers.ts';
import { storeBackedFixture, type StoreBackedTestServer } from '../support/test-server.ts';
import { createGraphQLCall } from '../support/graphql-client.ts';
import { connectRealtime } from '../support/realtime-client.ts';
import { putToTicket } from './lib/upload.ts';

const test = base.extend<{ assets: StoreBackedTestServer }>({ assets: storeBackedFixture() });

const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const BYTES = Buffer.from('quarterly numbers, final\n');
const SHA256 = createHash('sha256').update(BYTES).digest('base64');

/** AppSync's error for a field the caller may not read (`util.unauthorized()`), docs/APPSYNC-BEHAVIOUR.md#field-authorization-directives. */
function unauthorized(field: string): Record<string, unknown> {
  return {
    path: [field],
    data: null,
    errorType: 'Unauthorized',
    errorInfo: null,
    locations: [{ line: 2, column: 3, sourceName: null }],
    message: `Not Authorized to access ${field} on type ${field === 'getAsset' ? 'Query' : 'Mutation'}`,
  };
}

describe('asset flow: upload, announce, read, download, isolation, deletion', () => {
  test("alice's upload reaches her subscribers READY, reads back and downloads as sent; bob sees none of it; her delete removes item and object", async ({ assets, expect }) => {
    const { server, table } = assets;
    const [aliceToken, bobToken] = await Promise.all([assets.tokenFor('alice'), assets.tokenFor('bob')]);
    const asAlice = createGraphQLCall(server.url, { token: aliceToken });
    const asBob = createGraphQLCall(server.url, { token: bobToken });
    const alice = await connectRealtime({ realtimeUrl: server.realtimeUrl, graphqlUrl: server.url, authorization: { Authorization: aliceToken } });
    const bob = await connectRealtime({ realtimeUrl: server.realtimeUrl, graphqlUrl: server.url, authorization: { Authorization: bobToken } });

    // GIVEN both users listen for new assets
    expect(await alice.start('created', OnAssetCreatedDocument, {})).toEqual({ type: 'start_ack', id: 'created' });
    expect(await bob.start('created', OnAssetCreatedDocument, {})).toEqual({ type: 'start_ack', id: 'created' });

    // WHEN alice asks for an upload ticket
    const created = await asAlice(CreateUploadDocument, {
      input: { name: 'report 2026.txt', contentType: 'text/plain', size: BYTES.length, checksumSha256: SHA256, description: 'Q3', tags: ['finance'] },
    });
    const id = created.data?.createUpload.asset.id ?? '';
    const key = `assets/alice/${id}/report_2026.txt`;
    const asset = {
      id,
      owner: 'alice',
      name: 'report 2026.txt',
      contentType: 'text/plain',
      size: BYTES.length,
      checksumSha256: SHA256,
      description: 'Q3',
      tags: ['finance'],
      title: null,
      version: 1,
      createdAt: created.data?.createUpload.asset.createdAt,
    };
    expect(created).toEqual({
      data: {
        createUpload: {
          asset: { ...asset, id: expect.stringMatching(UUID), status: 'PENDING', createdAt: expect.stringMatching(ISO_MILLIS), updatedAt: asset.createdAt },
          upload: {
            url: expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/s3/asset-api-local-assets/${key}\\?`)),
            method: 'PUT',
            headers: [
              { name: 'content-type', value: 'text/plain' },
              { name: 'content-length', value: String(BYTES.length) },
              { name: 'if-none-match', value: '*' },
              { name: 'x-amz-checksum-sha256', value: SHA256 },
            ],
            expiresAt: expect.stringMatching(ISO_SECONDS),
          },
          multipart: null,
        },
      },
    });
    const ticket = created.data?.createUpload.upload ?? { url: '', method: '', headers: [], expiresAt: '' };
    const bucket = objectStore(ticket.url);
    expect(await table.get(id)).toEqual({
      ...asset,
      status: 'PENDING',
      updatedAt: asset.createdAt,
      key,
      // TTL: the ticket's expiry plus the grace period (api/definition.ts assets.pendingGraceSeconds).
      expiresAt: Date.parse(ticket.expiresAt) / 1000 + assets.api.assets.pendingGraceSeconds,
    });
    expect(await alice.start('updated', OnAssetUpdatedDocument, { id })).toEqual({ type: 'start_ack', id: 'updated' });
    expect(await bob.start('spy', OnAssetUpdatedDocument, { id })).toEqual({ type: 'start_ack', id: 'spy' });

    // AND sends the bytes with exactly the ticket's headers
    expect(await putToTicket(ticket, BYTES)).toEqual({ status: 200, error: null });

    // THEN her subscriptions receive the asset READY (completion came from S3's event, not from her)
    const createdFrame = await alice.nextData('created');
    const updatedAt = (createdFrame['payload'] as { data: { onAssetCreated: { updatedAt: string } } }).data.onAssetCreated.updatedAt;
    const ready = { ...asset, status: 'READY', updatedAt };
    expect(createdFrame).toEqual({ type: 'data', id: 'created', payload: { data: { onAssetCreated: ready } } });
    expect(updatedAt).toMatch(ISO_MILLIS);
    expect(await alice.nextData('updated')).toEqual({ type: 'data', id: 'updated', payload: { data: { onAssetUpdated: ready } } });
    // READY loses the TTL attribute: it no longer expires.
    expect(await table.get(id)).toEqual({ ...ready, key });

    // AND getAsset and listAssets return it READY, with a download URL
    const got = await asAlice(GetAssetDocument, { id });
    const downloadUrl = got.data?.getAsset?.downloadUrl ?? '';
    expect(got).toEqual({ data: { getAsset: { ...ready, downloadUrl: expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/s3/asset-api-local-assets/${key}\\?`)) } } });
    expect(await asAlice(ListAssetsDocument, {})).toEqual({ data: { listAssets: { items: [{ ...ready, downloadUrl: expect.any(String) }], nextToken: null } } });

    // AND the download URL returns the same bytes as an attachment (uploaded HTML cannot run on our origin)
    const download = await fetch(downloadUrl);
    expect({
      status: download.status,
      disposition: download.headers.get('content-disposition'),
      contentType: download.headers.get('content-type'),
      body: Buffer.from(await download.arrayBuffer()),
    }).toEqual({ status: 200, disposition: `attachment; filename="report 2026.txt"; filename*=UTF-8''report%202026.txt`, contentType: 'text/plain', body: BYTES });

    // AND bob sees none of it
    expect(await asBob(GetAssetDocument, { id })).toEqual({ data: { getAsset: null }, errors: [unauthorized('getAsset')] });
    expect(await asBob(ListAssetsDocument, {})).toEqual({ data: { listAssets: { items: [], nextToken: null } } });
    expect(await asBob(DeleteAssetDocument, { id })).toEqual({ data: { deleteAsset: null }, errors: [unauthorized('deleteAsset')] });
    expect(await bob.stopAndCollect('created')).toEqual([]);
    expect(await table.get(id)).toEqual({ ...ready, key });
    expect(await bucket.exists(key)).toBe(true);

    // WHEN alice deletes it
    const deleted = await asAlice(DeleteAssetDocument, { id });
    const deletedAt = deleted.data?.deleteAsset?.updatedAt;
    expect(deleted).toEqual({ data: { deleteAsset: { ...ready, status: 'DELETING', updatedAt: expect.stringMatching(ISO_MILLIS) } } });

    // THEN her onAssetUpdated hears it, bob's does not, and the item and the object are gone
    expect(await alice.nextData('updated')).toEqual({ type: 'data', id: 'updated', payload: { data: { onAssetUpdated: { ...ready, status: 'DELETING', updatedAt: deletedAt } } } });
    expect(await bob.stopAndCollect('spy')).toEqual([]);
    expect(await table.get(id)).toBeNull();
    expect(await bucket.exists(key)).toBe(false);
    expect(await asAlice(GetAssetDocument, { id })).toEqual({ data: { getAsset: null } });
    expect(await asAlice(ListAssetsDocument, {})).toEqual({ data: { listAssets: { items: [], nextToken: null } } });

    await Promise.all([alice.close(), bob.close()]);
  });

  test("an upload reaches its owner's onAssetCreated and no other user's", async ({ assets, expect }) => {
    const { server } = assets;
    const [daveToken, carolToken] = await Promise.all([assets.tokenFor('dave'), assets.tokenFor('carol')]);
    const dave = await connectRealtime({ realtimeUrl: server.realtimeUrl, graphqlUrl: server.url, authorization: { Authorization: daveToken } });
    const carol = await connectRealtime({ realtimeUrl: server.realtimeUrl, graphqlUrl: server.url, authorization: { Authorization: carolToken } });
    await dave.start('created', OnAssetCreatedDocument, {});
    await carol.start('created', OnAssetCreatedDocument, {});

    const created = await createGraphQLCall(server.url, { token: carolToken })(CreateUploadDocument, { input: { name: 'clip.mp4', contentType: 'video/mp4', size: 4 } });
    const ticket = created.data?.createUpload.upload ?? { url: '', method: '', headers: [] };
    expect(await putToTicket(ticket, Buffer.from([0, 0, 0, 24]))).toEqual({ status: 200, error: null });

    expect(await carol.nextData('created')).toEqual({
      type: 'data',
      id: 'created',
      payload: {
        data: {
          onAssetCreated: {
            ...created.data?.createUpload.asset,
            status: 'READY',
            updatedAt: expect.stringMatching(ISO_MILLIS),
          },
        },
      },
    });
    expect(await dave.stopAndCollect('created')).toEqual([]);
    await Promise.all([dave.close(), carol.close()]);
  });
});
