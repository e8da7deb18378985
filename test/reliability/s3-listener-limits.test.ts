/**
 * Limits of the S3 front's own loopback listener (local/s3/listener-limits.ts), the port the Lambdas'
 * S3 calls use: a silent connection is closed, a request that stalls in its headers or its body is
 * answered with S3's 400 RequestTimeout and closed, a client that stops reading its answer is cut off,
 * and connections beyond the cap are refused while earlier ones keep working; a body of any length
 * still passes while its bytes keep coming. The stores run with small limits so the suite stays fast;
 * raw sockets on 127.0.0.1 show what the client read before the front closed the connection.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect as connectTcp, type Socket } from 'node:net';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, test as base } from 'vitest';
import type { S3ListenerLimits } from '../../local/s3/listener-limits.ts';
import { BUCKET, HOST_ID, REQUEST_ID, createS3Client, readS3Error, startTestStore, type EventLog } from '../integration/fixtures/s3-fixtures.ts';
import { drip } from '../support/drip.ts';
import { objectExists } from '../support/object-exists.ts';

const LIMITS: S3ListenerLimits = { idleTimeoutMs: 300, headersTimeoutMs: 1000, keepAliveTimeoutMs: 300, maxConnections: 64 };
/** The cap test holds connections while it works, so only the cap is small there. */
const CAPPED: S3ListenerLimits = { idleTimeoutMs: 10_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 10_000, maxConnections: 4 };
/** Longer than every limit of `LIMITS`: a connection still open after this was never going to close. */
const NEVER_MS = 4000;

interface StoreFixture {
  readonly port: number;
  readonly client: S3Client;
  readonly log: EventLog;
}

/** Runs a store with these limits and an SDK client for the fixture's lifetime. */
async function useStore(listenerLimits: S3ListenerLimits, use: (fixture: StoreFixture) => Promise<void>): Promise<void> {
  const { store, log } = await startTestStore({ listenerLimits });
  const client = createS3Client(store.endpoint);
  await use({ port: Number(new URL(store.endpoint).port), client, log });
  client.destroy();
  await store.close();
}

/** File-scoped stores (STYLE 17), each started only when a test uses it. */
const test = base.extend<{ s3: StoreFixture; capped: StoreFixture }>({
  s3: [async ({}, use) => useStore(LIMITS, use), { scope: 'file' }],
  capped: [async ({}, use) => useStore(CAPPED, use), { scope: 'file' }],
});

interface RawConnection {
  readonly socket: Socket;
  /** What the client read until the front closed, with `closed: false` when it had not after `NEVER_MS`. */
  readonly outcome: Promise<{ closed: boolean; read: string }>;
  /** Everything read so far. */
  read(): string;
}

function openRaw(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, '127.0.0.1', () => {
      let read = '';
      socket.on('data', (chunk: Buffer) => (read += chunk.toString('latin1')));
      socket.on('error', () => undefined);
      const outcome = new Promise<{ closed: boolean; read: string }>((settle) => {
        const timer = setTimeout(() => {
          settle({ closed: false, read });
          socket.destroy();
        }, NEVER_MS);
        socket.once('close', () => {
          clearTimeout(timer);
          settle({ closed: true, read });
        });
      });
      resolve({ socket, outcome, read: () => read });
    });
    socket.once('error', reject);
  });
}

