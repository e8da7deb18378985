/**
 * The peer: `@aws-amplify/amplify-appsync-simulator` (the engine behind `amplify mock api`) serving the
 * same `schema.graphql` with VTL resolvers equivalent to ours (`bench/peer/vtl/`), on the same
 * DynamoDB store, with the same `assetUrls` Lambda bundle invoked in-process.
 *
 * Notes from reading the simulator (2.16.x):
 * - It depends on graphql 15; npm nests graphql 15 (and its `@graphql-tools`) under the simulator's
 *   own `node_modules`, so the project's graphql 16 is untouched and no `overrides` are needed.
 * - It declares the AppSync scalars and directives (`@aws_subscribe`, `@aws_api_key`, ...) itself, so
 *   `schema.graphql` is served unchanged.
 * - Subscriptions: it speaks AppSync's realtime protocol (subprotocol `graphql-ws`, `header` query
 *   parameter, `connection_init`/`start`/`data`) at `/graphql/realtime` on the HTTP port, so the same
 *   client drives ours and the peer. A mutation named in `@aws_subscribe` publishes its result.
 * - IAM: it accepts any `Authorization: AWS4-HMAC-SHA256 Credential=...` header without checking the
 *   signature (ours verifies SigV4), so the peer does less work for IAM calls.
 * - Its DynamoDB `PutItem` is followed by a consistent `GetItem` to return the item (AppSync does not
 *   read back); that is the simulator's own cost, kept as is.
 * - It binds every interface (`listen(port)` without a host) and scans ports from 8900; the bench
 *   binds it to 127.0.0.1 on a port found free there (see `bindToLoopback`).
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  AmplifyAppSyncSimulator,
  AmplifyAppSyncSimulatorAuthenticationType,
  RESOLVER_KIND,
  type AmplifyAppSyncSimulatorConfig,
} from '@aws-amplify/amplify-appsync-simulator';
import { api } from '../../api/definition.ts';
import { resolverEnvironment } from '../../api/environment.ts';
import { PROJECT_ROOT } from '../../api/paths.ts';

export interface SimulatorOptions {
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  readonly apiKey: string;
  /** The access key id the peer treats as the authenticated IAM role. */
  readonly iamAccessKeyId: string;
  /** The `assetUrls` Lambda handler, called with the payload of the Lambda data source. */
  readonly invokeAssetUrls: (payload: unknown) => Promise<unknown>;
  /** @default 0 (a free port on 127.0.0.1) */
  readonly port?: number;
}

export interface RunningSimulator {
  /** `http://127.0.0.1:<port>/graphql` */
  readonly url: string;
  /** `ws://127.0.0.1:<port>/graphql/realtime` */
  readonly realtimeUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The simulator's API key in the bench (any value works; this one has AppSync's shape). */
export const PEER_API_KEY = 'da2-simulatorbenchapikey000000';

const VTL_DIR = join(PROJECT_ROOT, 'bench', 'peer', 'vtl');

/**
 * The payload `resolvers/functions/mintUploadUrl.ts` sends to the Lambda, in VTL. Keep in step with
 * that function so the peer's Lambda call does the same work as ours.
 */
export const MINT_UPLOAD_PAYLOAD_VTL = `{
    "action": "mintUploadUrl",
    "key": $util.toJson($ctx.stash.key),
    "contentType": $util.toJson($ctx.args.input.contentType),
    "size": $ctx.args.input.size,
    "checksumSha256": $util.toJson($ctx.args.input.checksumSha256)
  }`;

