/**
 * The local S3 store checks SigV4 as S3 does: presigned URLs made by `@aws-sdk/s3-request-presigner`
 * and header-signed requests from `@aws-sdk/client-s3`, over real HTTP on 127.0.0.1.
 * Expected codes and messages are S3's; sources are listed in `local/s3/s3-errors.ts`.
 */
import { connect } from 'node:net';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect } from 'vitest';
import { BUCKET, CREDENTIALS, HOST_ID, REQUEST_ID, createS3Client, readS3Error, test } from './fixtures/s3-fixtures.ts';
import { objectExists } from '../support/object-exists.ts';

const BODY = Buffer.from('hello, asset');
const BODY_SHA256 = createHash('sha256').update(BODY).digest('base64');

/** A presigned PUT as the asset flow mints it: Content-Type, Content-Length, `If-None-Match: *` and the checksum are signed headers. */
async function presignUpload(endpoint: string, key: string, options: { expiresIn?: number; signingDate?: Date; credentials?: { accessKeyId: string; secretAccessKey: string } } = {}): Promise<string> {
  const client = createS3Client(endpoint, options.credentials);
  try {
    return await getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: BUCKET, Key: key, ContentType: 'image/png', ContentLength: BODY.length, ChecksumSHA256: BODY_SHA256, IfNoneMatch: '*' }),
      {
        expiresIn: options.expiresIn ?? 900,
        ...(options.signingDate ? { signingDate: options.signingDate } : {}),
        signableHeaders: new Set(['content-type', 'content-length', 'if-none-match']),
        unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
      },
    );
  } finally {
    client.destroy();
  }
}

const UPLOAD_HEADERS = { 'content-type': 'image/png', 'if-none-match': '*', 'x-amz-checksum-sha256': BODY_SHA256 };

const SIGNATURE_MISMATCH = {
  Code: 'SignatureDoesNotMatch',
  Message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  AWSAccessKeyId: CREDENTIALS.accessKeyId,
  StringToSign: expect.stringMatching(/^AWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n\d{8}\/us-east-1\/s3\/aws4_request\n[0-9a-f]{64}$/),
  SignatureProvided: expect.stringMatching(/^[0-9a-f]{64}$/),
  StringToSignBytes: expect.stringMatching(/^[0-9a-f]{2}( [0-9a-f]{2})*$/),
  CanonicalRequest: expect.stringMatching(/^PUT\n/),
  CanonicalRequestBytes: expect.stringMatching(/^[0-9a-f]{2}( [0-9a-f]{2})*$/),
  RequestId: expect.stringMatching(REQUEST_ID),
  HostId: expect.stringMatching(HOST_ID),
};

