/**
 * SigV4 for the DynamoDB transport's POSTs, made by `@smithy/signature-v4` (the AWS SDK's signer,
 * through `local/sigv4/sdk-signer.ts`): the headers DynamoDB's JSON protocol sends, signed for
 * service `dynamodb`. https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { createSdkSigner } from '../sigv4/sdk-signer.ts';
import { DYNAMODB_CONTENT_TYPE } from './dynamodb-json-protocol.ts';

/** Where a signed request goes. */
export interface DynamoDBEndpoint {
  readonly secure: boolean;
  /** The host to connect to (an IPv6 address without brackets). */
  readonly hostname: string;
  readonly port: number | undefined;
  /** The Host header (port left out when it is the scheme's default). */
  readonly host: string;
  readonly path: string;
}

export interface DynamoDBSignerOptions {
  /** The signing region. */
  readonly region: string;
  /** Fixed credentials, or a provider called for every signature. */
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** The headers of one POST: `content-type`, `host`, `x-amz-target`, `x-amz-date`, `x-amz-security-token` (with a session token) and `authorization`. */
export type SignDynamoDBRequest = (endpoint: DynamoDBEndpoint, target: string, body: string) => Promise<Record<string, string>>;

export function createDynamoDBSigner(options: DynamoDBSignerOptions): SignDynamoDBRequest {
  const signer = createSdkSigner({ service: 'dynamodb', region: options.region, credentials: options.credentials });
  return async function signDynamoDBRequest(endpoint, target, body) {
    const signed = await signer.sign({
      method: 'POST',
      protocol: endpoint.secure ? 'https:' : 'http:',
      hostname: endpoint.hostname,
      ...(endpoint.port === undefined ? {} : { port: endpoint.port }),
      path: endpoint.path,
      query: {},
      headers: { 'content-type': DYNAMODB_CONTENT_TYPE, host: endpoint.host, 'x-amz-target': target },
      body,
    });
    return signed.headers;
  };
}
