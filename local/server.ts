/**
 * `startLocalServer`: the whole API on one machine, from the one definition and the bundles that
 * deploy. One port speaks HTTP, WebSocket and TLS; the stores are embedded (or configured endpoints);
 * S3 object-created events drive the same `uploadCompleted` Lambda the cloud runs; resolver and schema
 * edits are rebuilt and swapped in while the server keeps serving.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { api } from '../api/definition.ts';
import { lambdaEnvironment, resolverEnvironment, tableEnvironment } from '../api/environment.ts';
import { projectPath, resolverBundlePath, PROJECT_ROOT } from '../api/paths.ts';
import type { ApiDefinition } from '../api/types.ts';
import { createAuthenticator } from './auth/authenticate.ts';
import { createJwtVerifier } from './auth/jwt.ts';
import { createLocalIssuer } from './auth/local-issuer.ts';
import { resolveUserPool } from '../api/user-pool.ts';
import { createLocalUserPool } from './cognito/index.ts';
import { loadLocalCredentials, localCredentialsPath } from './auth/local-credentials.ts';
import { readOrCreateFile } from './auth/state-file.ts';
import type { AwsCredentials, Config } from './config.ts';
import { bundleExplorer, createExplorerHandler } from './explorer/index.ts';
import { createGraphQLService } from './graphql/index.ts';
import type { GraphQLService } from './graphql/contract.ts';
import { buildApi } from './host/build.ts';
import { watchSources, type SourceWatcher } from './host/watch.ts';
import { createGraphQLHttpHandler } from './http/graphql-handler.ts';
import { createCorsPolicy } from './http/cors.ts';
import { createHostAllowList, type HostAllowList, type HostVerdict } from './http/host-allow-list.ts';
import { AppSyncHttpError, formatHttpError, HTTP_ERROR_TYPE } from './http/http-error.ts';
import { answerClientError, createNodeListener, type WebHandler } from './http/node-adapter.ts';
import { createHttpRouter, GRAPHQL_PATH } from './http/router.ts';
import { createLambdaInvoker } from './lambda/load-lambda.ts';
import { createSubscriptionRegistry } from './realtime/registry.ts';
import { createRealtimeServer, REALTIME_PATH } from './realtime/ws-adapter.ts';
import { loadResolverFile } from './runtime/index.ts';
import { startS3Store, type S3Store } from './s3/s3-store.ts';
import { startDynamoStore, type DynamoStore } from './stores/dynamo-store.ts';
import { removeOrphanIndexEntries } from './stores/index-repair.ts';
import { ensureTables, localTableNames } from './stores/tables.ts';
import { createTtlSweeper, type TtlSweeper } from './stores/ttl-sweeper.ts';
import { loadLocalCa } from './tls/local-ca.ts';
import { createCaRoutes } from './tls/ca-routes.ts';
import { createAmplifyOutputs, type AmplifyOutputs } from '../api/amplify-outputs.ts';
import { createPublicOrigin } from './host/public-origin.ts';
import { announcedOrigin, certificateNames, publicEndpoints, S3_PATH, type PublicEndpoints } from './host/public-endpoints.ts';
import { localInterfaceAddresses } from './http/host-allow-list.ts';
import { createPathMount, type NodeRequestListener } from './http/path-mount.ts';
import { createPerOriginInvoker } from './lambda/per-origin-invoker.ts';
import { listenSamePort, type SamePortServer } from './tls/same-port.ts';

export interface LocalServerHooks {
  /** Server log lines: start-up, resolver `console.log`, verbose field logs, reloads, errors. Never credentials. @default no output */
  readonly log?: (line: string) => void;
  /** The definition to serve. @default api (api/definition.ts) */
  readonly api?: ApiDefinition;
}

