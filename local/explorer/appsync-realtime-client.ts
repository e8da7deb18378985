/**
 * A small AppSync realtime client (browser code; also runs in Node with the `ws` package).
 *
 * It speaks AppSync's WebSocket protocol (docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake), not graphql-ws's newer
 * `graphql-transport-ws`: the connection auth travels as `?header=<base64 JSON>&payload=e30=` (the
 * query-string method of Amplify ≤ 6.5, docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake), the sub-protocol is `graphql-ws`, then
 * `connection_init` → `connection_ack`, `start` (with `payload.data` a JSON *string* and
 * `extensions.authorization`) → `start_ack`, `data` frames, and `stop` → `complete`.
 *
 * Each `subscribe()` opens its own connection, authorised with that subscription's header object.
 * That keeps one auth mode per socket (an explorer user may switch between an API key and a token)
 * and makes `return()` on the iterator the single owner of the socket's lifetime.
 */

/** The header object (docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake): `host` plus the auth mode's headers (`x-api-key` or `Authorization`). */
export type AuthorizationHeader = Readonly<Record<string, string>>;

/** What a `data` or `error` frame turns into for the consumer: a GraphQL result. */
export interface RealtimeResult {
  readonly data?: unknown;
  readonly errors?: readonly unknown[];
}

/** The subset of the WHATWG WebSocket the client uses (the browser's, or `ws`'s in Node). */
export interface RealtimeSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { readonly code: number; readonly reason: string }) => void): void;
  addEventListener(type: 'error', listener: () => void): void;
}

export interface AppSyncRealtimeClientDeps {
  /** Opens a socket; in the browser `(url, protocols) => new WebSocket(url, protocols)`. */
  readonly createSocket: (url: string, protocols: string[]) => RealtimeSocket;
  /** A random id per subscription. @default crypto.randomUUID when available */
  readonly createId?: () => string;
}

export interface AppSyncRealtimeClientOptions {
  /** `ws://host:port/graphql/realtime` (or `wss://`). */
  readonly realtimeUrl: string;
}

export interface SubscribeRequest {
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>> | undefined;
  /** Sent both on the connection (`header` query parameter) and in `start`'s `extensions.authorization`. */
  readonly authorization: AuthorizationHeader;
  /** Told when the subscription is acknowledged (`start_ack`) and when it has ended for any reason. */
  readonly onStatusChange?: ((status: SubscriptionStatus) => void) | undefined;
}

/** `connecting` until `start_ack`, then `live`, then `ended` (stopped, failed or closed). */
export type SubscriptionStatus = 'connecting' | 'live' | 'ended';

export interface AppSyncRealtimeClient {
  /** Starts one subscription on its own connection; `return()` sends `stop` and closes the socket. */
  subscribe(request: SubscribeRequest): AsyncIterableIterator<RealtimeResult>;
}

/** AppSync message types, named as AWS names them (docs/APPSYNC-BEHAVIOUR.md#realtime-message-catalogue). */
export const MESSAGE_TYPE = {
  CONNECTION_INIT: 'connection_init',
  CONNECTION_ACK: 'connection_ack',
  CONNECTION_ERROR: 'connection_error',
  KA: 'ka',
  START: 'start',
  START_ACK: 'start_ack',
  DATA: 'data',
  ERROR: 'error',
  STOP: 'stop',
  COMPLETE: 'complete',
} as const;

const SOCKET_OPEN = 1;

