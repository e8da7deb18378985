/**
 * The DynamoDB calls of the data sources, made lean: DynamoDB's JSON protocol (awsJson1_0) over a
 * keep-alive `node:http(s)` agent, signed with SigV4 (signing key cached per day), for the endpoint,
 * region, credentials and `maxAttempts` of the given `DynamoDBClient`. The SDK's middleware stack
 * cost about 0.7-1.2 ms of CPU per call, more than the rest of a `getAsset` request together
 * (bench/README.md, "server CPU per request"); this costs about 0.15 ms.
 *
 * It keeps the SDK's shapes at both ends, so the data sources are unchanged: inputs and outputs are
 * the SDK's (`B` as bytes), and failures are errors with the SDK's `name`, `message`, `$metadata`
 * (`httpStatusCode`, `requestId`) and the exception's own fields (`CancellationReasons`, `Item`).
 * Retries follow the SDK's standard strategy (@smithy/core retry): throttling, 5xx and connection errors, up to
 * `maxAttempts` in all, with the same jittered exponential delay.
 *
 * A client without a custom endpoint (real AWS through the endpoint rules) keeps `client.send`.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type BatchGetItemCommandInput,
  type BatchGetItemCommandOutput,
  type BatchWriteItemCommandInput,
  type BatchWriteItemCommandOutput,
  type DeleteItemCommandInput,
  type DeleteItemCommandOutput,
  type DynamoDBClient,
  type GetItemCommandInput,
  type GetItemCommandOutput,
  type PutItemCommandInput,
  type PutItemCommandOutput,
  type QueryCommandInput,
  type QueryCommandOutput,
  type ScanCommandInput,
  type ScanCommandOutput,
  type TransactGetItemsCommandInput,
  type TransactGetItemsCommandOutput,
  type TransactWriteItemsCommandInput,
  type TransactWriteItemsCommandOutput,
  type UpdateItemCommandInput,
  type UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { createHmac, hash } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

type Out<T> = Omit<T, '$metadata'>;

/** Operation name → [input, output] in the SDK's types. */
export interface DynamoDBOperations {
  GetItem: [GetItemCommandInput, Out<GetItemCommandOutput>];
  PutItem: [PutItemCommandInput, Out<PutItemCommandOutput>];
  UpdateItem: [UpdateItemCommandInput, Out<UpdateItemCommandOutput>];
  DeleteItem: [DeleteItemCommandInput, Out<DeleteItemCommandOutput>];
  Query: [QueryCommandInput, Out<QueryCommandOutput>];
  Scan: [ScanCommandInput, Out<ScanCommandOutput>];
  BatchGetItem: [BatchGetItemCommandInput, Out<BatchGetItemCommandOutput>];
  BatchWriteItem: [BatchWriteItemCommandInput, Out<BatchWriteItemCommandOutput>];
  TransactGetItems: [TransactGetItemsCommandInput, Out<TransactGetItemsCommandOutput>];
  TransactWriteItems: [TransactWriteItemsCommandInput, Out<TransactWriteItemsCommandOutput>];
}

export type DynamoDBOperationName = keyof DynamoDBOperations;

export interface DynamoDBTransport {
  /** One DynamoDB API call; rejects with an SDK-shaped error. */
  send<K extends DynamoDBOperationName>(operation: K, input: DynamoDBOperations[K][0]): Promise<DynamoDBOperations[K][1]>;
  /** Closes the idle keep-alive sockets. Safe to call twice. */
  close(): void;
}

/** The SDK path, for clients without a custom endpoint. */
const SDK_CALLS: { readonly [K in DynamoDBOperationName]: (client: DynamoDBClient, input: DynamoDBOperations[K][0]) => Promise<DynamoDBOperations[K][1]> } = {
  GetItem: (client, input) => client.send(new GetItemCommand(input)),
  PutItem: (client, input) => client.send(new PutItemCommand(input)),
  UpdateItem: (client, input) => client.send(new UpdateItemCommand(input)),
  DeleteItem: (client, input) => client.send(new DeleteItemCommand(input)),
  Query: (client, input) => client.send(new QueryCommand(input)),
  Scan: (client, input) => client.send(new ScanCommand(input)),
  BatchGetItem: (client, input) => client.send(new BatchGetItemCommand(input)),
  BatchWriteItem: (client, input) => client.send(new BatchWriteItemCommand(input)),
  TransactGetItems: (client, input) => client.send(new TransactGetItemsCommand(input)),
  TransactWriteItems: (client, input) => client.send(new TransactWriteItemsCommand(input)),
};

/** The SDK's node handler defaults (keep-alive, 50 sockets per host). */
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 50 } as const;
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'DynamoDB_20120810.';
const SIGNING_SERVICE = 'dynamodb';

