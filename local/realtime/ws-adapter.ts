/**
 * The thin `ws` adapter: accepts upgrades on the realtime path, answers the `graphql-ws`
 * sub-protocol, turns each socket into a `Channel` and hands it to a realtime session.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Authenticator } from '../auth/authenticate.ts';
import type { GraphQLService } from '../graphql/contract.ts';
import type { HostVerdict } from '../http/host-allow-list.ts';
import { AppSyncHttpError, endSocketWithHttpError, HTTP_ERROR_TYPE } from '../http/http-error.ts';
import { MAX_BODY_BYTES } from '../http/request-body.ts';
import { readHandshake, selectProtocol } from './handshake.ts';
import type { SubscriptionRegistry } from './registry.ts';
import { createRealtimeSession, type Channel, type RealtimeSession, type RealtimeSessionOptions } from './session.ts';

/** The realtime path for any non-AWS host name (docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake). */
export const REALTIME_PATH = '/graphql/realtime';

export interface RealtimeServerDeps {
  readonly service: GraphQLService;
  readonly authenticator: Authenticator;
  readonly registry: SubscriptionRegistry;
  readonly onError?: (error: unknown) => void;
  /** Judges the upgrade's `Host` (DNS rebinding, `host-allow-list.ts`); `defaultPort` is the scheme's. @default every Host is accepted */
  readonly checkHost?: (host: string | undefined, defaultPort: number) => HostVerdict;
  /**
   * True when a browser page of `origin` may open a realtime connection. Browsers do not apply CORS
   * to WebSockets, so this is where another site's page is kept from using the well-known local
   * API key; clients that send no `Origin` (Node, mobile) are not browsers and are not checked. @default every origin
   */
  readonly isAllowedOrigin?: (origin: string) => boolean;
}

export interface RealtimeServer {
  /** Handles an HTTP upgrade; returns false (and leaves the socket alone) for other paths. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Number of open connections. */
  connections(): number;
  /** Closes every connection and waits for them. Safe to call twice. */
  close(): Promise<void>;
}

/** How long `close()` waits for clients to answer the close handshake before dropping them. */
const CLOSE_GRACE_MS = 1000;

function toText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function toChannel(socket: WebSocket): Channel {
  return {
    send: (text) => {
      if (socket.readyState === socket.OPEN) socket.send(text);
    },
    close: (code, reason) => socket.close(code, reason),
    onMessage: (listener) => socket.on('message', (data) => listener(toText(data))),
    onClose: (listener) => socket.once('close', () => listener()),
  };
}

/** Why an upgrade is refused before the WebSocket handshake, or null when it may go on. */
function screenUpgrade(deps: RealtimeServerDeps, request: IncomingMessage): AppSyncHttpError | null {
  const encrypted = (request.socket as Partial<TLSSocket>).encrypted === true;
  const verdict = deps.checkHost?.(request.headers.host, encrypted ? 443 : 80) ?? null;
  if (verdict !== null && !verdict.ok) return new AppSyncHttpError(verdict.status, verdict.status === 403 ? HTTP_ERROR_TYPE.ACCESS_DENIED : HTTP_ERROR_TYPE.BAD_REQUEST, verdict.message);
  const origin = request.headers.origin;
  if (origin !== undefined && deps.isAllowedOrigin?.(origin) === false) {
    return new AppSyncHttpError(403, HTTP_ERROR_TYPE.ACCESS_DENIED, 'This origin is not allowed to open a realtime connection to the local API (see --cors-origin).');
  }
  return null;
}

function headerRecord(request: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value)) out[name] = value.join(', ');
  }
  return out;
}

export function createRealtimeServer(deps: RealtimeServerDeps, options: RealtimeSessionOptions = {}): RealtimeServer {
  // A frame larger than an HTTP body may be closes the socket with 1009 (Message Too Big) before it is buffered whole.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES, handleProtocols: (offered) => selectProtocol(offered) });
  const sessions = new Map<WebSocket, RealtimeSession>();
  let closing: Promise<void> | null = null;

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const protocols = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
    const handshake = readHandshake({ url: request.url ?? '/', headers: headerRecord(request), protocols });
    socket.on('error', (error) => deps.onError?.(error));
    const session = createRealtimeSession(
      {
        channel: toChannel(socket),
        service: deps.service,
        authenticator: deps.authenticator,
        registry: deps.registry,
        handshake,
        sourceIp: request.socket.remoteAddress ?? null,
        ...(deps.onError ? { onError: deps.onError } : {}),
      },
      options,
    );
    sessions.set(socket, session);
    void session.closed.then(() => sessions.delete(socket));
  });

  return {
    handleUpgrade: function handleRealtimeUpgrade(request, socket, head) {
      const path = (request.url ?? '/').split('?')[0];
      if (path !== REALTIME_PATH || closing !== null) return false;
      const refusal = screenUpgrade(deps, request);
      if (refusal !== null) {
        endSocketWithHttpError(socket, refusal);
        return true;
      }
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
      return true;
    },
    connections: () => sessions.size,
    close: function closeRealtimeServer() {
      closing ??= (async () => {
        const open = [...sessions.entries()];
        const all = Promise.all(open.map(([, session]) => session.close()));
        const grace = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
        await Promise.race([all, grace]);
        for (const [socket] of open) if (socket.readyState !== socket.CLOSED) socket.terminate();
        await all;
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })();
      return closing;
    },
  };
}
