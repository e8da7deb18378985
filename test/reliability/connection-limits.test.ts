/**
 * Connection limits of the one port (local/http/connection-limits.ts): silent, slow and half-open
 * clients are cut off, each at its phase's bound, and the number of open connections is capped,
 * while a realtime WebSocket outlives every one of those bounds. The server runs with small limits
 * so the suite stays fast; every case uses raw sockets on 127.0.0.1 and checks what the client read
 * before the server closed the connection.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { describe, test as base } from 'vitest';
import WebSocket from 'ws';
import { loadConfig, type Config } from '../../local/config.ts';
import type { ConnectionLimits } from '../../local/http/connection-limits.ts';
import { startLocalServer, type LocalServer } from '../../local/server.ts';
import { base64UrlJson } from '../support/realtime-client.ts';
import { TEST_CREDENTIALS } from '../support/credentials.ts';
import { drip } from '../support/drip.ts';

const LIMITS: ConnectionLimits = {
  firstByteTimeoutMs: 1000,
  tlsHandshakeTimeoutMs: 300,
  headersTimeoutMs: 300,
  requestTimeoutMs: 600,
  keepAliveTimeoutMs: 300,
  maxConnections: 16,
};
/** Longer than every limit above: a connection still open after this was never going to close. */
const NEVER_MS = 4000;

interface Fixture {
  readonly server: LocalServer;
  readonly logs: string[];
}

const test = base.extend<{ local: Fixture }>({
  local: [
    async ({}, use) => {
      const config: Config = { ...loadConfig({}, ['--port', '0', '--no-watch']), localCredentials: TEST_CREDENTIALS, connectionLimits: LIMITS };
      const logs: string[] = [];
      const server = await startLocalServer(config, { log: (line) => logs.push(line) });
      await use({ server, logs });
      await server.close();
    },
    { scope: 'file' },
  ],
});

interface RawConnection {
  readonly socket: Socket;
  /** What the client read until the server closed, or `still open` when it had not after `NEVER_MS`. */
  readonly outcome: Promise<{ closed: boolean; read: string }>;
}

function watch(socket: Socket): RawConnection {
  let read = '';
  socket.on('data', (chunk: Buffer) => (read += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const outcome = new Promise<{ closed: boolean; read: string }>((resolve) => {
    const timer = setTimeout(() => {
      resolve({ closed: false, read });
      socket.destroy();
    }, NEVER_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ closed: true, read });
    });
  });
  return { socket, outcome };
}

function openRaw(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, '127.0.0.1', () => resolve(watch(socket)));
    socket.once('error', reject);
  });
}

const TIMEOUT_BODY = JSON.stringify({ errors: [{ errorType: 'BadRequestException', message: 'The request was not received in time.' }] });
const ANSWER_408 =
  'HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json;charset=UTF-8\r\nx-amzn-ErrorType: BadRequestException\r\n' +
  `content-length: ${Buffer.byteLength(TIMEOUT_BODY)}\r\nconnection: close\r\n\r\n${TIMEOUT_BODY}`;

