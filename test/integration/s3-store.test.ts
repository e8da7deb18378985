/**
 * The local S3 store around the verifier: bucket CORS, "Object Created" events (the shape S3 sends
 * to EventBridge, docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html), their delivery,
 * large uploads and persistence across restarts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
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
  test('answers a preflight from an allowed origin with the bucket rule', async ({ s3, expect }) => {
    const response = await fetch(`${s3.endpoint}/${BUCKET}/assets/alice/x/photo.png`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'Content-Type, x-amz-checksum-sha256' },
    });
    const cors = Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary'));
    expect({ status: response.status, cors, body: await response.text() }).toEqual({
      status: 200,
      cors: {
        'access-control-allow-origin': ALLOWED_ORIGIN,
        'access-control-allow-methods': 'GET, PUT, HEAD',
        'access-control-allow-headers': 'content-type, x-amz-checksum-sha256',
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