export interface LocalServer {
  /** `http://<host>:<port>/graphql` (the same port also answers `https://`). */
  readonly url: string;
  /** `ws://<host>:<port>/graphql/realtime` (also `wss://`). */
  readonly realtimeUrl: string;
  readonly explorerUrl: string;
  readonly apiKey: string;
  /** The local CA certificate that signs the TLS side; null with `--no-tls`. */
  readonly caCertPath: string | null;
  /** The backend's IAM credentials (SigV4 callers of IAM-only fields, object access on the embedded S3). */
  readonly backendCredentials: AwsCredentials;
  /** Where they are kept when generated per installation; null when configured. */
  readonly backendCredentialsPath: string | null;
  /** The local Cognito user pool: Amplify's `Auth.Cognito` `userPoolEndpoint`, `userPoolId`, `userPoolClientId`. */
  readonly userPool: {
    readonly endpoint: string;
    readonly userPoolId: string;
    readonly clientId: string;
    readonly mfa: 'OFF' | 'OPTIONAL' | 'REQUIRED';
    /** `cognito-users.json` with --data-dir; null in memory. */
    readonly storePath: string | null;
  };
  readonly port: number;
  /**
   * The URLs announced to clients (banner, `amplify_outputs.json`): on `--public-url`, else on the
   * bound address (a wildcard bind: the first LAN address), `https` while TLS is on
   * (local/host/public-endpoints.ts). Answers to requests name the address each request used.
   */
  readonly announced: PublicEndpoints;
  /** `amplify_outputs.json` for `announced` (api/amplify-outputs.ts); `npm start` writes it. */
  readonly amplifyOutputs: AmplifyOutputs;
  /** Milliseconds from the call to ready. */
  readonly startupMs: number;
  /** Stops everything it started, in order. Safe to call twice. */
  close(): Promise<void>;
}

