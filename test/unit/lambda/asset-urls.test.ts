/**
 * The assetUrls Lambda bundle, called as the local runtime calls it (`createHandler(env)`), against
 * a real S3-compatible server (s3rver) for the bytes, and S3's SigV4 rules (local/s3's verifier)
 * for the signatures.
 */
import { createHash } from 'node:crypto';
import { describe, expect } from 'vitest';
import { verifyRequestHead } from '../../../local/s3/sigv4-verifier.ts';
import { BUCKET, CREDENTIALS, REGION, importLambda, lambdaEnv, test } from './fixtures.ts';

const { createHandler } = await importLambda('assetUrls');

const NOW = new Date('2025-03-04T05:06:07.890Z');
const KEY = 'assets/user-1/0b6f4a52-3c1e-4d7b-9a1f-2e5c8d7b6a40/report.pdf';
const BYTES = Buffer.from('%PDF-1.7 a small test document\n');
const SHA256 = createHash('sha256').update(BYTES).digest('base64');

interface Ticket {
  url: string;
  method: string;
  headers: { name: string; value: string }[];
  expiresAt: string;
}

function signedHeadersOf(url: string): string | null {
  return new URL(url).searchParams.get('X-Amz-SignedHeaders');
}

function headersOf(ticket: Ticket): Record<string, string> {
  return Object.fromEntries(ticket.headers.map((h) => [h.name, h.value]));
}

/** The request head S3 would see for `url` sent with `headers`. */
function head(method: string, url: string, headers: Record<string, string>) {
  const u = new URL(url);
  const all: Record<string, string[]> = { host: [u.host] };
  for (const [name, value] of Object.entries(headers)) all[name.toLowerCase()] = [value];
  return { method, url: `${u.pathname}${u.search}`, headers: all };
}

describe('assetUrls: mintUploadUrl (Invoke)', () => {
  test('answers a PUT ticket whose URL signs content-type, content-length, host, if-none-match and the checksum, and nothing from the S3 client', async () => {
    const handler = createHandler(lambdaEnv(), { now: () => NOW });
    const ticket = (await handler({ action: 'mintUploadUrl', key: KEY, contentType: 'application/pdf', size: BYTES.length, checksumSha256: SHA256 })) as Ticket;
    const url = new URL(ticket.url);
    expect({ ...ticket, url: `${url.origin}${url.pathname}` }).toEqual({
      url: `https://${BUCKET}.s3.${REGION}.amazonaws.com/${KEY}`,
      method: 'PUT',
      headers: [
        { name: 'content-type', value: 'application/pdf' },
        { name: 'content-length', value: String(BYTES.length) },
        // Write once: S3 refuses a second PUT to the key with 412 (docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
        { name: 'if-none-match', value: '*' },
        { name: 'x-amz-checksum-sha256', value: SHA256 },
      ],
      expiresAt: '2025-03-04T05:21:07.000Z',
    });
    expect([...url.searchParams.keys()].sort()).toEqual([
      'X-Amz-Algorithm',
      'X-Amz-Content-Sha256',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-Expires',
      'X-Amz-Signature',
      'X-Amz-SignedHeaders',
    ]);
    expect(Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'X-Amz-Signature'))).toEqual({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD',
      'X-Amz-Credential': `S3RVER/20250304/${REGION}/s3/aws4_request`,
      'X-Amz-Date': '20250304T050607Z',
      'X-Amz-Expires': '900',
      'X-Amz-SignedHeaders': 'content-length;content-type;host;if-none-match;x-amz-checksum-sha256',
    });
  });

  test('signs content-type, content-length, host and if-none-match when no checksum is given', async () => {
    const handler = createHandler(lambdaEnv(), { now: () => NOW });
    const ticket = (await handler({ action: 'mintUploadUrl', key: KEY, contentType: 'text/plain', size: 5, checksumSha256: null })) as Ticket;
    expect(signedHeadersOf(ticket.url)).toBe('content-length;content-type;host;if-none-match');
    expect(ticket.headers).toEqual([
      { name: 'content-type', value: 'text/plain' },
      { name: 'content-length', value: '5' },
      { name: 'if-none-match', value: '*' },
    ]);
  });

  test('passes S3 SigV4 verification with the ticket headers, and fails with another type, length, checksum, without If-None-Match or after expiry', async () => {
    const handler = createHandler(lambdaEnv(), { now: () => NOW });
    const ticket = (await handler({ action: 'mintUploadUrl', key: KEY, contentType: 'application/pdf', size: BYTES.length, checksumSha256: SHA256 })) as Ticket;
    const options = { credentials: [CREDENTIALS], region: REGION, now: new Date(NOW.getTime() + 60_000) };
    const verified = verifyRequestHead(head('PUT', ticket.url, headersOf(ticket)), options);
    expect({ authentication: verified.authentication, decodedLength: verified.payload.decodedLength, checksum: verified.payload.checksum }).toEqual({
      authentication: 'query',
      decodedLength: BYTES.length,
      checksum: { algorithm: 'SHA256', value: SHA256 },
    });
    const failures = [
      { ...headersOf(ticket), 'content-type': 'text/html' },
      { ...headersOf(ticket), 'content-length': String(BYTES.length + 1) },
      { ...headersOf(ticket), 'x-amz-checksum-sha256': createHash('sha256').update('other').digest('base64') },
      Object.fromEntries(Object.entries(headersOf(ticket)).filter(([name]) => name !== 'if-none-match')),
    ].map((headers) => {
      try {
        verifyRequestHead(head('PUT', ticket.url, headers), options);
        return 'accepted';
      } catch (e) {
        return (e as { code?: string }).code;
      }
    });
    expect(failures).toEqual(['SignatureDoesNotMatch', 'SignatureDoesNotMatch', 'SignatureDoesNotMatch', 'SignatureDoesNotMatch']);
    expect(() => verifyRequestHead(head('PUT', ticket.url, headersOf(ticket)), { ...options, now: new Date(NOW.getTime() + 901_000) })).toThrow(
      expect.objectContaining({ code: 'AccessDenied' }),
    );
  });

  test('refuses keys outside the prefix, disallowed types, sizes over the maximum and malformed checksums', async () => {
    const handler = createHandler(lambdaEnv(), { now: () => NOW });
    const ticket = { action: 'mintUploadUrl', key: KEY, contentType: 'application/pdf', size: 10, checksumSha256: null };
    const outcomes = await Promise.all(
      [
        { ...ticket, key: 'other/user-1/id/report.pdf' },
        { ...ticket, key: 'assets/user-1/../report.pdf' },
        { ...ticket, key: 'assets/report.pdf' },
        { ...ticket, contentType: 'text/html' },
        { ...ticket, size: 5 * 1024 * 1024 * 1024 + 1 },
        { ...ticket, size: 16 * 1024 * 1024 + 1 },
        { ...ticket, size: 0 },
        { ...ticket, checksumSha256: 'not-base64' },
        { ...ticket, action: 'listBucket' },
      ].map((payload) => handler(payload).then(() => 'minted', (e: Error) => `${e.name}: ${e.message}`)),
    );
    expect(outcomes).toEqual([
      'RefusedError: key must look like "assets/<owner>/<id>/<name>", got "other/user-1/id/report.pdf"',
      'RefusedError: key must look like "assets/<owner>/<id>/<name>", got "assets/user-1/../report.pdf"',
      'RefusedError: key must look like "assets/<owner>/<id>/<name>", got "assets/report.pdf"',
      'RefusedError: contentType "text/html" is not allowed',
      'RefusedError: size must be an integer from 1 to 5368709120, got 5368709121',
      'RefusedError: size above 16777216 bytes goes in a multipart upload, got 16777217',
      'RefusedError: size must be an integer from 1 to 5368709120, got 0',
      'RefusedError: checksumSha256 must be base64 of 32 bytes, got "not-base64"',
      'RefusedError: action must be mintUploadUrl, mintDownloadUrl, deleteObject, createMultipartUpload, mintPartUrls, listParts, completeMultipartUpload or abortMultipartUpload, got "listBucket"',
    ]);
  });

  test('fails at creation when the environment lacks a setting, naming the variable', () => {
    const env = lambdaEnv();
    delete env['ASSET_BUCKET'];
    expect(() => createHandler(env)).toThrow(expect.objectContaining({ name: 'ConfigError', message: 'ASSET_BUCKET must be set in the Lambda environment' }));
  });
});

