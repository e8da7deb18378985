/**
 * `startLocalServer`: the whole API on one machine, from the one definition and the bundles that
 * deploy. This is the composition root (docs/ARCHITECTURE.md#start-path): it builds each part from
 * its dependencies, starts them in order and closes them again. One port speaks HTTP, WebSocket and
 * TLS (`host/listen.ts`, `http/front-door.ts`); the stores are embedded or configured
 * (`host/local-stores.ts`); S3 object-created events drive the same `uploadCompleted` Lambda the
 * cloud runs (`lambda/local-lambdas.ts`); the API itself is `createLocalApi` (`local-api.ts`); edits
 * are rebuilt and swapped in while the server keeps serving (`host/hot-reload.ts`).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { api } from '../api/definition.ts';
import type { ApiDefinition } from '../api/types.ts';
import { localCredentialsPath } from './auth/local-credentials.ts';
import { readOrCreateFile } from './auth/state-file.ts';
import type { LocalUserPool } from './cognito/index.ts';
import type { Config } from './config.ts';
import { bundleExplorer, createExplorerHandler } from './explorer/index.ts';
import { buildApi } from './host/build.ts';
import { describeError } from './host/describe-error.ts';
import { startHotReload } from './host/hot-reload.ts';
import { createLateBound } from './host/late-bound.ts';
import { listenOnePort } from './host/listen.ts';
import { createLocalIdentities, type LocalIdentities } from './host/local-identities.ts';
import { describeLocalServer, localGraphqlUrl, type LocalServer } from './host/local-server-info.ts';
import { closeEmbeddedDynamo, LOCAL_BUCKET_NAME, prepareTables, startEmbeddedDynamo, startLocalStores, type LocalStores } from './host/local-stores.ts';
import { announcedOrigin, S3_PATH } from './host/public-endpoints.ts';
import type { SourceWatcher } from './host/watch.ts';
import { createCorsPolicy } from './http/cors.ts';
import { createFrontDoor } from './http/front-door.ts';
import { createHostAllowList, localInterfaceAddresses, type HostAllowList, type HostVerdict } from './http/host-allow-list.ts';
import { GRAPHQL_PATH } from './http/router.ts';
import type { OriginLambdaInvoker } from './lambda/per-origin-invoker.ts';
import { createLocalLambdas } from './lambda/local-lambdas.ts';
import { createLocalApi, type LocalApi, type LocalApiDeps } from './local-api.ts';
import { REALTIME_PATH } from './realtime/ws-adapter.ts';
import { createTtlSweeper, type TtlSweeper } from './stores/ttl-sweeper.ts';
import { createCaRoutes } from './tls/ca-routes.ts';
import type { SamePortServer } from './tls/same-port.ts';
import { loadServerTls, type ServerTls } from './tls/server-tls.ts';

export { LOCAL_BUCKET_NAME } from './host/local-stores.ts';
export type { LocalServer } from './host/local-server-info.ts';

export interface LocalServerHooks {
  /** Server log lines: start-up, resolver `console.log`, verbose field logs, reloads, errors. Never credentials. @default no output */
  readonly log?: (line: string) => void;
  /** The definition to serve. @default api (api/definition.ts) */
  readonly api?: ApiDefinition;
  /**
   * A part the server cannot serve without has stopped: the embedded DynamoDB store's worker died
   * (`local/stores/dynamo-store.ts`), so every table call would fail. Called at most once; the host
   * decides how to end (`npm start`: one line on stderr, exit code 1).
   * @default the error is thrown as an uncaught exception
   */
  readonly onFatal?: (error: Error) => void;
}

/** Pause between TTL sweeps (DynamoDB itself deletes expired items within days). */
const TTL_SWEEP_INTERVAL_MS = 30_000;
/** The Host verdict before the port, and so the allow-list, is known. */
const STARTING_HOST: HostVerdict = { ok: false, status: 403, message: 'The local server is starting.' };