/** @smithy/service-error-classification: what the standard retry strategy retries. */
const THROTTLING_ERRORS = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TRANSIENT_ERRORS = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const NETWORK_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** @smithy/util-retry: DEFAULT_RETRY_DELAY_BASE, THROTTLING_RETRY_DELAY_BASE, MAXIMUM_RETRY_DELAY. */
const RETRY_DELAY_BASE_MS = 100;
const THROTTLING_RETRY_DELAY_BASE_MS = 500;
const MAX_RETRY_DELAY_MS = 20_000;

interface Endpoint {
  readonly secure: boolean;
  readonly hostname: string;
  readonly port: number | undefined;
  /** The Host header (port left out when it is the scheme's default). */
  readonly host: string;
  readonly path: string;
}

interface Resolved {
  readonly endpoint: Endpoint;
  readonly region: string;
  readonly maxAttempts: number;
}

interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** An SDK-shaped service or network failure, as `dynamoDBError` reads it. */
interface TransportError extends Error {
  $metadata: { httpStatusCode?: number; requestId?: string; attempts?: number; totalRetryDelay?: number };
  $fault?: 'client' | 'server';
  code?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON.stringify replacer: `B`/`BS` bytes travel as base64, as the SDK sends them. */
function encodeBinary(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : value;
}

/** Turns base64 `B` and `BS` members of attribute values back into bytes, as the SDK returns them. */
function decodeBinary(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) decodeBinary(item);
    return;
  }
  if (!isRecord(value)) return;
  for (const key of Object.keys(value)) {
    const member = value[key];
    if (key === 'B' && typeof member === 'string') value[key] = new Uint8Array(Buffer.from(member, 'base64'));
    else if (key === 'BS' && Array.isArray(member) && member.every((m) => typeof m === 'string')) {
      value[key] = member.map((m: string) => new Uint8Array(Buffer.from(m, 'base64')));
    } else decodeBinary(member);
  }
}

function parseJson(text: string): unknown {
  if (text === '') return {};
  const value: unknown = JSON.parse(text);
  if (text.includes('"B')) decodeBinary(value);
  return value;
}

function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}

/** SigV4 for one POST (docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). */
function createSigner(region: string) {
  let cachedKey: { readonly secret: string; readonly date: string; readonly key: Buffer } | null = null;
  function signingKey(secret: string, date: string): Buffer {
    if (cachedKey?.secret === secret && cachedKey.date === date) return cachedKey.key;
    let key = createHmac('sha256', `AWS4${secret}`).update(date).digest();
    for (const part of [region, SIGNING_SERVICE, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    cachedKey = { secret, date, key };
    return key;
  }
  let dateSecond = -1;
  let amzDate = '';
  return function signHeaders(endpoint: Endpoint, target: string, body: string, credentials: Credentials): Record<string, string> {
    const second = Math.floor(Date.now() / 1000);
    if (second !== dateSecond) {
      dateSecond = second;
      amzDate = new Date(second * 1000).toISOString().replace(/[-:]|\.\d{3}/g, '');
    }
    const date = amzDate.slice(0, 8);
    const token = credentials.sessionToken;
    // Canonical headers, sorted by name.
    const headers: [string, string][] = [
      ['content-type', CONTENT_TYPE],
      ['host', endpoint.host],
      ['x-amz-date', amzDate],
      ...(token ? ([['x-amz-security-token', token]] as [string, string][]) : []),
      ['x-amz-target', target],
    ];
    const signedHeaders = headers.map(([name]) => name).join(';');
    const canonicalRequest = [
      'POST',
      endpoint.path,
      '',
      ...headers.map(([name, value]) => `${name}:${value}`),
      '',
      signedHeaders,
      sha256Hex(body),
    ].join('\n');
    const scope = `${date}/${region}/${SIGNING_SERVICE}/aws4_request`;
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
    const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, date)).update(stringToSign, 'utf8').digest('hex');
    const out: Record<string, string> = Object.fromEntries(headers);
    out['authorization'] = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return out;
  };
}

function serviceError(status: number, headers: IncomingMessage['headers'], text: string): TransportError {
  let body: Record<string, unknown> = {};
  try {
    const parsed = parseJson(text);
    if (isRecord(parsed)) body = parsed;
  } catch {
    // Not JSON (a proxy's page): the status code names the failure.
  }
  const typeField = typeof body['__type'] === 'string' ? body['__type'] : typeof body['code'] === 'string' ? body['code'] : undefined;
  const headerType = headers['x-amzn-errortype'];
  const rawType = typeField ?? (typeof headerType === 'string' ? headerType.split(':')[0] : undefined) ?? '';
  const name = rawType.slice(rawType.lastIndexOf('#') + 1) || 'UnknownError';
  const messageField = body['message'] ?? body['Message'];
  const error = new Error(typeof messageField === 'string' ? messageField : name) as TransportError;
  // The SDK keeps the body's members (`__type`, `CancellationReasons`, `Item`) on the error.
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'message' && key !== 'Message') (error as unknown as Record<string, unknown>)[key] = value;
  }
  error.name = name;
  error.$fault = status >= 500 ? 'server' : 'client';
  const requestId = headers['x-amzn-requestid'];
  error.$metadata = { httpStatusCode: status, ...(typeof requestId === 'string' ? { requestId } : {}) };
  return error;
}

