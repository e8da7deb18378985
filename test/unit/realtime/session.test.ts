import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../../api/definition.ts';
import { createAuthenticator } from '../../../local/auth/authenticate.ts';
import { createJwtVerifier } from '../../../local/auth/jwt.ts';
import { generateKeyPairSync } from 'node:crypto';
import { DEV_API_KEY } from '../../../local/config.ts';
import type { GraphQLService, PreparedSubscription, RequestAuth, GraphQLRequest } from '../../../local/graphql/contract.ts';
import { createSubscriptionRegistry, type SubscriptionRegistry } from '../../../local/realtime/registry.ts';
import { createRealtimeSession, type Channel, type RealtimeSession } from '../../../local/realtime/session.ts';
import { TEST_CREDENTIALS } from '../../support/credentials.ts';

const authenticator = createAuthenticator({
  authModes: api.auth,
  apiKey: DEV_API_KEY,
  userPool: createJwtVerifier({ issuer: 'https://issuer.local', publicKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey }),
  iamCredentials: [TEST_CREDENTIALS],
  accountId: '123456789012',
});

/** The executor's contract for subscriptions: `onAssetUpdated(id)` is valid, `Denied` is refused by directive. */
function subscriptionService(): GraphQLService & { prepared: { request: GraphQLRequest; auth: RequestAuth }[] } {
  const prepared: { request: GraphQLRequest; auth: RequestAuth }[] = [];
  return {
    prepared,
    execute: async () => ({ data: null }),
    prepareSubscription: async (request, auth) => {
      prepared.push({ request, auth });
      if (request.query.includes('Denied')) {
        return { ok: false, errors: [{ message: 'Not Authorized to access onDenied on type Subscription', errorType: 'Unauthorized', path: ['onDenied'], data: null, errorInfo: null }] };
      }
      if (!request.query.includes('onAssetUpdated')) {
        return { ok: false, errors: [{ message: "Validation error of type FieldUndefined: Field 'bogus' in type 'Subscription' is undefined @ 'bogus'", path: null, locations: [{ line: 1, column: 16, sourceName: null }] }] };
      }
      const args = (request.variables ?? {}) as Record<string, unknown>;
      const subscription: PreparedSubscription = {
        fieldName: 'onAssetUpdated',
        arguments: args,
        mutations: ['completeUpload', 'deleteAsset'],
        filter: null,
        invalidationFilter: request.query.includes('invalidatable') ? { filterGroup: [{ filters: [{ fieldName: 'id', operator: 'eq', value: args['id'] }] }] } : null,
        project: (payload) => ({ data: { onAssetUpdated: { id: (payload as Record<string, unknown>)['id'], status: (payload as Record<string, unknown>)['status'] } } }),
      };
      return { ok: true, subscription };
    },
  };
}

interface MemoryChannel extends Channel {
  readonly sent: unknown[];
  readonly closes: { code: number; reason: string }[];
  receive(frame: unknown): void;
}

function memoryChannel(): MemoryChannel {
  const messageListeners: ((text: string) => void)[] = [];
  const closeListeners: (() => void)[] = [];
  const sent: unknown[] = [];
  const closes: { code: number; reason: string }[] = [];
  return {
    sent,
    closes,
    send: (text) => sent.push(JSON.parse(text)),
    close: (code, reason) => {
      closes.push({ code, reason });
      queueMicrotask(() => closeListeners.forEach((l) => l()));
    },
    onMessage: (l) => messageListeners.push(l),
    onClose: (l) => closeListeners.push(l),
    receive: (frame) => messageListeners.forEach((l) => l(typeof frame === 'string' ? frame : JSON.stringify(frame))),
  };
}

const API_KEY_HEADER = { host: '127.0.0.1:4000', 'x-api-key': DEV_API_KEY };
const sessions: RealtimeSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

