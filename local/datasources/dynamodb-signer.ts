/**
 * SigV4 for the DynamoDB transport's POSTs: the headers DynamoDB's JSON protocol sends, signed for
 * service `dynamodb`. https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 *
 * Fixed credentials (the embedded store, DynamoDB Local) are signed by our SigV4 core
 * (`local/sigv4/`: about a third of the SDK signer's CPU per request, on the hot path of every
 * resolver); a credentials provider (real AWS, refreshing credentials) goes through
 * `@smithy/signature-v4`. Both give the same signature (tested in test/unit/datasources).
 */
import { createHmac, hash } from 'node:crypto';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { formatAmzDate } from '../sigv4/authorization.ts';
import { canonicalHeaderValue } from '../sigv4/canonical-request.ts';
import { createSdkSigner } from '../sigv4/sdk-signer.ts';
import { credentialScope, deriveSigningKey, SIGV4_ALGORITHM } from '../sigv4/signature.ts';
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

/**
 * The headers of one POST: `content-type`, `host`, `x-amz-target`, `x-amz-date`, `x-amz-security-token`
 * (with a session token) and `authorization`. Fixed credentials sign synchronously.
 */
export type SignDynamoDBRequest = (endpoint: DynamoDBEndpoint, target: string, body: string) => Record<string, string> | Promise<Record<string, string>>;

/** Signs with fixed credentials through our SigV4 core; `now` is the request time. */
export type CoreSigner = (endpoint: DynamoDBEndpoint, target: string, body: string, now?: Date) => Record<string, string>;

const SERVICE = 'dynamodb';

/**
 * A signer for fixed credentials over our SigV4 core (see the module comment), with what does not
 * change between calls computed once: the request time per second, the signing key per day, and the
 * canonical header lines of the session token and of each target. The canonical request is the one
 * `createCanonicalRequest` builds for these headers, written out in SignedHeaders' sorted order.
 */
export function createCoreSigner(credentials: AwsCredentialIdentity, region: string): CoreSigner {
  const token = credentials.sessionToken;
  const tokenLine = token === undefined ? '' : `x-amz-security-token:${canonicalHeaderValue([token])}\n`;
  const signedHeaders = token === undefined ? 'content-type;host;x-amz-date;x-amz-target' : 'content-type;host;x-amz-date;x-amz-security-token;x-amz-target';
  const targetLines = new Map<string, string>();
  let second = Number.NaN;
  let amzDate = '';
  let keyDate = '';
  let signingKey: Buffer | null = null;
  return function signWithFixedCredentials(endpoint, target, body, now = new Date()) {
    const nowSecond = Math.floor(now.getTime() / 1000);
    if (nowSecond !== second) {
      second = nowSecond;
      amzDate = formatAmzDate(now);
    }
    const date = amzDate.slice(0, 8);
    if (signingKey === null || keyDate !== date) {
      signingKey = deriveSigningKey(credentials.secretAccessKey, date, region, SERVICE);
      keyDate = date;
    }
    let targetLine = targetLines.get(target);
    if (targetLine === undefined) {
      targetLine = `x-amz-target:${canonicalHeaderValue([target])}\n`;
      if (targetLines.size < 64) targetLines.set(target, targetLine);
    }
    const headerLines = `content-type:${DYNAMODB_CONTENT_TYPE}\nhost:${canonicalHeaderValue([endpoint.host])}\nx-amz-date:${amzDate}\n${tokenLine}${targetLine}`;
    const canonicalUri = endpoint.path === '' ? '/' : endpoint.path;
    const canonicalRequest = `POST\n${canonicalUri}\n\n${headerLines}\n${signedHeaders}\n${hash('sha256', body, 'hex')}`;
    const scope = credentialScope(date, region, SERVICE);
    const stringToSign = `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${hash('sha256', canonicalRequest, 'hex')}`;
    const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
    const headers: Record<string, string> = { 'content-type': DYNAMODB_CONTENT_TYPE, host: endpoint.host, 'x-amz-date': amzDate, 'x-amz-target': target };
    if (token !== undefined) headers['x-amz-security-token'] = token;
    headers['authorization'] = `${SIGV4_ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  };
}

/** Signs one request with fixed credentials through our SigV4 core (see the module comment). */
export function signWithCore(credentials: AwsCredentialIdentity, region: string, endpoint: DynamoDBEndpoint, target: string, body: string, now: Date = new Date()): Record<string, string> {
  return createCoreSigner(credentials, region)(endpoint, target, body, now);
}

export function createDynamoDBSigner(options: DynamoDBSignerOptions): SignDynamoDBRequest {
  const fixed = typeof options.credentials === 'function' ? null : options.credentials;
  if (fixed !== null) {
    const sign = createCoreSigner(fixed, options.region);
    return function signDynamoDBRequestWithCore(endpoint, target, body) {
      return sign(endpoint, target, body);
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
