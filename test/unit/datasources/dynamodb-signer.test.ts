import { describe, expect, it } from 'vitest';
import { signWithCore } from '../../../local/datasources/dynamodb-signer.ts';
import { DYNAMODB_CONTENT_TYPE } from '../../../local/datasources/dynamodb-json-protocol.ts';
import { createSdkSigner } from '../../../local/sigv4/sdk-signer.ts';

const ENDPOINT = { secure: false, hostname: '127.0.0.1', port: 8000, host: '127.0.0.1:8000', path: '/' } as const;
const AT = new Date(Date.UTC(2026, 11, 2, 1, 2, 3));

describe('DynamoDB request signing', () => {
  it.each([
    ['fixed credentials', { accessKeyId: 'AKIATESTONLY0000000', secretAccessKey: 'test-only-secret-access-key/0000000000000' }],
    ['a session token', { accessKeyId: 'ASIATESTONLY0000000', secretAccessKey: 'test-only-secret', sessionToken: 'token/with+chars=' }],
  ])('signs exactly as the AWS SDK signer does, with %s', async (_name, credentials) => {
    const body = '{"TableName":"assets","Key":{"id":{"S":"a"}}}';
    const ours = signWithCore(credentials, 'eu-west-1', ENDPOINT, 'DynamoDB_20120810.GetItem', body, AT);
    const sdk = await createSdkSigner({ service: 'dynamodb', region: 'eu-west-1', credentials }).sign(
      { method: 'POST', protocol: 'http:', hostname: ENDPOINT.hostname, port: ENDPOINT.port, path: '/', query: {}, headers: { 'content-type': DYNAMODB_CONTENT_TYPE, host: ENDPOINT.host, 'x-amz-target': 'DynamoDB_20120810.GetItem' }, body },
      { signingDate: AT },
    );
    expect(ours).toEqual(Object.fromEntries(Object.entries(sdk.headers).filter(([name]) => name !== 'x-amz-content-sha256')));
  });
});