/** Standard base64 of a string's UTF-8 bytes (`btoa` alone only takes Latin-1). */
export function encodeBase64Json(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The connection URL of the query-string method: the base64 is written raw into the URL, as
 * Amplify and aws-appsync-subscription-link write it (docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake); `payload` is always `{}`.
 */
export function realtimeConnectionUrl(realtimeUrl: string, authorization: AuthorizationHeader): string {
  const separator = realtimeUrl.includes('?') ? '&' : '?';
  return `${realtimeUrl}${separator}header=${encodeBase64Json(authorization)}&payload=${encodeBase64Json({})}`;
}

function defaultCreateId(): string {
  const c = globalThis.crypto;
  // randomUUID exists only in secure contexts; an explorer opened on a LAN address over http is not one.
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = c.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

interface ServerFrame {
  readonly type: string;
  readonly id?: unknown;
  readonly payload?: unknown;
}

function parseServerFrame(raw: unknown): ServerFrame | Error {
  if (typeof raw !== 'string') return new Error(`realtime: expected a text frame, got ${typeof raw}`);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return new Error(`realtime: frame is not JSON: ${raw.slice(0, 120)}`);
  }
  if (typeof value !== 'object' || value === null) return new Error('realtime: frame is not a JSON object');
  const type: unknown = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return new Error(`realtime: frame.type must be a string, got ${typeof type}`);
  return value as ServerFrame;
}

/** `payload.errors` of an `error`/`connection_error` frame, as a list (AppSync sometimes sends an object). */
function errorsOf(payload: unknown): unknown[] {
  if (typeof payload !== 'object' || payload === null) return [{ message: 'realtime: error frame without payload' }];
  const errors: unknown = (payload as { errors?: unknown }).errors;
  if (Array.isArray(errors)) return errors;
  if (errors !== undefined) return [errors];
  return [payload];
}

/** A pull queue: pushes from socket events, pulls from `for await`. */
function createResultQueue() {
  const values: RealtimeResult[] = [];
  const waiters: Array<{ resolve: (r: IteratorResult<RealtimeResult>) => void; reject: (e: Error) => void }> = [];
  let ended = false;
  let failure: Error | undefined;
  return {
    push(value: RealtimeResult): void {
      if (ended) return;
      const waiter = waiters.shift();
      if (waiter) waiter.resolve({ value, done: false });
      else values.push(value);
    },
    end(error?: Error): void {
      if (ended) return;
      ended = true;
      failure = error;
      for (const waiter of waiters.splice(0)) {
        if (error) waiter.reject(error);
        else waiter.resolve({ value: undefined, done: true });
      }
    },
    next(): Promise<IteratorResult<RealtimeResult>> {
      const value = values.shift();
      if (value !== undefined) return Promise.resolve({ value, done: false });
      if (ended) {
        if (failure) {
          const error = failure;
          failure = undefined;
          return Promise.reject(error);
        }
        return Promise.resolve({ value: undefined, done: true });
      }
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
  };
}

/** One subscription's state, as its socket's frames change it. */
interface SubscriptionSession {
  readonly id: string;
  readonly request: SubscribeRequest;
  readonly queue: ReturnType<typeof createResultQueue>;
  readonly send: (frame: object) => void;
  readonly finish: (error?: Error) => void;
  /** The start frame was sent (after the first `connection_ack`). */
  started: boolean;
}

/** What one server frame does to `session`: start on ack, results, errors, completion. */
function onServerFrame(session: SubscriptionSession, data: unknown): void {
  const { id, request, queue, send, finish } = session;
  const frame = parseServerFrame(data);
  if (frame instanceof Error) return finish(frame);
  switch (frame.type) {
    case MESSAGE_TYPE.CONNECTION_ACK:
      if (session.started) return;
      session.started = true;
      send({
        id,
        type: MESSAGE_TYPE.START,
        payload: {
          data: JSON.stringify({ query: request.query, variables: request.variables ?? {} }),
          extensions: { authorization: request.authorization },
        },
      });
      return;
    case MESSAGE_TYPE.CONNECTION_ERROR:
      // Shown to the user as a GraphQL result, so the AppSync error shape stays visible.
      queue.push({ errors: errorsOf(frame.payload) });
      return finish();
    case MESSAGE_TYPE.DATA:
      if (frame.id !== id) return;
      queue.push(typeof frame.payload === 'object' && frame.payload !== null ? (frame.payload as RealtimeResult) : {});
      return;
    case MESSAGE_TYPE.ERROR:
      if (frame.id !== undefined && frame.id !== id) return;
      queue.push({ errors: errorsOf(frame.payload) });
      return finish();
    case MESSAGE_TYPE.COMPLETE:
      if (frame.id === id) finish();
      return;
    case MESSAGE_TYPE.START_ACK:
      if (frame.id === id) request.onStatusChange?.('live');
      return;
    default:
      // `ka` needs no action: each connection lives only as long as its one subscription.
      return;
  }
}

export function createAppSyncRealtimeClient(
  deps: AppSyncRealtimeClientDeps,
  options: AppSyncRealtimeClientOptions,
): AppSyncRealtimeClient {
  const createId = deps.createId ?? defaultCreateId;

  return {
    subscribe: function subscribe(request: SubscribeRequest): AsyncIterableIterator<RealtimeResult> {
      const id = createId();
      const queue = createResultQueue();
      const socket = deps.createSocket(realtimeConnectionUrl(options.realtimeUrl, request.authorization), ['graphql-ws']);
      let finished = false;
      request.onStatusChange?.('connecting');

      const send = (frame: object): void => {
        if (socket.readyState === SOCKET_OPEN) socket.send(JSON.stringify(frame));
      };
      const finish = (error?: Error): void => {
        if (finished) return;
        finished = true;
        queue.end(error);
        request.onStatusChange?.('ended');
        if (socket.readyState === SOCKET_OPEN) socket.close(1000, 'subscription finished');
      };

      socket.addEventListener('open', () => send({ type: MESSAGE_TYPE.CONNECTION_INIT }));
      const session: SubscriptionSession = { id, request, queue, send, finish, started: false };
      socket.addEventListener('message', (event) => onServerFrame(session, event.data));
      socket.addEventListener('close', (event) => {
        if (!finished) finish(new Error(`realtime: connection closed (code ${event.code}${event.reason ? `, ${event.reason}` : ''})`));
      });
      socket.addEventListener('error', () => {
        if (!finished) finish(new Error(`realtime: could not connect to ${options.realtimeUrl}`));
      });

      const iterator: AsyncIterableIterator<RealtimeResult> = {
        next: () => queue.next(),
        return: (): Promise<IteratorResult<RealtimeResult>> => {
          if (!finished) send({ type: MESSAGE_TYPE.STOP, id });
          finish();
          return Promise.resolve({ value: undefined, done: true });
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
  };
}