function connect(options: { headers?: Record<string, string>; maxSubscriptions?: number; keepAliveMs?: number; connectionInitTimeoutMs?: number; registry?: SubscriptionRegistry } = {}) {
  const channel = memoryChannel();
  const service = subscriptionService();
  const registry = options.registry ?? createSubscriptionRegistry();
  const session = createRealtimeSession(
    { channel, service, authenticator, registry, handshake: { source: 'subprotocol', headers: options.headers ?? API_KEY_HEADER }, sourceIp: '127.0.0.1' },
    {
      keepAliveMs: options.keepAliveMs ?? 60_000,
      ...(options.maxSubscriptions !== undefined ? { maxSubscriptions: options.maxSubscriptions } : {}),
      ...(options.connectionInitTimeoutMs !== undefined ? { connectionInitTimeoutMs: options.connectionInitTimeoutMs } : {}),
    },
  );
  sessions.push(session);
  async function framesUntil(count: number): Promise<unknown[]> {
    await vi.waitFor(() => expect(channel.sent.length).toBeGreaterThanOrEqual(count));
    return channel.sent;
  }
  return { channel, service, registry, session, framesUntil };
}

function start(id: string, query: string, variables: Record<string, unknown> = {}, authorization: Record<string, string> | null = { host: '127.0.0.1:4000', 'x-api-key': DEV_API_KEY }) {
  return { id, type: 'start', payload: { data: JSON.stringify({ query, variables }), ...(authorization ? { extensions: { authorization } } : {}) } };
}

const ON_UPDATED = 'subscription S($id: ID!) { onAssetUpdated(id: $id) { id status } }';
const ACK = { type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } };
const KA = { type: 'ka' };

describe('realtime: connection', () => {
  it('acks connection_init with connectionTimeoutMs, then sends ka at once', async () => {
    const { channel, framesUntil } = connect();
    channel.receive({ type: 'connection_init' });
    expect(await framesUntil(2)).toEqual([ACK, KA]);
  });

  it('keeps sending ka every keepAliveMs', async () => {
    const { channel, framesUntil } = connect({ keepAliveMs: 5 });
    channel.receive({ type: 'connection_init' });
    expect((await framesUntil(4)).slice(0, 4)).toEqual([ACK, KA, KA, KA]);
  });

  it('answers bad connection credentials with connection_error 401 and closes', async () => {
    const { channel, framesUntil, session } = connect({ headers: { host: '127.0.0.1:4000', 'x-api-key': 'da2-wrong' } });
    channel.receive({ type: 'connection_init' });
    expect(await framesUntil(1)).toEqual([
      { type: 'connection_error', payload: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 }] } },
    ]);
    await session.closed;
    expect(channel.closes).toEqual([{ code: 1000, reason: '' }]);
  });

  it('answers a handshake without credentials with "Missing authorization header"', async () => {
    const { channel, framesUntil } = connect({ headers: { host: '127.0.0.1:4000' } });
    channel.receive({ type: 'connection_init' });
    expect(await framesUntil(1)).toEqual([
      { type: 'connection_error', payload: { errors: [{ errorType: 'UnauthorizedException', message: 'Missing authorization header', errorCode: 401 }] } },
    ]);
  });

  it('reports a frame that is not JSON without an id', async () => {
    const { channel, framesUntil } = connect();
    channel.receive('meow');
    expect(await framesUntil(1)).toEqual([{ type: 'error', payload: { errors: [{ errorType: 'BadRequestException', message: 'message must be a JSON object, got text that is not JSON' }] } }]);
  });

  it('closes a connection that sends neither connection_init nor start within the init timeout, without a frame', async () => {
    const { channel, session } = connect({ connectionInitTimeoutMs: 20 });
    await session.closed;
    expect({ sent: channel.sent, closes: channel.closes }).toEqual({ sent: [], closes: [{ code: 1000, reason: '' }] });
  });

  it('keeps a connection open past the init timeout once connection_init arrived', async () => {
    const { channel, framesUntil } = connect({ connectionInitTimeoutMs: 20, keepAliveMs: 60_000 });
    channel.receive({ type: 'connection_init' });
    expect(await framesUntil(2)).toEqual([ACK, KA]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(channel.closes).toEqual([]);
  });

  it('reports an unknown message type', async () => {
    const { channel, framesUntil } = connect();
    channel.receive({ type: 'subscribe', id: 'x' });
    expect(await framesUntil(1)).toEqual([
      { type: 'error', id: 'x', payload: { errors: [{ errorType: 'BadRequestException', message: 'message type must be one of connection_init, start, stop, got "subscribe"' }] } },
    ]);
  });
});

