/**
 * The local S3 store around the verifier: bucket CORS, "Object Created" events (the shape S3 sends
 * to EventBridge, docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html), their delivery,
 * conditional writes with `If-None-Match: *`
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html), large uploads and
 * persistence across restarts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3ServiceException,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, test as base } from 'vitest';
import type { ObjectCreatedEvent } from '../../local/s3/object-created-events.ts';
import { ACCOUNT_ID, ALLOWED_ORIGIN, BUCKET, HOST_ID, REGION, REQUEST_ID, createS3Client, readS3Error, startTestStore, test } from './fixtures/s3-fixtures.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function expectedEvent(key: string, size: number, etag: string, reason: string): unknown {
  return {
    version: '0',
    id: expect.stringMatching(UUID),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: ACCOUNT_ID,
    time: expect.stringMatching(ISO_SECONDS),
    region: REGION,
    resources: [`arn:aws:s3:::${BUCKET}`],
    detail: {
      version: '0',
      bucket: { name: BUCKET },
      object: { key, size, etag, sequencer: expect.stringMatching(/^[0-9A-F]{18}$/) },
      'request-id': expect.stringMatching(REQUEST_ID),
      requester: ACCOUNT_ID,
      'source-ip-address': '127.0.0.1',
      reason,
    },
  };
}

describe('s3 store: CORS', () => {
  test("answers a preflight from an allowed origin with the bucket rule, allowing an upload ticket's headers", async ({ s3, expect }) => {
    const response = await fetch(`${s3.endpoint}/${BUCKET}/assets/alice/x/photo.png`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'Content-Type, If-None-Match, x-amz-checksum-sha256' },
    });
    const cors = Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary'));
    expect({ status: response.status, cors, body: await response.text() }).toEqual({
      status: 200,
      cors: {
        'access-control-allow-origin': ALLOWED_ORIGIN,
        'access-control-allow-methods': 'GET, PUT, HEAD',
        'access-control-allow-headers': 'content-type, if-none-match, x-amz-checksum-sha256',
        'access-control-expose-headers': 'ETag',
        'access-control-max-age': '3000',
        'access-control-allow-credentials': 'true',
        vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
      },
      body: '',
    });
  });

  test('refuses a preflight from another origin with 403 AccessForbidden', async ({ s3, expect }) => {
    const response = await fetch(`${s3.endpoint}/${BUCKET}/assets/alice/x/photo.png`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'PUT' },
    });
    expect({ status: response.status, allowOrigin: response.headers.get('access-control-allow-origin'), error: readS3Error(await response.text()) }).toEqual({
      status: 403,
      allowOrigin: null,
      error: {
        Code: 'AccessForbidden',
        Message:
          "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
        Method: 'PUT',
        ResourceType: 'OBJECT',
        RequestId: expect.stringMatching(REQUEST_ID),
        HostId: expect.stringMatching(HOST_ID),
      },
    });
  });

  test('refuses a preflight without Origin with 400 BadRequest', async ({ s3, expect }) => {
    const response = await fetch(`${s3.endpoint}/${BUCKET}/assets/alice/x/photo.png`, { method: 'OPTIONS', headers: { 'access-control-request-method': 'PUT' } });
    expect({ status: response.status, error: readS3Error(await response.text()) }).toEqual({
      status: 400,
      error: { Code: 'BadRequest', Message: 'Insufficient information. Origin request header needed.', RequestId: expect.stringMatching(REQUEST_ID), HostId: expect.stringMatching(HOST_ID) },
    });
  });

  test('adds the CORS headers to a browser PUT, also when the PUT is refused', async ({ s3, expect }) => {
    const url = await getSignedUrl(s3.client, new PutObjectCommand({ Bucket: BUCKET, Key: 'assets/alice/cors/ok.txt', ContentType: 'text/plain' }), {
      expiresIn: 60,
      signableHeaders: new Set(['content-type']),
    });
    const ok = await fetch(url, { method: 'PUT', body: 'x', headers: { origin: ALLOWED_ORIGIN, 'content-type': 'text/plain' } });
    const refused = await fetch(url, { method: 'PUT', body: 'x', headers: { origin: ALLOWED_ORIGIN, 'content-type': 'text/html' } });
    const pick = (response: Response): unknown => ({
      status: response.status,
      allowOrigin: response.headers.get('access-control-allow-origin'),
      expose: response.headers.get('access-control-expose-headers'),
    });
    expect([pick(ok), pick(refused)]).toEqual([
      { status: 200, allowOrigin: ALLOWED_ORIGIN, expose: 'ETag' },
      { status: 403, allowOrigin: ALLOWED_ORIGIN, expose: 'ETag' },
    ]);
  });
});

describe('s3 store: object-created events', () => {
  test('announces a presigned PUT as an EventBridge "Object Created" event with reason PutObject', async ({ s3, expect }) => {
    const key = 'assets/alice/evt-1/photo one.png';
    const body = Buffer.from('png bytes');
    const url = await getSignedUrl(s3.client, new PutObjectCommand({ Bucket: BUCKET, Key: key, ContentType: 'image/png', ContentLength: body.length }), {
      expiresIn: 60,
      signableHeaders: new Set(['content-type', 'content-length']),
    });
    const response = await fetch(url, { method: 'PUT', body, headers: { 'content-type': 'image/png' } });
    expect(response.status).toBe(200);

    const event = await s3.log.next(key);
    expect(event).toEqual(expectedEvent(key, body.length, createHash('md5').update(body).digest('hex'), 'PutObject'));
    expect(event.detail['request-id']).toBe(response.headers.get('x-amz-request-id'));
  });

  test('announces a CompleteMultipartUpload with the size and ETag of the whole object', async ({ s3, expect }) => {
    const key = 'assets/alice/evt-mpu/video.mp4';
    const part = randomBytes(1024);
    const { UploadId } = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ContentType: 'video/mp4' }));
    const { ETag } = await s3.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: part }));
    await s3.client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ ETag, PartNumber: 1 }] } }));
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));

    expect(await s3.log.next(key)).toEqual(expectedEvent(key, part.length, (head.ETag ?? '').replace(/"/g, ''), 'CompleteMultipartUpload'));
    expect(s3.log.events.filter((event) => event.detail.object.key === key)).toHaveLength(1);
  });

  test('announces nothing for a refused upload', async ({ s3, expect }) => {
    const key = 'assets/alice/evt-refused/photo.png';
    const url = await getSignedUrl(s3.client, new PutObjectCommand({ Bucket: BUCKET, Key: key, ContentType: 'image/png' }), { expiresIn: 60, signableHeaders: new Set(['content-type']) });
    const refused = await fetch(url, { method: 'PUT', body: 'x', headers: { 'content-type': 'text/plain' } });
    const later = 'assets/alice/evt-refused/after.png';
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: later, Body: 'y' }));
    await s3.log.next(later);
    expect({ status: refused.status, events: s3.log.events.filter((event) => event.detail.object.key === key) }).toEqual({ status: 403, events: [] });
  });

  test('delivers events in upload order, with sequencers that grow', async ({ s3, expect }) => {
    const keys = ['assets/alice/order/1.txt', 'assets/alice/order/2.txt', 'assets/alice/order/3.txt'];
    for (const key of keys) await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    await s3.log.next(keys[2] as string);
    const delivered = s3.log.events.filter((event) => keys.includes(event.detail.object.key));
    const sequencers = delivered.map((event) => event.detail.object.sequencer);
    expect({ keys: delivered.map((event) => event.detail.object.key), sorted: [...sequencers].sort() }).toEqual({ keys, sorted: sequencers });
  });
});

describe('s3 store: conditional writes (If-None-Match: *)', () => {
  /** A presigned PUT that writes once, as an upload ticket does: Content-Type and `If-None-Match` signed. */
  function presignOnce(client: S3Client, key: string, ifNoneMatch = '*'): Promise<string> {
    return getSignedUrl(client, new PutObjectCommand({ Bucket: BUCKET, Key: key, ContentType: 'text/plain', IfNoneMatch: ifNoneMatch }), {
      expiresIn: 60,
      signableHeaders: new Set(['content-type', 'if-none-match']),
    });
  }
  const ONCE_HEADERS = { 'content-type': 'text/plain', 'if-none-match': '*' };
  // S3's answer (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html, PreconditionFailed).
  const PRECONDITION_FAILED = {
    Code: 'PreconditionFailed',
    Message: 'At least one of the pre-conditions you specified did not hold',
    Condition: 'If-None-Match',
    RequestId: expect.stringMatching(REQUEST_ID),
    HostId: expect.stringMatching(HOST_ID),
  };
  const md5 = (body: string): string => createHash('md5').update(body).digest('hex');

  /** Events are delivered in upload order: once a later upload's event is in, any event for an earlier write would be too. */
  async function eventsFor(s3: { client: S3Client; log: { events: ObjectCreatedEvent[]; next(key: string): Promise<ObjectCreatedEvent> } }, key: string): Promise<string[]> {
    const later = `${key}.later`;
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: later, Body: 'later' }));
    await s3.log.next(later);
    return s3.log.events.filter((event) => event.detail.object.key === key).map((event) => event.detail.object.etag);
  }

  async function read(client: S3Client, key: string): Promise<{ body: string | undefined; contentType: string | undefined; etag: string | undefined }> {
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return { body: await got.Body?.transformToString(), contentType: got.ContentType, etag: got.ETag };
  }

  function sdkOutcome(result: unknown): unknown {
    return result instanceof S3ServiceException ? { name: result.name, status: result.$metadata.httpStatusCode, message: result.message } : 'written';
  }

  test('creates the object on a free key, then answers the same URL 412 PreconditionFailed (with CORS headers) and keeps bytes, metadata and the single event', async ({ s3, expect }) => {
    const key = 'assets/alice/once/notes.txt';
    const url = await presignOnce(s3.client, key);

    const first = await fetch(url, { method: 'PUT', body: 'first', headers: ONCE_HEADERS });
    const second = await fetch(url, { method: 'PUT', body: 'other', headers: { ...ONCE_HEADERS, origin: ALLOWED_ORIGIN } });

    expect({
      first: { status: first.status, etag: first.headers.get('etag') },
      second: {
        status: second.status,
        contentType: second.headers.get('content-type'),
        allowOrigin: second.headers.get('access-control-allow-origin'),
        error: readS3Error(await second.text()),
      },
      stored: await read(s3.client, key),
      events: await eventsFor(s3, key),
    }).toEqual({
      first: { status: 200, etag: `"${md5('first')}"` },
      second: { status: 412, contentType: 'application/xml', allowOrigin: ALLOWED_ORIGIN, error: PRECONDITION_FAILED },
      stored: { body: 'first', contentType: 'text/plain', etag: `"${md5('first')}"` },
      events: [md5('first')],
    });
  });

  test('refuses any conditional PUT onto an existing key, while a PUT without the header still replaces it (S3 overwrites by default)', async ({ s3, expect }) => {
    const key = 'assets/alice/once-existing/notes.txt';
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'kept', ContentType: 'text/plain' }));

    const conditional = await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'lost', IfNoneMatch: '*' })).catch((e: unknown) => e);
    const afterConditional = await read(s3.client, key);
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'replaced', ContentType: 'text/plain' }));

    expect({ conditional: sdkOutcome(conditional), afterConditional, afterPlain: await read(s3.client, key) }).toEqual({
      conditional: { name: 'PreconditionFailed', status: 412, message: 'At least one of the pre-conditions you specified did not hold' },
      afterConditional: { body: 'kept', contentType: 'text/plain', etag: `"${md5('kept')}"` },
      afterPlain: { body: 'replaced', contentType: 'text/plain', etag: `"${md5('replaced')}"` },
    });
  });

  test('refuses CompleteMultipartUpload with If-None-Match: * onto an existing key, and completes it onto a free one', async ({ s3, expect }) => {
    const taken = 'assets/alice/once-mpu/taken.bin';
    const free = 'assets/alice/once-mpu/free.bin';
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: taken, Body: 'kept', ContentType: 'text/plain' }));
    const complete = async (key: string): Promise<unknown> => {
      const { UploadId } = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ContentType: 'application/octet-stream' }));
      const { ETag } = await s3.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: 'parts' }));
      return s3.client
        .send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, IfNoneMatch: '*', MultipartUpload: { Parts: [{ ETag, PartNumber: 1 }] } }))
        .catch((e: unknown) => e);
    };

    const outcomes = { taken: sdkOutcome(await complete(taken)), free: sdkOutcome(await complete(free)) };

    expect({ outcomes, taken: await read(s3.client, taken), free: (await read(s3.client, free)).body, takenEvents: await eventsFor(s3, taken) }).toEqual({
      outcomes: { taken: { name: 'PreconditionFailed', status: 412, message: 'At least one of the pre-conditions you specified did not hold' }, free: 'written' },
      taken: { body: 'kept', contentType: 'text/plain', etag: `"${md5('kept')}"` },
      free: 'parts',
      takenEvents: [md5('kept')],
    });
  });

  test('refuses CopyObject with If-None-Match: * onto an existing key and keeps the destination', async ({ s3, expect }) => {
    const source = 'assets/alice/once-copy/source.txt';
    const destination = 'assets/alice/once-copy/destination.txt';
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: source, Body: 'source', ContentType: 'text/plain' }));
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: destination, Body: 'kept', ContentType: 'text/plain' }));

    const copied = await s3.client.send(new CopyObjectCommand({ Bucket: BUCKET, Key: destination, CopySource: `${BUCKET}/${source}`, IfNoneMatch: '*' })).catch((e: unknown) => e);

    expect({ copied: sdkOutcome(copied), destination: await read(s3.client, destination) }).toEqual({
      copied: { name: 'PreconditionFailed', status: 412, message: 'At least one of the pre-conditions you specified did not hold' },
      destination: { body: 'kept', contentType: 'text/plain', etag: `"${md5('kept')}"` },
    });
  });

  test('of eight concurrent conditional PUTs to a new key, exactly one stores its bytes and is announced; the others answer 412', async ({ s3, expect }) => {
    const key = 'assets/alice/once-race/notes.txt';
    const url = await presignOnce(s3.client, key);
    const bodies = Array.from({ length: 8 }, (_, i) => `writer ${i}`);

    const results = await Promise.all(
      bodies.map(async (body) => {
        const response = await fetch(url, { method: 'PUT', body, headers: ONCE_HEADERS });
        const text = await response.text();
        return { body, status: response.status, error: response.ok ? null : readS3Error(text) };
      }),
    );

    const winners = results.filter((result) => result.status === 200);
    const winner = winners[0]?.body ?? 'none';
    expect({
      winners: winners.length,
      losers: results.filter((result) => result.status !== 200).map(({ status, error }) => ({ status, error })),
      stored: (await read(s3.client, key)).body,
      events: await eventsFor(s3, key),
    }).toEqual({
      winners: 1,
      losers: Array.from({ length: 7 }, () => ({ status: 412, error: PRECONDITION_FAILED })),
      stored: winner,
      events: [md5(winner)],
    });
  });

  test('answers If-None-Match with a value other than * with 501 NotImplemented, as S3 does on writes, and stores nothing', async ({ s3, expect }) => {
    const key = 'assets/alice/once-etag/notes.txt';
    const url = await presignOnce(s3.client, key, '"0123456789abcdef0123456789abcdef"');
    const response = await fetch(url, { method: 'PUT', body: 'x', headers: { 'content-type': 'text/plain', 'if-none-match': '"0123456789abcdef0123456789abcdef"' } });

    expect({ status: response.status, error: readS3Error(await response.text()), exists: await s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(() => true, () => false) }).toEqual({
      status: 501,
      error: {
        Code: 'NotImplemented',
        Message: 'A header you provided implies functionality that is not implemented',
        Header: 'If-None-Match',
        additionalMessage: "We don't accept the provided value of If-None-Match header for this API",
        RequestId: expect.stringMatching(REQUEST_ID),
        HostId: expect.stringMatching(HOST_ID),
      },
      exists: false,
    });
  });
});

