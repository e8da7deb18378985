/**
 * One realtime connection as a state machine over a `Channel` (docs/APPSYNC-BEHAVIOUR.md#realtime-init-and-ack,
 * #realtime-start-stop-and-complete). Knows nothing of sockets: the `ws` adapter (or a test) supplies
 * the channel and the handshake. The phase, timers and closing live in `connection-lifecycle.ts`,
 * the reading of `payload.data` in `start-request.ts`.
 *
 * - Connection auth is checked when the socket opens but reported only on `connection_init` (or the
 *   first `start`), as `connection_error` with `errorCode` 401, then the socket closes
 *   (docs/APPSYNC-BEHAVIOUR.md#realtime-errors).
 * - `connection_ack` carries `connectionTimeoutMs`; a `ka` follows at once and then every
 *   `keepAliveMs`; the connection owns that timer (STYLE 11).
 * - Frames are handled one at a time in arrival order, so a `stop` right after a `start` always
 *   finds the subscription registered (or refused).
 */
import type { Authenticator, AuthRequest } from '../auth/authenticate.ts';
import type { GraphQLService, RequestAuth } from '../graphql/contract.ts';
import { isAppSyncHttpError, type AppSyncHttpError } from '../http/http-error.ts';
import { createConnectionLifecycle, type Channel, type ConnectionLifecycle } from './connection-lifecycle.ts';
import {
  completeFrame,
  connectionErrorFrame,
  dataFrame,
  errorFrame,
  formatRealtimeError,
  isRealtimeError,
  parseClientFrame,
  RealtimeError,
  REALTIME_ERROR_TYPE,
  startAckFrame,
  type ClientFrame,
} from './frames.ts';
import type { Handshake } from './handshake.ts';
import type { SubscriptionRegistry } from './registry.ts';
import { authWireError, lowerCaseStrings, parseStartData, toWireErrors } from './start-request.ts';

export { NORMAL_CLOSURE, type Channel } from './connection-lifecycle.ts';
export { toWireErrors } from './start-request.ts';

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

const CONNECT_BODY = '{}';

/** What the frame handlers share: the connection's lifecycle, its subscriptions and its auth. */
interface SessionContext {
  readonly deps: RealtimeSessionDeps;
  readonly connection: ConnectionLifecycle;
  /** Subscription id -> the function that removes it from the registry. */
  readonly active: Map<string, () => void>;
  /** The handshake's auth, checked at once and reported at the first connection_init or start. */
  readonly connectionAuth: Promise<RequestAuth | AppSyncHttpError>;
  readonly graphqlPath: string;
  readonly maxSubscriptions: number;
}

function authRequest(deps: RealtimeSessionDeps, headers: Record<string, string>, path: string, body: string): AuthRequest {
  return { headers, method: 'POST', path, query: '', body, sourceIp: deps.sourceIp };
}

/** Checks the handshake's auth now; it is reported at connection_init and never fails the upgrade (docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake). */
function authenticateConnection(deps: RealtimeSessionDeps, graphqlPath: string): Promise<RequestAuth | AppSyncHttpError> {
  const connectionAuth = deps.authenticator
    .authenticate(authRequest(deps, { ...deps.handshake.headers }, `${graphqlPath}/connect`, CONNECT_BODY))
    .catch((error: unknown) => {
      if (isAppSyncHttpError(error)) return error;
      throw error;
    });
  // The rejection (an unexpected failure) is observed in ensureAcked; avoid an unhandled rejection meanwhile.
  connectionAuth.catch(() => undefined);
  return connectionAuth;
}

async function ensureAcked(ctx: SessionContext): Promise<boolean> {
  const { connection } = ctx;
  if (connection.phase === 'acked') return true;
  if (connection.phase === 'closing') return false;
  connection.stopInitTimer();
  const auth = await ctx.connectionAuth;
  if (connection.phase !== 'new') return connection.phase === 'acked';
  if (isAppSyncHttpError(auth)) {
    connection.send(connectionErrorFrame([authWireError(auth)]));
    await connection.close();
    return false;
  }
  connection.ack();
  return true;
}

function endByInvalidation(ctx: SessionContext, id: string): void {
  const remove = ctx.active.get(id);
  if (!remove) return;
  remove();
  ctx.active.delete(id);
  // AppSync delivers "Subscription complete." and closes the connection; the frame shape is our choice
  // (docs/APPSYNC-BEHAVIOUR.md#subscription-invalidation).
  ctx.connection.send(completeFrame(id, { message: 'Subscription complete.' }));
  void ctx.connection.close();
}