describe('realtime: start, data, stop', () => {
  it('acks a valid start, delivers the next matching completeUpload, and completes on stop', async () => {
    const { channel, framesUntil, registry, service } = connect();
    channel.receive({ type: 'connection_init' });
    channel.receive(start('s1', ON_UPDATED, { id: 'a1' }));
    expect(await framesUntil(3)).toEqual([ACK, KA, { type: 'start_ack', id: 's1' }]);
    expect(service.prepared).toEqual([
      {
        request: { query: ON_UPDATED, variables: { id: 'a1' } },
        auth: { authType: 'API_KEY', identity: null, headers: { host: '127.0.0.1:4000', 'x-api-key': DEV_API_KEY } },
      },
    ]);
    expect(registry.publish({ fieldName: 'completeUpload', arguments: {}, payload: { id: 'a2', status: 'READY' } })).toBe(0);
    expect(registry.publish({ fieldName: 'completeUpload', arguments: {}, payload: { id: 'a1', status: 'READY' } })).toBe(1);
    expect(channel.sent[3]).toEqual({ type: 'data', id: 's1', payload: { data: { onAssetUpdated: { id: 'a1', status: 'READY' } } } });
    channel.receive({ type: 'stop', id: 's1' });
    expect((await framesUntil(5))[4]).toEqual({ type: 'complete', id: 's1' });
    expect(registry.size()).toBe(0);
    expect(registry.publish({ fieldName: 'deleteAsset', arguments: {}, payload: { id: 'a1', status: 'DELETING' } })).toBe(0);
  });

  it('treats a start before connection_init as an implicit init', async () => {
    const { channel, framesUntil } = connect();
    channel.receive(start('s1', ON_UPDATED, { id: 'a1' }));
    expect(await framesUntil(3)).toEqual([ACK, KA, { type: 'start_ack', id: 's1' }]);
  });

  it('refuses a duplicate id with DuplicatedOperationError', async () => {
    const { channel, framesUntil } = connect();
    channel.receive(start('s1', ON_UPDATED, { id: 'a1' }));
    channel.receive(start('s1', ON_UPDATED, { id: 'a1' }));
    expect((await framesUntil(4))[3]).toEqual({ type: 'error', id: 's1', payload: { errors: [{ errorType: 'DuplicatedOperationError', message: 'Duplicated operation with id s1' }] } });
  });

  it('refuses the subscription over the limit with MaxSubscriptionsReachedError (errors as an object, as AppSync sends it)', async () => {
    const { channel, framesUntil } = connect({ maxSubscriptions: 1 });
    channel.receive(start('s1', ON_UPDATED, { id: 'a1' }));
    channel.receive(start('s2', ON_UPDATED, { id: 'a2' }));
    expect((await framesUntil(4))[3]).toEqual({ type: 'error', id: 's2', payload: { errors: { errorType: 'MaxSubscriptionsReachedError', message: 'Max number of 1 subscriptions reached' } } });
  });

  it('says what is wrong with a start whose payload.data is not a string', async () => {
    const { channel, framesUntil } = connect();
    channel.receive({ type: 'start', id: 's1', payload: { data: 42 } });
    expect(await framesUntil(1)).toEqual([{ type: 'error', id: 's1', payload: { errors: [{ errorType: 'BadRequestException', message: 'start: payload.data must be a JSON string, got number' }] } }]);
  });

  it('refuses a start whose authorization is invalid with UnauthorizedException 401', async () => {
    const { channel, framesUntil } = connect();
    channel.receive(start('s1', ON_UPDATED, { id: 'a1' }, { host: '127.0.0.1:4000', 'x-api-key': 'da2-wrong' }));
    expect((await framesUntil(3))[2]).toEqual({
      type: 'error',
      id: 's1',
      payload: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 }] },
    });
  });

  it('reports a directive denial as "Permission denied" and a validation error by its message only', async () => {
    const { channel, framesUntil } = connect();
    channel.receive(start('s1', 'subscription { onDenied { id } }'));
    channel.receive(start('s2', 'subscription { bogus }'));
    const frames = await framesUntil(4);
    expect(frames.slice(2)).toEqual([
      { type: 'error', id: 's1', payload: { errors: [{ errorType: 'UnauthorizedException', message: 'Permission denied' }] } },
      { type: 'error', id: 's2', payload: { errors: [{ message: "Validation error of type FieldUndefined: Field 'bogus' in type 'Subscription' is undefined @ 'bogus'" }] } },
    ]);
  });

  it('uses the connection credentials when a start carries no authorization', async () => {
    const { channel, framesUntil, service } = connect();
    channel.receive(start('s1', ON_UPDATED, { id: 'a1' }, null));
    expect((await framesUntil(3))[2]).toEqual({ type: 'start_ack', id: 's1' });
    expect(service.prepared[0]?.auth.authType).toBe('API_KEY');
  });

  it('ends an invalidated subscription with "Subscription complete." and closes the connection', async () => {
    const { channel, framesUntil, registry, session } = connect();
    channel.receive(start('s1', `${ON_UPDATED} # invalidatable`, { id: 'a1' }));
    await framesUntil(3);
    expect(registry.invalidate({ subscriptionField: 'onAssetUpdated', payload: { id: 'other' } })).toBe(0);
    expect(registry.invalidate({ subscriptionField: 'onAssetUpdated', payload: { id: 'a1' } })).toBe(1);
    expect(channel.sent[3]).toEqual({ type: 'complete', id: 's1', payload: { message: 'Subscription complete.' } });
    await session.closed;
    expect(channel.closes).toEqual([{ code: 1000, reason: '' }]);
  });

  it('removes its subscriptions from the registry when the connection closes', async () => {
    const registry = createSubscriptionRegistry();
    const { channel, framesUntil, session } = connect({ registry });
    channel.receive(start('s1', ON_UPDATED, { id: 'a1' }));
    channel.receive(start('s2', ON_UPDATED, { id: 'a2' }));
    await framesUntil(4);
    expect(registry.size()).toBe(2);
    await session.close();
    expect(registry.size()).toBe(0);
  });
});

