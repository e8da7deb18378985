/**
 * Sends corpus cases to a running local server: HTTP cases as one request, realtime cases as a
 * scripted WebSocket conversation. Each run returns what came back, so the test compares it whole.
 */
import WebSocket from 'ws';
import type { LocalServer } from '../../local/server.ts';
import { expand, toMatcher, type HttpCase, type Json, type WsCase, type WsStep } from './corpus.ts';
import { TEST_CREDENTIALS } from '../support/credentials.ts';
import { postGraphQL, signAppSyncRequest } from '../support/graphql-client.ts';
import { sendHttpRequest } from '../support/http-request.ts';
import { base64UrlJson, openRealtimeSocket, type RealtimeSocket } from '../support/realtime-client.ts';

export interface HttpOutcome {
  readonly status: number;
  readonly errorType: string | null;
  readonly body: unknown;
  /** The raw body text, for the leak check. */
  readonly text: string;
}

function stringHeaders(value: unknown, what: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what} must be an object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new Error(`${what}.${k} must be a string`);
    out[k] = v;
  }
  return out;
}

export async function runHttpCase(c: HttpCase, server: LocalServer, vars: Readonly<Record<string, unknown>>): Promise<HttpOutcome> {
  const method = c.method ?? 'POST';
  const url = new URL(String(expand(c.path ?? '/graphql', vars)), server.url).toString();
  const body: string | Uint8Array | undefined =
    c.bodyBase64 !== undefined ? Buffer.from(c.bodyBase64, 'base64') : c.body === undefined ? undefined : ((v) => (typeof v === 'string' ? v : JSON.stringify(v)))(expand(c.body, vars));
  let headers = stringHeaders(expand(c.headers, vars), 'headers');
  let sent = body;
  if (c.sigv4 !== undefined) {
    const v = c.sigv4;
    const signedBody = typeof body === 'string' ? body : body === undefined ? '' : Buffer.from(body).toString('utf8');
    const signed = await signAppSyncRequest(url, signedBody, {
      credentials: { accessKeyId: v.accessKeyId ?? TEST_CREDENTIALS.accessKeyId, secretAccessKey: v.secretAccessKey ?? TEST_CREDENTIALS.secretAccessKey },
      region: v.region ?? 'us-east-1',
      ...(v.service !== undefined ? { service: v.service } : {}),
      ...(v.dateOffsetMinutes !== undefined ? { signingDate: new Date(Date.now() + v.dateOffsetMinutes * 60_000) } : {}),
    });
    headers = { ...signed, ...headers };
    if (v.dropHeader !== undefined) delete headers[v.dropHeader];
    if (v.replaceAuthorization !== undefined) headers['authorization'] = String(expand(v.replaceAuthorization, vars));
    if (v.tamperBody === true) sent = `${signedBody} `;
  }
  // As fetch does, a body states its length: Node's client sends a DELETE or GET body without one.
  const sized = sent === undefined ? headers : { 'content-length': String(Buffer.byteLength(sent)), ...headers };
  const result = await sendHttpRequest(url, { method, headers: sized, ...(sent !== undefined ? { body: sent } : {}) });
  const text = result.body.toString('utf8');
  return { status: result.status, errorType: result.headers['x-amzn-errortype'] ?? null, body: parseJsonOr(text), text };
}

/** The parsed JSON text, or the text itself when it is not JSON. */
function parseJsonOr(text: string): unknown {
  try {
    return (JSON.parse(text) as unknown) ?? text;
  } catch {
    return text;
  }
}

export function expectedHttp(c: HttpCase, vars: Readonly<Record<string, unknown>>): unknown {
  return toMatcher(expand({ status: c.expect.status, errorType: c.expect.errorType, body: c.expect.body }, vars));
}

export interface WsTranscriptEntry {
  readonly step: string;
  readonly actual: unknown;
  readonly expected: unknown;
}