describe('s3 store: event delivery', () => {
  base('retries a failing handler and reports each failed attempt', async () => {
    const delivered: ObjectCreatedEvent[] = [];
    const failures: { attempt: number; givenUp: boolean; message: string }[] = [];
    let calls = 0;
    const { store } = await startTestStore({
      onObjectCreated: (event) => {
        calls += 1;
        if (calls === 1) throw new Error('handler not ready');
        delivered.push(event);
      },
      onEventError: (error, _event, attempt, givenUp) => failures.push({ attempt, givenUp, message: (error as Error).message }),
    });
    const client = createS3Client(store.endpoint);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'assets/retry/a.txt', Body: 'a' }));
    client.destroy();
    await store.close();

    expect({ failures, delivered: delivered.map((event) => event.detail.object.key) }).toEqual({
      failures: [{ attempt: 1, givenUp: false, message: 'handler not ready' }],
      delivered: ['assets/retry/a.txt'],
    });
  });

  base('gives an event up after the configured attempts and says so', async () => {
    const failures: { key: string | undefined; attempt: number; givenUp: boolean }[] = [];
    const { store } = await startTestStore({
      eventAttempts: 2,
      onObjectCreated: () => Promise.reject(new Error('down')),
      onEventError: (_error, event, attempt, givenUp) => failures.push({ key: event?.detail.object.key, attempt, givenUp }),
    });
    const client = createS3Client(store.endpoint);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'assets/retry/b.txt', Body: 'b' }));
    client.destroy();
    await store.close();
    await store.close();

    expect(failures).toEqual([
      { key: 'assets/retry/b.txt', attempt: 1, givenUp: false },
      { key: 'assets/retry/b.txt', attempt: 2, givenUp: true },
    ]);
  });
});