/** The port `--public-url` names, or null without one. */
function publicPortOf(publicUrl: string | null): number | null {
  if (publicUrl === null) return null;
  const url = new URL(publicUrl);
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

/** With --verbose, one line per start-up phase and its duration. */
function createPhaseMarks(log: (line: string) => void, verbose: boolean, startedAt: number): (phase: string) => void {
  let lastMark = startedAt;
  return function markPhase(phase) {
    const now = performance.now();
    if (verbose) log(`[start] ${phase}: ${Math.round(now - lastMark)} ms`);
    lastMark = now;
  };
}

/** The explorer and demo pages: they sign in with the local pool and declare the definition's content types (local/explorer/page-config.ts). */
function createPages(config: Config, definition: ApiDefinition, userPool: LocalUserPool): ReturnType<typeof createExplorerHandler> {
  // The demo PUTs files to upload URLs on the S3 endpoint: the pages' CSP `connect-src` names it.
  // Uploads go to <page origin>/s3 ('self'), to --public-url's origin, or to a configured S3 endpoint.
  const connectSources = [...(config.s3Endpoint === null ? [] : [new URL(config.s3Endpoint).origin]), ...(config.publicUrl === null ? [] : [config.publicUrl])];
  const pageUserPool = { path: userPool.path, userPoolId: userPool.settings.userPoolId, clientId: userPool.settings.clientId, signUp: userPool.settings.definition.signUp, signInWith: userPool.settings.definition.signInWith, autoConfirm: userPool.settings.autoConfirm };
  return createExplorerHandler({ apiKey: config.apiKey, graphqlPath: GRAPHQL_PATH, realtimePath: REALTIME_PATH, tokenHint: 'npm run token -- --sub alice --groups admin', connectSources, userPool: pageUserPool, allowedContentTypes: definition.assets.allowedContentTypes });
}

/** Everything that has started, each with its own `close()`. */
interface Started {
  watcher?: SourceWatcher;
  sweeper?: TtlSweeper;
  api?: LocalApi;
  /** The embedded DynamoDB store from step 0, until `stores` has taken it over. */
  dynamo?: ReturnType<typeof startEmbeddedDynamo>;
  stores?: LocalStores;
  port?: SamePortServer;
}

/**
 * Closes whatever started, in this order: stop reloads and sweeps, close realtime sockets, let S3
 * deliver its queued events (through the Lambda to /graphql, so the port and the executor are still
 * up), then the port, the executor and the stores. A failing step is logged and the next one runs.
 */
async function closeStarted(started: Started, onError: (error: unknown) => void): Promise<void> {
  const steps: (() => Promise<void> | undefined)[] = [
    () => started.watcher?.close(),
    () => started.sweeper?.close(),
    () => started.api?.realtime.close(),
    () => started.stores?.s3?.close(),
    () => started.port?.close(),
    () => started.api?.close(),
    () => started.stores?.close(),
    () => (started.stores === undefined ? closeEmbeddedDynamo(started.dynamo ?? null) : undefined),
  ];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      onError(error);
    }
  }
}

/** Step 3: the port listens before anything else exists; requests get the 503 until `served` is bound. */
async function listenFirst(config: Config, tls: ServerTls | null, onError: (error: unknown) => void) {
  // Accepted Host headers (DNS rebinding) and browser origins (CORS, realtime upgrades) name the port, known once listening.
  const hosts = createLateBound<HostAllowList>('the Host allow-list');
  const served = createLateBound<LocalApi>('the local API');
  const checkHost = (host: string | undefined, defaultPort: number): HostVerdict => hosts.current()?.check(host, defaultPort) ?? STARTING_HOST;
  const frontDoor = createFrontDoor({ api: served.current, s3Path: S3_PATH, checkHost, onError });
  const port = await listenOnePort(frontDoor, { host: config.host, port: config.port, limits: config.connectionLimits, tls });
  hosts.bind(createHostAllowList({ boundHost: config.host, port: port.port, publicHost: config.publicHost, publicPort: publicPortOf(config.publicUrl) }));
  const isOwnOrigin = (origin: URL): boolean => hosts.current()?.isOwnOrigin(origin) === true;
  return { port, served, checkHost, isOwnOrigin };
}

interface ApiParts {
  readonly schema: LocalApiDeps['schema'];
  readonly stores: LocalStores;
  readonly tableNames: Readonly<Record<string, string>>;
  readonly lambdas: LocalApiDeps['lambdas'];
  readonly identities: LocalIdentities;
  readonly caCertPem: string | null;
  readonly checkHost: LocalApiDeps['checkHost'];
  readonly isOwnOrigin: (origin: URL) => boolean;
  readonly log: (line: string) => void;
  readonly onError: (error: unknown) => void;
}

/** Step 6: the API over the stores and Lambdas, with the identities' routes and the pages. */
function assembleApi(config: Config, definition: ApiDefinition, parts: ApiParts): LocalApi {
  const { stores, identities, caCertPem } = parts;
  const paginationSecret = readOrCreateFile(join(config.stateDir, 'pagination-secret'), () => randomBytes(32).toString('hex'));
  // The CA certificate at /ca.pem and /ca.crt, for devices to install (docs/devices.md).
  const caRoutes = caCertPem === null ? [] : [createCaRoutes({ caCertPem })];
  return createLocalApi(
    {
      definition,
      schema: parts.schema,
      tables: { client: stores.dynamodb, transport: stores.dynamodbTransport, names: parts.tableNames },
      s3: stores.s3,
      lambdas: parts.lambdas,
      authenticator: identities.authenticator,
      cors: createCorsPolicy({ origins: config.corsOrigins, isOwnOrigin: parts.isOwnOrigin }),
      checkHost: parts.checkHost,
      routes: [(request) => identities.issuer.handle(request), identities.userPool.handle, ...caRoutes],
      pages: [createPages(config, definition, identities.userPool)],
      log: parts.log,
      onError: parts.onError,
    },
    {
      executor: { introspection: config.introspection, verbose: config.verbose, paginationSecret, resolverCaching: config.cache },
      realtime: { keepAliveMs: config.keepAliveMs, connectionTimeoutMs: config.connectionTimeoutMs },
      s3Path: S3_PATH,
    },
  );
}