describe('assetUrls: mintDownloadUrl (BatchInvoke)', () => {
  test('answers one result per payload, in order, with per-item errors', async () => {
    const handler = createHandler(lambdaEnv(), { now: () => NOW });
    const results = (await handler([
      { action: 'mintDownloadUrl', key: KEY, name: 'report.pdf' },
      { action: 'mintDownloadUrl', key: 'elsewhere/secret', name: 'secret' },
      { action: 'mintDownloadUrl', key: KEY, name: 'Résumé "final".pdf' },
    ])) as { data: { url: string; expiresAt: string } | null; errorMessage?: string; errorType?: string }[];
    const dispositions = results.map((r) => (r.data ? new URL(r.data.url).searchParams.get('response-content-disposition') : null));
    expect(dispositions).toEqual([
      `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`,
      null,
      `attachment; filename="R_sum_ _final_.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22.pdf`,
    ]);
    expect(results.map((r) => ({ ...r, data: r.data && { expiresAt: r.data.expiresAt, signedHeaders: signedHeadersOf(r.data.url), expires: new URL(r.data.url).searchParams.get('X-Amz-Expires') } }))).toEqual([
      { data: { expiresAt: '2025-03-04T05:11:07.000Z', signedHeaders: 'host', expires: '300' } },
      { data: null, errorMessage: 'key must look like "assets/<owner>/<id>/<name>", got "elsewhere/secret"', errorType: 'AssetUrls:Refused' },
      { data: { expiresAt: '2025-03-04T05:11:07.000Z', signedHeaders: 'host', expires: '300' } },
    ]);
  });
});

describe('assetUrls: against an S3-compatible server', () => {
  test('the upload ticket stores the bytes, the download URL returns them as an attachment, deleteObject removes them', async ({ s3 }) => {
    const handler = createHandler(lambdaEnv({ s3Endpoint: s3.endpoint }));
    const ticket = (await handler({ action: 'mintUploadUrl', key: KEY, contentType: 'application/pdf', size: BYTES.length, checksumSha256: SHA256 })) as Ticket;
    expect(ticket.url.startsWith(`${s3.endpoint}/${BUCKET}/${KEY}?`)).toBe(true);
    const put = await fetch(ticket.url, { method: ticket.method, headers: headersOf(ticket), body: BYTES });
    expect(put.status).toBe(200);

    const [download] = (await handler([{ action: 'mintDownloadUrl', key: KEY, name: 'report.pdf' }])) as { data: { url: string } }[];
    const got = await fetch(download?.data.url ?? '');
    expect({
      status: got.status,
      contentType: got.headers.get('content-type'),
      disposition: got.headers.get('content-disposition'),
      body: Buffer.from(await got.arrayBuffer()).toString(),
    }).toEqual({
      status: 200,
      contentType: 'application/pdf',
      disposition: `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`,
      body: BYTES.toString(),
    });

    expect(await handler({ action: 'deleteObject', key: KEY })).toEqual({ key: KEY, deleted: true });
    expect((await fetch(download?.data.url ?? '')).status).toBe(404);
  });
});
