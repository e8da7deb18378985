/**
 * An upload ticket writes once. The ticket signs `If-None-Match: *`, S3's conditional write
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html): the first PUT
 * creates the object, and any later PUT to that key with the header answers 412 PreconditionFailed
 * and changes nothing, so a ticket that is still inside its expiry window cannot replace the bytes
 * of an asset that is already READY. Run against `npm start`'s own parts: the local server, its
 * embedded S3 front and the uploadCompleted Lambda that S3's "Object Created" event drives.
 *
 * "No second completion" is read from the server's verbose field log, where every evaluation of
 * `Mutation.completeUpload` leaves one line per pipeline stage (the Lambda calls it once per Object
 * Created event, and an asset already READY would come back unchanged, so the log is where it shows).
 */
import { describe, expect as staticExpect, test as base, type ExpectStatic } from 'vitest';
import { GetAssetDocument, OnAssetUpdatedDocument, type CreateUploadInput } from '../../generated/operations.ts';
import { HOST_ID, REQUEST_ID, readS3Error } from '../integration/fixtures/s3-fixtures.ts';
import { createGraphQLCall, type GraphQLCall } from '../support/graphql-client.ts';
import { connectRealtime } from '../support/realtime-client.ts';
import { objectStore } from '../support/store-readers.ts';
import { startTestServer, type StoreBackedTestServer } from '../support/test-server.ts';
import { assetKeyOf, createUpload, putToTicket, ticketHeaders } from '../integration/lib/upload.ts';


const test = base.extend<{ local: StoreBackedTestServer }>({
  local: [
    async ({}, use) => {
      const local = await startTestServer({ store: 'dynalite', argv: ['--no-tls', '--verbose'] });
      await use(local);
      await local.close();
    },
    { scope: 'file' },
  ],
});


/** No checksum in these tickets: without one, only the write-once condition stops other bytes of the signed length. */
const FIRST = Buffer.from('first bytes, kept\n');
const SECOND = Buffer.from('second bytes, lost');
const INPUT: CreateUploadInput = { name: 'notes.txt', contentType: 'text/plain', size: FIRST.length };

/** S3's body for a failed `If-None-Match: *` (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html, PreconditionFailed). */
const PRECONDITION_FAILED = {
  status: 412,
  error: {
    Code: 'PreconditionFailed',
    Message: 'At least one of the pre-conditions you specified did not hold',
    Condition: 'If-None-Match',
    RequestId: staticExpect.stringMatching(REQUEST_ID),
    HostId: staticExpect.stringMatching(HOST_ID),
  },
};

async function userCaller(local: StoreBackedTestServer, sub: string): Promise<GraphQLCall> {
  return createGraphQLCall(local.server.url, { token: await local.issuer.mintToken({ sub }) });
}


/** How many times the API has evaluated completeUpload for the asset `id` (its first pipeline function reads the item by id). */
function completionsOf(local: StoreBackedTestServer, id: string): number {
  const prefix = '[field] Mutation.completeUpload completeUpload getAssetForCompletion request ';
  return local.logs.filter((line) => line.startsWith(prefix) && line.includes(`"key":{"id":{"S":${JSON.stringify(id)}}}`)).length;
}

/**
 * Uploads another asset and waits for it to be READY. Object Created events are delivered one at a
 * time, in upload order, so once this one is done every event before it has been handled.
 */
async function drainEvents(call: GraphQLCall, expect: ExpectStatic): Promise<void> {
  const { asset, ticket } = await createUpload(call, { name: 'barrier.txt', contentType: 'text/plain', size: 1 });
  expect(await putToTicket(ticket, 'b')).toEqual({ status: 200, error: null });
  await expect.poll(async () => (await call(GetAssetDocument, { id: asset.id })).data?.getAsset?.status, { timeout: 10_000 }).toBe('READY');
}