/** Status line, the headers that say how the answer ends, and the S3 error in the body. */
function describeAnswer(read: string): { status: string | undefined; connection: string | undefined; contentType: string | undefined; error: Record<string, string> } {
  const [head = '', body = ''] = read.split('\r\n\r\n');
  const [status, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { status, connection: headers['connection'], contentType: headers['content-type'], error: readS3Error(body) };
}

const REQUEST_TIMEOUT = {
  status: 'HTTP/1.1 400 Bad Request',
  connection: 'close',
  contentType: 'application/xml',
  error: {
    Code: 'RequestTimeout',
    Message: 'Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.',
    RequestId: expect.stringMatching(REQUEST_ID),
    HostId: expect.stringMatching(HOST_ID),
  },
};

/** The request target and Host of a presigned URL, for raw requests. */
async function presigned(url: Promise<string>): Promise<URL> {
  return new URL(await url);
}

/** Writes one request on a kept-alive connection and resolves with its answer's status line and body, once `bodyLength` body bytes arrived. */
async function exchange(connection: RawConnection, text: string, bodyLength: number): Promise<{ status: string | undefined; body: string }> {
  const start = connection.read().length;
  connection.socket.write(text);
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const answer = connection.read().slice(start);
      const end = answer.indexOf('\r\n\r\n');
      if (end >= 0 && answer.length >= end + 4 + bodyLength) {
        connection.socket.off('data', check);
        connection.socket.off('close', closed);
        resolve({ status: answer.split('\r\n')[0], body: answer.slice(end + 4, end + 4 + bodyLength) });
      }
    };
    const closed = (): void => reject(new Error(`closed before the answer; read ${JSON.stringify(connection.read().slice(start))}`));
    if (connection.socket.destroyed) closed();
    connection.socket.on('data', check);
    connection.socket.once('close', closed);
  });
}

describe('s3 listener limits: silent and stalled clients', () => {
  test('closes a connection that never sends a byte, without an answer', async ({ s3, expect }) => {
    const connection = await openRaw(s3.port);
    expect(await connection.outcome).toEqual({ closed: true, read: '' });
  });

  test('answers a connection that stops in the middle of its headers with 400 RequestTimeout, then closes it', async ({ s3, expect }) => {
    const connection = await openRaw(s3.port);
    connection.socket.write(`GET /${BUCKET}/assets/alice/x/photo.png HTTP/1.1\r\nHost: 127.0.0.1:${s3.port}\r\n`);
    const { closed, read } = await connection.outcome;
    expect({ closed, answer: describeAnswer(read) }).toEqual({ closed: true, answer: REQUEST_TIMEOUT });
  });

  test('answers headers that keep trickling in past headersTimeoutMs with 400 RequestTimeout, then closes the connection', async ({ s3, expect }) => {
    const connection = await openRaw(s3.port);
    // Each byte arrives well within the idle bound; only the headers' total time is over.
    drip(connection.socket, `GET /${BUCKET}/assets/alice/x/photo.png HTTP/1.1\r\nHost: 127.0.0.1:${s3.port}\r\nX-Slow: ${'x'.repeat(200)}\r\n\r\n`, 40);
    const { closed, read } = await connection.outcome;
    expect({ closed, answer: describeAnswer(read) }).toEqual({ closed: true, answer: REQUEST_TIMEOUT });
  });

  test('answers a signed PUT whose body stops halfway with 400 RequestTimeout, closes the connection and stores nothing', async ({ s3, expect }) => {
    const key = 'assets/alice/stalled/part.bin';
    const url = await presigned(getSignedUrl(s3.client, new PutObjectCommand({ Bucket: BUCKET, Key: key })));
    const connection = await openRaw(s3.port);
    connection.socket.write(`PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${1024 * 1024}\r\n\r\n`);
    connection.socket.write(randomBytes(64 * 1024));
    const { closed, read } = await connection.outcome;
    expect({ closed, answer: describeAnswer(read), stored: await objectExists(s3.client, BUCKET, key), events: s3.log.events.filter((e) => e.detail.object.key === key) }).toEqual({
      closed: true,
      answer: REQUEST_TIMEOUT,
      stored: false,
      events: [],
    });
  });

  test('answers an UploadPart whose body stops halfway with 400 RequestTimeout, and the same part then uploads in full', async ({ s3, expect }) => {
    const key = 'assets/alice/stalled/movie.mp4';
    const { UploadId } = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const url = await presigned(getSignedUrl(s3.client, new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1 })));
    const connection = await openRaw(s3.port);
    connection.socket.write(`PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: ${6 * 1024 * 1024}\r\n\r\n`);
    connection.socket.write(randomBytes(256 * 1024));
    const { closed, read } = await connection.outcome;

    const body = randomBytes(6 * 1024 * 1024);
    const { ETag } = await s3.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: body }));
    await s3.client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }));
    const got = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const stored = Buffer.from((await got.Body?.transformToByteArray()) ?? []);
    expect({ closed, answer: describeAnswer(read), equal: stored.equals(body) }).toEqual({ closed: true, answer: REQUEST_TIMEOUT, equal: true });
  });

  test('closes a connection whose client stops reading a large answer', async ({ s3, expect }) => {
    const key = 'assets/alice/unread/video.bin';
    const size = 24 * 1024 * 1024;
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: randomBytes(size) }));
    const url = await presigned(getSignedUrl(s3.client, new GetObjectCommand({ Bucket: BUCKET, Key: key })));
    const socket = await new Promise<Socket>((resolve, reject) => {
      const raw = connectTcp(s3.port, '127.0.0.1', () => resolve(raw));
      raw.once('error', reject);
    });
    // Reads nothing for several idle bounds, then takes what the front had sent before it gave up.
    socket.pause();
    socket.on('error', () => undefined);
    socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 5 * LIMITS.idleTimeoutMs));
    let received = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.resume();
    const closed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), NEVER_MS);
      socket.once('close', () => (clearTimeout(timer), resolve(true)));
    });
    socket.destroy();
    expect({ closed, complete: received >= size }).toEqual({ closed: true, complete: false });
  });
});

