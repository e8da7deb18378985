/**
 * A minimal client of AppSync's realtime WebSocket protocol (API-key auth), enough for the fan-out
 * figure: `wss://…/graphql/realtime?header=<base64 {host, x-api-key}>&payload=e30=` with subprotocol
 * `graphql-ws`; `connection_init` → `connection_ack`; `start` {id, payload: {data: JSON string,
 * extensions: {authorization}}} → `start_ack`; then `data` messages. See docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake and
 * https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html.
 * Both ours and the Amplify simulator speak this protocol.
 * Kept apart from `test/support/realtime-client.ts`, which keeps every frame and scans them per wait: a per-frame cost here.
 */
import WebSocket from 'ws';

export interface RealtimeAuth {
  /** The GraphQL endpoint's host (`127.0.0.1:4000`), as AppSync wants it in the header. */
  readonly host: string;
  readonly apiKey: string;
}

export interface RealtimeConnection {
  /** Starts a subscription; resolves on `start_ack`, rejects on `error`. `onData` runs on each `data`. */
  subscribe(id: string, query: string, variables: Record<string, unknown>, onData: (payload: unknown) => void): Promise<void>;
  /** Closes the socket; safe to call twice. */
  close(): Promise<void>;
}

interface ServerMessage {
  readonly type: string;
  readonly id?: string;
  readonly payload?: unknown;
}

function parseServerMessage(raw: WebSocket.RawData): ServerMessage | null {
  try {
    const value: unknown = JSON.parse(raw.toString());
    if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') return value as ServerMessage;
  } catch {
    // Not JSON: ignored, as the bench only counts well-formed deliveries.
  }
  return null;
}

function encodeHeader(auth: RealtimeAuth): string {
  return Buffer.from(JSON.stringify({ host: auth.host, 'x-api-key': auth.apiKey })).toString('base64');
}

type PendingStarts = Map<string, { resolve: () => void; reject: (error: Error) => void }>;

/** Routes `data` to its subscription's handler and settles a pending `start` on `start_ack` or `error`. */
function routeServerMessages(socket: WebSocket, dataHandlers: ReadonlyMap<string, (payload: unknown) => void>, pendingStarts: PendingStarts): void {
  socket.on('message', (raw) => {
    const message = parseServerMessage(raw);
    if (message === null) return;
    if (message.type === 'data' && message.id !== undefined) {
      dataHandlers.get(message.id)?.(message.payload);
    } else if (message.type === 'start_ack' && message.id !== undefined) {
      pendingStarts.get(message.id)?.resolve();
      pendingStarts.delete(message.id);
    } else if (message.type === 'error') {
      const error = new Error(`realtime error: ${JSON.stringify(message.payload)}`);
      const pending = message.id === undefined ? undefined : pendingStarts.get(message.id);
      if (pending !== undefined && message.id !== undefined) {
        pending.reject(error);
        pendingStarts.delete(message.id);
      }
    }
  });
}

function createConnection(
  socket: WebSocket,
  auth: RealtimeAuth,
  dataHandlers: Map<string, (payload: unknown) => void>,
  pendingStarts: PendingStarts,
): RealtimeConnection {
  return {
    subscribe: function subscribe(id, query, variables, onData) {
      dataHandlers.set(id, onData);
      return new Promise<void>((resolve, reject) => {
        pendingStarts.set(id, { resolve, reject });
        socket.send(
          JSON.stringify({
            id,
            type: 'start',
            payload: {
              data: JSON.stringify({ query, variables }),
              extensions: { authorization: { host: auth.host, 'x-api-key': auth.apiKey } },
            },
          }),
        );
      });
    },
    close: function closeRealtime() {
      return new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) {
          resolve();
          return;
        }
        socket.once('close', () => resolve());
        if (socket.readyState !== WebSocket.CLOSING) socket.close(1000);
        // A peer that never answers the close handshake must not hold the bench.
        setTimeout(() => socket.terminate(), 2_000).unref();
      });
    },
  };
}

/** Sends `connection_init` once the socket opens; resolves with `connection` on `connection_ack`. */
function awaitConnectionAck(socket: WebSocket, realtimeUrl: string, timeoutMs: number, connection: RealtimeConnection): Promise<RealtimeConnection> {
  return new Promise<RealtimeConnection>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`${realtimeUrl}: no connection_ack within ${timeoutMs} ms`));
    }, timeoutMs);
    const onAck = (raw: WebSocket.RawData): void => {
      const message = parseServerMessage(raw);
      if (message?.type === 'connection_ack') {
        clearTimeout(timer);
        socket.off('message', onAck);
        resolve(connection);
      } else if (message?.type === 'connection_error') {
        clearTimeout(timer);
        reject(new Error(`connection_error: ${JSON.stringify(message.payload)}`));
      }
    };
    socket.on('message', onAck);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`${realtimeUrl}: closed with ${code} before connection_ack`));
    });
  });
}

/** Opens a connection and completes `connection_init` → `connection_ack`. */
export function connectRealtime(realtimeUrl: string, auth: RealtimeAuth, timeoutMs = 30_000): Promise<RealtimeConnection> {
  const url = `${realtimeUrl}?header=${encodeURIComponent(encodeHeader(auth))}&payload=e30%3D`;
  const socket = new WebSocket(url, 'graphql-ws');
  const dataHandlers = new Map<string, (payload: unknown) => void>();
  const pendingStarts: PendingStarts = new Map();
  routeServerMessages(socket, dataHandlers, pendingStarts);
  return awaitConnectionAck(socket, realtimeUrl, timeoutMs, createConnection(socket, auth, dataHandlers, pendingStarts));
}