describe('s3 store: large uploads and persistence', () => {
  test('streams a 24 MiB presigned upload to the store and reports its size', async ({ s3, expect }) => {
    const key = 'assets/alice/large/video.mp4';
    const body = randomBytes(24 * 1024 * 1024);
    const checksum = createHash('sha256').update(body).digest('base64');
    const url = await getSignedUrl(s3.client, new PutObjectCommand({ Bucket: BUCKET, Key: key, ContentType: 'video/mp4', ContentLength: body.length, ChecksumSHA256: checksum }), {
      expiresIn: 60,
      signableHeaders: new Set(['content-type', 'content-length']),
      unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
    });
    const response = await fetch(url, { method: 'PUT', body, headers: { 'content-type': 'video/mp4', 'x-amz-checksum-sha256': checksum } });
    expect(response.status).toBe(200);

    const got = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const stored = Buffer.from((await got.Body?.transformToByteArray()) ?? []);
    expect({ equal: stored.equals(body), event: await s3.log.next(key) }).toEqual({
      equal: true,
      event: expectedEvent(key, body.length, createHash('md5').update(body).digest('hex'), 'PutObject'),
    });
  });

  base('keeps the bucket and its objects in dataDir across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 's3-store-'));
    try {
      const first = await startTestStore({ dataDir });
      const client = createS3Client(first.store.endpoint);
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'assets/kept/file.txt', Body: 'kept', ContentType: 'text/plain' }));
      client.destroy();
      await first.store.close();

      const second = await startTestStore({ dataDir });
      const again = createS3Client(second.store.endpoint);
      const got = await again.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'assets/kept/file.txt' }));
      const result = { body: await got.Body?.transformToString(), contentType: got.ContentType };
      again.destroy();
      await second.store.close();
      expect(result).toEqual({ body: 'kept', contentType: 'text/plain' });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
