/**
 * Contract: the upload flow with two user-pool users and an API-key caller, black-box. Alice uploads
 * (createUpload → PUT with the ticket's headers → READY announced on onAssetCreated); the tests then
 * check what each caller sees of it, the download, paging, and deletion.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CreateUploadDocument, DeleteAssetDocument, GetAssetDocument, ListAssetsDocument, OnAssetCreatedDocument, type CreateUploadMutation } from '../../generated/operations.ts';
import type { GraphQLBody } from '../support/graphql-client.ts';
import type { Frame, RealtimeConnection } from '../support/realtime-client.ts';
import {
  createCallers,
  createUpload,
  dataOf,
  download,
  ISO_MILLIS,
  LIST_ASSET_FIELDS,
  listEverything,
  rawCaller,
  sendToTicket,
  uniqueName,
  UUID,
  type Asset,
  type Callers,
  type UploadAnswer,
} from './kit.ts';
import type { ContractTarget } from './target.ts';

const BYTES = Buffer.from('quarterly numbers, final\n');
const SHA256 = createHash('sha256').update(BYTES).digest('base64');

/**
 * AppSync's error for a field the caller may not read or change (`util.unauthorized()`):
 * https://docs.aws.amazon.com/appsync/latest/devguide/built-in-util-js.html (util.unauthorized) and
 * https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html. Locations are those of the
 * printed operation documents (the root field on line 2, column 3).
 */
export function unauthorized(field: string, type: 'Query' | 'Mutation'): Record<string, unknown> {
  return {
    path: [field],
    data: null,
    errorType: 'Unauthorized',
    errorInfo: null,
    locations: [{ line: 2, column: 3, sourceName: null }],
    message: `Not Authorized to access ${field} on type ${type}`,
  };
}

/** Waits until the owner reads the asset READY (the backend completes it after S3's event). */
export async function waitUntilReady(call: Callers['asAlice'], id: string): Promise<void> {
  await vi.waitFor(
    async () => {
      const got = await dataOf(call, GetAssetDocument, { id });
      if (got.getAsset?.status !== 'READY') throw new Error(`asset ${id} is ${got.getAsset?.status ?? 'missing'}`);
    },
    { timeout: 30_000, interval: 200 },
  );
}

