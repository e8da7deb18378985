/**
 * A client of AppSync's realtime protocol for black-box tests, on a `ws` socket (ws:// or wss://
 * with an extra CA): connects with the `graphql-ws` and `header-<base64url JSON>` sub-protocols,
 * sends `connection_init` and waits for `connection_ack`, then starts subscriptions (`start` →
 * `start_ack` or `error`), takes `data` frames, and stops them (`stop` → `complete`).
 * Protocol: https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import WebSocket from 'ws';
import { withRootCertificates } from './http-request.ts';

/** How long to wait for one expected frame before failing with the frames seen so far. */
export const FRAME_TIMEOUT_MS = 20_000;

export type Frame = Record<string, unknown>;

export interface RealtimeConnection {
  /** Every frame received, parsed, in order (`ka` included). */
  readonly frames: readonly Frame[];
  /** The `connection_init` answer: `connection_ack` or `connection_error`. */
  readonly initAnswer: Frame;
  send(frame: unknown): void;
  /** The first frame not taken yet that matches; each frame is taken once. */
  take(match: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** Sends `start` for a document and resolves with the answer: `start_ack` or `error`. */
  start<TVariables extends Record<string, unknown>>(id: string, document: TypedDocumentNode<unknown, TVariables> | string, variables: TVariables): Promise<Frame>;
  /** The next `data` frame for `id`. */
  nextData(id: string): Promise<Frame>;
  /**
   * Sends `stop`, waits for `complete`, and returns every `data` frame received for `id`. The server
   * writes a subscription's frames in order, so an event published before the `stop` is in the list:
   * this is how a test shows that an event was NOT delivered, without a sleep.
   */
  stopAndCollect(id: string): Promise<Frame[]>;
  /** Resolves with the close code once the socket is closed. */
  readonly closed: Promise<number>;
  close(): Promise<void>;
}

export interface RealtimeOptions {
  /** `ws(s)://…/graphql/realtime`. */
  readonly realtimeUrl: string;
  /** The GraphQL URL: its host goes into the authorization header object. */
  readonly graphqlUrl: string;
  /** Auth headers (`x-api-key` or `Authorization`), without `host`. */
  readonly authorization: Readonly<Record<string, string>>;
  readonly ca: string | null;
}

export function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Opens the socket and completes the `connection_init` exchange (whatever its answer). */
export async function connectRealtime(options: RealtimeOptions): Promise<RealtimeConnection> {
  const header = { host: new URL(options.graphqlUrl).host, ...options.authorization };
  const socket = new WebSocket(options.realtimeUrl, ['graphql-ws', `header-${base64UrlJson(header)}`], options.ca === null ? {} : { ca: withRootCertificates(options.ca) });
  const frames: Frame[] = [];
  const taken = new Set<Frame>();
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    let frame: Frame;
    try {
      frame = JSON.parse(String(data)) as Frame;
    } catch {
      frame = { unparsed: String(data) };
    }
    frames.push(frame);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => {
    resolve(code);
    for (const wake of waiters) wake();
  }));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });

  async function take(match: (frame: Frame) => boolean, timeoutMs = FRAME_TIMEOUT_MS): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = frames.find((f) => !taken.has(f) && match(f));
      if (found !== undefined) {
        taken.add(found);
        return found;
      }
      if (socket.readyState === WebSocket.CLOSED) throw new Error(`socket closed; frames: ${JSON.stringify(frames)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame within ${timeoutMs} ms; frames: ${JSON.stringify(frames)}`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        waiters.add(wake);
      });
    }
  }

  const send = (frame: unknown): void => socket.send(JSON.stringify(frame));
  send({ type: 'connection_init' });
  const initAnswer = await take((f) => f['type'] === 'connection_ack' || f['type'] === 'connection_error');
  return {
    frames,
    initAnswer,
    send,
    take,
    start: async function startSubscription(id, document, variables) {
      const query = typeof document === 'string' ? document : print(document);
      send({ id, type: 'start', payload: { data: JSON.stringify({ query, variables }), extensions: { authorization: header } } });
      return take((f) => f['id'] === id && (f['type'] === 'start_ack' || f['type'] === 'error'));
    },
    nextData: (id) => take((f) => f['id'] === id && f['type'] === 'data'),
    stopAndCollect: async function stopAndCollect(id) {
      send({ type: 'stop', id });
      await take((f) => f['id'] === id && f['type'] === 'complete');
      return frames.filter((f) => f['id'] === id && f['type'] === 'data');
    },
    closed,
    close: async function closeRealtime() {
      if (socket.readyState !== WebSocket.CLOSED) socket.close(1000);
      await closed;
    },
  };
}
