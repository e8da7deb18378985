/**
 * The SigV4 core (`local/sigv4/`) against AWS's published values: the signing key and signature of
 * the IAM example (https://docs.aws.amazon.com/general/latest/gr/sigv4-calculate-signature.html)
 * and requests of the Signature Version 4 test suite
 * (https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html: credentials
 * AKIDEXAMPLE, region us-east-1, service `service`, 20150830T123600Z; `get-vanilla`,
 * `post-vanilla`, `get-vanilla-empty-query-key`, and `get-relative`, whose path `/example/..`
 * canonicalizes to `/`). Then the AppSync verifier accepts the suite's signature as sent, and a
 * request signed by the SDK signer the DynamoDB transport uses.
 */
import { describe, expect, it } from 'vitest';
import { verifySigV4 } from '../../../local/auth/sigv4.ts';
import { parseAuthorizationFields, parseCredential, readPresignedParameters } from '../../../local/sigv4/authorization.ts';
import { canonicalQueryString, canonicalUri, createCanonicalRequest, parseQuery, uriEncode } from '../../../local/sigv4/canonical-request.ts';
import { createSdkSigner } from '../../../local/sigv4/sdk-signer.ts';
import {
  calculateSignature,
  createSigningKeyCache,
  createStringToSign,
  credentialScope,
  deriveSigningKey,
  sha256Hex,
  signaturesMatch,
} from '../../../local/sigv4/signature.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SUITE_DATE = '20150830T123600Z';
const SUITE_NOW = new Date('2015-08-30T12:36:00Z');

/** The suite's signature of a request with only `host` and `x-amz-date` and an empty body. */
function suiteSignature(method: string, path: string, query: string): string {
  const canonicalRequest = createCanonicalRequest({
    method,
    canonicalUri: canonicalUri(path),
    canonicalQuery: canonicalQueryString(parseQuery(query)),
    signedHeaders: ['host', 'x-amz-date'],
    headers: { host: ['example.amazonaws.com'], 'x-amz-date': [SUITE_DATE] },
    payloadHash: sha256Hex(''),
  });
  const stringToSign = createStringToSign(SUITE_DATE, credentialScope('20150830', 'us-east-1', 'service'), canonicalRequest);
  return calculateSignature(SECRET, '20150830', 'us-east-1', 'service', stringToSign);
}

describe('sigv4 core: AWS published examples', () => {
  it('derives the IAM example signing key and signature', () => {
    const stringToSign = [
      'AWS4-HMAC-SHA256',
      '20110909T233600Z',
      '20110909/us-east-1/iam/aws4_request',
      '3511de7e95d28ecd39e9513b642aee07e54f4941150d8df8bf94b328ef7e55e2',
    ].join('\n');
    expect({
      key: deriveSigningKey(SECRET, '20110909', 'us-east-1', 'iam').toString('hex'),
      signature: calculateSignature(SECRET, '20110909', 'us-east-1', 'iam', stringToSign),
    }).toEqual({
      key: '98f1d889fec4f4421adc522bab0ce1f82e6929c262ed15e5a94c90efd1e3b0e7',
      signature: 'ced6826de92d2bdeed8f846f0bf508e8559e98e4b0199114b84c54174deb456c',
    });
  });

  it('signs get-vanilla, post-vanilla, get-vanilla-empty-query-key and get-relative as the test suite does', () => {
    expect({
      getVanilla: suiteSignature('GET', '/', ''),
      postVanilla: suiteSignature('POST', '/', ''),
      emptyQueryKey: suiteSignature('GET', '/', 'Param1=value1'),
      relative: suiteSignature('GET', '/example/..', ''),
    }).toEqual({
      getVanilla: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
      postVanilla: '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
      emptyQueryKey: 'a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb',
      relative: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    });
  });

  it('lets the AppSync verifier accept the get-vanilla Authorization header as the suite gives it', () => {
    const authorization =
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
    const request = { method: 'GET', path: '/', query: '', headers: { host: 'example.amazonaws.com', 'x-amz-date': SUITE_DATE, authorization }, body: '' };
    expect(verifySigV4(request, { credentials: [{ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET }], service: 'service', now: SUITE_NOW })).toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      region: 'us-east-1',
    });
  });

  it('verifies what the SDK signer (used by the DynamoDB transport) signs, session token included', async () => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: 'token' };
    const signer = createSdkSigner({ service: 'dynamodb', region: 'eu-west-1', credentials });
    const body = '{"TableName":"t"}';
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 8000,
        path: '/a%20b/(x)',
        query: {},
        headers: { host: '127.0.0.1:8000', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.Scan' },
        body,
      },
      { signingDate: SUITE_NOW },
    );
    const request = { method: 'POST', path: '/a%20b/(x)', query: '', headers: signed.headers, body };
    expect(verifySigV4(request, { credentials: [credentials], service: 'dynamodb', region: 'eu-west-1', now: SUITE_NOW })).toEqual({ accessKeyId: 'AKIDEXAMPLE', region: 'eu-west-1' });
  });
});