/** Loads a VTL file and fills in the `__NAME__` placeholders (the values AppSync would give as `ctx.env`). */
function loadTemplate(file: string): { path: string; content: string } {
  const env = resolverEnvironment(api);
  const values: Record<string, string> = { ...env, MINT_UPLOAD_PAYLOAD: MINT_UPLOAD_PAYLOAD_VTL };
  const content = readFileSync(join(VTL_DIR, file), 'utf8').replace(/__([A-Z0-9_]+)__/g, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${file}: unknown placeholder __${name}__ (known: ${Object.keys(values).join(', ')})`);
    return value;
  });
  return { path: file, content };
}

const TEMPLATES = [
  'Query.getAsset.req.vtl',
  'Query.getAsset.res.vtl',
  'Query.listAssets.req.vtl',
  'Query.listAssets.res.vtl',
  'Mutation.createUpload.before.vtl',
  'Mutation.createUpload.after.vtl',
  'mintUploadUrl.req.vtl',
  'mintUploadUrl.res.vtl',
  'putAsset.req.vtl',
  'putAsset.res.vtl',
  'Mutation.completeUpload.req.vtl',
  'Mutation.completeUpload.res.vtl',
] as const;

/** The pipeline functions of createUpload, as the definition declares them (VTL templates here). */
const SIMULATOR_FUNCTIONS: NonNullable<AmplifyAppSyncSimulatorConfig['functions']> = [
  {
    name: 'mintUploadUrl',
    dataSourceName: 'assetUrls',
    requestMappingTemplateLocation: 'mintUploadUrl.req.vtl',
    responseMappingTemplateLocation: 'mintUploadUrl.res.vtl',
  },
  {
    name: 'putAsset',
    dataSourceName: 'assetsTable',
    requestMappingTemplateLocation: 'putAsset.req.vtl',
    responseMappingTemplateLocation: 'putAsset.res.vtl',
  },
];

/** The resolvers the bench exercises, as the definition declares them. */
const SIMULATOR_RESOLVERS: NonNullable<AmplifyAppSyncSimulatorConfig['resolvers']> = [
  {
    kind: RESOLVER_KIND.UNIT,
    typeName: 'Query',
    fieldName: 'getAsset',
    dataSourceName: 'assetsTable',
    requestMappingTemplateLocation: 'Query.getAsset.req.vtl',
    responseMappingTemplateLocation: 'Query.getAsset.res.vtl',
  },
  {
    kind: RESOLVER_KIND.UNIT,
    typeName: 'Query',
    fieldName: 'listAssets',
    dataSourceName: 'assetsTable',
    requestMappingTemplateLocation: 'Query.listAssets.req.vtl',
    responseMappingTemplateLocation: 'Query.listAssets.res.vtl',
  },
  {
    kind: RESOLVER_KIND.PIPELINE,
    typeName: 'Mutation',
    fieldName: 'createUpload',
    functions: ['mintUploadUrl', 'putAsset'],
    requestMappingTemplateLocation: 'Mutation.createUpload.before.vtl',
    responseMappingTemplateLocation: 'Mutation.createUpload.after.vtl',
  },
  {
    kind: RESOLVER_KIND.UNIT,
    typeName: 'Mutation',
    fieldName: 'completeUpload',
    dataSourceName: 'assetsTable',
    requestMappingTemplateLocation: 'Mutation.completeUpload.req.vtl',
    responseMappingTemplateLocation: 'Mutation.completeUpload.res.vtl',
  },
];

/** The simulator configuration equivalent to the definition's resolvers the bench exercises. */
export function simulatorConfig(options: SimulatorOptions): AmplifyAppSyncSimulatorConfig {
  return {
    schema: { path: 'schema.graphql', content: readFileSync(join(PROJECT_ROOT, api.schemaFile), 'utf8') },
    appSync: {
      name: api.name,
      defaultAuthenticationType: {
        authenticationType: AmplifyAppSyncSimulatorAuthenticationType.AMAZON_COGNITO_USER_POOLS,
        cognitoUserPoolConfig: {},
      },
      additionalAuthenticationProviders: [
        { authenticationType: AmplifyAppSyncSimulatorAuthenticationType.API_KEY },
        { authenticationType: AmplifyAppSyncSimulatorAuthenticationType.AWS_IAM },
      ],
      apiKey: options.apiKey,
      authAccessKeyId: options.iamAccessKeyId,
    },
    dataSources: [
      {
        type: 'AMAZON_DYNAMODB',
        name: 'assetsTable',
        config: {
          endpoint: options.dynamoEndpoint,
          region: 'us-east-1',
          // No keys here: the simulator passes them where SDK v3 ignores them; the host sets AWS_* env.
          tableName: options.tableName,
        },
      },
      { type: 'AWS_LAMBDA', name: 'assetUrls', invoke: options.invokeAssetUrls },
      { type: 'NONE', name: 'none' },
    ],
    mappingTemplates: TEMPLATES.map(loadTemplate),
    // Copies: each simulator gets its own configuration objects, as when they were written inline here.
    functions: structuredClone(SIMULATOR_FUNCTIONS),
    resolvers: structuredClone(SIMULATOR_RESOLVERS),
  };
}

/** A port that is free on 127.0.0.1 right now. */
export function findFreeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The simulator calls `httpServer.listen(port)`, which binds every interface. The bench may only
 * serve on loopback, so this instance's `listen` is given the host.
 */
function bindToLoopback(simulator: AmplifyAppSyncSimulator): void {
  // The HTTP server is private to the simulator; there is no option for the bind address.
  const internals = simulator as unknown as { _server: { _httpServer: Server } };
  const server = internals._server._httpServer;
  const listen = server.listen.bind(server);
  Object.defineProperty(server, 'listen', {
    value: (port: number) => listen(port, '127.0.0.1'),
  });
}

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const port = options.port !== undefined && options.port !== 0 ? options.port : await findFreeLoopbackPort();
  const simulator = new AmplifyAppSyncSimulator({ port, wsPort: port });
  bindToLoopback(simulator);
  simulator.init(simulatorConfig(options));
  await simulator.start();
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    realtimeUrl: `ws://127.0.0.1:${port}/graphql/realtime`,
    port,
    close: function closeSimulator(): Promise<void> {
      closing ??= simulator.stop();
      return closing;
    },
  };
}
