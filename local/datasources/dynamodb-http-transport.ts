/**
 * The DynamoDB calls of the data sources, made lean: DynamoDB's JSON protocol (awsJson1_0,
 * `dynamodb-json-protocol.ts`) over a keep-alive `node:http(s)` agent, signed with SigV4
 * (`dynamodb-signer.ts`), retried by an explicit policy (`dynamodb-retry.ts`). The SDK's middleware
 * stack cost about 0.7-1.2 ms of CPU per call, more than the rest of a `getAsset` request together
 * (bench/README.md, "server CPU per request"); this costs a fraction of that.
 *
 * Inputs and outputs are the SDK's (`B` as bytes), and failures are SDK-shaped errors, so the data
 * sources do not know which transport they use.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { ConfigError } from '../../api/config-error.ts';
import { DYNAMODB_TARGET_PREFIX, parseJson, serviceError, stringifyRequest } from './dynamodb-json-protocol.ts';
import { resolveRetryPolicy, runWithRetries, type RetryPolicy } from './dynamodb-retry.ts';
import { createDynamoDBSigner, type DynamoDBEndpoint } from './dynamodb-signer.ts';
import type { DynamoDBOperationName, DynamoDBOperations, DynamoDBTransport } from './dynamodb-transport.ts';

export interface DynamoDBTransportOptions {
  /** DynamoDB's endpoint, e.g. `http://127.0.0.1:8000` or `https://dynamodb.eu-west-1.amazonaws.com`; its path is kept. */
  readonly endpoint: string | URL;
  /** The region requests are signed for. */
  readonly region: string;
  /** Fixed credentials, or a provider called for every attempt (the SDK's providers cache and refresh). */
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** When to try a call again; fields left out keep their defaults. @default DEFAULT_RETRY_POLICY (3 attempts, the SDKs' standard mode) */
  readonly retry?: Partial<RetryPolicy>;
}

/** The SDK's node handler defaults (keep-alive, 50 sockets per host). */
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 50 } as const;

/** Where the transport connects; throws a ConfigError naming the value for anything but an http(s) URL. */
export function parseDynamoDBEndpoint(endpoint: string | URL): DynamoDBEndpoint {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConfigError(`dynamodb endpoint: must be an http: or https: URL. Received: ${JSON.stringify(String(endpoint))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`dynamodb endpoint: must be an http: or https: URL. Received: ${JSON.stringify(url.href)}`);
  }
  return {
    secure: url.protocol === 'https:',
    // node:http connects to `::1`, not `[::1]`; the Host header keeps the brackets.
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? undefined : Number(url.port),
    host: url.host,
    path: url.pathname === '' ? '/' : url.pathname,
  };
}

interface RawResponse {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly text: string;
}

/** A transport to the DynamoDB at `options.endpoint`. `close()` ends its keep-alive sockets. */
export function createDynamoDBHttpTransport(options: DynamoDBTransportOptions): DynamoDBTransport {
  const endpoint = parseDynamoDBEndpoint(options.endpoint);
  const retry = resolveRetryPolicy(options.retry);
  const sign = createDynamoDBSigner({ region: options.region, credentials: options.credentials });
  const httpAgent = new HttpAgent(AGENT_OPTIONS);
  const httpsAgent = new HttpsAgent(AGENT_OPTIONS);

  const agent = endpoint.secure ? httpsAgent : httpAgent;
  const send = endpoint.secure ? httpsRequest : httpRequest;

  /** POSTs `body` with the signed `headers` (to which it adds `content-length`). */
  function post(headers: Record<string, string>, body: string): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      headers['content-length'] = String(Buffer.byteLength(body));
      const requestOptions = {
        method: 'POST',
        hostname: endpoint.hostname,
        ...(endpoint.port === undefined ? {} : { port: endpoint.port }),
        path: endpoint.path,
        headers,
        agent,
      };
      const onResponse = (res: IncomingMessage): void => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      };
      const req = send(requestOptions, onResponse);
      req.on('error', reject);
      req.end(body);
    });
  }

  async function attempt(target: string, body: string): Promise<unknown> {
    const signed = sign(endpoint, target, body);
    // Fixed credentials sign synchronously: no extra promise per call.
    const response = await post(signed instanceof Promise ? await signed : signed, body);
    if (response.status >= 200 && response.status < 300) return parseJson(response.text);
    throw serviceError(response.status, response.headers, response.text);
  }

  return {
    send: async function sendDynamoDB<K extends DynamoDBOperationName>(operation: K, input: DynamoDBOperations[K][0]): Promise<DynamoDBOperations[K][1]> {
      const body = stringifyRequest(input);
      const target = `${DYNAMODB_TARGET_PREFIX}${operation}`;
      return (await runWithRetries(retry, () => attempt(target, body))) as DynamoDBOperations[K][1];
    },
    close: function closeDynamoDBTransport() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
