/**
 * The embedded S3 store's front against requests signed with the published dev credentials
 * (`TEST_CREDENTIALS`): path traversal through keys, bucket names, upload ids, part numbers and copy
 * sources, and bucket- or service-level operations the asset flow never makes. Every request is
 * sent over raw HTTP (node:http), so the path reaches the store exactly as written, and after each
 * one the folders beside the store are compared with what was there before.
 *
 * Expected codes are S3's (docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html); the
 * deployed stack's Lambdas may only get, put and delete objects (`api/definition.ts`), so anything
 * else is AccessDenied here too.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { escapeUri } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { test as base, describe, expect } from 'vitest';

import { HOST_ID, REGION, REQUEST_ID, readS3Error, startTestStore } from '../integration/fixtures/s3-fixtures.ts';
import { TEST_CREDENTIALS } from '../support/credentials.ts';

/** The bucket `npm start` serves. */
const BUCKET = 'asset-api-local-assets';
const UPLOAD_ID = '0123456789abcdef0123456789abcdef';

interface Front {
  readonly endpoint: string;
  /** Holds the store folder (`store/`) and the canaries beside it. */
  readonly sandbox: string;
}

/** One store for the file, in `<sandbox>/store`, signed for with the dev credentials (STYLE 17). */
const test = base.extend<{ front: Front }>({
  front: [
    async ({}, use) => {
      const sandbox = await mkdtemp(join(tmpdir(), 'asset-api-s3-front-'));
      const { store } = await startTestStore({ dataDir: join(sandbox, 'store'), bucketName: BUCKET, credentials: TEST_CREDENTIALS });
      await use({ endpoint: store.endpoint, sandbox });
      await store.close();
      await rm(sandbox, { recursive: true, force: true });
    },
    { scope: 'file' },
  ],
});

/** Canaries beside the store: a folder an escaped DeleteBucket would remove, and a file shaped like an s3rver object. */
const CANARIES = ['canary', 'canary/keep.txt', 'loot', 'loot/secret._S3rver_object'];

async function plantCanaries(sandbox: string): Promise<void> {
  for (const name of await readdir(sandbox)) if (name !== 'store') await rm(join(sandbox, name), { recursive: true, force: true });
  await mkdir(join(sandbox, 'canary'));
  await writeFile(join(sandbox, 'canary', 'keep.txt'), 'keep');
  await mkdir(join(sandbox, 'loot'));
  await writeFile(join(sandbox, 'loot', 'secret._S3rver_object'), 'secret');
}

/** Everything in the sandbox outside the store folder, sorted. */
async function outsideStore(sandbox: string): Promise<string[]> {
  const entries = await readdir(sandbox, { recursive: true });
  return entries.filter((entry) => entry !== 'store' && !entry.startsWith('store/')).sort();
}