/** Name of the embedded bucket. */
export const LOCAL_BUCKET_NAME = 'asset-api-local-assets';
/** Pause between TTL sweeps (DynamoDB itself deletes expired items within days). */
const TTL_SWEEP_INTERVAL_MS = 30_000;

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function uniqueCredentials(list: readonly AwsCredentials[]): AwsCredentials[] {
  const byKey = new Map<string, AwsCredentials>();
  for (const c of list) byKey.set(c.accessKeyId, c);
  return [...byKey.values()];
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

export async function startLocalServer(config: Config, hooks: LocalServerHooks = {}): Promise<LocalServer> {
  const startedAt = performance.now();
  const definition = hooks.api ?? api;
  const log = hooks.log ?? (() => undefined);
  const onError = (error: unknown): void => log(`[error] ${describeError(error)}`);
  let lastMark = startedAt;
  /** With --verbose, one line per start-up phase and its duration. */
  const mark = (phase: string): void => {
    const now = performance.now();
    if (config.verbose) log(`[start] ${phase}: ${Math.round(now - lastMark)} ms`);
    lastMark = now;
  };
  // Everything that starts is closed here, in this order: stop reloads and sweeps, close sockets,
  // let S3 deliver its queued events (through the Lambda to /graphql), then stop HTTP, the executor
  // and the stores.
  const started: {
    watcher?: SourceWatcher;
    sweeper?: TtlSweeper;
    realtime?: { close(): Promise<void> };
    s3?: S3Store;
    samePort?: SamePortServer;
    service?: () => Promise<void>;
    dynamodb?: DynamoDBClient;
    dynamo?: DynamoStore;
  } = {};

  async function closeAll(): Promise<void> {
    const steps: (() => Promise<void> | void)[] = [
      () => started.watcher?.close(),
      () => started.sweeper?.close(),
      () => started.realtime?.close(),
      () => started.s3?.close(),
      () => started.samePort?.close(),
      () => started.service?.(),
      () => started.dynamodb?.destroy(),
      () => started.dynamo?.close(),
    ];
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        onError(error);
      }
    }
  }

  try {
    // 1. Bundles (skipped when fresh) and the definition check: a mistake fails here, not at the first request.
    let { schema } = buildApi(definition, { force: false });
    try {
      bundleExplorer();
    } catch (error) {
      log(`[warn] explorer bundle failed; / will not be served: ${describeError(error)}`);
    }

    mark('definition and bundles');

    // 2. Local identities: the user-pool stand-in and the TLS certificate (both kept in the state folder).
    const issuer = createLocalIssuer({ stateDir: config.stateDir, issuer: config.userPoolIssuer, clientId: config.userPoolClientId });
    const ca = config.tls ? loadLocalCa(config.stateDir) : null;
    // This installation's backend identity (generated once in the state folder), unless configured.
    const localCredentials = config.localCredentials ?? loadLocalCredentials(config.stateDir);
    const iamCredentials = uniqueCredentials([localCredentials, config.storeCredentials ?? localCredentials]);
    // The local Cognito user pool at /cognito-idp/ (local/cognito/): Amplify Auth signs in against it.
    const userPool = createLocalUserPool(
      { issuer, definition: resolveUserPool(definition), adminCredentials: iamCredentials, log, onError },
      { dataDir: config.dataDir, mfa: config.userPoolMfa, autoConfirm: config.userPoolAutoConfirm },
    );
    const authenticator = createAuthenticator({
      authModes: definition.auth,
      apiKey: config.apiKey,
      userPool: createJwtVerifier({ issuer: issuer.issuer, publicKey: issuer.publicKey, clientIds: [config.userPoolClientId] }),
      iamCredentials,
      accountId: config.accountId,
      region: config.region,
    });

    mark('issuer key and TLS certificate');

    // 3. Listen first: the Lambdas need this server's URL. Requests wait behind a gate until ready.
    const registry = createSubscriptionRegistry({ onError });
    let current: (GraphQLService & { close(): Promise<void> }) | null = null;
    const service: GraphQLService = {
      execute: (request, auth) => (current ?? notReady()).execute(request, auth),
      prepareSubscription: (request, auth) => (current ?? notReady()).prepareSubscription(request, auth),
    };
    let handler: WebHandler = async () => formatHttpError(new AppSyncHttpError(503, HTTP_ERROR_TYPE.INTERNAL, 'The local server is starting.'));
    // Which Host headers (DNS rebinding) and browser origins (CORS, realtime upgrades) are accepted:
    // the server's own names with its port, known once it listens (local/http/host-allow-list.ts, cors.ts).
    let hosts: HostAllowList | null = null;
    const checkHost = (host: string | undefined, defaultPort: number): HostVerdict => hosts?.check(host, defaultPort) ?? { ok: false, status: 403, message: 'The local server is starting.' };
    const cors = createCorsPolicy({ origins: config.corsOrigins, isOwnOrigin: (origin) => hosts?.isOwnOrigin(origin) === true });
    // Each request runs with its origin (or --public-url) as the one its URLs name (local/host/public-origin.ts).
    const publicOrigin = createPublicOrigin({ publicUrl: config.publicUrl });
    const webListener = createNodeListener((request, connection) => publicOrigin.run(new URL(request.url).origin, () => handler(request, connection)), onError, { checkHost });
    // The embedded S3 front answers under /s3 on this port, once it has started (step 4).
    let s3Front: NodeRequestListener | null = null;
    const listener = createPathMount({ prefix: S3_PATH, mounted: () => s3Front, fallback: webListener });
    const realtime = createRealtimeServer(
      { service, authenticator, registry, onError, checkHost, isAllowedOrigin: (origin) => cors.allowOrigin(origin) !== null },
      { keepAliveMs: config.keepAliveMs, connectionTimeoutMs: config.connectionTimeoutMs, graphqlPath: GRAPHQL_PATH },
    );
    const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
      if (current === null || !realtime.handleUpgrade(request, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    };
    const httpServer: HttpServer = createHttpServer(listener).on('upgrade', onUpgrade).on('clientError', answerClientError);
    let httpsServer: HttpsServer | undefined;
    if (ca) {
      // Every name a client may dial: the public host and, on a wildcard bind, the interface addresses.
      const certNames = certificateNames({ boundHost: config.host, publicHost: config.publicHost, interfaceAddresses: localInterfaceAddresses() });
      if (certNames.refused.length > 0) log(`[warn] the TLS certificate cannot name ${certNames.refused.join(', ')}: the local CA vouches only for local names and private addresses (docs/devices.md)`);
      const { cert, key } = ca.serverCertificate(certNames.names);
      httpsServer = createHttpsServer({ cert, key, handshakeTimeout: config.connectionLimits.tlsHandshakeTimeoutMs }, listener).on('upgrade', onUpgrade);
      // A failed or timed-out handshake: the socket is of no further use.
      httpsServer.on('tlsClientError', (_error, socket) => socket.destroy()).on('clientError', answerClientError);
    }
    const samePort: SamePortServer = await listenSamePort({ http: httpServer, ...(httpsServer ? { https: httpsServer } : {}), host: config.host, port: config.port, limits: config.connectionLimits });
    const publicUrl = config.publicUrl === null ? null : new URL(config.publicUrl);
    const publicPort = publicUrl === null ? null : Number(publicUrl.port || (publicUrl.protocol === 'https:' ? 443 : 80));
    hosts = createHostAllowList({ boundHost: config.host, port: samePort.port, publicHost: config.publicHost, publicPort });
    started.samePort = samePort;
    started.realtime = realtime;
    const base = `${displayHost(config.host)}:${samePort.port}`;
    const graphqlUrl = `http://${base}${GRAPHQL_PATH}`;
    const announcedOriginValue = announcedOrigin({ publicUrl: config.publicUrl, boundHost: config.host, port: samePort.port, tls: ca !== null, interfaceAddresses: localInterfaceAddresses() });

    mark('listening');

    // 4. Stores: embedded emulators, or the configured endpoints.
    const stores = await Promise.allSettled([
      config.dynamodbEndpoint === null ? startDynamoStore(config.dataDir === null ? {} : { dataDir: join(config.dataDir, 'dynamodb') }) : Promise.resolve(null),
      config.s3Endpoint === null
        ? startS3Store({
            ...(config.dataDir === null ? {} : { dataDir: join(config.dataDir, 's3') }),
            bucketName: LOCAL_BUCKET_NAME,
            keyPrefix: definition.bucket.keyPrefix,
            abortIncompleteMultipartUploadAfterDays: definition.bucket.abortIncompleteMultipartUploadAfterDays,
            credentials: localCredentials,
            region: config.region,
            accountId: config.accountId,
            cors: { allowedOrigins: ['*'] },
            onObjectCreated: (event) => invoker.invoke(definition.bucket.onObjectCreated, event).then(() => undefined),
            onEventError: (error, _event, attempt, givenUp) => log(`[error] object-created event, attempt ${attempt}${givenUp ? ' (given up)' : ''}: ${describeError(error)}`),
          })
        : Promise.resolve(null),
    ]);
    const [dynamoResult, s3Result] = stores;
    if (dynamoResult.status === 'fulfilled' && dynamoResult.value) started.dynamo = dynamoResult.value;
    if (s3Result.status === 'fulfilled' && s3Result.value) {
      started.s3 = s3Result.value;
      s3Front = s3Result.value.mount(S3_PATH, checkHost);
    }
    for (const result of stores) if (result.status === 'rejected') throw result.reason;
    mark('stores');
    const dynamoStore = started.dynamo ?? null;
    const s3Store = started.s3 ?? null;
    const dynamoEndpoint = dynamoStore?.endpoint ?? config.dynamodbEndpoint ?? '';
    const storeCredentials = dynamoStore ? localCredentials : (config.storeCredentials ?? localCredentials);
    // A copy: the SDK annotates the credentials object it is given, and Config is frozen.
    const dynamodb = new DynamoDBClient({ endpoint: dynamoEndpoint, region: config.region, credentials: { ...storeCredentials } });
    started.dynamodb = dynamodb;

    // 5. Lambdas: the same environment the stack gives them, plus where the local resources are.
    const s3Endpoint = s3Store?.endpoint ?? config.s3Endpoint ?? undefined;
    const lambdaCredentials = s3Store ? localCredentials : (config.storeCredentials ?? localCredentials);
    // Presigned URLs name the embedded front at <origin>/s3, the origin the request used (or --public-url);
    // the Lambda's own S3 calls keep the front's loopback endpoint (local/lambda/per-origin-invoker.ts).
    const presignEndpointFor = (origin: string | undefined): { s3PresignEndpoint?: string } =>
      s3Store === null ? {} : { s3PresignEndpoint: `${origin ?? announcedOriginValue}${S3_PATH}` };
    const lambdaEnvFor = (origin: string | undefined): Record<string, string> => ({
      ...lambdaEnvironment(definition, { bucketName: LOCAL_BUCKET_NAME, graphqlUrl, ...(s3Endpoint !== undefined ? { s3Endpoint } : {}), ...presignEndpointFor(origin) }),
      AWS_REGION: config.region,
      AWS_ACCESS_KEY_ID: lambdaCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: lambdaCredentials.secretAccessKey,
      ...(lambdaCredentials.sessionToken ? { AWS_SESSION_TOKEN: lambdaCredentials.sessionToken } : {}),
    });
    const invoker = createPerOriginInvoker({
      currentOrigin: () => publicOrigin.current(),
      createInvoker: (origin) => createLambdaInvoker({ api: definition, env: lambdaEnvFor(origin) }),
    });

    // 6. Tables, executor, and the routes.
    const tableNames = localTableNames(definition);
    await ensureTables(dynamodb, definition, tableNames);
    if (dynamoStore !== null && config.dataDir !== null) {
      // A kill in the middle of a write can leave index entries without their item (index-repair.ts).
      const removed = Object.values(await removeOrphanIndexEntries(dynamodb, definition, tableNames)).reduce((a, b) => a + b, 0);
      if (removed > 0) log(`[start] removed ${removed} index entr${removed === 1 ? 'y' : 'ies'} left by an interrupted write`);
    }
    mark('tables');
    const paginationSecret = readOrCreateFile(join(config.stateDir, 'pagination-secret'), () => randomBytes(32).toString('hex'));
    const createService = (forSchema: typeof schema): GraphQLService & { close(): Promise<void> } =>
      createGraphQLService(
        {
          api: definition,
          schema: forSchema,
          loadResolver: (codeFile) => loadResolverFile(resolverBundlePath(codeFile)),
          dynamodb,
          dynamodbTransport: { endpoint: dynamoEndpoint, region: config.region, credentials: storeCredentials },
          tableNames,
          invokeLambda: (name, event) => invoker.invoke(name, event),
          env: { ...resolverEnvironment(definition), ...tableEnvironment(tableNames) },
          onMutation: (event) => void registry.publish(event),
          onInvalidate: (event) => void registry.invalidate(event),
          log,
        },
        { queryDepthLimit: definition.limits.queryDepthLimit, introspection: config.introspection, verbose: config.verbose, paginationSecret, resolverCaching: config.cache },
      );
    current = createService(schema);
    started.service = () => current?.close() ?? Promise.resolve();
    mark('executor');

    // The demo PUTs files to upload URLs on the S3 endpoint: the pages' CSP `connect-src` names it.
    // Uploads go to <page origin>/s3 ('self'), to --public-url's origin, or to a configured S3 endpoint.
    const connectSources = [...(config.s3Endpoint === null ? [] : [new URL(config.s3Endpoint).origin]), ...(config.publicUrl === null ? [] : [config.publicUrl])];
    // The pages sign in with the local pool and declare the served definition's content types (local/explorer/page-config.ts).
    const pageUserPool = { path: userPool.path, userPoolId: userPool.settings.userPoolId, clientId: userPool.settings.clientId, signUp: userPool.settings.definition.signUp, signInWith: userPool.settings.definition.signInWith, autoConfirm: userPool.settings.autoConfirm };
    const explorer = createExplorerHandler({ apiKey: config.apiKey, graphqlPath: GRAPHQL_PATH, realtimePath: REALTIME_PATH, tokenHint: 'npm run token -- --sub alice --groups admin', connectSources, userPool: pageUserPool, allowedContentTypes: definition.assets.allowedContentTypes });
    const graphql = createGraphQLHttpHandler({ service, authenticator, onError });
    // The CA certificate at /ca.pem and /ca.crt, for devices to install (docs/devices.md).
    const caRoutes = ca === null ? [] : [createCaRoutes({ caCertPem: ca.caCertPem })];
    handler = createHttpRouter({ graphql, cors, others: [(request) => issuer.handle(request), userPool.handle, ...caRoutes], pages: [explorer] });

    started.sweeper = createTtlSweeper({ client: dynamodb, api: definition, tableNames, intervalMs: TTL_SWEEP_INTERVAL_MS, onError });

    // 7. Hot reload: a failing build logs the error and keeps the last good version.
    if (config.watch) {
      started.watcher = watchSources({
        folders: [join(PROJECT_ROOT, 'resolvers')],
        files: [projectPath(definition.schemaFile)],
        onChange: async (changed) => {
          const started = performance.now();
          try {
            schema = buildApi(definition, { force: true }).schema;
          } catch (error) {
            log(`[reload] build failed, still serving the previous version: ${describeError(error)}`);
            return;
          }
          const previous = current;
          current = createService(schema);
          await previous?.close();
          log(`[reload] ${changed.length} change(s) applied in ${Math.round(performance.now() - started)} ms`);
        },
        onError,
      });
    }

    const announced = publicEndpoints(announcedOriginValue, userPool.path);
    const amplifyOutputs = createAmplifyOutputs(definition, {
      graphqlUrl: announced.graphqlUrl,
      region: config.region,
      apiKey: config.apiKey,
      userPool: { userPoolId: userPool.settings.userPoolId, clientId: userPool.settings.clientId, mfa: userPool.settings.mfa },
      local: { userPoolEndpoint: announced.userPoolEndpoint, ...(ca === null ? {} : { caCertificateUrl: announced.caCrtUrl }) },
    });

    let closing: Promise<void> | null = null;
    return {
      url: graphqlUrl,
      realtimeUrl: `ws://${base}${REALTIME_PATH}`,
      explorerUrl: `http://${base}/`,
      apiKey: config.apiKey,
      caCertPath: ca?.caCertPath ?? null,
      backendCredentials: localCredentials,
      backendCredentialsPath: config.localCredentials === null ? localCredentialsPath(config.stateDir) : null,
      userPool: { endpoint: `http://${base}${userPool.path}`, userPoolId: userPool.settings.userPoolId, clientId: userPool.settings.clientId, mfa: userPool.settings.mfa, storePath: userPool.storePath },
      port: samePort.port,
      announced,
      amplifyOutputs,
      startupMs: Math.round(performance.now() - startedAt),
      close: function closeLocalServer() {
        closing ??= closeAll();
        return closing;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function notReady(): never {
  throw new AppSyncHttpError(503, HTTP_ERROR_TYPE.INTERNAL, 'The local server is starting.');
}