export async function startLocalServer(config: Config, hooks: LocalServerHooks = {}): Promise<LocalServer> {
  const startedAt = performance.now();
  const definition = hooks.api ?? api;
  const log = hooks.log ?? (() => undefined);
  const onError = (error: unknown): void => log(`[error] ${describeError(error)}`);
  const mark = createPhaseMarks(log, config.verbose, startedAt);
  const started: Started = {};
  try {
    // 0. The embedded DynamoDB store's worker, first: its module loading overlaps steps 1 to 3.
    started.dynamo = startEmbeddedDynamo(config, hooks.onFatal);

    // 1. Bundles (skipped when fresh) and the definition check: a mistake fails here, not at the first request.
    const { schema } = buildApi(definition, { force: false });
    try {
      bundleExplorer();
    } catch (error) {
      log(`[warn] explorer bundle failed; / will not be served: ${describeError(error)}`);
    }
    mark('definition and bundles');

    // 2. Local identities and the TLS certificate (both kept in the state folder).
    const identities = createLocalIdentities(definition, config, { log, onError });
    // Read once at start: the certificate and the announced origin name the same addresses.
    const interfaceAddresses = localInterfaceAddresses();
    const tls = config.tls ? loadServerTls({ stateDir: config.stateDir, boundHost: config.host, publicHost: config.publicHost, interfaceAddresses }, log) : null;
    mark('issuer key and TLS certificate');

    // 3. Listen first: the Lambdas need this server's URL.
    const front = await listenFirst(config, tls, onError);
    started.port = front.port;
    const graphqlUrl = localGraphqlUrl(config.host, front.port.port);
    const origin = announcedOrigin({ publicUrl: config.publicUrl, boundHost: config.host, port: front.port.port, tls: tls !== null, interfaceAddresses });
    mark('listening');

    // 4. Stores. Bucket events go to the Lambdas of step 5 (built after the store: they need its
    // endpoint); an event before then fails and the store retries it.
    const eventLambdas = createLateBound<OriginLambdaInvoker>('the Lambda invoker');
    const onObjectCreated = async (event: unknown): Promise<void> => void (await eventLambdas.require().invoke(definition.bucket.onObjectCreated, event));
    const onEventError = (error: unknown, _event: unknown, attempt: number, givenUp: boolean): void => log(`[error] object-created event, attempt ${attempt}${givenUp ? ' (given up)' : ''}: ${describeError(error)}`);
    const { dataDir, dynamodbEndpoint, s3Endpoint, region, accountId, storeCredentials } = config;
    const storeOptions = { dataDir, dynamodbEndpoint, s3Endpoint, region, accountId, storeCredentials, localCredentials: identities.backendCredentials, bucket: definition.bucket };
    const stores = await startLocalStores({ onObjectCreated, onEventError, dynamo: started.dynamo }, storeOptions);
    started.stores = stores;
    mark('stores');

    // 5. Lambdas: the same environment the stack gives them, plus where the local resources are.
    const presign = stores.s3 === null ? null : { path: S3_PATH, defaultOrigin: origin };
    const lambdaOptions = { graphqlUrl, bucketName: LOCAL_BUCKET_NAME, region: config.region, accountId: config.accountId, credentials: stores.lambdaS3.credentials, s3Endpoint: stores.lambdaS3.endpoint, presign };
    // A Lambda invoked for a request presigns for that request's origin (or --public-url); S3 events have none.
    const lambdas = createLocalLambdas({ definition, publicUrl: config.publicUrl }, lambdaOptions);
    eventLambdas.bind(lambdas);

    // 6. Tables, then the API is served (executor, realtime, routes), then TTL sweeps.
    const tableNames = await prepareTables(stores, definition, { repair: config.dataDir !== null, log });
    mark('tables');
    const parts = { schema, stores, tableNames, lambdas, identities, caCertPem: tls?.caCertPem ?? null, checkHost: front.checkHost, isOwnOrigin: front.isOwnOrigin, log, onError };
    started.api = assembleApi(config, definition, parts);
    front.served.bind(started.api);
    mark('executor');
    started.sweeper = createTtlSweeper({ client: stores.dynamodb, api: definition, tableNames, intervalMs: TTL_SWEEP_INTERVAL_MS, onError });

    // 7. Hot reload: an edit is rebuilt and a new executor swapped in; a failing build keeps the last good one.
    if (config.watch) started.watcher = startHotReload({ definition, reload: started.api.reload, log, onError });

    let closing: Promise<void> | null = null;
    const facts = { boundHost: config.host, port: front.port.port, apiKey: config.apiKey, region: config.region, announcedOrigin: origin, caCertPath: tls?.caCertPath ?? null, userPool: identities.userPool };
    const backendCredentialsPath = config.localCredentials === null ? localCredentialsPath(config.stateDir) : null;
    return describeLocalServer(definition, { ...facts, backendCredentials: identities.backendCredentials, backendCredentialsPath, startupMs: Math.round(performance.now() - startedAt) }, function closeLocalServer() {
      closing ??= closeStarted(started, onError);
      return closing;
    });
  } catch (error) {
    await closeStarted(started, onError);
    throw error;
  }
}
