/**
 * A subscriber on AppSync's realtime protocol for the asset-flow tests, built on the raw client of
 * `../realtime-client.ts`: connects with the `header-` subprotocol, waits for `connection_ack`, and
 * starts typed subscription documents (waiting for `start_ack` or the `error` frame).
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { base64UrlJson, connectRealtime, type RawRealtimeClient } from '../realtime-client.ts';

export interface Subscriber {
  readonly raw: RawRealtimeClient;
  /** Sends `start` and resolves with the answer: the `start_ack` frame or the `error` frame. */
  start<TVariables extends Record<string, unknown>>(id: string, document: TypedDocumentNode<unknown, TVariables>, variables: TVariables): Promise<Record<string, unknown>>;
  /** The next `data` frame for `id`. */
  nextData(id: string): Promise<Record<string, unknown>>;
  /**
   * Sends `stop` and waits for `complete`, then returns every `data` frame received for `id`. The
   * server writes a subscription's frames in order, so any event published before the `stop` is
   * in the list: this is how a test shows that an event was NOT delivered, without waiting.
   */
  stopAndCollect(id: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** `authorization` is the header object of spec/appsync-protocol.md §2.3, without `host`. */
export async function connectSubscriber(realtimeUrl: string, graphqlUrl: string, authorization: Readonly<Record<string, string>>): Promise<Subscriber> {
  const header = { host: new URL(graphqlUrl).host, ...authorization };
  const raw = await connectRealtime(realtimeUrl, ['graphql-ws', `header-${base64UrlJson(header)}`]);
  // Frames are matched anywhere in the list, each taken once, so waiting for one subscription's frame
  // never skips another's (the raw client's `next` has a single cursor).
  const taken = new Set<Record<string, unknown>>();
  async function take(match: (frame: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    for (;;) {
      const found = raw.frames.find((f) => !taken.has(f) && match(f));
      if (found) {
        taken.add(found);
        return found;
      }
      await raw.next();
    }
  }
  raw.send({ type: 'connection_init' });
  await take((f) => f['type'] === 'connection_ack');
  return {
    raw,
    start: async function startSubscription(id, document, variables) {
      raw.send({ id, type: 'start', payload: { data: JSON.stringify({ query: print(document), variables }), extensions: { authorization: header } } });
      return take((f) => f['id'] === id && (f['type'] === 'start_ack' || f['type'] === 'error'));
    },
    nextData: (id) => take((f) => f['id'] === id && f['type'] === 'data'),
    stopAndCollect: async function stopAndCollect(id) {
      raw.send({ type: 'stop', id });
      await take((f) => f['id'] === id && f['type'] === 'complete');
      return raw.frames.filter((f) => f['id'] === id && f['type'] === 'data');
    },
    close: () => raw.close(),
  };
}