describe('connection limits: silent and slow clients are cut off', () => {
  test('closes ten connections that never send a byte', async ({ local, expect }) => {
    const connections = await Promise.all(Array.from({ length: 10 }, () => openRaw(local.server.port)));
    expect(await Promise.all(connections.map((c) => c.outcome))).toEqual(Array.from({ length: 10 }, () => ({ closed: true, read: '' })));
  });

  test('answers a connection that sent one byte and stopped with 408, then closes it', async ({ local, expect }) => {
    const connection = await openRaw(local.server.port);
    connection.socket.write('G');
    expect(await connection.outcome).toEqual({ closed: true, read: ANSWER_408 });
  });

  test('answers headers that arrive too slowly with 408, then closes the connection', async ({ local, expect }) => {
    const connection = await openRaw(local.server.port);
    drip(connection.socket, `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${local.server.port}\r\nX-Slow: ${'x'.repeat(200)}\r\n\r\n`, 20);
    expect(await connection.outcome).toEqual({ closed: true, read: ANSWER_408 });
  });

  test('answers a body that arrives too slowly with 408, then closes the connection', async ({ local, expect }) => {
    const connection = await openRaw(local.server.port);
    const body = JSON.stringify({ query: `{ __typename ${' '.repeat(200)}}` });
    connection.socket.write(`POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:${local.server.port}\r\nx-api-key: ${local.server.apiKey}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`);
    drip(connection.socket, body, 20);
    expect(await connection.outcome).toEqual({ closed: true, read: ANSWER_408 });
  });

  test('closes a kept-alive connection that stays idle after its answer', async ({ local, expect }) => {
    const connection = await openRaw(local.server.port);
    connection.socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${local.server.port}\r\n\r\n`);
    const { closed, read } = await connection.outcome;
    expect({ closed, status: read.split('\r\n')[0], body: read.split('\r\n\r\n')[1] }).toEqual({ closed: true, status: 'HTTP/1.1 200 OK', body: '{"status":"ok"}' });
  });

  test('closes a TLS handshake that stops halfway', async ({ local, expect }) => {
    const connection = await openRaw(local.server.port);
    // A TLS record header announcing a 512-byte handshake message, followed by only its first bytes.
    connection.socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]));
    expect(await connection.outcome).toEqual({ closed: true, read: '' });
  });

  test('answers a TLS connection that completes its handshake and then sends nothing with 408, then closes it', async ({ local, expect }) => {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const tls = connectTls({ host: '127.0.0.1', port: local.server.port, servername: 'localhost', rejectUnauthorized: false }, () => resolve(tls));
      tls.once('error', reject);
    });
    // Node's header timer runs from the handshake, so the client is told why (408) before the idle bound.
    expect(await watch(socket).outcome).toEqual({ closed: true, read: ANSWER_408 });
  });
});

describe('connection limits: long-lived and many connections', () => {
  test('keeps an idle realtime WebSocket open past every HTTP bound', async ({ local, expect }) => {
    const host = `127.0.0.1:${local.server.port}`;
    const socket = new WebSocket(local.server.realtimeUrl, ['graphql-ws', `header-${base64UrlJson({ host, 'x-api-key': local.server.apiKey })}`]);
    const frames: unknown[] = [];
    socket.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8'))));
    await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((resolve) => setTimeout(resolve, 2 * LIMITS.firstByteTimeoutMs));
    const answers = frames.filter((frame) => (frame as { type?: unknown }).type !== 'ka');
    expect({ state: socket.readyState, answers }).toEqual({ state: WebSocket.OPEN, answers: [{ type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } }] });
    socket.close();
    await new Promise((resolve) => socket.once('close', resolve));
  });

  test('closes connections beyond maxConnections as they arrive, and accepts new ones once others closed', async ({ local, expect }) => {
    const held = await Promise.all(Array.from({ length: LIMITS.maxConnections }, () => openRaw(local.server.port)));
    // Silent, so they stay open for firstByteTimeoutMs; a moment lets the server accept them all.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await openRaw(local.server.port);
    refused.socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${local.server.port}\r\nConnection: close\r\n\r\n`);
    expect(await refused.outcome).toEqual({ closed: true, read: '' });

    for (const connection of held) connection.socket.destroy();
    await Promise.all(held.map((c) => c.outcome));
    const accepted = await openRaw(local.server.port);
    accepted.socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${local.server.port}\r\nConnection: close\r\n\r\n`);
    const { closed, read } = await accepted.outcome;
    expect({ closed, status: read.split('\r\n')[0] }).toEqual({ closed: true, status: 'HTTP/1.1 200 OK' });
  });

  test('logged no error for any of the cut-off clients', ({ local, expect }) => {
    expect(local.logs.filter((line) => line.startsWith('[error]'))).toEqual([]);
  });
});