describe('s3 verifier: presigned PUT', () => {
  test('stores the object for a valid URL and answers 200 with its ETag', async ({ s3, expect }) => {
    const key = 'assets/alice/valid/photo.png';
    const response = await fetch(await presignUpload(s3.endpoint, key), { method: 'PUT', body: BODY, headers: UPLOAD_HEADERS });

    expect({ status: response.status, body: await response.text(), etag: response.headers.get('etag') }).toEqual({
      status: 200,
      body: '',
      etag: `"${createHash('md5').update(BODY).digest('hex')}"`,
    });
    const stored = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect({ body: await stored.Body?.transformToString(), contentType: stored.ContentType, contentLength: stored.ContentLength }).toEqual({
      body: BODY.toString(),
      contentType: 'image/png',
      contentLength: BODY.length,
    });
  });

  test('refuses a tampered signature with 403 SignatureDoesNotMatch and stores nothing', async ({ s3, expect }) => {
    const key = 'assets/alice/tampered/photo.png';
    const url = new URL(await presignUpload(s3.endpoint, key));
    const signature = url.searchParams.get('X-Amz-Signature') ?? '';
    url.searchParams.set('X-Amz-Signature', (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1));
    const response = await fetch(url, { method: 'PUT', body: BODY, headers: UPLOAD_HEADERS });

    expect({ status: response.status, contentType: response.headers.get('content-type'), error: readS3Error(await response.text()) }).toEqual({
      status: 403,
      contentType: 'application/xml',
      error: SIGNATURE_MISMATCH,
    });
    expect(await objectExists(s3.client, BUCKET, key)).toBe(false);
  });

  test('refuses an expired URL with 403 AccessDenied "Request has expired"', async ({ s3, expect }) => {
    const key = 'assets/alice/expired/photo.png';
    const signingDate = new Date(Date.now() - 2 * 60 * 60 * 1000);
    signingDate.setMilliseconds(0);
    const url = await presignUpload(s3.endpoint, key, { expiresIn: 60, signingDate });
    const response = await fetch(url, { method: 'PUT', body: BODY, headers: UPLOAD_HEADERS });

    expect({ status: response.status, error: readS3Error(await response.text()) }).toEqual({
      status: 403,
      error: {
        Code: 'AccessDenied',
        Message: 'Request has expired',
        'X-Amz-Expires': '60',
        Expires: new Date(signingDate.getTime() + 60_000).toISOString().replace('.000Z', 'Z'),
        ServerTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
        RequestId: expect.stringMatching(REQUEST_ID),
        HostId: expect.stringMatching(HOST_ID),
      },
    });
    expect(await objectExists(s3.client, BUCKET, key)).toBe(false);
  });

  test('refuses another Content-Type than the signed one with 403 SignatureDoesNotMatch', async ({ s3, expect }) => {
    const key = 'assets/alice/other-type/photo.png';
    const response = await fetch(await presignUpload(s3.endpoint, key), { method: 'PUT', body: BODY, headers: { ...UPLOAD_HEADERS, 'content-type': 'text/html' } });

    expect({ status: response.status, error: readS3Error(await response.text()) }).toEqual({ status: 403, error: SIGNATURE_MISMATCH });
    expect(await objectExists(s3.client, BUCKET, key)).toBe(false);
  });

  test('refuses a PUT that leaves out the signed If-None-Match with 403 SignatureDoesNotMatch, which names it empty in the canonical request', async ({ s3, expect }) => {
    const key = 'assets/alice/no-condition/photo.png';
    const { 'if-none-match': _condition, ...headers } = UPLOAD_HEADERS;
    const response = await fetch(await presignUpload(s3.endpoint, key), { method: 'PUT', body: BODY, headers });

    expect({ status: response.status, error: readS3Error(await response.text()) }).toEqual({
      status: 403,
      error: { ...SIGNATURE_MISMATCH, CanonicalRequest: expect.stringMatching(/^PUT\n[^]*\nif-none-match:\nx-amz-checksum-sha256:[^\n]+\n\ncontent-length;content-type;host;if-none-match;x-amz-checksum-sha256\nUNSIGNED-PAYLOAD$/) },
    });
    expect(await objectExists(s3.client, BUCKET, key)).toBe(false);
  });

  test('refuses another Content-Length than the signed one with 403 SignatureDoesNotMatch', async ({ s3, expect }) => {
    const key = 'assets/alice/other-length/photo.png';
    const longer = Buffer.concat([BODY, Buffer.from('!')]);
    const response = await fetch(await presignUpload(s3.endpoint, key), { method: 'PUT', body: longer, headers: UPLOAD_HEADERS });

    expect({ status: response.status, error: readS3Error(await response.text()) }).toEqual({ status: 403, error: SIGNATURE_MISMATCH });
    expect(await objectExists(s3.client, BUCKET, key)).toBe(false);
  });

  test('refuses other bytes of the signed length with 400 BadDigest (the signed x-amz-checksum-sha256)', async ({ s3, expect }) => {
    const key = 'assets/alice/other-bytes/photo.png';
    const other = Buffer.from('HELLO, ASSET');
    const response = await fetch(await presignUpload(s3.endpoint, key), { method: 'PUT', body: other, headers: UPLOAD_HEADERS });

    expect({ status: response.status, error: readS3Error(await response.text()) }).toEqual({
      status: 400,
      error: {
        Code: 'BadDigest',
        Message: 'The SHA256 you specified did not match the calculated checksum.',
        RequestId: expect.stringMatching(REQUEST_ID),
        HostId: expect.stringMatching(HOST_ID),
      },
    });
    expect(await objectExists(s3.client, BUCKET, key)).toBe(false);
  });

  test('refuses an unknown access key with 403 InvalidAccessKeyId', async ({ s3, expect }) => {
    const key = 'assets/alice/unknown-key/photo.png';
    const url = await presignUpload(s3.endpoint, key, { credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'whatever' } });
    const response = await fetch(url, { method: 'PUT', body: BODY, headers: UPLOAD_HEADERS });

    expect({ status: response.status, error: readS3Error(await response.text()) }).toEqual({
      status: 403,
      error: {
        Code: 'InvalidAccessKeyId',
        Message: 'The AWS Access Key Id you provided does not exist in our records.',
        AWSAccessKeyId: 'AKIAUNKNOWNUNKNOWN00',
        RequestId: expect.stringMatching(REQUEST_ID),
        HostId: expect.stringMatching(HOST_ID),
      },
    });
    expect(await objectExists(s3.client, BUCKET, key)).toBe(false);
  });

  test('refuses X-Amz-Expires above a week with 400 AuthorizationQueryParametersError', async ({ s3, expect }) => {
    const url = new URL(await presignUpload(s3.endpoint, 'assets/alice/long/photo.png'));
    url.searchParams.set('X-Amz-Expires', '604801');
    const response = await fetch(url, { method: 'PUT', body: BODY, headers: UPLOAD_HEADERS });

    expect({ status: response.status, error: readS3Error(await response.text()) }).toEqual({
      status: 400,
      error: {
        Code: 'AuthorizationQueryParametersError',
        Message: 'X-Amz-Expires must be less than a week (in seconds) that is; the given X-Amz-Expires must be less than 604800 seconds',
        RequestId: expect.stringMatching(REQUEST_ID),
        HostId: expect.stringMatching(HOST_ID),
      },
    });
  });

  test('refuses an x-amz-* header the URL did not sign with 403 AccessDenied and HeadersNotSigned', async ({ s3, expect }) => {
    const client = createS3Client(s3.endpoint);
    const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: BUCKET, Key: 'assets/alice/unsigned/photo.png' }), { expiresIn: 60 });
    client.destroy();
    const response = await fetch(url, { method: 'PUT', body: BODY, headers: { 'x-amz-checksum-sha256': BODY_SHA256 } });

    expect({ status: response.status, error: readS3Error(await response.text()) }).toEqual({
      status: 403,
      error: {
        Code: 'AccessDenied',
        Message: 'There were headers present in the request which were not signed',
        HeadersNotSigned: 'x-amz-checksum-sha256',
        RequestId: expect.stringMatching(REQUEST_ID),
        HostId: expect.stringMatching(HOST_ID),
      },
    });
  });

  test("ignores the SDK's default query checksum (CRC32 of an empty body), as S3 does", async ({ s3, expect }) => {
    const key = 'assets/alice/default-presign/notes.txt';
    const client = createS3Client(s3.endpoint);
    const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 60 });
    client.destroy();
    const response = await fetch(url, { method: 'PUT', body: BODY });

    expect({ status: response.status, checksumInUrl: new URL(url).searchParams.get('x-amz-checksum-crc32') }).toEqual({ status: 200, checksumInUrl: 'AAAAAA==' });
    expect(await objectExists(s3.client, BUCKET, key)).toBe(true);
  });

  test('answers 400 IncompleteBody when the body ends before Content-Length, and stores nothing', async ({ s3, expect }) => {
    const key = 'assets/alice/short/photo.png';
    const url = new URL(await presignUpload(s3.endpoint, key));
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          `PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: image/png\r\nContent-Length: ${BODY.length}\r\n` +
            `If-None-Match: *\r\nx-amz-checksum-sha256: ${BODY_SHA256}\r\nConnection: close\r\n\r\n`,
        );
        socket.end(BODY.subarray(0, 5));
      });
      let data = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (data += chunk));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    const [statusLine] = raw.split('\r\n');
    expect({ statusLine, error: readS3Error(raw) }).toEqual({
      statusLine: 'HTTP/1.1 400 Bad Request',
      error: {
        Code: 'IncompleteBody',
        Message: 'You did not provide the number of bytes specified by the Content-Length HTTP header.',
        RequestId: expect.stringMatching(REQUEST_ID),
        HostId: expect.stringMatching(HOST_ID),
      },
    });
    expect(await objectExists(s3.client, BUCKET, key)).toBe(false);
  });

  test('refuses an unsigned request with 403 AccessDenied (the bucket is private)', async ({ s3, expect }) => {
    const response = await fetch(`${s3.endpoint}/${BUCKET}/assets/alice/valid/photo.png`);
    expect({ status: response.status, error: readS3Error(await response.text()) }).toEqual({
      status: 403,
      error: { Code: 'AccessDenied', Message: 'Access Denied', RequestId: expect.stringMatching(REQUEST_ID), HostId: expect.stringMatching(HOST_ID) },
    });
  });
});