describe('s3 listener limits: work that keeps moving is not cut off', () => {
  test('answers signed SDK requests', async ({ s3, expect }) => {
    const key = 'assets/alice/small/note.txt';
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'note', ContentType: 'text/plain' }));
    const got = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect({ body: await got.Body?.transformToString(), contentType: got.ContentType }).toEqual({ body: 'note', contentType: 'text/plain' });
  });

  test('takes a multi-MiB PUT whose bytes keep coming for longer than every bound together', async ({ s3, expect }) => {
    const key = 'assets/alice/streamed/video.bin';
    const chunks = Array.from({ length: 20 }, () => randomBytes(512 * 1024));
    const body = Buffer.concat(chunks);
    const url = await presigned(getSignedUrl(s3.client, new PutObjectCommand({ Bucket: BUCKET, Key: key })));
    // 20 chunks, 100 ms apart: about 2 s in all, past idle + headers + keep-alive, never idle for long.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = httpRequest(url, { method: 'PUT', agent: false, headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length) } }, (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode));
      });
      req.once('error', reject);
      let next = 0;
      const timer = setInterval(() => {
        const chunk = chunks[next++];
        if (chunk === undefined) {
          clearInterval(timer);
          req.end();
        } else req.write(chunk);
      }, 100);
    });
    const got = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const stored = Buffer.from((await got.Body?.transformToByteArray()) ?? []);
    expect({ status, equal: stored.equals(body), size: (await s3.log.next(key)).detail.object.size }).toEqual({ status: 200, equal: true, size: body.length });
  });
});

describe('s3 listener limits: many connections', () => {
  test('closes connections beyond maxConnections as they arrive, while the earlier ones keep working, and accepts new ones once others closed', async ({ capped, expect }) => {
    const key = 'assets/alice/capped/file.txt';
    await capped.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'kept', ContentType: 'text/plain' }));
    const url = await presigned(getSignedUrl(capped.client, new GetObjectCommand({ Bucket: BUCKET, Key: key })));
    const get = `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`;
    // The SDK client's own kept-alive socket counts too: it is closed first, so the cap holds the raw ones only.
    capped.client.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const held = await Promise.all(Array.from({ length: CAPPED.maxConnections }, () => openRaw(capped.port)));
    const first = await Promise.all(held.map((connection) => exchange(connection, get, 4)));

    const refused = await openRaw(capped.port);
    refused.socket.write(get);
    const refusedOutcome = await refused.outcome;
    const again = await Promise.all(held.map((connection) => exchange(connection, get, 4)));

    for (const connection of held) connection.socket.destroy();
    await Promise.all(held.map((connection) => connection.outcome));
    // The client's side closes at once; a moment lets the front see the closes too.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const accepted = await openRaw(capped.port);
    const later = await exchange(accepted, get, 4);
    accepted.socket.destroy();

    const ok = { status: 'HTTP/1.1 200 OK', body: 'kept' };
    expect({ first, refused: refusedOutcome, again, later }).toEqual({
      first: held.map(() => ok),
      refused: { closed: true, read: '' },
      again: held.map(() => ok),
      later: ok,
    });
  });
});
