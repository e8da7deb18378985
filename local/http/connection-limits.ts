/**
 * Time and count limits for the connections of the local server's one port, so that silent, slow or
 * abandoned clients cannot hold sockets open for ever. Each phase of a connection has its bound:
 *
 * 1. before the first byte: `firstByteTimeoutMs` (the same-port sniffer, `local/tls/same-port.ts`);
 * 2. TLS handshake: `tlsHandshakeTimeoutMs` (`tls.Server` `handshakeTimeout`);
 * 3. after a TLS handshake, before the first request byte: `firstByteTimeoutMs` (socket idle timeout);
 * 4. request headers, then the whole request: `headersTimeoutMs`, `requestTimeoutMs` (Node's own
 *    checks, answered with 408 by `answerClientError`);
 * 5. between requests on a kept-alive connection: `keepAliveTimeoutMs`.
 *
 * A socket upgraded to a WebSocket leaves Node's HTTP tracking and gets no idle timeout (`ws` clears
 * it): a realtime connection lives as long as its client, with its own keep-alive (`ka` frames).
 */
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { ConfigError } from '../../api/config-error.ts';

export interface ConnectionLimits {
  /** Silence allowed before a connection's first byte, and after a TLS handshake before the first request byte. @default 10000 */
  readonly firstByteTimeoutMs: number;
  /** Time a TLS handshake may take. @default 10000 */
  readonly tlsHandshakeTimeoutMs: number;
  /** Time from a request's first byte until its headers are complete (Node `headersTimeout`); then 408. @default 15000 */
  readonly headersTimeoutMs: number;
  /**
   * Time from a request's first byte until its body is complete (Node `requestTimeout`); then 408.
   * GraphQL bodies are at most 5 MiB (`MAX_BODY_BYTES`); files go to the S3 front, not through here. @default 60000
   */
  readonly requestTimeoutMs: number;
  /** Idle time allowed between requests on a kept-alive connection (Node `keepAliveTimeout`). @default 5000 */
  readonly keepAliveTimeoutMs: number;
  /**
   * Open TCP connections at most (HTTP, TLS and WebSocket together); further ones are closed as they
   * are accepted. Well above the 1,000 subscribers of the fan-out benchmark (bench/fanout.ts). @default 4096
   */
  readonly maxConnections: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = Object.freeze({
  firstByteTimeoutMs: 10_000,
  tlsHandshakeTimeoutMs: 10_000,
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 4096,
});

/** Checks the limits; throws a `ConfigError` naming the field and the value received. */
export function assertConnectionLimits(limits: ConnectionLimits): ConnectionLimits {
  assertPositiveIntegers(limits, 'connectionLimits');
  // Node refuses a headers timeout longer than the request timeout (`http.createServer`).
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new ConfigError(`connectionLimits.headersTimeoutMs: must not exceed requestTimeoutMs (${limits.requestTimeoutMs}). Received: ${limits.headersTimeoutMs}`);
  }
  return limits;
}

/** Throws a `ConfigError` naming `<prefix>.<member>` for each member of `limits` that is not a positive integer. */
export function assertPositiveIntegers(limits: object, prefix: string): void {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || (value as number) <= 0) throw new ConfigError(`${prefix}.${name}: must be a positive integer. Received: ${String(value)}`);
  }
}

/**
 * How often Node looks for requests over their header or request timeout, the smaller of which is
 * `smallestBoundMs`: often enough that the bound holds within about a quarter.
 */
export function checkingIntervalMs(smallestBoundMs: number): number {
  return Math.max(25, Math.min(1000, Math.floor(smallestBoundMs / 4)));
}

/**
 * Applies the limits to an HTTP(S) server that never listens itself (the same-port listener hands it
 * its sockets) and starts Node's header/request timeout checks, which Node otherwise starts only when
 * the server itself begins to listen. `stop()` ends those checks.
 */
export function applyConnectionLimits(server: HttpServer | HttpsServer, limits: ConnectionLimits): { stop(): void } {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // Node reads this when the checks start (the 'listening' event below); the default is 30 s.
  (server as HttpServer & { connectionsCheckingInterval: number }).connectionsCheckingInterval = checkingIntervalMs(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs));
  // The idle timeout bounds a connection that has not begun a request (a silent TLS socket after its
  // handshake). A socket whose request is being answered is left alone: a slow resolver is not idle.
  const answering = new WeakSet<Socket>();
  server.timeout = limits.firstByteTimeoutMs;
  server.on('request', (req, res) => {
    const socket = req.socket;
    answering.add(socket);
    res.once('close', () => answering.delete(socket));
  });
  server.on('timeout', (socket: Socket) => {
    if (!answering.has(socket)) socket.destroy();
  });
  // Node starts its connection tracking (headersTimeout, requestTimeout, closeAllConnections) when an
  // HTTP server emits 'listening'; this one is never bound, so it is told here.
  server.emit('listening');
  return {
    stop: function stopConnectionChecks() {
      // `close()` on a server that never listened only ends the checks and idle connections.
      server.close();
    },
  };
}