export function describeUploadFlow(getTarget: () => ContractTarget): void {
  describe('upload flow: alice uploads, the API announces it to her only', () => {
    let callers: Callers;
    let aliceSocket: RealtimeConnection;
    let bobSocket: RealtimeConnection;
    let apiKeySocket: RealtimeConnection;
    let created: GraphQLBody<CreateUploadMutation>;
    let asset: Asset;
    let put: UploadAnswer;
    let announced: Frame;
    let bobBefore: Asset[];
    let apiKeyBefore: Asset[];
    const name = uniqueName('report 2026', 'txt');

    beforeAll(async () => {
      callers = await createCallers(getTarget());
      [aliceSocket, bobSocket, apiKeySocket] = await Promise.all([callers.subscriber(callers.alice), callers.subscriber(callers.bob), callers.subscriber('apiKey')]);
      for (const socket of [aliceSocket, bobSocket, apiKeySocket]) {
        const ack = await socket.start('created', OnAssetCreatedDocument, {});
        if (ack['type'] !== 'start_ack') throw new Error(`onAssetCreated not started: ${JSON.stringify(ack)}`);
      }
      bobBefore = await listEverything(rawCaller(callers, { token: callers.bob.token }));
      apiKeyBefore = await listEverything(rawCaller(callers, { apiKey: callers.target.apiKey }));
      created = await callers.asAlice(CreateUploadDocument, { input: { name, contentType: 'text/plain', size: BYTES.length, checksumSha256: SHA256, description: 'Q3', tags: ['finance'] } });
      const payload = created.data?.createUpload;
      if (payload === undefined) throw new Error(`createUpload failed: ${JSON.stringify(created)}`);
      asset = payload.asset;
      put = await sendToTicket(payload.upload, BYTES);
      announced = await aliceSocket.nextData('created');
    });

    afterAll(async () => {
      await Promise.all([aliceSocket?.close(), bobSocket?.close(), apiKeySocket?.close()]);
    });

    it('createUpload returns a PENDING asset owned by the caller and a PUT ticket listing every header to send', () => {
      expect(created).toEqual({
        data: {
          createUpload: {
            asset: {
              id: expect.stringMatching(UUID),
              owner: callers.alice.sub,
              name,
              contentType: 'text/plain',
              size: BYTES.length,
              checksumSha256: SHA256,
              description: 'Q3',
              tags: ['finance'],
              title: null,
              version: 1,
              status: 'PENDING',
              createdAt: expect.stringMatching(ISO_MILLIS),
              updatedAt: asset.createdAt,
            },
            upload: {
              url: expect.stringMatching(/^https?:\/\/[^/]+\/.*\?.*X-Amz-Signature=[0-9a-f]{64}/),
              method: 'PUT',
              // Chosen by us: every signed header, so a client needs nothing but the ticket.
              headers: [
                { name: 'content-type', value: 'text/plain' },
                { name: 'content-length', value: String(BYTES.length) },
                { name: 'if-none-match', value: '*' },
                { name: 'x-amz-checksum-sha256', value: SHA256 },
              ],
              expiresAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/),
            },
            multipart: null,
          },
        },
      });
    });

    it("accepts the bytes PUT with exactly the ticket's headers", () => {
      expect(put).toEqual({ status: 200, error: null });
    });

    it("announces the asset READY on the owner's onAssetCreated, with the subscriber's selection", () => {
      expect(announced).toEqual({
        type: 'data',
        id: 'created',
        payload: { data: { onAssetCreated: { ...asset, status: 'READY', updatedAt: expect.stringMatching(ISO_MILLIS) } } },
      });
    });

    it("does not announce it on another user's or the API-key caller's onAssetCreated", async () => {
      const aboutIt = (frames: Frame[]): Frame[] => frames.filter((f) => JSON.stringify(f).includes(asset.id));
      expect(aboutIt(await bobSocket.stopAndCollect('created'))).toEqual([]);
      expect(aboutIt(await apiKeySocket.stopAndCollect('created'))).toEqual([]);
    });

    it('getAsset and listAssets return it READY to its owner, with a download URL', async () => {
      const ready = { ...asset, status: 'READY', updatedAt: expect.stringMatching(ISO_MILLIS), downloadUrl: expect.stringMatching(/^https?:\/\//) };
      expect(await callers.asAlice(GetAssetDocument, { id: asset.id })).toEqual({ data: { getAsset: ready } });
      const listed = await dataOf(callers.asAlice, ListAssetsDocument, { limit: 100 });
      expect(listed.listAssets.items.filter((item) => item.id === asset.id)).toEqual([ready]);
    });

    it('the download URL returns the exact bytes as an attachment named after the asset', async () => {
      const got = await dataOf(callers.asAlice, GetAssetDocument, { id: asset.id });
      // Chosen by us (uploaded HTML must not render on any origin); RFC 6266 filename and filename*.
      expect(await download(got.getAsset?.downloadUrl ?? '')).toEqual({
        status: 200,
        disposition: `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
        contentType: 'text/plain',
        body: BYTES,
      });
    });

    it("another user cannot get, download, list or delete it (Unauthorized), and it stays the owner's", async () => {
      expect(await callers.asBob(GetAssetDocument, { id: asset.id })).toEqual({ data: { getAsset: null }, errors: [unauthorized('getAsset', 'Query')] });
      expect(await listEverything(rawCaller(callers, { token: callers.bob.token }))).toEqual(bobBefore);
      expect(await callers.asBob(DeleteAssetDocument, { id: asset.id })).toEqual({ data: { deleteAsset: null }, errors: [unauthorized('deleteAsset', 'Mutation')] });
      expect((await dataOf(callers.asAlice, GetAssetDocument, { id: asset.id })).getAsset?.status).toBe('READY');
    });

    it("the API-key caller cannot get, download, list or delete a user's asset", async () => {
      expect(await callers.asApiKey(GetAssetDocument, { id: asset.id })).toEqual({ data: { getAsset: null }, errors: [unauthorized('getAsset', 'Query')] });
      expect(await listEverything(rawCaller(callers, { apiKey: callers.target.apiKey }))).toEqual(apiKeyBefore);
      expect(await callers.asApiKey(DeleteAssetDocument, { id: asset.id })).toEqual({ data: { deleteAsset: null }, errors: [unauthorized('deleteAsset', 'Mutation')] });
      expect((await dataOf(callers.asAlice, GetAssetDocument, { id: asset.id })).getAsset?.status).toBe('READY');
    });
  });

  describe('deleteAsset', () => {
    it('removes the asset: getAsset is null, listAssets leaves it out, and its download URL no longer gives the bytes', async () => {
      const callers = await createCallers(getTarget());
      const { asset, ticket } = await createUpload(callers.asAlice, { name: uniqueName('old', 'txt'), contentType: 'text/plain', size: BYTES.length });
      expect(await sendToTicket(ticket, BYTES)).toEqual({ status: 200, error: null });
      await waitUntilReady(callers.asAlice, asset.id);
      const downloadUrl = (await dataOf(callers.asAlice, GetAssetDocument, { id: asset.id })).getAsset?.downloadUrl ?? '';
      expect((await download(downloadUrl)).body).toEqual(BYTES);

      const deleted = await callers.asAlice(DeleteAssetDocument, { id: asset.id });

      // Chosen by us: the answer is the asset as it was, DELETING (its object is removed first).
      expect(deleted).toEqual({ data: { deleteAsset: { ...asset, status: 'DELETING', updatedAt: expect.stringMatching(ISO_MILLIS) } } });
      expect(await callers.asAlice(GetAssetDocument, { id: asset.id })).toEqual({ data: { getAsset: null } });
      expect((await listEverything(rawCaller(callers, { token: callers.alice.token }))).filter((item) => item.id === asset.id)).toEqual([]);
      // S3 answers a GET of a removed object with 404 NoSuchKey, or with 403 AccessDenied when the URL's
      // signer may not list the bucket: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
      const after = await download(downloadUrl);
      const gone = { status: after.status, code: /<Code>([^<]*)<\/Code>/.exec(after.body.toString('utf8'))?.[1] };
      expect([{ status: 404, code: 'NoSuchKey' }, { status: 403, code: 'AccessDenied' }]).toContainEqual(gone);
    });

    it("refuses to delete an asset that does not exist with a null answer, and leaves other assets alone", async () => {
      const callers = await createCallers(getTarget());
      const before = await listEverything(rawCaller(callers, { token: callers.alice.token }));
      expect(await callers.asAlice(DeleteAssetDocument, { id: '00000000-0000-4000-8000-000000000000' })).toEqual({ data: { deleteAsset: null } });
      expect(await listEverything(rawCaller(callers, { token: callers.alice.token }))).toEqual(before);
    });
  });

  describe('listAssets: paging', () => {
    it('returns the newest first, `limit` items a page, and a nextToken until the last page', async () => {
      const callers = await createCallers(getTarget());
      const asAlice = rawCaller(callers, { token: callers.alice.token });
      const before = await listEverything(asAlice);
      const made: Asset[] = [];
      for (const n of [1, 2, 3]) made.push((await createUpload(callers.asAlice, { name: uniqueName(`page-${n}`, 'png'), contentType: 'image/png', size: 10 })).asset);
      const newestFirst = [...made].reverse();

      const pages: GraphQLBody<{ listAssets: { items: Asset[]; nextToken: string | null } }>[] = [];
      let nextToken: string | null = null;
      do {
        const page: GraphQLBody<{ listAssets: { items: Asset[]; nextToken: string | null } }> = await asAlice({ query: LIST_ASSET_FIELDS, variables: { limit: 2, nextToken } });
        pages.push(page);
        nextToken = page.data?.listAssets.nextToken ?? null;
      } while (nextToken !== null && pages.length < 1_000);

      expect(pages[0]).toEqual({ data: { listAssets: { items: newestFirst.slice(0, 2), nextToken: expect.any(String) } } });
      expect(pages.flatMap((page) => page.data?.listAssets.items ?? [])).toEqual([...newestFirst, ...before]);
      // Every page but the last is full; the last may be empty (DynamoDB can only know there is no more
      // after one more read: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html).
      const sizes = pages.map((page) => page.data?.listAssets.items.length ?? -1);
      expect(sizes.slice(0, -1)).toEqual(sizes.slice(0, -1).map(() => 2));
      expect(sizes.at(-1)).toBeLessThanOrEqual(2);
      expect(pages.map((page) => page.data?.listAssets.nextToken === null)).toEqual(pages.map((_, i) => i === pages.length - 1));
    });
  });
}