function isRetryable(error: unknown): 'throttling' | 'transient' | false {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as Partial<TransportError>;
  if (e.name !== undefined && THROTTLING_ERRORS.has(e.name)) return 'throttling';
  if (e.$metadata?.httpStatusCode === 429) return 'throttling';
  if (e.name !== undefined && TRANSIENT_ERRORS.has(e.name)) return 'transient';
  if (e.code !== undefined && NETWORK_ERRORS.has(e.code)) return 'transient';
  // 500, 502-504 are transient and any other 5xx a server error: the SDK retries both.
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500 && status <= 599) return 'transient';
  return false;
}

function readEndpoint(value: unknown): Endpoint | null {
  if (!isRecord(value)) return null;
  const { protocol, hostname, port, path } = value;
  if ((protocol !== 'http:' && protocol !== 'https:') || typeof hostname !== 'string') return null;
  const secure = protocol === 'https:';
  const numericPort = typeof port === 'number' ? port : typeof port === 'string' && port !== '' ? Number(port) : undefined;
  const defaultPort = secure ? 443 : 80;
  const hostPart = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
  return {
    secure,
    hostname,
    port: numericPort,
    host: numericPort === undefined || numericPort === defaultPort ? hostPart : `${hostPart}:${numericPort}`,
    path: typeof path === 'string' && path !== '' ? path : '/',
  };
}

async function resolveConfig(client: DynamoDBClient): Promise<Resolved | null> {
  const config = client.config;
  if (!config.isCustomEndpoint || typeof config.endpoint !== 'function') return null;
  const endpoint = readEndpoint(await config.endpoint());
  if (endpoint === null) return null;
  const maxAttempts = Number(await config.maxAttempts());
  return { endpoint, region: await config.region(), maxAttempts: Number.isInteger(maxAttempts) && maxAttempts > 0 ? maxAttempts : 3 };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A transport over the endpoint, region, credentials and `maxAttempts` of `client` (which stays the caller's to destroy). */
export function createDynamoDBTransport(client: DynamoDBClient): DynamoDBTransport {
  let resolving: Promise<Resolved | null> | null = null;
  let signer: ReturnType<typeof createSigner> | null = null;
  const httpAgent = new HttpAgent(AGENT_OPTIONS);
  const httpsAgent = new HttpsAgent(AGENT_OPTIONS);

  function post(endpoint: Endpoint, headers: Record<string, string>, body: string): Promise<{ status: number; headers: IncomingMessage['headers']; text: string }> {
    return new Promise((resolve, reject) => {
      const options = {
        method: 'POST',
        hostname: endpoint.hostname,
        ...(endpoint.port === undefined ? {} : { port: endpoint.port }),
        path: endpoint.path,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      };
      const onResponse = (res: IncomingMessage): void => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      };
      const req = endpoint.secure ? httpsRequest({ ...options, agent: httpsAgent }, onResponse) : httpRequest({ ...options, agent: httpAgent }, onResponse);
      req.on('error', reject);
      req.end(body);
    });
  }

  async function attempt(resolved: Resolved, target: string, body: string): Promise<unknown> {
    const credentials = (await client.config.credentials()) as Credentials;
    signer ??= createSigner(resolved.region);
    const response = await post(resolved.endpoint, signer(resolved.endpoint, target, body, credentials), body);
    if (response.status >= 200 && response.status < 300) return parseJson(response.text);
    throw serviceError(response.status, response.headers, response.text);
  }

  return {
    send: async function sendDynamoDB<K extends DynamoDBOperationName>(operation: K, input: DynamoDBOperations[K][0]): Promise<DynamoDBOperations[K][1]> {
      resolving ??= resolveConfig(client);
      const resolved = await resolving;
      if (resolved === null) {
        const call = SDK_CALLS[operation] as (client: DynamoDBClient, input: DynamoDBOperations[K][0]) => Promise<DynamoDBOperations[K][1]>;
        return call(client, input);
      }
      const body = JSON.stringify(input, encodeBinary);
      const target = `${TARGET_PREFIX}${operation}`;
      let totalRetryDelay = 0;
      for (let attempts = 1; ; attempts++) {
        try {
          return (await attempt(resolved, target, body)) as DynamoDBOperations[K][1];
        } catch (error) {
          const retry = isRetryable(error);
          if (retry === false || attempts >= resolved.maxAttempts) {
            if (error instanceof Error) {
              const e = error as Partial<TransportError>;
              e.$metadata = { ...e.$metadata, attempts, totalRetryDelay };
            }
            throw error;
          }
          const base = retry === 'throttling' ? THROTTLING_RETRY_DELAY_BASE_MS : RETRY_DELAY_BASE_MS;
          const delay = Math.floor(Math.min(MAX_RETRY_DELAY_MS, Math.random() * 2 ** (attempts - 1) * base));
          totalRetryDelay += delay;
          await sleep(delay);
        }
      }
    },
    close: function closeDynamoDBTransport() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