describe('s3 verifier: presigned GET', () => {
  test('serves the object with the signed response-content-disposition', async ({ s3, expect }) => {
    const key = 'assets/alice/download/report.txt';
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: BODY, ContentType: 'text/plain' }));
    const url = await getSignedUrl(s3.client, new GetObjectCommand({ Bucket: BUCKET, Key: key, ResponseContentDisposition: 'attachment; filename="report.txt"' }), { expiresIn: 60 });
    const response = await fetch(url);

    expect({
      status: response.status,
      body: await response.text(),
      disposition: response.headers.get('content-disposition'),
      contentType: response.headers.get('content-type'),
    }).toEqual({ status: 200, body: BODY.toString(), disposition: 'attachment; filename="report.txt"', contentType: 'text/plain' });
  });
});

describe('s3 verifier: header-signed requests from @aws-sdk/client-s3', () => {
  test('PutObject, HeadObject, GetObject and DeleteObject work through the verifier; ListObjectsV2 is AccessDenied', async ({ s3, expect }) => {
    const key = 'assets/bob/sdk/a file (1).txt';
    const put = await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: BODY, ContentType: 'text/plain' }));
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    const got = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const body = await got.Body?.transformToString();
    // Bucket-level operations are refused (local/s3/request-scope.ts): the deployed Lambdas may only get, put and delete objects.
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'assets/bob/sdk/' })).catch((e: unknown) => e);
    await s3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));

    const etag = `"${createHash('md5').update(BODY).digest('hex')}"`;
    expect({
      putETag: put.ETag,
      head: { ContentLength: head.ContentLength, ContentType: head.ContentType, ETag: head.ETag },
      body,
      listed: listed instanceof S3ServiceException ? { name: listed.name, status: listed.$metadata.httpStatusCode, message: listed.message } : listed,
      existsAfterDelete: await objectExists(s3.client, BUCKET, key),
    }).toEqual({
      putETag: etag,
      head: { ContentLength: BODY.length, ContentType: 'text/plain', ETag: etag },
      body: BODY.toString(),
      listed: { name: 'AccessDenied', status: 403, message: 'Access Denied' },
      existsAfterDelete: false,
    });
  });

  test('accepts a streamed PutObject (aws-chunked with a trailing CRC32) and stores the decoded bytes', async ({ s3, expect }) => {
    const key = 'assets/bob/sdk/streamed.bin';
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Readable.from([BODY.subarray(0, 4), BODY.subarray(4)]), ContentLength: BODY.length }));
    const got = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect({ body: await got.Body?.transformToString(), length: got.ContentLength }).toEqual({ body: BODY.toString(), length: BODY.length });
  });

  test('answers 400 BadDigest for a CRC32 header that does not match the body', async ({ s3, expect }) => {
    const key = 'assets/bob/sdk/bad-crc.bin';
    const error = await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: BODY, ChecksumCRC32: 'AAAAAA==' })).catch((e: unknown) => e);
    expect(error instanceof S3ServiceException ? { name: error.name, status: error.$metadata.httpStatusCode, message: error.message } : error).toEqual({
      name: 'BadDigest',
      status: 400,
      message: 'The CRC32 you specified did not match the calculated checksum.',
    });
    expect(await objectExists(s3.client, BUCKET, key)).toBe(false);
  });

  test('answers 403 SignatureDoesNotMatch to a client with the wrong secret key', async ({ s3, expect }) => {
    const wrong = createS3Client(s3.endpoint, { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' });
    const error = await wrong.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'assets/bob/sdk/wrong.bin', Body: BODY })).catch((e: unknown) => e);
    wrong.destroy();
    expect(error instanceof S3ServiceException ? { name: error.name, status: error.$metadata.httpStatusCode } : error).toEqual({ name: 'SignatureDoesNotMatch', status: 403 });
  });

  test('passes s3rver errors through as S3 XML with RequestId and HostId', async ({ s3, expect }) => {
    const url = await getSignedUrl(s3.client, new GetObjectCommand({ Bucket: BUCKET, Key: 'assets/nobody/missing.txt' }), { expiresIn: 60 });
    const response = await fetch(url);
    expect({ status: response.status, requestId: response.headers.get('x-amz-request-id'), error: readS3Error(await response.text()) }).toEqual({
      status: 404,
      requestId: expect.stringMatching(REQUEST_ID),
      error: {
        Code: 'NoSuchKey',
        Message: 'The specified key does not exist.',
        Key: 'assets/nobody/missing.txt',
        RequestId: expect.stringMatching(REQUEST_ID),
        HostId: expect.stringMatching(HOST_ID),
      },
    });
  });
});
