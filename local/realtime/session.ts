/**
 * One realtime connection as a state machine over a `Channel` (docs/APPSYNC-BEHAVIOUR.md#realtime-init-and-ack,
 * #realtime-start-stop-and-complete). Knows nothing of sockets: the `ws` adapter (or a test) supplies
 * the channel and the handshake. Over 300 lines on purpose: one state machine whose handlers share
 * the connection's closure state; splitting it would pass that state around.
 *
 * - Connection auth is checked when the socket opens but reported only on `connection_init` (or the
 *   first `start`), as `connection_error` with `errorCode` 401, then the socket closes
 *   (docs/APPSYNC-BEHAVIOUR.md#realtime-errors).
 * - `connection_ack` carries `connectionTimeoutMs`; a `ka` follows at once and then every
 *   `keepAliveMs`; the connection owns that timer (STYLE 11).
 * - Frames are handled one at a time in arrival order, so a `stop` right after a `start` always
 *   finds the subscription registered (or refused).
 */
import { isRecord } from '../../api/guards.ts';
import type { Authenticator, AuthRequest } from '../auth/authenticate.ts';
import type { AppSyncGraphQLError, GraphQLRequest, GraphQLService, RequestAuth } from '../graphql/contract.ts';
import { isAppSyncHttpError, type AppSyncHttpError } from '../http/http-error.ts';
import {
  completeFrame,
  connectionAckFrame,
  connectionErrorFrame,
  dataFrame,
  errorFrame,
  formatRealtimeError,
  isRealtimeError,
  KA_FRAME,
  parseClientFrame,
  RealtimeError,
  REALTIME_ERROR_TYPE,
  startAckFrame,
  type ClientFrame,
  type WireError,
} from './frames.ts';
import type { Handshake } from './handshake.ts';
import type { SubscriptionRegistry } from './registry.ts';

/** A WebSocket reduced to what the session needs (STYLE 1). */
export interface Channel {
  send(text: string): void;
  close(code: number, reason: string): void;
  onMessage(listener: (text: string) => void): void;
  /** Called once when the underlying connection has closed, whoever closed it. */
  onClose(listener: () => void): void;
}

export interface RealtimeSessionDeps {
  readonly channel: Channel;
  readonly service: GraphQLService;
  readonly authenticator: Authenticator;
  readonly registry: SubscriptionRegistry;
  readonly handshake: Handshake;
  /** The TCP peer address. */
  readonly sourceIp: string | null;
  /** An unexpected failure (logged once by the owner); the client gets a generic error frame. */
  readonly onError?: (error: unknown) => void;
}

export interface RealtimeSessionOptions {
  /** Advertised in `connection_ack`. @default 300000 */
  readonly connectionTimeoutMs?: number;
  /** `ka` cadence; keep it under 65 s so Amplify never reports a missed keep-alive. @default 60000 */
  readonly keepAliveMs?: number;
  /** AppSync allows 100 subscriptions per connection. @default 100 */
  readonly maxSubscriptions?: number;
  /** AppSync closes connections after 24 hours. @default 86400000 */
  readonly maxLifetimeMs?: number;
  /** The GraphQL path that IAM callers sign (`<path>/connect` for the handshake). @default '/graphql' */
  readonly graphqlPath?: string;
  /**
   * A connection that sends neither `connection_init` nor `start` within this time is closed, so idle
   * sockets cannot pile up. AWS documents no value; 15 s is what Amplify and the AppSync subscription
   * link wait for `connection_ack` themselves (chosen by us, see docs/APPSYNC-BEHAVIOUR.md#realtime-init-timeout). @default 15000
   */
  readonly connectionInitTimeoutMs?: number;
}

export interface RealtimeSession {
  /** Resolves once the connection is closed and its subscriptions are gone. */
  readonly closed: Promise<void>;
  /** Closes the connection (normal closure); resolves like `closed`. Safe to call twice. */
  close(): Promise<void>;
}

/** Close code used after `connection_error` and on invalidation / server shutdown. */
export const NORMAL_CLOSURE = 1000;

const CONNECT_BODY = '{}';

