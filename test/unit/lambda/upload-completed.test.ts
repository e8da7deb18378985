/**
 * The uploadCompleted Lambda bundle, called as the local runtime calls it (`createHandler(env)`),
 * with a real S3-compatible server (s3rver) and a stand-in for the AppSync endpoint that records the
 * mutation and checks its SigV4 signature with the local runtime's verifier.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse, print } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect } from 'vitest';
import { CompleteUploadDocument } from '../../../generated/operations.ts';
import { verifySigV4 } from '../../../local/auth/sigv4.ts';
import { COMPLETE_UPLOAD_MUTATION } from '../../../resolvers/lambda/shared/complete-upload-mutation.ts';
import { BUCKET, CREDENTIALS, REGION, importLambda, lambdaEnv, test } from './fixtures.ts';

const assetUrls = await importLambda('assetUrls');
const uploadCompleted = await importLambda('uploadCompleted');

interface RecordedCall {
  readonly variables: unknown;
  readonly query: string;
  readonly signer: unknown;
}

/** A stand-in for the GraphQL endpoint: answers `answer`, records each call. */
let answer: unknown = null;
const calls: RecordedCall[] = [];
let api: Server;
let graphqlUrl = '';

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  api = createServer((req, res) => {
    void readBody(req).then((body) => {
      const [path = '', query = ''] = (req.url ?? '').split('?');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
      let signer: unknown;
      try {
        signer = verifySigV4({ method: req.method ?? '', path, query, headers, body }, { credentials: [CREDENTIALS], service: 'appsync', now: new Date() });
      } catch (e) {
        signer = { rejected: (e as Error).message };
      }
      const parsed = JSON.parse(body) as { query: string; variables: unknown };
      calls.push({ variables: parsed.variables, query: parsed.query, signer });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  graphqlUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  api.closeAllConnections();
  await new Promise<void>((resolve) => api.close(() => resolve()));
});

beforeEach(() => {
  calls.length = 0;
  answer = null;
});

const OWNER = 'user-1';
const BYTES = Buffer.from('hello, asset');

function objectCreated(key: string, size: number, bucket = BUCKET) {
  return {
    version: '0',
    id: '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '123456789012',
    time: '2025-03-04T05:06:07Z',
    region: REGION,
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: { key, size, etag: 'b1946ac92492d2347c6235b4d2611184', sequencer: '00617F08299329D189' },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '123456789012',
      'source-ip-address': '127.0.0.1',
      reason: 'PutObject',
    },
  };
}

function asset(key: string, status: string) {
  const id = key.split('/')[2] ?? '';
  return {
    id,
    owner: OWNER,
    name: 'note.txt',
    contentType: 'text/plain',
    size: BYTES.length,
    checksumSha256: null,
    description: null,
    tags: null,
    status,
    createdAt: '2025-03-04T05:00:00.000Z',
    updatedAt: '2025-03-04T05:06:08.000Z',
  };
}

/** Uploads BYTES through a real ticket and returns a function telling whether the object exists. */
async function upload(endpoint: string, key: string): Promise<() => Promise<boolean>> {
  const urls = assetUrls.createHandler(lambdaEnv({ s3Endpoint: endpoint }));
  const ticket = (await urls({ action: 'mintUploadUrl', key, contentType: 'text/plain', size: BYTES.length, checksumSha256: null })) as {
    url: string;
    headers: { name: string; value: string }[];
  };
  const put = await fetch(ticket.url, { method: 'PUT', headers: Object.fromEntries(ticket.headers.map((h) => [h.name, h.value])), body: BYTES });
  expect(put.status).toBe(200);
  return async () => {
    const [download] = (await urls([{ action: 'mintDownloadUrl', key, name: 'note.txt' }])) as { data: { url: string } }[];
    return (await fetch(download?.data.url ?? '')).status === 200;
  };
}

let sequence = 0;
function newKey(): string {
  sequence += 1;
  return `assets/${OWNER}/00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}/note.txt`;
}

describe('uploadCompleted: the mutation it sends', () => {
  test('selects every Asset field except downloadUrl, as client/operations/complete-upload.graphql does', () => {
    expect(print(parse(COMPLETE_UPLOAD_MUTATION))).toBe(print(CompleteUploadDocument));
  });
});

describe('uploadCompleted: Object Created events', () => {
  test('reports the object with its S3 size and Content-Type through an IAM-signed completeUpload, and keeps a READY object', async ({ s3 }) => {
    const key = newKey();
    const exists = await upload(s3.endpoint, key);
    answer = { data: { completeUpload: asset(key, 'READY') } };
    const handler = uploadCompleted.createHandler(lambdaEnv({ s3Endpoint: s3.endpoint, graphqlUrl }));
    expect(await handler(objectCreated(key, BYTES.length))).toEqual({ outcome: 'COMPLETED', key, status: 'READY', deleted: false });
    expect(calls).toEqual([
      {
        query: COMPLETE_UPLOAD_MUTATION,
        variables: { input: { key, size: BYTES.length, contentType: 'text/plain' } },
        signer: { accessKeyId: CREDENTIALS.accessKeyId, region: REGION },
      },
    ]);
    expect(await exists()).toBe(true);
  });

  test('deletes the object when the API answers REJECTED', async ({ s3 }) => {
    const key = newKey();
    const exists = await upload(s3.endpoint, key);
    answer = { data: { completeUpload: asset(key, 'REJECTED') } };
    const handler = uploadCompleted.createHandler(lambdaEnv({ s3Endpoint: s3.endpoint, graphqlUrl }));
    expect(await handler(objectCreated(key, BYTES.length))).toEqual({ outcome: 'COMPLETED', key, status: 'REJECTED', deleted: true });
    expect(await exists()).toBe(false);
  });

  test('deletes the object when no asset waits for it (completeUpload answers null)', async ({ s3 }) => {
    const key = newKey();
    const exists = await upload(s3.endpoint, key);
    answer = { data: { completeUpload: null } };
    const handler = uploadCompleted.createHandler(lambdaEnv({ s3Endpoint: s3.endpoint, graphqlUrl }));
    expect(await handler(objectCreated(key, BYTES.length))).toEqual({ outcome: 'COMPLETED', key, status: null, deleted: true });
    expect(await exists()).toBe(false);
  });

  test('throws on GraphQL errors, so EventBridge retries, and leaves the object alone', async ({ s3 }) => {
    const key = newKey();
    const exists = await upload(s3.endpoint, key);
    answer = { data: { completeUpload: null }, errors: [{ message: 'The conditional request failed', errorType: 'DynamoDB:ConditionalCheckFailedException' }] };
    const handler = uploadCompleted.createHandler(lambdaEnv({ s3Endpoint: s3.endpoint, graphqlUrl }));
    await expect(handler(objectCreated(key, BYTES.length))).rejects.toThrow(
      'completeUpload failed: HTTP 200 [{"message":"The conditional request failed","errorType":"DynamoDB:ConditionalCheckFailedException"}]',
    );
    expect(await exists()).toBe(true);
  });

  test('keeps the object of an asset completed READY before (a repeated event), and removes a REJECTED one', async ({ s3 }) => {
    const readyKey = newKey();
    const readyExists = await upload(s3.endpoint, readyKey);
    answer = { data: { completeUpload: null }, errors: [{ message: 'Asset x is already READY', errorType: 'AlreadyCompleted', errorInfo: { status: 'READY' } }] };
    const handler = uploadCompleted.createHandler(lambdaEnv({ s3Endpoint: s3.endpoint, graphqlUrl }));
    expect(await handler(objectCreated(readyKey, BYTES.length))).toEqual({ outcome: 'ALREADY_COMPLETED', key: readyKey, status: 'READY', deleted: false });
    expect(await readyExists()).toBe(true);

    const rejectedKey = newKey();
    const rejectedExists = await upload(s3.endpoint, rejectedKey);
    answer = { data: { completeUpload: null }, errors: [{ message: 'Asset y is already REJECTED', errorType: 'AlreadyCompleted', errorInfo: { status: 'REJECTED' } }] };
    expect(await handler(objectCreated(rejectedKey, BYTES.length))).toEqual({ outcome: 'ALREADY_COMPLETED', key: rejectedKey, status: 'REJECTED', deleted: true });
    expect(await rejectedExists()).toBe(false);
  });

  test('does nothing for an object that is already gone', async ({ s3 }) => {
    const key = newKey();
    const handler = uploadCompleted.createHandler(lambdaEnv({ s3Endpoint: s3.endpoint, graphqlUrl }));
    expect(await handler(objectCreated(key, 10))).toEqual({ outcome: 'GONE', key });
    expect(calls).toEqual([]);
  });

  test('ignores objects of another bucket and keys outside the asset prefix', async ({ s3 }) => {
    const handler = uploadCompleted.createHandler(lambdaEnv({ s3Endpoint: s3.endpoint, graphqlUrl }));
    expect([await handler(objectCreated('assets/u/i/n.txt', 1, 'other-bucket')), await handler(objectCreated('logs/2025/x.log', 1))]).toEqual([
      { outcome: 'IGNORED', key: 'assets/u/i/n.txt', reason: `bucket other-bucket is not ${BUCKET}` },
      { outcome: 'IGNORED', key: 'logs/2025/x.log', reason: 'not an asset key under assets/' },
    ]);
    expect(calls).toEqual([]);
  });

  test('throws on events that are not S3 Object Created events, naming what is wrong', async ({ s3 }) => {
    const handler = uploadCompleted.createHandler(lambdaEnv({ s3Endpoint: s3.endpoint, graphqlUrl }));
    const event = objectCreated('assets/u/i/n.txt', 1);
    const outcomes = await Promise.all(
      [
        { ...event, 'detail-type': 'Object Deleted' },
        { ...event, detail: { ...event.detail, object: { key: 'assets/u/i/n.txt' } } },
        { ...event, detail: { ...event.detail, bucket: {} } },
      ].map((e) => handler(e).then(() => 'handled', (error: Error) => error.message)),
    );
    expect(outcomes).toEqual([
      'expected an EventBridge event with source "aws.s3" and detail-type "Object Created"',
      'event.detail.object.size must be a non-negative integer, got undefined',
      'event.detail.bucket.name must be a non-empty string',
    ]);
  });
});
