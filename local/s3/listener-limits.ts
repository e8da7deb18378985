/**
 * Time and count limits for the S3 front's own loopback listener (`s3-store.ts`), the port the
 * Lambdas' S3 calls use, so that silent, stalled or abandoned clients cannot hold its sockets:
 *
 * 1. before a request's first byte, and within its headers: `idleTimeoutMs` of silence, and
 *    `headersTimeoutMs` for the headers in all (Node's `headersTimeout`);
 * 2. the body: `idleTimeoutMs` of silence. There is no bound on the whole request, as the public
 *    port has (`local/http/connection-limits.ts`): an SDK call here may carry an object or a part of
 *    up to 5 GiB (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html), which passes as
 *    long as its bytes keep coming;
 * 3. the answer: a client that reads nothing of it for `idleTimeoutMs` is cut off. The front's own
 *    work (s3rver, a key lock, assembling parts) is not silence;
 * 4. between requests on a kept-alive connection: `keepAliveTimeoutMs`;
 * 5. at most `maxConnections` open at once; further ones are closed as they are accepted.
 *
 * A request cut off in its headers or body is answered as S3 answers it, 400 RequestTimeout
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html), which the AWS SDKs retry.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { assertPositiveIntegers, checkingIntervalMs, DEFAULT_CONNECTION_LIMITS } from '../http/connection-limits.ts';
import { answerRequestTimeout, requestTimeoutError, sendError } from './error-responses.ts';
import { createHostId, createRequestId } from './s3-errors.ts';

export interface S3ListenerLimits {
  /**
   * Silence allowed from a client: before a request's first byte, within its headers or body, and
   * while it reads nothing of its answer. As long as the public port's first-byte bound. @default 10000
   */
  readonly idleTimeoutMs: number;
  /** Time from a request's first byte until its headers are complete (Node `headersTimeout`); then 400 RequestTimeout. @default 15000 */
  readonly headersTimeoutMs: number;
  /** Idle time allowed between requests on a kept-alive connection (Node `keepAliveTimeout`). @default 5000 */
  readonly keepAliveTimeoutMs: number;
  /**
   * Open TCP connections at most; further ones are closed as they are accepted. The callers are the
   * local Lambdas' S3 clients (an SDK client keeps at most 50 sockets) and tools pointed at the store:
   * far above their need, and a quarter of the public port's 4096, whose file descriptors it shares. @default 1024
   */
  readonly maxConnections: number;
}

export const DEFAULT_S3_LISTENER_LIMITS: S3ListenerLimits = Object.freeze({
  idleTimeoutMs: DEFAULT_CONNECTION_LIMITS.firstByteTimeoutMs,
  headersTimeoutMs: DEFAULT_CONNECTION_LIMITS.headersTimeoutMs,
  keepAliveTimeoutMs: DEFAULT_CONNECTION_LIMITS.keepAliveTimeoutMs,
  maxConnections: 1024,
});

/** Checks the limits; throws a `ConfigError` naming the field and the value received. */
export function assertS3ListenerLimits(limits: S3ListenerLimits): S3ListenerLimits {
  assertPositiveIntegers(limits, 'listenerLimits');
  return limits;
}

/** What a connection is doing, as far as its idle bound cares. */
interface ConnectionState {
  /** The request being answered; null between requests. */
  exchange: { readonly req: IncomingMessage; readonly res: ServerResponse } | null;
  /** The last request answered had not been read to its end (Node reads and drops the rest). */
  tailOfAnswered: boolean;
  /** `socket.bytesRead` when the last answer ended: more since then means a request has begun. */
  bytesAtRest: number;
}

/**
 * Applies the limits to the listener. Call it before `listen`: Node reads the checking interval when
 * the server starts listening.
 */
export function applyS3ListenerLimits(server: Server, limits: S3ListenerLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  // No whole-request bound (see above); silence bounds the body instead. Node's default is 300 s.
  server.requestTimeout = 0;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  // Node's own check for headers over their bound runs every 30 s by default; as on the public port.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = checkingIntervalMs(limits.headersTimeoutMs);
  server.timeout = limits.idleTimeoutMs;

  const states = new WeakMap<Socket, ConnectionState>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    const state = states.get(socket) ?? { exchange: null, tailOfAnswered: false, bytesAtRest: 0 };
    const exchange = { req, res };
    state.exchange = exchange;
    states.set(socket, state);
    res.once('close', () => {
      if (state.exchange !== exchange) return;
      state.exchange = null;
      state.tailOfAnswered = !req.complete;
      state.bytesAtRest = socket.bytesRead;
    });
  });
  // Node emits this after `idleTimeoutMs` without a byte either way (or `keepAliveTimeoutMs` after
  // an answer); with a listener, closing the socket is ours to do.
  server.on('timeout', function onSilentConnection(socket: Socket) {
    // Bytes wait to be sent and none went out: the client has stopped reading its answer.
    if (!socket.writable || socket.writableLength > 0) {
      socket.destroy();
      return;
    }
    const state = states.get(socket);
    const exchange = state?.exchange ?? null;
    if (exchange === null) {
      const begun = state === undefined ? socket.bytesRead > 0 : !state.tailOfAnswered && socket.bytesRead > state.bytesAtRest;
      if (begun) answerRequestTimeout(socket);
      else socket.destroy();
      return;
    }
    // Body bytes that arrived and wait unread: the front is the one behind (a slow disk, the digest
    // worker), and the client cannot send more until it catches up.
    if (!exchange.req.complete && exchange.req.readableLength === 0) {
      endStalledRequest(exchange.res);
      return;
    }
    // The front is still at work on this request; Node does not re-arm the bound by itself.
    socket.setTimeout(limits.idleTimeoutMs);
  });
}

/**
 * Answers a request whose body stopped coming, then closes the connection (`connection: close`
 * makes Node end the socket once the answer is out). The handler still waiting for the body sees it
 * cut short and stops; it cannot answer again.
 */
function endStalledRequest(res: ServerResponse): void {
  if (res.headersSent) {
    res.socket?.destroy();
    return;
  }
  res.setHeader('connection', 'close');
  sendError(res, requestTimeoutError(), headerText(res, 'x-amz-request-id') ?? createRequestId(), headerText(res, 'x-amz-id-2') ?? createHostId());
}

function headerText(res: ServerResponse, name: string): string | undefined {
  const value = res.getHeader(name);
  return typeof value === 'string' ? value : undefined;
}