function lowerCaseStrings(value: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key.toLowerCase()] = v;
  return out;
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** `payload.data` -> GraphQL request, or a `RealtimeError` naming the problem. */
function parseStartData(id: string, data: string): GraphQLRequest {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new RealtimeError(REALTIME_ERROR_TYPE.BAD_REQUEST, 'start: payload.data must be a JSON string holding {"query", "variables"}, got text that is not JSON', { id });
  }
  if (!isRecord(value)) throw new RealtimeError(REALTIME_ERROR_TYPE.BAD_REQUEST, `start: payload.data must hold a JSON object, got ${describe(value)}`, { id });
  const { query, variables, operationName } = value;
  if (typeof query !== 'string') throw new RealtimeError(REALTIME_ERROR_TYPE.BAD_REQUEST, `start: payload.data.query must be a string, got ${describe(query)}`, { id });
  if (variables !== undefined && variables !== null && !isRecord(variables)) {
    throw new RealtimeError(REALTIME_ERROR_TYPE.BAD_REQUEST, `start: payload.data.variables must be an object, got ${describe(variables)}`, { id });
  }
  return { query, variables: variables ?? null, ...(typeof operationName === 'string' ? { operationName } : {}) };
}

/**
 * Executor errors -> realtime wire errors (docs/APPSYNC-BEHAVIOUR.md#realtime-errors): directive denials become
 * `UnauthorizedException` "Permission denied"; validation errors carry only their message.
 */
export function toWireErrors(errors: readonly AppSyncGraphQLError[]): WireError[] {
  return errors.map((e) =>
    e.errorType === 'Unauthorized'
      ? { errorType: REALTIME_ERROR_TYPE.UNAUTHORIZED, message: 'Permission denied' }
      : { ...(e.errorType !== undefined ? { errorType: e.errorType } : {}), message: e.message },
  );
}

function authWireError(error: AppSyncHttpError): WireError {
  return { errorType: error.errorType, message: error.message, errorCode: error.status };
}

