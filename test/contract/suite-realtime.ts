/**
 * Contract: AppSync's realtime protocol over the target's realtime URL (ws:// or wss://), frame by
 * frame: connection_init → connection_ack, start → start_ack, data, stop → complete, and the error
 * frames. Protocol: https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DeleteAssetDocument, OnAssetUpdatedDocument } from '../../generated/operations.ts';
import { connectRealtime } from '../support/realtime-client.ts';
import { createCallers, createUpload, ISO_MILLIS, uniqueName, type Callers } from './kit.ts';
import type { ContractTarget } from './target.ts';

/** `You are not authorized to make this call.` with code 401: AppSync's auth refusal on the socket. */
const UNAUTHORIZED = { errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 };

export function describeRealtime(getTarget: () => ContractTarget): void {
  describe('realtime: connection, start, data, stop', () => {
    let callers: Callers;
    beforeAll(async () => {
      callers = await createCallers(getTarget());
    });

    it('acks connection_init with connectionTimeoutMs, for the API key and for a user-pool token', async () => {
      for (const who of ['apiKey', callers.alice] as const) {
        const socket = await callers.subscriber(who);
        // connectionTimeoutMs 300000: the documented default keep-alive window.
        expect(socket.initAnswer).toEqual({ type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
        await socket.close();
      }
    });

    it('answers connection_init with bad credentials with connection_error 401', async () => {
      const socket = await connectRealtime({ realtimeUrl: callers.target.realtimeUrl, graphqlUrl: callers.target.graphqlUrl, authorization: { 'x-api-key': 'da2-wrongwrongwrongwrongwrong00' }, ca: callers.target.caCertPem });
      expect(socket.initAnswer).toEqual({ type: 'connection_error', payload: { errors: [UNAUTHORIZED] } });
      await socket.close();
    });

    it("acks a valid start, delivers the subscribed asset's update with the subscriber's selection, and completes on stop", async () => {
      const { asset } = await createUpload(callers.asAlice, { name: uniqueName('watched', 'txt'), contentType: 'text/plain', size: 3 });
      const socket = await callers.subscriber(callers.alice);

      expect(await socket.start('updates', OnAssetUpdatedDocument, { id: asset.id })).toEqual({ type: 'start_ack', id: 'updates' });
      await callers.asAlice(DeleteAssetDocument, { id: asset.id });
      expect(await socket.nextData('updates')).toEqual({
        type: 'data',
        id: 'updates',
        payload: { data: { onAssetUpdated: { ...asset, status: 'DELETING', updatedAt: expect.stringMatching(ISO_MILLIS) } } },
      });
      socket.send({ type: 'stop', id: 'updates' });
      expect(await socket.take((f) => f['id'] === 'updates')).toEqual({ type: 'complete', id: 'updates' });
      expect(socket.frames.filter((f) => f['type'] !== 'ka').map((f) => f['type'])).toEqual(['connection_ack', 'start_ack', 'data', 'complete']);
      await socket.close();
    });

    it("does not deliver another user's asset update to a subscriber of its id", async () => {
      const { asset } = await createUpload(callers.asAlice, { name: uniqueName('private', 'txt'), contentType: 'text/plain', size: 3 });
      const socket = await callers.subscriber(callers.bob);
      // Chosen by us: the start is accepted (the id is only a filter); the events are filtered by owner.
      expect(await socket.start('spy', OnAssetUpdatedDocument, { id: asset.id })).toEqual({ type: 'start_ack', id: 'spy' });
      await callers.asAlice(DeleteAssetDocument, { id: asset.id });
      expect(await socket.stopAndCollect('spy')).toEqual([]);
      await socket.close();
    });
  });

  describe('realtime: error frames', () => {
    let callers: Callers;
    beforeAll(async () => {
      callers = await createCallers(getTarget());
    });

    it('answers a start with an unknown field with an error frame for that id, and keeps the connection', async () => {
      const socket = await callers.subscriber('apiKey');
      expect(await socket.start('bad-field', 'subscription { onAssetCreated { bogus } }', {})).toEqual({
        type: 'error',
        id: 'bad-field',
        // Recorded from the local server: graphql-java's validation message, as on the HTTP side, and no errorType.
        payload: { errors: [{ message: "Validation error of type FieldUndefined: Field 'bogus' in type 'Asset' is undefined @ 'onAssetCreated/bogus'" }] },
      });
      expect(await socket.start('after', OnAssetUpdatedDocument, { id: 'x' })).toEqual({ type: 'start_ack', id: 'after' });
      await socket.close();
    });

    it('answers a start with bad credentials in its authorization with an UnauthorizedException error frame', async () => {
      const socket = await callers.subscriber('apiKey');
      const host = new URL(callers.target.graphqlUrl).host;
      socket.send({ id: 'bad-auth', type: 'start', payload: { data: JSON.stringify({ query: 'subscription { onAssetCreated { id } }', variables: {} }), extensions: { authorization: { host, 'x-api-key': 'da2-wrongwrongwrongwrongwrong00' } } } });
      expect(await socket.take((f) => f['id'] === 'bad-auth')).toEqual({ type: 'error', id: 'bad-auth', payload: { errors: [UNAUTHORIZED] } });
      await socket.close();
    });

    it('answers a second start with an id in use with DuplicatedOperationError', async () => {
      const socket = await callers.subscriber('apiKey');
      expect(await socket.start('dup', OnAssetUpdatedDocument, { id: 'x' })).toEqual({ type: 'start_ack', id: 'dup' });
      expect(await socket.start('dup', OnAssetUpdatedDocument, { id: 'x' })).toEqual({ type: 'error', id: 'dup', payload: { errors: [{ errorType: 'DuplicatedOperationError', message: 'Duplicated operation with id dup' }] } });
      await socket.close();
    });

    it.for(['mutation', 'query'] as const)('answers a %s sent on the socket with UnsupportedOperation', async (operation) => {
      const socket = await callers.subscriber('apiKey');
      const query = operation === 'query' ? '{ listAssets { items { id } } }' : 'mutation { deleteAsset(id: "x") { id } }';
      expect(await socket.start('op', query, {})).toEqual({
        type: 'error',
        id: 'op',
        payload: { errors: [{ errorType: 'UnsupportedOperation', message: `${operation} not supported through the realtime channel` }] },
      });
      await socket.close();
    });
  });
}