interface RawRequest {
  readonly method: string;
  /** Sent exactly as written. */
  readonly path: string;
  /** Raw query string without `?`, sent exactly as written. */
  readonly query?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

interface RawResponse {
  readonly status: number;
  readonly body: string;
}

function decodeOrKeep(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Signs with `@smithy/signature-v4` as an S3 client would (the path encoded once, each segment
 * decoded and escaped strictly, as S3 canonicalizes it) and sends the raw path and query unchanged.
 */
async function sendSigned(endpoint: string, request: RawRequest): Promise<RawResponse> {
  const url = new URL(endpoint);
  const body = request.body ?? '';
  const query: Record<string, string> = {};
  for (const part of (request.query ?? '').split('&').filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    query[decodeOrKeep(eq === -1 ? part : part.slice(0, eq))] = eq === -1 ? '' : decodeOrKeep(part.slice(eq + 1));
  }
  const signer = new SignatureV4({ service: 's3', region: REGION, credentials: TEST_CREDENTIALS, sha256: Sha256, uriEscapePath: false, applyChecksum: true });
  const signed = await signer.sign({
    method: request.method,
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: request.path.split('/').map((segment) => escapeUri(decodeOrKeep(segment))).join('/'),
    query,
    headers: { host: url.host, 'content-length': String(Buffer.byteLength(body)), ...request.headers },
    body,
  });
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: url.hostname, port: url.port, method: request.method, path: request.path + (request.query === undefined ? '' : `?${request.query}`), headers: signed.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** The response as status and decoded error elements (an empty object for a body that is not an S3 error). */
function describeResponse(response: RawResponse): { status: number; error: Record<string, string> } {
  return { status: response.status, error: response.body.includes('<Error>') ? readS3Error(response.body) : {} };
}

const ERROR_IDS = { RequestId: expect.stringMatching(REQUEST_ID), HostId: expect.stringMatching(HOST_ID) };
const ACCESS_DENIED = { status: 403, error: { Code: 'AccessDenied', Message: 'Access Denied', ...ERROR_IDS } };
const INVALID_URI = { status: 400, error: { Code: 'InvalidURI', Message: "Couldn't parse the specified URI.", ...ERROR_IDS } };
function invalidBucketName(name: string): { status: number; error: Record<string, unknown> } {
  return { status: 400, error: { Code: 'InvalidBucketName', Message: 'The specified bucket is not valid.', BucketName: name, ...ERROR_IDS } };
}
function invalidCopySource(value: string): { status: number; error: Record<string, unknown> } {
  return {
    status: 400,
    error: { Code: 'InvalidArgument', Message: 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', ArgumentName: 'x-amz-copy-source', ArgumentValue: value, ...ERROR_IDS },
  };
}

interface AttackCase {
  readonly name: string;
  readonly request: RawRequest;
  readonly expected: { status: number; error: Record<string, unknown> };
}

const PUT_PROOF = { method: 'PUT', body: 'proof', headers: { 'content-type': 'text/plain' } } as const;

const KEY_ATTACKS: readonly AttackCase[] = [
  { name: 'a key that starts with encoded ../ segments', request: { ...PUT_PROOF, path: `/${BUCKET}/..%2F..%2Fcanary%2Fproof` }, expected: INVALID_URI },
  { name: 'encoded ../ segments after the assets/ prefix', request: { ...PUT_PROOF, path: `/${BUCKET}/assets%2F..%2F..%2F..%2Fcanary%2Fproof` }, expected: INVALID_URI },
  { name: 'literal ../ segments', request: { ...PUT_PROOF, path: `/${BUCKET}/assets/../../../canary/proof` }, expected: INVALID_URI },
  { name: 'lower-case %2e%2e segments', request: { ...PUT_PROOF, path: `/${BUCKET}/assets/%2e%2e/%2e%2e/%2e%2e/canary/proof` }, expected: INVALID_URI },
  { name: 'upper-case %2E%2E segments', request: { ...PUT_PROOF, path: `/${BUCKET}/assets/%2E%2E/%2E%2E/%2E%2E/canary/proof` }, expected: INVALID_URI },
  { name: 'half-encoded .%2e segments', request: { ...PUT_PROOF, path: `/${BUCKET}/assets/.%2e/.%2e/.%2e/canary/proof` }, expected: INVALID_URI },
  { name: 'a /./ segment before ../ segments', request: { ...PUT_PROOF, path: `/${BUCKET}/assets/./../../../canary/proof` }, expected: INVALID_URI },
  { name: 'a segment of three dots (trailing dots)', request: { ...PUT_PROOF, path: `/${BUCKET}/assets/alice/..%2e/proof` }, expected: INVALID_URI },
  { name: 'a segment of two dots and a space', request: { ...PUT_PROOF, path: `/${BUCKET}/assets/alice/..%20/proof` }, expected: INVALID_URI },
  { name: 'encoded backslashes', request: { ...PUT_PROOF, path: `/${BUCKET}/assets%5c..%5c..%5c..%5ccanary%5cproof` }, expected: INVALID_URI },
  { name: 'a NUL byte', request: { ...PUT_PROOF, path: `/${BUCKET}/assets/alice/proof%00.png` }, expected: INVALID_URI },
  { name: 'overlong UTF-8 dots (%c0%ae)', request: { ...PUT_PROOF, path: `/${BUCKET}/assets/%c0%ae%c0%ae/%c0%ae%c0%ae/%c0%ae%c0%ae/canary/proof` }, expected: INVALID_URI },
  { name: 'an absolute key (double slash)', request: { ...PUT_PROOF, path: `/${BUCKET}//tmp/proof` }, expected: INVALID_URI },
  { name: 'an absolute key (encoded slash)', request: { ...PUT_PROOF, path: `/${BUCKET}/%2Ftmp%2Fproof` }, expected: INVALID_URI },
  { name: 'a key outside the assets/ prefix', request: { ...PUT_PROOF, path: `/${BUCKET}/other/proof` }, expected: ACCESS_DENIED },
  { name: 'the bare prefix as a key', request: { ...PUT_PROOF, path: `/${BUCKET}/assets` }, expected: ACCESS_DENIED },
  { name: 'a GET of a traversing key', request: { method: 'GET', path: `/${BUCKET}/assets/%2e%2e/%2e%2e/%2e%2e/loot/secret` }, expected: INVALID_URI },
  { name: 'a DELETE of a traversing key', request: { method: 'DELETE', path: `/${BUCKET}/..%2F..%2Fcanary%2Fkeep.txt` }, expected: INVALID_URI },
];

const BUCKET_ATTACKS: readonly AttackCase[] = [
  { name: 'DeleteBucket of an encoded ../ bucket name', request: { method: 'DELETE', path: '/..%2Fcanary' }, expected: invalidBucketName('../canary') },
  { name: 'CreateBucket of an encoded ../ bucket name', request: { method: 'PUT', path: '/..%2Fcreated' }, expected: invalidBucketName('../created') },
  { name: 'DeleteBucket of %2e%2e', request: { method: 'DELETE', path: '/%2e%2e' }, expected: invalidBucketName('..') },
  { name: 'a GetObject through a ../ bucket name', request: { method: 'GET', path: '/..%2Floot/secret' }, expected: invalidBucketName('../loot') },
  { name: 'a well-formed bucket name that is not the store bucket', request: { method: 'PUT', path: '/another-bucket' }, expected: ACCESS_DENIED },
  { name: 'ListBuckets', request: { method: 'GET', path: '/' }, expected: ACCESS_DENIED },
  { name: 'DeleteBucket of the store bucket', request: { method: 'DELETE', path: `/${BUCKET}` }, expected: ACCESS_DENIED },
  { name: 'ListObjectsV2', request: { method: 'GET', path: `/${BUCKET}`, query: 'list-type=2' }, expected: ACCESS_DENIED },
  { name: 'ListObjects with a trailing slash', request: { method: 'GET', path: `/${BUCKET}/` }, expected: ACCESS_DENIED },
  {
    name: 'PutBucketCors',
    request: { method: 'PUT', path: `/${BUCKET}`, query: 'cors', body: '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>' },
    expected: ACCESS_DENIED,
  },
  { name: 'PutBucketPolicy', request: { method: 'PUT', path: `/${BUCKET}`, query: 'policy', body: '{}' }, expected: ACCESS_DENIED },
  { name: 'GetBucketAcl', request: { method: 'GET', path: `/${BUCKET}`, query: 'acl' }, expected: ACCESS_DENIED },
  { name: 'PutBucketLifecycleConfiguration', request: { method: 'PUT', path: `/${BUCKET}`, query: 'lifecycle', body: '<LifecycleConfiguration/>' }, expected: ACCESS_DENIED },
  {
    name: 'DeleteObjects (keys in the body)',
    request: { method: 'POST', path: `/${BUCKET}`, query: 'delete', body: '<Delete><Object><Key>../../canary/keep.txt</Key></Object></Delete>' },
    expected: ACCESS_DENIED,
  },
];

const MULTIPART_AND_COPY_ATTACKS: readonly AttackCase[] = [
  {
    name: 'UploadPart with a traversing uploadId',
    request: { ...PUT_PROOF, path: `/${BUCKET}/assets/alice/mpu/video.mp4`, query: 'partNumber=1&uploadId=..%2F..%2F..%2Fcanary' },
    expected: {
      status: 404,
      error: {
        Code: 'NoSuchUpload',
        Message: 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
        UploadId: '../../../canary',
        ...ERROR_IDS,
      },
    },
  },
  {
    name: 'UploadPart with a traversing partNumber',
    request: { ...PUT_PROOF, path: `/${BUCKET}/assets/alice/mpu/video.mp4`, query: `partNumber=..%2F..%2F..%2F..%2Fcanary%2Fproof&uploadId=${UPLOAD_ID}` },
    expected: {
      status: 400,
      error: { Code: 'InvalidArgument', Message: 'Part number must be an integer between 1 and 10000, inclusive', ArgumentName: 'partNumber', ArgumentValue: '../../../../canary/proof', ...ERROR_IDS },
    },
  },
  {
    name: 'CompleteMultipartUpload with a traversing uploadId',
    request: {
      method: 'POST',
      path: `/${BUCKET}/assets/alice/mpu/video.mp4`,
      query: 'uploadId=..%2F..%2F..%2Fcanary',
      body: '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>',
    },
    expected: {
      status: 404,
      error: {
        Code: 'NoSuchUpload',
        Message: 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
        UploadId: '../../../canary',
        ...ERROR_IDS,
      },
    },
  },
  {
    name: 'CopyObject from a traversing source key',
    request: { method: 'PUT', path: `/${BUCKET}/assets/alice/stolen/secret`, headers: { 'x-amz-copy-source': `/${BUCKET}/assets/../../../loot/secret` } },
    expected: invalidCopySource(`/${BUCKET}/assets/../../../loot/secret`),
  },
  {
    name: 'CopyObject from a ../ source bucket',
    request: { method: 'PUT', path: `/${BUCKET}/assets/alice/stolen/secret`, headers: { 'x-amz-copy-source': '/../loot/secret' } },
    expected: invalidCopySource('/../loot/secret'),
  },
  {
    name: 'CopyObject from a source outside the assets/ prefix',
    request: { method: 'PUT', path: `/${BUCKET}/assets/alice/stolen/secret`, headers: { 'x-amz-copy-source': `${BUCKET}/other/secret` } },
    expected: ACCESS_DENIED,
  },
];

describe('s3 front: traversal and out-of-scope requests signed with the dev credentials', () => {
  test.for([...KEY_ATTACKS, ...BUCKET_ATTACKS, ...MULTIPART_AND_COPY_ATTACKS])('refuses $name and leaves the folders beside the store alone', async ({ request, expected }, { front, expect }) => {
    await plantCanaries(front.sandbox);

    const response = await sendSigned(front.endpoint, request);

    expect({ response: describeResponse(response), outside: await outsideStore(front.sandbox) }).toEqual({ response: expected, outside: CANARIES });
    expect(await readFile(join(front.sandbox, 'canary', 'keep.txt'), 'utf8')).toBe('keep');
  });

  test('stores a double-encoded key as the literal key, inside the bucket folder', async ({ front, expect }) => {
    await plantCanaries(front.sandbox);
    const path = `/${BUCKET}/assets/%252e%252e/%252e%252e/%252e%252e/canary/proof`;

    const put = await sendSigned(front.endpoint, { ...PUT_PROOF, path });
    const got = await sendSigned(front.endpoint, { method: 'GET', path });

    expect({
      put: put.status,
      got: { status: got.status, body: got.body },
      stored: await readFile(join(front.sandbox, 'store', BUCKET, 'assets', '%2e%2e', '%2e%2e', '%2e%2e', 'canary', 'proof._S3rver_object'), 'utf8'),
      outside: await outsideStore(front.sandbox),
    }).toEqual({ put: 200, got: { status: 200, body: 'proof' }, stored: 'proof', outside: CANARIES });
  });

  test('still stores, reads and deletes an asset key signed with the dev credentials', async ({ front, expect }) => {
    const path = `/${BUCKET}/assets/alice/a1b2/photo%20one.png`;

    const put = await sendSigned(front.endpoint, { ...PUT_PROOF, path });
    const got = await sendSigned(front.endpoint, { method: 'GET', path });
    const deleted = await sendSigned(front.endpoint, { method: 'DELETE', path });
    const after = await sendSigned(front.endpoint, { method: 'GET', path });

    expect({ put: put.status, got: { status: got.status, body: got.body }, deleted: deleted.status, after: describeResponse(after) }).toEqual({
      put: 200,
      got: { status: 200, body: 'proof' },
      deleted: 204,
      after: { status: 404, error: { Code: 'NoSuchKey', Message: 'The specified key does not exist.', Key: 'assets/alice/a1b2/photo one.png', ...ERROR_IDS } },
    });
  });
});

describe('s3 front: SigV4 host header', () => {
  test('refuses an HTTP/1.0 request without Host whose SignedHeaders leave out host with 403 HeadersNotSigned', async ({ front, expect }) => {
    const url = new URL(front.endpoint);
    const signer = new SignatureV4({ service: 's3', region: REGION, credentials: TEST_CREDENTIALS, sha256: Sha256, uriEscapePath: false, applyChecksum: true });
    const path = `/${BUCKET}/assets/alice/no-host/photo.png`;
    const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path, query: {}, headers: {} });
    const head = [`GET ${path} HTTP/1.0`, ...Object.entries(signed.headers).map(([name, value]) => `${name}: ${value}`), '', ''].join('\r\n');

    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.write(head));
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      socket.on('error', reject);
    });

    expect({
      signedHeaders: /SignedHeaders=([^,]+)/.exec(signed.headers['authorization'] ?? '')?.[1],
      status: /^HTTP\/1\.[01] (\d{3})/.exec(raw)?.[1],
      error: describeResponse({ status: 0, body: raw.slice(raw.indexOf('\r\n\r\n') + 4) }).error,
    }).toEqual({
      signedHeaders: 'x-amz-content-sha256;x-amz-date',
      status: '403',
      error: { Code: 'AccessDenied', Message: 'There were headers present in the request which were not signed', HeadersNotSigned: 'host', ...ERROR_IDS },
    });
  });
});
