import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';

import { verifySigV4, type SignedRequest } from '../../../local/auth/sigv4.ts';
import { isAppSyncHttpError } from '../../../local/http/http-error.ts';
import { TEST_CREDENTIALS } from '../../support/credentials.ts';

const NOW = new Date('2025-03-01T12:00:00Z');
const BODY = JSON.stringify({ query: 'mutation { completeUpload(input: {key: "k", size: 1}) { id } }', variables: {} });

/** `signHost: false` signs without `host` (SignedHeaders lacks it) and then sends the Host header unsigned, as an HTTP client would. */
async function sign(overrides: { body?: string; secret?: string; service?: string; date?: Date; path?: string; applyChecksum?: boolean; signHost?: boolean } = {}): Promise<SignedRequest> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: overrides.secret ?? TEST_CREDENTIALS.secretAccessKey },
    region: 'us-east-1',
    service: overrides.service ?? 'appsync',
    sha256: Sha256,
    applyChecksum: overrides.applyChecksum ?? true,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4000,
      path: overrides.path ?? '/graphql',
      query: {},
      headers: { ...(overrides.signHost === false ? {} : { host: '127.0.0.1:4000' }), 'content-type': 'application/json; charset=UTF-8', accept: '*/*' },
      body: overrides.body ?? BODY,
    },
    { signingDate: overrides.date ?? NOW },
  );
  const headers: Record<string, string> = { host: '127.0.0.1:4000' };
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  return { method: 'POST', path: '/graphql', query: '', headers, body: BODY };
}

function failure(run: () => unknown): unknown {
  try {
    return run();
  } catch (e) {
    if (isAppSyncHttpError(e)) return { status: e.status, errorType: e.errorType, message: e.message };
    throw e;
  }
}

const options = { credentials: [TEST_CREDENTIALS], service: 'appsync', now: NOW };
const MISMATCH = {
  status: 403,
  errorType: 'InvalidSignatureException',
  message:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
};

describe('sigv4: AppSync IAM requests', () => {
  it('accepts a request signed by the AWS SDK signer with the local credentials', async () => {
    expect(verifySigV4(await sign(), options)).toEqual({ accessKeyId: TEST_CREDENTIALS.accessKeyId, region: 'us-east-1' });
  });

  it('rejects a body other than the one signed', async () => {
    const request = await sign();
    expect(failure(() => verifySigV4({ ...request, body: BODY.replace('size: 1', 'size: 2') }, options))).toEqual(MISMATCH);
  });

  it('hashes the body itself when the client sends no x-amz-content-sha256 (as Amplify does)', async () => {
    const request = await sign({ applyChecksum: false });
    expect(request.headers).not.toHaveProperty('x-amz-content-sha256');
    expect(verifySigV4(request, options)).toEqual({ accessKeyId: TEST_CREDENTIALS.accessKeyId, region: 'us-east-1' });
    expect(failure(() => verifySigV4({ ...request, body: `${BODY} ` }, options))).toEqual(MISMATCH);
  });

  it('rejects a signature made with another secret', async () => {
    const request = await sign({ secret: 'wrong-secret-key-000000000000000000000000' });
    expect(failure(() => verifySigV4(request, options))).toEqual(MISMATCH);
  });

  it('rejects a changed signed header', async () => {
    const request = await sign();
    expect(failure(() => verifySigV4({ ...request, headers: { ...request.headers, host: 'evil.example:4000' } }, options))).toEqual(MISMATCH);
  });

  it("rejects a signature whose SignedHeaders leave out host with 'Host' or ':authority' must be a 'SignedHeader'", async () => {
    const request = await sign({ signHost: false });
    expect({ signedHeaders: /SignedHeaders=([^,]+)/.exec(request.headers['authorization'] ?? '')?.[1], failure: failure(() => verifySigV4(request, options)) }).toEqual({
      signedHeaders: 'accept;content-type;x-amz-content-sha256;x-amz-date',
      failure: { status: 403, errorType: 'InvalidSignatureException', message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization." },
    });
  });

  it('rejects an unknown access key with UnrecognizedClientException', async () => {
    const request = await sign();
    const authorization = (request.headers['authorization'] ?? '').replace(TEST_CREDENTIALS.accessKeyId, 'AKIAOTHERKEY00000000');
    expect(failure(() => verifySigV4({ ...request, headers: { ...request.headers, authorization } }, options))).toEqual({
      status: 403,
      errorType: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('rejects a signature for another service', async () => {
    const request = await sign({ service: 'execute-api' });
    expect(failure(() => verifySigV4(request, options))).toEqual({ status: 403, errorType: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'appsync'." });
  });

  it('rejects a signature older than 15 minutes', async () => {
    const request = await sign({ date: new Date('2025-03-01T11:40:00Z') });
    expect(failure(() => verifySigV4(request, options))).toEqual({
      status: 403,
      errorType: 'InvalidSignatureException',
      message: 'Signature expired: 20250301T114000Z is now earlier than 20250301T114500Z (20250301T120000Z - 15 min.)',
    });
  });

  it('rejects a session token the credentials do not have', async () => {
    const request = await sign();
    expect(failure(() => verifySigV4({ ...request, headers: { ...request.headers, 'x-amz-security-token': 'token' } }, options))).toEqual({
      status: 403,
      errorType: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });
});
