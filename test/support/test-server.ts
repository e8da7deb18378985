/**
 * The local server in-process, for unit, integration, reliability and browser tests: port 0, no
 * file watching, in-memory stores unless asked otherwise. The backend credentials are the tests' own
 * (`TEST_CREDENTIALS`), so tests can sign IAM calls (a real start generates them per installation).
 * The state folder (issuer key, local CA) is the default one, so keys are created once per machine.
 *
 * With `store: 'dynalite'`, the test owns an embedded DynamoDB, given to the server as
 * `DYNAMODB_ENDPOINT` (its documented option for an external store), and reads the tables the server
 * writes (STYLE 18). Black-box suites start `npm start` instead (`npm-start.ts`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { test as base } from 'vitest';
import { api as defaultApi } from '../../api/definition.ts';
import type { ApiDefinition } from '../../api/types.ts';
import { createLocalIssuer, type LocalIssuer } from '../../local/auth/local-issuer.ts';
import { loadConfig, type Config } from '../../local/config.ts';
import { startLocalServer, type LocalServer } from '../../local/server.ts';
import { startDynamoStore, type DynamoStore } from '../../local/stores/dynamo-store.ts';
import { localTableNames } from '../../local/stores/tables.ts';
import { TEST_CREDENTIALS } from './credentials.ts';
import { createAssetTable, type AssetTable } from './store-readers.ts';

export interface TestServerOptions {
  /** Arguments after `--port 0 --no-watch` (e.g. `--no-tls`). @default [] */
  readonly argv?: readonly string[];
  /** The environment `loadConfig` reads (e.g. `API_KEY`). @default {} */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Watch resolver files (leaves out `--no-watch`). @default false */
  readonly watch?: boolean;
  /** The definition served. @default api (api/definition.ts) */
  readonly api?: ApiDefinition;
  /** `'dynalite'`: an embedded DynamoDB owned by the test (see above). @default in-memory store */
  readonly store?: 'memory' | 'dynalite';
}

export interface TestServer {
  readonly server: LocalServer;
  readonly config: Config;
  readonly api: ApiDefinition;
  /** Mints tokens the server accepts (same key file). */
  readonly issuer: LocalIssuer;
  /** Server log lines (resolver console.log, errors). */
  readonly logs: string[];
  /** Mints an ID token for `sub` (the `Authorization` value for user-pool calls). */
  tokenFor(sub: string): Promise<string>;
  /** Closes the server, then the store the test owns; safe to call twice. */
  close(): Promise<void>;
}

export interface StoreBackedTestServer extends TestServer {
  /** A client of the test's DynamoDB store, to read items back. */
  readonly dynamodb: DynamoDBClient;
  /** Physical table names by the definition's table name. */
  readonly tableNames: Readonly<Record<string, string>>;
  /** The `assets` table. */
  readonly table: AssetTable;
}

export function startTestServer(options: TestServerOptions & { readonly store: 'dynalite' }): Promise<StoreBackedTestServer>;
export function startTestServer(options?: TestServerOptions): Promise<TestServer>;
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer | StoreBackedTestServer> {
  const api = options.api ?? defaultApi;
  const tableNames = localTableNames(api);
  const assetsTable = tableNames['assets'];
  if (options.store === 'dynalite' && assetsTable === undefined) throw new Error('the definition has no assets table');
  const store: DynamoStore | null = options.store === 'dynalite' ? await startDynamoStore() : null;
  try {
    const env = store === null ? { ...options.env } : { ...options.env, DYNAMODB_ENDPOINT: store.endpoint };
    const argv = ['--port', '0', ...(options.watch === true ? [] : ['--no-watch']), ...(options.argv ?? [])];
    const config: Config = { ...loadConfig(env, argv), localCredentials: TEST_CREDENTIALS };
    const logs: string[] = [];
    const server = await startLocalServer(config, { log: (line) => logs.push(line), api });
    const issuer = createLocalIssuer({ stateDir: config.stateDir, issuer: config.userPoolIssuer, clientId: config.userPoolClientId });
    const dynamodb = store === null ? null : new DynamoDBClient({ endpoint: store.endpoint, region: config.region, credentials: { ...TEST_CREDENTIALS } });
    let closing: Promise<void> | undefined;
    const started: TestServer = {
      server,
      config,
      api,
      issuer,
      logs,
      tokenFor: (sub) => issuer.mintToken({ sub }),
      close: function closeTestServer() {
        closing ??= (async () => {
          await server.close();
          dynamodb?.destroy();
          await store?.close();
        })();
        return closing;
      },
    };
    if (dynamodb === null || assetsTable === undefined) return started;
    return { ...started, dynamodb, tableNames, table: createAssetTable(dynamodb, assetsTable) };
  } catch (error) {
    await store?.close();
    throw error;
  }
}

/** One server per test file, closed when the file is done (STYLE 17). */
export const serverTest = base.extend<{ local: TestServer }>({
  local: [
    // vitest reads a fixture's dependencies from its destructuring; this one has none.
    async ({}, use) => {
      const fixture = await startTestServer();
      await use(fixture);
      await fixture.close();
    },
    { scope: 'file' },
  ],
});

/**
 * A file-scoped fixture: one server on its own DynamoDB store (`options` as for `startTestServer`),
 * closed when the file is done. `base.extend({ assets: storeBackedFixture() })`.
 */
export function storeBackedFixture(options: TestServerOptions = {}): [(context: object, use: (server: StoreBackedTestServer) => Promise<void>) => Promise<void>, { scope: 'file' }] {
  return [
    // vitest reads a fixture's dependencies from its destructuring; this one has none.
    async ({}, use) => {
      const server = await startTestServer({ ...options, store: 'dynalite' });
      await use(server);
      await server.close();
    },
    { scope: 'file' },
  ];
}
