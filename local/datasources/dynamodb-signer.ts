/**
 * SigV4 for the DynamoDB transport's POSTs: the headers DynamoDB's JSON protocol sends, signed for
 * service `dynamodb`. https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 *
 * Fixed credentials (the embedded store, DynamoDB Local) are signed by our SigV4 core
 * (`local/sigv4/`: about a third of the SDK signer's CPU per request, on the hot path of every
 * resolver); a credentials provider (real AWS, refreshing credentials) goes through
 * `@smithy/signature-v4`. Both give the same signature (tested in test/unit/datasources).
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { formatAmzDate } from '../sigv4/authorization.ts';
import { createCanonicalRequest } from '../sigv4/canonical-request.ts';
import { createSdkSigner } from '../sigv4/sdk-signer.ts';
import { calculateSignature, credentialScope, createStringToSign, sha256Hex, SIGV4_ALGORITHM } from '../sigv4/signature.ts';
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

/** Signs with fixed credentials through our SigV4 core (see the module comment). */
export function signWithCore(credentials: AwsCredentialIdentity, region: string, endpoint: DynamoDBEndpoint, target: string, body: string, now: Date = new Date()): Record<string, string> {
  const amzDate = formatAmzDate(now);
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = { 'content-type': DYNAMODB_CONTENT_TYPE, host: endpoint.host, 'x-amz-date': amzDate, 'x-amz-target': target };
  if (credentials.sessionToken !== undefined) headers['x-amz-security-token'] = credentials.sessionToken;
  const signedHeaders = Object.keys(headers).sort();
  const canonicalRequest = createCanonicalRequest({
    method: 'POST',
    canonicalUri: endpoint.path === '' ? '/' : endpoint.path,
    canonicalQuery: '',
    signedHeaders,
    headers: Object.fromEntries(signedHeaders.map((name) => [name, [headers[name] ?? '']])),
    payloadHash: sha256Hex(body),
  });
  const scope = credentialScope(date, region, 'dynamodb');
  const signature = calculateSignature(credentials.secretAccessKey, date, region, 'dynamodb', createStringToSign(amzDate, scope, canonicalRequest));
  return { ...headers, authorization: `${SIGV4_ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}` };
}

export function createDynamoDBSigner(options: DynamoDBSignerOptions): SignDynamoDBRequest {
  const fixed = typeof options.credentials === 'function' ? null : options.credentials;
  if (fixed !== null) {
    return async function signDynamoDBRequestWithCore(endpoint, target, body) {
      return signWithCore(fixed, options.region, endpoint, target, body);
    };
  }
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