describe('upload ticket: writes once', () => {
  test('the first PUT makes the asset READY; a second PUT with the same ticket answers 412 PreconditionFailed and keeps the bytes, the asset and the single completion', async ({ local, expect }) => {
    const call = await userCaller(local, 'once-user');
    const { asset, ticket } = await createUpload(call, INPUT);
    const key = assetKeyOf(asset);
    expect(ticket.headers).toEqual([
      { name: 'content-type', value: 'text/plain' },
      { name: 'content-length', value: String(FIRST.length) },
      { name: 'if-none-match', value: '*' },
    ]);
    expect(new URL(ticket.url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host;if-none-match');
    const subscriber = await connectRealtime({ realtimeUrl: local.server.realtimeUrl, graphqlUrl: local.server.url, authorization: { Authorization: await local.issuer.mintToken({ sub: 'once-user' }) } });
    await subscriber.start('updated', OnAssetUpdatedDocument, { id: asset.id });

    // WHEN the client sends the bytes with the ticket
    expect(await putToTicket(ticket, FIRST)).toEqual({ status: 200, error: null });

    // THEN the asset turns READY, once
    const frame = await subscriber.nextData('updated');
    const updatedAt = (frame['payload'] as { data: { onAssetUpdated: { updatedAt: string } } }).data.onAssetUpdated.updatedAt;
    const ready = { ...asset, status: 'READY', updatedAt };
    expect(frame).toEqual({ type: 'data', id: 'updated', payload: { data: { onAssetUpdated: ready } } });

    // WHEN the same ticket is used again, with other bytes of the signed length
    expect(await putToTicket(ticket, SECOND)).toEqual(PRECONDITION_FAILED);

    // THEN the stored object and the asset are those of the first PUT, and the asset was completed once
    await drainEvents(call, expect);
    expect(await objectStore(ticket.url).get(key)).toEqual({ body: FIRST, contentType: 'text/plain' });
    expect(await call(GetAssetDocument, { id: asset.id })).toEqual({ data: { getAsset: { ...ready, downloadUrl: expect.any(String) } } });
    expect(await subscriber.stopAndCollect('updated')).toEqual([frame]);
    expect(completionsOf(local, asset.id)).toBe(1);
    await subscriber.close();
  });

  test('a PUT that leaves out the signed If-None-Match is refused with 403 SignatureDoesNotMatch and stores nothing', async ({ local, expect }) => {
    const call = await userCaller(local, 'unconditional-user');
    const { asset, ticket } = await createUpload(call, INPUT);
    const { 'content-length': _length, 'if-none-match': _condition, ...headers } = ticketHeaders(ticket);

    const response = await fetch(ticket.url, { method: ticket.method, headers, body: FIRST });

    // S3 computes the canonical request with the signed header it did not get (an empty value).
    expect({ status: response.status, error: readS3Error(await response.text()) }).toEqual({
      status: 403,
      error: {
        Code: 'SignatureDoesNotMatch',
        Message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
        AWSAccessKeyId: new URL(ticket.url).searchParams.get('X-Amz-Credential')?.split('/')[0],
        StringToSign: expect.stringMatching(/^AWS4-HMAC-SHA256\n/),
        SignatureProvided: expect.stringMatching(/^[0-9a-f]{64}$/),
        StringToSignBytes: expect.stringMatching(/^[0-9a-f]{2}( [0-9a-f]{2})*$/),
        CanonicalRequest: expect.stringMatching(/^PUT\n[^]*\nif-none-match:\n\ncontent-length;content-type;host;if-none-match\nUNSIGNED-PAYLOAD$/),
        CanonicalRequestBytes: expect.stringMatching(/^[0-9a-f]{2}( [0-9a-f]{2})*$/),
        RequestId: expect.stringMatching(REQUEST_ID),
        HostId: expect.stringMatching(HOST_ID),
      },
    });
    expect(await objectStore(ticket.url).exists(assetKeyOf(asset))).toBe(false);
    expect(await call(GetAssetDocument, { id: asset.id })).toEqual({ data: { getAsset: { ...asset, downloadUrl: null } } });
  });

  test('of two concurrent PUTs with one ticket, exactly one stores its bytes and completes the asset; the other is refused', async ({ local, expect }) => {
    const call = await userCaller(local, 'race-user');
    const { asset, ticket } = await createUpload(call, INPUT);
    const key = assetKeyOf(asset);

    const [first, second] = await Promise.all([putToTicket(ticket, FIRST), putToTicket(ticket, SECOND)]);

    // S3 answers the loser 412, or 409 ConditionalRequestConflict when the writes overlap; this store serialises them (412).
    const winner = first.status === 200 ? FIRST : SECOND;
    expect([first, second].sort((a, b) => a.status - b.status)).toEqual([{ status: 200, error: null }, PRECONDITION_FAILED]);
    await drainEvents(call, expect);
    expect(await objectStore(ticket.url).get(key)).toEqual({ body: winner, contentType: 'text/plain' });
    expect((await call(GetAssetDocument, { id: asset.id })).data?.getAsset?.status).toBe('READY');
    expect(completionsOf(local, asset.id)).toBe(1);
  });
});
