/**
 * A client of AppSync's realtime protocol for tests, on a `ws` socket (ws:// or wss:// with an extra
 * CA), in two layers:
 * - `openRealtimeSocket`: the socket and a queue of the frames it received, for tests that send
 *   frames of their own (hostile, out of order) and read every answer;
 * - `connectRealtime`: the handshake as a client makes it (the header object in the `header-`
 *   sub-protocol or in the `?header=…&payload=e30=` query), `connection_init` → `connection_ack`,
 *   then `start` → `start_ack` or `error`, `data` frames, and `stop` → `complete`.
 * Protocol: https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html
 * Nothing here knows the server: only URLs, a CA and auth headers (the contract suite uses it).
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import WebSocket from 'ws';
import { createFrameQueue } from './frame-queue.ts';
import { withRootCertificates } from './http-request.ts';

export { FRAME_TIMEOUT_MS } from './frame-queue.ts';

export type Frame = Record<string, unknown>;

export interface RealtimeSocket {
  readonly socket: WebSocket;
  /** Every frame received, parsed, in order (`ka` included); a frame that is not JSON is `{ unparsed }`. */
  readonly frames: readonly Frame[];
  send(frame: unknown): void;
  /** The first frame not taken yet, anywhere in the list, that matches; each frame is taken once. */
  take(match?: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** The first frame after the one `next` returned last that matches (frames passed over are skipped). */
  next(match?: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** Resolves with the close code once the socket is closed. */
  readonly closed: Promise<number>;
  /** Closes with 1000 and waits for the close; safe to call twice. */
  close(): Promise<void>;
}

export function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Opens the socket; rejects when the handshake fails (`Unexpected server response: 401`, a TLS error). */
export async function openRealtimeSocket(url: string, protocols: string | readonly string[], options: WebSocket.ClientOptions = {}): Promise<RealtimeSocket> {
  const socket = new WebSocket(url, typeof protocols === 'string' ? protocols : [...protocols], options);
  const queue = createFrameQueue<Frame>();
  socket.on('message', (data) => {
    let frame: Frame;
    try {
      frame = JSON.parse(String(data)) as Frame;
    } catch {
      frame = { unparsed: String(data) };
    }
    queue.push(frame);
  });
  const closed = new Promise<number>((resolve) =>
    socket.once('close', (code) => {
      resolve(code);
      queue.end(new Error(`socket closed (${code}); frames: ${JSON.stringify(queue.items)}`));
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    frames: queue.items,
    send: (frame) => socket.send(JSON.stringify(frame)),
    take: queue.take,
    next: queue.next,
    closed,
    close: async function closeRealtime() {
      if (socket.readyState !== WebSocket.CLOSED) socket.close(1000);
      await closed;
    },
  };
}

export interface RealtimeConnection extends RealtimeSocket {
  /** The `connection_init` answer: `connection_ack` or `connection_error`. */
  readonly initAnswer: Frame;
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
}

export interface RealtimeOptions {
  /** `ws(s)://…/graphql/realtime`. */
  readonly realtimeUrl: string;
  /** The GraphQL URL: its host goes into the authorization header object. */
  readonly graphqlUrl: string;
  /** Auth headers (`x-api-key`, `Authorization`, or SigV4's), without `host`. */
  readonly authorization: Readonly<Record<string, string>>;
  /** PEM of a CA to trust for wss:// besides Node's own; null or absent: Node's trust only. */
  readonly ca?: string | null;
  /**
   * Where the header object goes: the `header-<base64url>` sub-protocol (what Amplify sends), or the
   * `header` and `payload` query parameters of the AWS guide. @default 'subprotocol'
   */
  readonly handshake?: 'subprotocol' | 'query';
}

/** Opens the socket and completes the `connection_init` exchange (whatever its answer). */
export async function connectRealtime(options: RealtimeOptions): Promise<RealtimeConnection> {
  const header = { host: new URL(options.graphqlUrl).host, ...options.authorization };
  const tls = options.ca === undefined || options.ca === null ? {} : { ca: withRootCertificates(options.ca) };
  const raw =
    options.handshake === 'query'
      ? await openRealtimeSocket(`${options.realtimeUrl}?header=${encodeURIComponent(Buffer.from(JSON.stringify(header)).toString('base64'))}&payload=e30%3D`, 'graphql-ws', tls)
      : await openRealtimeSocket(options.realtimeUrl, ['graphql-ws', `header-${base64UrlJson(header)}`], tls);
  raw.send({ type: 'connection_init' });
  const initAnswer = await raw.take((f) => f['type'] === 'connection_ack' || f['type'] === 'connection_error');
  return {
    ...raw,
    initAnswer,
    start: async function startSubscription(id, document, variables) {
      const query = typeof document === 'string' ? document : print(document);
      raw.send({ id, type: 'start', payload: { data: JSON.stringify({ query, variables }), extensions: { authorization: header } } });
      return raw.take((f) => f['id'] === id && (f['type'] === 'start_ack' || f['type'] === 'error'));
    },
    nextData: (id) => raw.take((f) => f['id'] === id && f['type'] === 'data'),
    stopAndCollect: async function stopAndCollect(id) {
      raw.send({ type: 'stop', id });
      await raw.take((f) => f['id'] === id && f['type'] === 'complete');
      return raw.frames.filter((f) => f['id'] === id && f['type'] === 'data');
    },
  };
}