/** What Amplify v6 puts in the header object / start authorization for IAM (docs/APPSYNC-BEHAVIOUR.md#iam-sigv4). */
async function iamHeaders(path: string, body: string): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials: TEST_CREDENTIALS, region: 'us-east-1', service: 'appsync', sha256: Sha256, applyChecksum: false });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4000,
    path,
    headers: { accept: 'application/json, text/javascript', 'content-encoding': 'amz-1.0', 'content-type': 'application/json; charset=UTF-8', host: '127.0.0.1:4000' },
    body,
  });
  return Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
}

describe('realtime: IAM', () => {
  it('accepts a handshake signed over POST /graphql/connect with body {} and a start signed over its payload.data', async () => {
    const { channel, framesUntil, service } = connect({ headers: await iamHeaders('/graphql/connect', '{}') });
    channel.receive({ type: 'connection_init' });
    expect(await framesUntil(2)).toEqual([ACK, KA]);
    const data = JSON.stringify({ query: ON_UPDATED, variables: { id: 'a1' } });
    channel.receive({ id: 'iam', type: 'start', payload: { data, extensions: { authorization: await iamHeaders('/graphql', data) } } });
    expect((await framesUntil(3))[2]).toEqual({ type: 'start_ack', id: 'iam' });
    expect(service.prepared[0]?.auth.authType).toBe('AWS_IAM');
  });

  it('refuses a start whose signature covers other data', async () => {
    const { channel, framesUntil } = connect();
    const data = JSON.stringify({ query: ON_UPDATED, variables: { id: 'a1' } });
    channel.receive({ id: 'iam', type: 'start', payload: { data, extensions: { authorization: await iamHeaders('/graphql', data.replace('a1', 'a2')) } } });
    expect((await framesUntil(3))[2]).toEqual({
      type: 'error',
      id: 'iam',
      payload: {
        errors: [
          {
            errorType: 'InvalidSignatureException',
            message:
              'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
            errorCode: 403,
          },
        ],
      },
    });
  });
});