export interface WsOutcome {
  /** One entry per `expect`/`expectClose` step, plus the end-of-case check. */
  readonly transcript: WsTranscriptEntry[];
  /** Every frame the server sent, as text (for the leak check). */
  readonly frames: string[];
  /** Frames sent that no step expected (the server answered something it should not have). */
  readonly unexpected: unknown[];
}

function realtimeConnection(c: WsCase, server: LocalServer, vars: Readonly<Record<string, unknown>>): { url: string; protocols: string[]; options: WebSocket.ClientOptions } {
  const auth = expand(c.connect.auth, vars);
  if (c.connect.rawProtocol !== undefined) return { url: server.realtimeUrl, protocols: ['graphql-ws', c.connect.rawProtocol], options: {} };
  switch (c.connect.via) {
    case 'subprotocol':
      return { url: server.realtimeUrl, protocols: ['graphql-ws', `header-${base64UrlJson(auth)}`], options: {} };
    case 'query':
      return { url: `${server.realtimeUrl}?header=${Buffer.from(JSON.stringify(auth)).toString('base64')}&payload=e30=`, protocols: ['graphql-ws'], options: {} };
    case 'headers':
      return { url: server.realtimeUrl, protocols: ['graphql-ws'], options: { headers: stringHeaders(auth, 'connect.auth') } };
  }
}

const SENTINEL_ID = '__corpus_sentinel__';

export async function runWsCase(
  c: WsCase,
  server: LocalServer,
  vars: Readonly<Record<string, unknown>>,
  callers: Readonly<Record<string, Record<string, string>>>,
): Promise<WsOutcome> {
  const { url, protocols, options } = realtimeConnection(c, server, vars);
  const client: RealtimeSocket = await openRealtimeSocket(url, protocols, options);
  const transcript: WsTranscriptEntry[] = [];
  let closeCode: number | null = null;
  void client.closed.then((code) => {
    closeCode = code;
  });
  let consumed = 0;
  const nextFrame = async (): Promise<Record<string, unknown>> => {
    const frame = await client.next((f) => f['type'] !== 'ka');
    consumed++;
    return frame;
  };

  async function run(steps: readonly WsStep[], scope: Readonly<Record<string, unknown>>): Promise<void> {
    for (const step of steps) {
      if ('repeat' in step) {
        for (let i = 0; i < step.repeat; i++) await run(step.steps, { ...scope, i });
      } else if ('send' in step) {
        client.send(expand(step.send, scope));
      } else if ('sendRaw' in step) {
        client.socket.send(String(expand(step.sendRaw, scope)));
      } else if ('expect' in step) {
        const expected = toMatcher(expand(step.expect, scope));
        let actual: unknown;
        try {
          actual = await nextFrame();
        } catch {
          actual = { closed: await client.closed };
        }
        transcript.push({ step: 'expect', actual, expected });
      } else if ('expectClose' in step) {
        transcript.push({ step: 'expectClose', actual: await client.closed, expected: step.expectClose });
      } else {
        const caller = callers[step.http.as];
        if (caller === undefined) throw new Error(`unknown caller ${step.http.as}`);
        await postGraphQL(server.url, { query: String(expand(step.http.query, scope)), variables: expand(step.http.variables ?? {}, scope) ?? {} }, { headers: caller });
      }
    }
  }

  await run(c.steps, vars);
  // Frames are handled in order, so a final stop's `complete` comes after every answer the steps
  // caused: anything between the last expectation and it is a frame no step expected.
  const acked = client.frames.some((f) => f['type'] === 'connection_ack');
  if (closeCode === null && acked) {
    client.send({ type: 'stop', id: SENTINEL_ID });
    await client.next((f) => f['id'] === SENTINEL_ID).catch(() => undefined);
  }
  const unexpected = client.frames.filter((f) => f['type'] !== 'ka' && f['id'] !== SENTINEL_ID).slice(consumed);
  await client.close();
  return { transcript, frames: client.frames.map((f) => JSON.stringify(f)), unexpected };
}

export type { Json };
