/** The verifier's refusals, over request heads (no sockets). Codes and messages are S3's (see local/s3/s3-errors.ts). */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { createPayloadVerifier } from '../../../local/s3/payload-verifier.ts';
import { isS3Error } from '../../../local/s3/s3-errors.ts';
import { verifyRequestHead, type PayloadExpectation, type S3RequestHead } from '../../../local/s3/sigv4-verifier.ts';

const KEY = { accessKeyId: 'AKIAUNITTESTKEY00000', secretAccessKey: 'unit/test/secret' };
const NOW = new Date('2031-02-03T04:05:06Z');
const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: KEY, sha256: Sha256, uriEscapePath: false, applyChecksum: false });

/** `signHost: false` signs without `host`, and the head then carries no Host header either (an HTTP/1.0 request). */
async function signedHead(options: { signingDate?: Date; headers?: Record<string, string>; signHost?: boolean } = {}): Promise<S3RequestHead> {
  const host = options.signHost === false ? {} : { host: '127.0.0.1' };
  const signed = await signer.sign(
    { method: 'GET', protocol: 'http:', hostname: '127.0.0.1', path: '/bucket/key.txt', headers: { ...host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...options.headers } },
    { signingDate: options.signingDate ?? NOW },
  );
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = [value];
  return { method: 'GET', url: '/bucket/key.txt', headers };
}

function refusal(head: S3RequestHead, region = 'us-east-1'): unknown {
  try {
    verifyRequestHead(head, { credentials: [KEY], region, now: NOW });
    return 'accepted';
  } catch (error) {
    return isS3Error(error) ? { status: error.status, code: error.code, message: error.message, detail: error.detail } : error;
  }
}

describe('s3 verifier: Authorization header', () => {
  it('accepts a header-signed GET', async () => {
    expect(refusal(await signedHead())).toBe('accepted');
  });

  it('refuses a request signed 20 minutes ago with 403 RequestTimeTooSkewed', async () => {
    expect(refusal(await signedHead({ signingDate: new Date(NOW.getTime() - 20 * 60_000) }))).toEqual({
      status: 403,
      code: 'RequestTimeTooSkewed',
      message: 'The difference between the request time and the current time is too large.',
      detail: [
        ['RequestTime', '20310203T034506Z'],
        ['ServerTime', '2031-02-03T04:05:06Z'],
        ['MaxAllowedSkewMilliseconds', '900000'],
      ],
    });
  });

  it('refuses a credential scope for another region with 400 AuthorizationHeaderMalformed', async () => {
    expect(refusal(await signedHead(), 'eu-west-1')).toEqual({
      status: 400,
      code: 'AuthorizationHeaderMalformed',
      message: "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'",
      detail: [['Region', 'eu-west-1']],
    });
  });

  it('refuses a request without x-amz-content-sha256 with 400 InvalidRequest', async () => {
    const head = await signedHead();
    const { ['x-amz-content-sha256']: _removed, ...headers } = head.headers;
    expect(refusal({ ...head, headers })).toEqual({ status: 400, code: 'InvalidRequest', message: 'Missing required header for this request: x-amz-content-sha256', detail: [] });
  });

  it('refuses SignedHeaders without host, even when no Host header came, with 403 AccessDenied HeadersNotSigned', async () => {
    const head = await signedHead({ signHost: false });
    expect({ host: head.headers['host'], refusal: refusal(head) }).toEqual({
      host: undefined,
      refusal: { status: 403, code: 'AccessDenied', message: 'There were headers present in the request which were not signed', detail: [['HeadersNotSigned', 'host']] },
    });
  });

  it('refuses Signature Version 2 with 400 InvalidRequest', () => {
    expect(refusal({ method: 'GET', url: '/bucket/key.txt', headers: { host: ['h'], authorization: ['AWS AKIA:abc'] } })).toEqual({
      status: 400,
      code: 'InvalidRequest',
      message: 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
      detail: [],
    });
  });

  it('refuses two auth mechanisms at once with 400 InvalidArgument', async () => {
    const head = await signedHead();
    const { detail: _detail, ...error } = refusal({ ...head, url: `${head.url}?X-Amz-Algorithm=AWS4-HMAC-SHA256` }) as Record<string, unknown>;
    expect(error).toEqual({
      status: 400,
      code: 'InvalidArgument',
      message:
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    });
  });
});

describe('s3 verifier: presigned URL', () => {
  it('refuses X-Amz-SignedHeaders without host, even when no Host header came, with 403 AccessDenied HeadersNotSigned', async () => {
    const presigned = await signer.presign(
      { method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', path: '/bucket/key.txt', headers: { 'content-type': 'text/plain', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
      { signingDate: NOW, expiresIn: 60 },
    );
    const query = Object.entries(presigned.query ?? {})
      .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
      .join('&');
    const head: S3RequestHead = { method: 'PUT', url: `/bucket/key.txt?${query}`, headers: { 'content-type': ['text/plain'], 'content-length': ['0'] } };

    expect({ signedHeaders: presigned.query?.['X-Amz-SignedHeaders'], refusal: refusal(head) }).toEqual({
      signedHeaders: 'content-type',
      refusal: { status: 403, code: 'AccessDenied', message: 'There were headers present in the request which were not signed', detail: [['HeadersNotSigned', 'host']] },
    });
  });
});

describe('s3 verifier: body checks', () => {
  const base: PayloadExpectation = { encoding: 'identity', decodedLength: undefined, sha256Hex: undefined, checksum: undefined, trailerChecksum: undefined, contentMd5: undefined };

  async function run(expectation: PayloadExpectation, chunks: string[]): Promise<unknown> {
    const received: Buffer[] = [];
    try {
      await pipeline(Readable.from(chunks.map((c) => Buffer.from(c))), createPayloadVerifier(expectation), new Writable({ write: (chunk: Buffer, _e, done) => (received.push(chunk), done()) }));
      return { body: Buffer.concat(received).toString() };
    } catch (error) {
      return isS3Error(error) ? { status: error.status, code: error.code, message: error.message } : error;
    }
  }

  it('strips aws-chunked framing split across writes and checks the trailing CRC32', async () => {
    const expectation: PayloadExpectation = { ...base, encoding: 'aws-chunked', decodedLength: 5, trailerChecksum: 'CRC32' };
    expect(await run(expectation, ['5\r\nhe', 'llo\r', '\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n'])).toEqual({ body: 'hello' });
    expect(await run(expectation, ['5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n'])).toEqual({
      status: 400,
      code: 'BadDigest',
      message: 'The CRC32 you specified did not match the calculated checksum.',
    });
  });

  it('answers XAmzContentSHA256Mismatch when the body does not hash to x-amz-content-sha256', async () => {
    const sha256Hex = createHash('sha256').update('hello').digest('hex');
    expect(await run({ ...base, decodedLength: 5, sha256Hex }, ['HELLO'])).toEqual({
      status: 400,
      code: 'XAmzContentSHA256Mismatch',
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    });
  });

  it('answers BadDigest when the body does not match Content-MD5', async () => {
    const contentMd5 = createHash('md5').update('hello').digest('base64');
    expect(await run({ ...base, decodedLength: 5, contentMd5 }, ['hellO'])).toEqual({
      status: 400,
      code: 'BadDigest',
      message: 'The Content-MD5 you specified did not match what we received.',
    });
  });

  it('answers IncompleteBody when fewer bytes than declared arrive', async () => {
    expect(await run({ ...base, decodedLength: 10 }, ['hello'])).toEqual({
      status: 400,
      code: 'IncompleteBody',
      message: 'You did not provide the number of bytes specified by the Content-Length HTTP header.',
    });
  });
});