/** The caller of a start: its own authorization, or the connection's when it sends none. */
async function authorizeStart(ctx: SessionContext, frame: Extract<ClientFrame, { type: 'start' }>): Promise<RequestAuth> {
  const { id } = frame;
  if (frame.authorization === null) {
    // No per-start authorization: fall back to the connection's (emulator choice; AppSync clients always send one).
    const connection = await ctx.connectionAuth;
    if (isAppSyncHttpError(connection)) throw new RealtimeError(connection.errorType, connection.message, { id, errorCode: connection.status });
    return connection;
  }
  try {
    return await ctx.deps.authenticator.authenticate(authRequest(ctx.deps, lowerCaseStrings(frame.authorization), ctx.graphqlPath, frame.data));
  } catch (error) {
    if (isAppSyncHttpError(error)) throw new RealtimeError(error.errorType, error.message, { id, errorCode: error.status });
    throw error;
  }
}

async function start(ctx: SessionContext, frame: Extract<ClientFrame, { type: 'start' }>): Promise<void> {
  const { id } = frame;
  const { active, connection, maxSubscriptions } = ctx;
  if (active.has(id)) throw new RealtimeError(REALTIME_ERROR_TYPE.DUPLICATED_OPERATION, `Duplicated operation with id ${id}`, { id });
  if (active.size >= maxSubscriptions) {
    throw new RealtimeError(REALTIME_ERROR_TYPE.MAX_SUBSCRIPTIONS, `Max number of ${maxSubscriptions} subscriptions reached`, { id, errorsAsObject: true });
  }
  const request = parseStartData(id, frame.data);
  const auth = await authorizeStart(ctx, frame);
  const prepared = await ctx.deps.service.prepareSubscription(request, auth);
  if (connection.phase !== 'acked') return;
  if (!prepared.ok) {
    connection.send(errorFrame(id, toWireErrors(prepared.errors)));
    return;
  }
  const remove = ctx.deps.registry.add({
    subscription: prepared.subscription,
    projectionKey: frame.data,
    deliver: (_payload, json) => connection.send(dataFrame(id, json)),
    invalidate: () => endByInvalidation(ctx, id),
  });
  active.set(id, remove);
  connection.send(startAckFrame(id));
}

function stop(ctx: SessionContext, id: string): void {
  const remove = ctx.active.get(id);
  if (remove) {
    remove();
    ctx.active.delete(id);
  }
  ctx.connection.send(completeFrame(id));
}

async function handle(ctx: SessionContext, raw: string): Promise<void> {
  const { connection } = ctx;
  if (connection.phase === 'closing') return;
  let frameId: string | null = null;
  try {
    const frame = parseClientFrame(raw);
    if (frame.type !== 'connection_init') frameId = frame.id;
    switch (frame.type) {
      case 'connection_init':
        await ensureAcked(ctx);
        return;
      case 'start':
        if (await ensureAcked(ctx)) await start(ctx, frame);
        return;
      case 'stop':
        // A stop before connection_ack is ignored (docs/APPSYNC-BEHAVIOUR.md#realtime-init-and-ack).
        if (connection.phase === 'acked') stop(ctx, frame.id);
        return;
    }
  } catch (error) {
    if (isRealtimeError(error)) {
      connection.send(formatRealtimeError(error));
      return;
    }
    ctx.deps.onError?.(error);
    connection.send(errorFrame(frameId, [{ errorType: REALTIME_ERROR_TYPE.INTERNAL, message: 'An internal failure occurred.' }]));
  }
}

export function createRealtimeSession(deps: RealtimeSessionDeps, options: RealtimeSessionOptions = {}): RealtimeSession {
  const graphqlPath = options.graphqlPath ?? '/graphql';
  const connectionAuth = authenticateConnection(deps, graphqlPath);
  const active = new Map<string, () => void>();
  const connection = createConnectionLifecycle(
    deps.channel,
    {
      connectionTimeoutMs: options.connectionTimeoutMs ?? 300_000,
      keepAliveMs: options.keepAliveMs ?? 60_000,
      maxLifetimeMs: options.maxLifetimeMs ?? 24 * 60 * 60 * 1000,
      connectionInitTimeoutMs: options.connectionInitTimeoutMs ?? 15_000,
    },
    function removeSubscriptions() {
      for (const remove of active.values()) remove();
      active.clear();
    },
  );
  const ctx: SessionContext = { deps, connection, active, connectionAuth, graphqlPath, maxSubscriptions: options.maxSubscriptions ?? 100 };
  let queue: Promise<void> = Promise.resolve();
  deps.channel.onMessage((text) => {
    queue = queue.then(() => handle(ctx, text));
  });
  return { closed: connection.closed, close: connection.close };
}
