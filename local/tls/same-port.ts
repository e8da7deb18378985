/**
 * One TCP port, two protocols: the first byte of each connection decides. 0x16 opens a TLS
 * handshake (record type "handshake"), so the socket goes to the HTTPS server; anything else is
 * plain HTTP. Amplify JS v6 dials `wss://` even for an `http://` endpoint
 * (docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake), so the same URL then works for `http://`,
 * `https://`, `ws://` and `wss://`.
 *
 * The listener also enforces the connection limits (`local/http/connection-limits.ts`): a connection
 * that sends nothing within `firstByteTimeoutMs` is closed, at most `maxConnections` are open, and
 * the inner servers get their header, request and keep-alive timeouts.
 */
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { applyConnectionLimits, assertConnectionLimits, DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from '../http/connection-limits.ts';

/** First byte of a TLS record carrying a handshake message. */
const TLS_HANDSHAKE = 0x16;

export interface SamePortServer {
  readonly port: number;
  /** Stops listening and destroys every open connection. Safe to call twice. */
  close(): Promise<void>;
}

export interface SamePortOptions {
  readonly http: HttpServer;
  /** When absent, every connection is plain HTTP. Create it with `handshakeTimeout: limits.tlsHandshakeTimeoutMs`. */
  readonly https?: HttpsServer;
  readonly host: string;
  readonly port: number;
  /** Timeouts and the connection cap. @default DEFAULT_CONNECTION_LIMITS */
  readonly limits?: ConnectionLimits;
}

export async function listenSamePort(options: SamePortOptions): Promise<SamePortServer> {
  const limits = assertConnectionLimits(options.limits ?? DEFAULT_CONNECTION_LIMITS);
  const sockets = new Set<Socket>();
  const server: Server = createServer({ pauseOnConnect: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // Waits for the first byte even without TLS, so a connection that never speaks is bounded too.
    const silent = setTimeout(() => socket.destroy(), limits.firstByteTimeoutMs);
    socket.once('close', () => clearTimeout(silent));
    socket.once('readable', () => {
      clearTimeout(silent);
      const first: Buffer | null = socket.read(1) as Buffer | null;
      if (first === null) {
        socket.destroy();
        return;
      }
      socket.unshift(first);
      const { https } = options;
      (https !== undefined && first[0] === TLS_HANDSHAKE ? https : options.http).emit('connection', socket);
      socket.resume();
    });
  });
  server.maxConnections = limits.maxConnections;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const checks = [applyConnectionLimits(options.http, limits), ...(options.https ? [applyConnectionLimits(options.https, limits)] : [])];

  let closing: Promise<void> | null = null;
  return {
    port: (server.address() as AddressInfo).port,
    close: function closeSamePort() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        options.http.closeAllConnections();
        options.https?.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        for (const check of checks) check.stop();
      });
      return closing;
    },
  };
}
