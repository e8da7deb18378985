/**
 * Shared parts of the reliability suite (issue 7): a local server whose DynamoDB store the test can
 * read (so side effects are checked in the table), callers for every auth mode, the leak check run
 * on every error body, and the health probe run after every hostile case.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { SignatureV4 } from '@smithy/signature-v4';
import { api } from '../../api/definition.ts';
import type { ApiDefinition } from '../../api/types.ts';
import { createLocalIssuer, type LocalIssuer } from '../../local/auth/local-issuer.ts';
import { loadConfig, type AwsCredentials, type Config } from '../../local/config.ts';
import { startLocalServer, type LocalServer } from '../../local/server.ts';
import { startDynamoStore, type DynamoStore } from '../../local/stores/dynamo-store.ts';
import { localTableNames } from '../../local/stores/tables.ts';
import { TEST_CREDENTIALS } from '../support/credentials.ts';

/** Multiplies the bounded counts of the suite (`RELIABILITY_SCALE=10 npm run test:reliability`). @default 1 */
export function reliabilityScale(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env['RELIABILITY_SCALE'];
  if (raw === undefined || raw === '') return 1;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`RELIABILITY_SCALE must be a positive number. Received: ${raw}`);
  return value;
}

export interface ReliabilityServer {
  readonly server: LocalServer;
  readonly config: Config;
  readonly issuer: LocalIssuer;
  /** Every line the server logged. */
  readonly logs: string[];
  /** A client of the server's DynamoDB store, to read items back. */
  readonly dynamodb: DynamoDBClient;
  readonly tableNames: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * Starts the local server (port 0, no watching, no TLS) on a DynamoDB store owned by the test, so
 * the test reads the table the server writes. `api` replaces the definition (e.g. other settings).
 */
export async function startReliabilityServer(options: { readonly argv?: readonly string[]; readonly api?: ApiDefinition } = {}): Promise<ReliabilityServer> {
  const store: DynamoStore = await startDynamoStore();
  // The backend credentials are the tests' own, so they can sign IAM calls (a real start generates them).
  const config: Config = { ...loadConfig({ DYNAMODB_ENDPOINT: store.endpoint }, ['--port', '0', '--no-watch', '--no-tls', ...(options.argv ?? [])]), localCredentials: TEST_CREDENTIALS };
  const logs: string[] = [];
  let server: LocalServer;
  try {
    server = await startLocalServer(config, { log: (line) => logs.push(line), ...(options.api ? { api: options.api } : {}) });
  } catch (error) {
    await store.close();
    throw error;
  }
  const issuer = createLocalIssuer({ stateDir: config.stateDir, issuer: config.userPoolIssuer, clientId: config.userPoolClientId });
  const dynamodb = new DynamoDBClient({ endpoint: store.endpoint, region: config.region, credentials: { ...TEST_CREDENTIALS } });
  return {
    server,
    config,
    issuer,
    logs,
    dynamodb,
    tableNames: localTableNames(options.api ?? api),
    close: async () => {
      await server.close();
      dynamodb.destroy();
      await store.close();
    },
  };
}

/** Every item of a table, as DynamoDB returns it. */
export async function scanTable(client: DynamoDBClient, tableName: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

/** Signs a POST to the GraphQL URL with SigV4 (service `appsync`), as the backend Lambda does. */
export async function signIam(
  url: string,
  body: string,
  options: { readonly credentials?: AwsCredentials; readonly region?: string; readonly service?: string; readonly signingDate?: Date; readonly path?: string } = {},
): Promise<Record<string, string>> {
  const target = new URL(url);
  const signer = new SignatureV4({ credentials: options.credentials ?? TEST_CREDENTIALS, region: options.region ?? 'us-east-1', service: options.service ?? 'appsync', sha256: Sha256 });
  const signed = await signer.sign(
    { method: 'POST', protocol: target.protocol, hostname: target.hostname, port: Number(target.port), path: options.path ?? target.pathname, headers: { host: target.host, 'content-type': 'application/json' }, body },
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  return signed.headers;
}

export interface HttpResult {
  readonly status: number;
  readonly errorType: string | null;
  readonly contentType: string | null;
  readonly text: string;
  /** The parsed body, or undefined when it is not JSON. */
  readonly body: unknown;
}

export async function sendHttp(url: string, init: RequestInit): Promise<HttpResult> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, errorType: response.headers.get('x-amzn-errortype'), contentType: response.headers.get('content-type'), text, body };
}

/** POSTs a GraphQL request with the given auth headers. */
export function postGraphQL(url: string, headers: Record<string, string>, query: string, variables: Record<string, unknown> = {}): Promise<HttpResult> {
  return sendHttp(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
}

/**
 * What must never reach a client: stack frames, source or dependency paths, Node internals. The
 * patterns are written against what Node prints (`    at fn (/path/file.ts:1:2)`).
 */
const LEAK_PATTERNS: readonly RegExp[] = [
  /\bat [^\s]+ \(/,
  /\n\s+at /,
  /\/work\//,
  /node_modules/,
  /\.ts:\d+/,
  /\.m?js:\d+:\d+/,
  /file:\/\//,
  /node:internal/,
  /\/(?:home|tmp|usr|var)\//,
];

/** The patterns of `LEAK_PATTERNS` found in `text` (empty when it leaks nothing). */
export function findLeaks(text: string): string[] {
  return LEAK_PATTERNS.filter((pattern) => pattern.test(text)).map((pattern) => `${pattern.source} in ${text.slice(0, 300)}`);
}

/** The health probe: `/health` answers ok and `/graphql` still runs a query. */
export async function checkHealth(server: LocalServer): Promise<{ health: number; graphql: unknown }> {
  const health = await fetch(new URL('/health', server.url));
  await health.arrayBuffer();
  const graphql = await postGraphQL(server.url, { 'x-api-key': server.apiKey }, '{ __typename }');
  return { health: health.status, graphql: graphql.body };
}

export const HEALTHY = { health: 200, graphql: { data: { __typename: 'Query' } } } as const;