describe('sigv4 core: canonical request rules', () => {
  it('normalises and double-encodes paths for most services, and encodes S3 paths once as sent', () => {
    const paths = ['/a%20b/./c/../d(1)', '//x//y/', '/%E1%88%B4', ''];
    expect({ default: paths.map((path) => canonicalUri(path)), s3: paths.map((path) => canonicalUri(path, { s3: true })) }).toEqual({
      default: ['/a%2520b/d%281%29', '/x/y/', '/%25E1%2588%25B4', '/'],
      s3: ['/a%20b/./c/../d%281%29', '//x//y/', '/%E1%88%B4', '/'],
    });
  });

  it('has one URI encoder: unreserved characters kept, UTF-8 bytes upper-case, the slash on request', () => {
    expect([uriEncode('AZaz09-_.~', true), uriEncode("a/b c*'é", true), uriEncode("a/b c*'é", false)]).toEqual(['AZaz09-_.~', 'a%2Fb%20c%2A%27%C3%A9', 'a/b%20c%2A%27%C3%A9']);
  });
});

describe('sigv4 core: claims and comparison', () => {
  it('splits a credential of exactly five parts and reads Authorization fields', () => {
    expect({
      scope: parseCredential('AKID/20150830/us-east-1/service/aws4_request'),
      short: parseCredential('AKID/20150830/us-east-1/service'),
      long: parseCredential('AKID/20150830/us-east-1/service/aws4_request/x'),
      fields: Object.fromEntries(parseAuthorizationFields(' Credential=A/B , SignedHeaders=host;x-amz-date,Signature=abc, junk')),
    }).toEqual({
      scope: { accessKeyId: 'AKID', date: '20150830', region: 'us-east-1', service: 'service', terminal: 'aws4_request' },
      short: undefined,
      long: undefined,
      fields: { Credential: 'A/B', SignedHeaders: 'host;x-amz-date', Signature: 'abc' },
    });
  });

  it('reads the six presigned parameters by exact name, or nothing when one is missing', () => {
    const params: [string, string][] = [
      ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
      ['X-Amz-Credential', 'AKID/20150830/us-east-1/s3/aws4_request'],
      ['X-Amz-Date', SUITE_DATE],
      ['X-Amz-Expires', '60'],
      ['X-Amz-SignedHeaders', 'host'],
      ['X-Amz-Signature', 'abc'],
    ];
    expect([readPresignedParameters(params), readPresignedParameters(params.slice(1)), readPresignedParameters([...params.slice(0, 5), ['x-amz-signature', 'abc']])]).toEqual([
      { algorithm: 'AWS4-HMAC-SHA256', credential: 'AKID/20150830/us-east-1/s3/aws4_request', amzDate: SUITE_DATE, expires: '60', signedHeaders: 'host', signature: 'abc' },
      undefined,
      undefined,
    ]);
  });

  it('compares signatures exactly: case, length and trailing characters count', () => {
    const signature = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
    expect([signaturesMatch(signature, signature), signaturesMatch(signature, signature.toUpperCase()), signaturesMatch(signature, `${signature}zz`), signaturesMatch(signature, '')]).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });

  it('caches signing keys and drops the oldest past maxEntries', () => {
    const signingKey = createSigningKeyCache({ maxEntries: 2 });
    const first = signingKey(SECRET, '20150830', 'us-east-1', 'service');
    const again = signingKey(SECRET, '20150830', 'us-east-1', 'service');
    signingKey(SECRET, '20150831', 'us-east-1', 'service');
    signingKey(SECRET, '20150901', 'us-east-1', 'service');
    const recomputed = signingKey(SECRET, '20150830', 'us-east-1', 'service');
    expect({ same: again === first, evicted: recomputed !== first, equal: recomputed.equals(deriveSigningKey(SECRET, '20150830', 'us-east-1', 'service')) }).toEqual({
      same: true,
      evicted: true,
      equal: true,
    });
  });
});
