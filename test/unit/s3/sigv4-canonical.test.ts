/**
 * SigV4 canonicalization for S3, checked against AWS's published examples
 * (docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "GET Object" example, and
 * …/sigv4-query-string-auth.html) and against signatures made by `@smithy/signature-v4`.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import {
  calculateSignature,
  canonicalHeaderValue,
  canonicalQueryString,
  canonicalUri,
  createCanonicalRequest,
  createStringToSign,
  credentialScope,
  parseQuery,
  uriEncode,
} from '../../../local/s3/sigv4-canonical.ts';
import { verifyRequestHead, type S3RequestHead } from '../../../local/s3/sigv4-verifier.ts';

const EXAMPLE_KEY = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('s3 canonicalization: encoding', () => {
  it('encodes every byte but the unreserved characters, and the slash only when asked', () => {
    expect([uriEncode("a b/c(1)!*'~é", true), uriEncode('a b/c', false)]).toEqual(['a%20b%2Fc%281%29%21%2A%27~%C3%A9', 'a%20b/c']);
  });

  it('re-encodes each path segment once, keeps encoded slashes and empty segments', () => {
    expect([canonicalUri('/bucket/a%20b/c(1)!.txt'), canonicalUri('/bucket/x%2Fy'), canonicalUri('/bucket//k'), canonicalUri('')]).toEqual([
      '/bucket/a%20b/c%281%29%21.txt',
      '/bucket/x%2Fy',
      '/bucket//k',
      '/',
    ]);
  });

  it('sorts query parameters by encoded name then value, keeps empty values, and can leave the signature out', () => {
    const params = parseQuery('x-id=PutObject&b=2&a=z&a=y&uploads&X-Amz-Signature=abc&sp=a+b%2Fc');
    expect(canonicalQueryString(params, 'X-Amz-Signature')).toBe('a=y&a=z&b=2&sp=a%20b%2Fc&uploads=&x-id=PutObject');
  });

  it('trims header values, collapses inner spaces and joins repeats with commas', () => {
    expect(canonicalHeaderValue(['  a   b  ', 'c\td'])).toBe('a b,c d');
  });
});

describe('s3 canonicalization: AWS examples', () => {
  it('reproduces the signature of the documented header-signed GET Object example', () => {
    const canonicalRequest = createCanonicalRequest({
      method: 'GET',
      canonicalUri: canonicalUri('/test.txt'),
      canonicalQuery: '',
      signedHeaders: ['host', 'range', 'x-amz-content-sha256', 'x-amz-date'],
      headers: { host: ['examplebucket.s3.amazonaws.com'], range: ['bytes=0-9'], 'x-amz-content-sha256': [EMPTY_SHA256], 'x-amz-date': ['20130524T000000Z'] },
      payloadHash: EMPTY_SHA256,
    });
    const stringToSign = createStringToSign('20130524T000000Z', credentialScope('20130524', 'us-east-1', 's3'), canonicalRequest);
    expect(calculateSignature(EXAMPLE_KEY.secretAccessKey, '20130524', 'us-east-1', 's3', stringToSign)).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
  });

  it('accepts the documented presigned GET example at a time inside its 24 hours', () => {
    const head: S3RequestHead = {
      method: 'GET',
      url:
        '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
        '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
        '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
      headers: { host: ['examplebucket.s3.amazonaws.com'] },
    };
    const verified = verifyRequestHead(head, { credentials: [EXAMPLE_KEY], region: 'us-east-1', now: new Date('2013-05-24T12:00:00Z') });
    expect({ accessKeyId: verified.accessKeyId, authentication: verified.authentication, rawPath: verified.rawPath, query: verified.query }).toEqual({
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      authentication: 'query',
      rawPath: '/test.txt',
      query: [],
    });
  });
});

describe('s3 canonicalization: signatures made by @smithy/signature-v4', () => {
  const signer = new SignatureV4({ service: 's3', region: 'eu-west-1', credentials: EXAMPLE_KEY, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
  const now = new Date('2031-02-03T04:05:06Z');
  // The path as @aws-sdk/client-s3 sends it: each key segment encoded with encodeURIComponent plus !'()*.
  const path = '/bucket/assets/alice/' + ['my photo (1)!.png'].map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())).join('/');

  function toHead(request: { method: string; path: string; query?: Record<string, string | string[] | null>; headers: Record<string, string> }): S3RequestHead {
    const query = Object.entries(request.query ?? {})
      .flatMap(([key, value]) => (Array.isArray(value) ? value.map((v) => [key, v]) : [[key, value ?? '']]))
      .map(([key, value]) => `${encodeURIComponent(key as string)}=${encodeURIComponent(value as string)}`)
      .join('&');
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = [value];
    return { method: request.method, url: request.path + (query === '' ? '' : `?${query}`), headers };
  }

  it('accepts a header-signed PUT with a query, a signed checksum and a padded header value', async () => {
    const signed = await signer.sign(
      {
        method: 'PUT',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 4000,
        path,
        query: { 'x-id': 'PutObject', tagging: '' },
        headers: {
          host: '127.0.0.1:4000',
          'content-type': 'image/png',
          'content-length': '5',
          'x-amz-meta-note': '  two   spaces ',
          'x-amz-checksum-sha256': 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=',
          'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        },
      },
      { signingDate: now },
    );
    const verified = verifyRequestHead(toHead(signed), { credentials: [EXAMPLE_KEY], region: 'eu-west-1', now });
    expect({ authentication: verified.authentication, payload: verified.payload }).toEqual({
      authentication: 'header',
      payload: {
        encoding: 'identity',
        decodedLength: 5,
        sha256Hex: undefined,
        checksum: { algorithm: 'SHA256', value: 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=' },
        trailerChecksum: undefined,
        contentMd5: undefined,
      },
    });
  });

  it('accepts a presigned PUT that signs Content-Type and Content-Length, and refuses it with another Content-Type', async () => {
    // As @aws-sdk/s3-request-presigner does: UNSIGNED-PAYLOAD, hoisted into the query as X-Amz-Content-Sha256.
    const presigned = await signer.presign(
      {
        method: 'PUT',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 4000,
        path,
        query: { 'x-id': 'PutObject' },
        headers: { host: '127.0.0.1:4000', 'content-type': 'image/png', 'content-length': '5', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      },
      { signingDate: now, expiresIn: 900 },
    );
    const head = toHead(presigned);
    const ok = verifyRequestHead(head, { credentials: [EXAMPLE_KEY], region: 'eu-west-1', now });
    let refused: unknown;
    try {
      verifyRequestHead({ ...head, headers: { ...head.headers, 'content-type': ['text/html'] } }, { credentials: [EXAMPLE_KEY], region: 'eu-west-1', now });
    } catch (error) {
      refused = error;
    }
    expect({ query: ok.query, refused: (refused as { code?: string }).code }).toEqual({ query: [['x-id', 'PutObject']], refused: 'SignatureDoesNotMatch' });
  });
});