export function createRealtimeSession(deps: RealtimeSessionDeps, options: RealtimeSessionOptions = {}): RealtimeSession {
  const { channel, service, authenticator, registry } = deps;
  const connectionTimeoutMs = options.connectionTimeoutMs ?? 300_000;
  const keepAliveMs = options.keepAliveMs ?? 60_000;
  const maxSubscriptions = options.maxSubscriptions ?? 100;
  const graphqlPath = options.graphqlPath ?? '/graphql';

  type State = 'new' | 'acked' | 'closing';
  let state: State = 'new';
  let keepAlive: ReturnType<typeof setInterval> | null = null;
  const active = new Map<string, () => void>();
  let queue: Promise<void> = Promise.resolve();

  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  function authRequest(headers: Record<string, string>, path: string, body: string): AuthRequest {
    return { headers, method: 'POST', path, query: '', body, sourceIp: deps.sourceIp };
  }

  // Checked now, reported at connection_init; never fails the upgrade (docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake).
  const connectionAuth: Promise<RequestAuth | AppSyncHttpError> = authenticator
    .authenticate(authRequest({ ...deps.handshake.headers }, `${graphqlPath}/connect`, CONNECT_BODY))
    .catch((error: unknown) => {
      if (isAppSyncHttpError(error)) return error;
      throw error;
    });
  // The rejection (an unexpected failure) is observed in ensureAcked; avoid an unhandled rejection meanwhile.
  connectionAuth.catch(() => undefined);

  const lifetime = setTimeout(() => void close(), options.maxLifetimeMs ?? 24 * 60 * 60 * 1000);
  lifetime.unref();
  // `connection_init` is optional in AWS's protocol description (a `start` may come first), so either
  // one ends the wait (https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html).
  let initTimer: ReturnType<typeof setTimeout> | null = setTimeout(() => {
    initTimer = null;
    if (state === 'new') void close();
  }, options.connectionInitTimeoutMs ?? 15_000);
  initTimer.unref();

  function stopInitTimer(): void {
    if (initTimer !== null) clearTimeout(initTimer);
    initTimer = null;
  }

  function send(text: string): void {
    if (state !== 'closing') channel.send(text);
  }

  function cleanUp(): void {
    state = 'closing';
    if (keepAlive !== null) clearInterval(keepAlive);
    keepAlive = null;
    clearTimeout(lifetime);
    stopInitTimer();
    for (const remove of active.values()) remove();
    active.clear();
    resolveClosed();
  }

  function close(): Promise<void> {
    if (state !== 'closing') {
      state = 'closing';
      channel.close(NORMAL_CLOSURE, '');
    }
    return closed;
  }

  async function ensureAcked(): Promise<boolean> {
    if (state === 'acked') return true;
    if (state === 'closing') return false;
    stopInitTimer();
    const auth = await connectionAuth;
    if (state !== 'new') return state === 'acked';
    if (isAppSyncHttpError(auth)) {
      send(connectionErrorFrame([authWireError(auth)]));
      await close();
      return false;
    }
    state = 'acked';
    send(connectionAckFrame(connectionTimeoutMs));
    send(KA_FRAME);
    keepAlive = setInterval(() => send(KA_FRAME), keepAliveMs);
    return true;
  }

  function endByInvalidation(id: string): void {
    const remove = active.get(id);
    if (!remove) return;
    remove();
    active.delete(id);
    // AppSync delivers "Subscription complete." and closes the connection; the frame shape is our choice
    // (docs/APPSYNC-BEHAVIOUR.md#subscription-invalidation).
    send(completeFrame(id, { message: 'Subscription complete.' }));
    void close();
  }

  async function start(frame: Extract<ClientFrame, { type: 'start' }>): Promise<void> {
    const { id } = frame;
    if (active.has(id)) throw new RealtimeError(REALTIME_ERROR_TYPE.DUPLICATED_OPERATION, `Duplicated operation with id ${id}`, { id });
    if (active.size >= maxSubscriptions) {
      throw new RealtimeError(REALTIME_ERROR_TYPE.MAX_SUBSCRIPTIONS, `Max number of ${maxSubscriptions} subscriptions reached`, { id, errorsAsObject: true });
    }
    const request = parseStartData(id, frame.data);
    let auth: RequestAuth;
    if (frame.authorization === null) {
      // No per-start authorization: fall back to the connection's (emulator choice; AppSync clients always send one).
      const connection = await connectionAuth;
      if (isAppSyncHttpError(connection)) throw new RealtimeError(connection.errorType, connection.message, { id, errorCode: connection.status });
      auth = connection;
    } else {
      try {
        auth = await authenticator.authenticate(authRequest(lowerCaseStrings(frame.authorization), graphqlPath, frame.data));
      } catch (error) {
        if (isAppSyncHttpError(error)) throw new RealtimeError(error.errorType, error.message, { id, errorCode: error.status });
        throw error;
      }
    }
    const prepared = await service.prepareSubscription(request, auth);
    if (state !== 'acked') return;
    if (!prepared.ok) {
      send(errorFrame(id, toWireErrors(prepared.errors)));
      return;
    }
    const remove = registry.add({
      subscription: prepared.subscription,
      projectionKey: frame.data,
      deliver: (_payload, json) => send(dataFrame(id, json)),
      invalidate: () => endByInvalidation(id),
    });
    active.set(id, remove);
    send(startAckFrame(id));
  }

  function stop(id: string): void {
    const remove = active.get(id);
    if (remove) {
      remove();
      active.delete(id);
    }
    send(completeFrame(id));
  }

  async function handle(raw: string): Promise<void> {
    if (state === 'closing') return;
    let frameId: string | null = null;
    try {
      const frame = parseClientFrame(raw);
      if (frame.type !== 'connection_init') frameId = frame.id;
      switch (frame.type) {
        case 'connection_init':
          await ensureAcked();
          return;
        case 'start':
          if (await ensureAcked()) await start(frame);
          return;
        case 'stop':
          // A stop before connection_ack is ignored (docs/APPSYNC-BEHAVIOUR.md#realtime-init-and-ack).
          if (state === 'acked') stop(frame.id);
          return;
      }
    } catch (error) {
      if (isRealtimeError(error)) {
        send(formatRealtimeError(error));
        return;
      }
      deps.onError?.(error);
      send(errorFrame(frameId, [{ errorType: REALTIME_ERROR_TYPE.INTERNAL, message: 'An internal failure occurred.' }]));
    }
  }

  channel.onMessage((text) => {
    queue = queue.then(() => handle(text));
  });
  channel.onClose(cleanUp);

  return { closed, close };
}
