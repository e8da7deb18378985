/**
 * Child process: the Amplify AppSync simulator with the equivalent VTL resolvers.
 * Arguments: `--store <endpoint>` (use a running store) or `--embedded-store` (start dynalite in this
 * process and create the table, as `npm start` does for ours), `--table <name>` (default: our server's name), `--port <n>` (0: free).
 * The `assetUrls` Lambda is the very bundle ours runs (`dist/lambda/assetUrls/index.mjs`), imported here.
 */
import { pathToFileURL } from 'node:url';
import { api } from '../../api/definition.ts';
import { lambdaEnvironment } from '../../api/environment.ts';
import { lambdaBundlePath } from '../../api/paths.ts';
import { startDynamoStore } from '../../local/stores/dynamo-store.ts';
import { ASSETS_TABLE_NAME, createStoreClient, ensureBenchTables, STORE_CREDENTIALS } from '../lib/asset-table.ts';
import { runAsChildHost } from '../lib/child-host.ts';
import { PEER_API_KEY, startSimulator } from './simulator.ts';

export interface SimulatorHostInfo {
  readonly url: string;
  readonly realtimeUrl: string;
  readonly port: number;
  readonly apiKey: string;
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

type Handler = (event: unknown, context?: unknown) => Promise<unknown>;

async function loadAssetUrlsHandler(s3Endpoint: string, graphqlUrl: string): Promise<Handler> {
  // The Lambda reads its settings from process.env; the simulator's DynamoDB client finds its
  // credentials there too (it passes `accessKeyId` at the top level, which SDK v3 ignores).
  Object.assign(process.env, {
    ...lambdaEnvironment(api, { bucketName: 'asset-api-local', graphqlUrl, s3Endpoint }),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: STORE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: STORE_CREDENTIALS.secretAccessKey,
  });
  const module = (await import(pathToFileURL(lambdaBundlePath('assetUrls')).href)) as { handler?: unknown };
  const handler = module.handler;
  if (typeof handler !== 'function') throw new Error(`${lambdaBundlePath('assetUrls')} exports no handler; run npm run build`);
  return handler as Handler;
}

runAsChildHost<SimulatorHostInfo>(async () => {
  const tableName = argValue('--table') ?? ASSETS_TABLE_NAME;
  const port = Number(argValue('--port') ?? '0');
  const embedded = process.argv.includes('--embedded-store') ? await startDynamoStore() : undefined;
  const dynamoEndpoint = embedded?.endpoint ?? argValue('--store');
  if (dynamoEndpoint === undefined) throw new Error('give --store <endpoint> or --embedded-store');
  if (embedded !== undefined) {
    const client = createStoreClient(embedded.endpoint);
    await ensureBenchTables(client);
    client.destroy();
  }
  const handler = await loadAssetUrlsHandler('http://127.0.0.1:9/', 'http://127.0.0.1:9/graphql');
  const simulator = await startSimulator({
    dynamoEndpoint,
    tableName,
    apiKey: PEER_API_KEY,
    iamAccessKeyId: STORE_CREDENTIALS.accessKeyId,
    // The Lambda data source passes the payload as the event, as AppSync's Invoke does.
    invokeAssetUrls: (payload) => handler(payload, {}),
    port,
  });
  return {
    info: { url: simulator.url, realtimeUrl: simulator.realtimeUrl, port: simulator.port, apiKey: PEER_API_KEY },
    close: async () => {
      await simulator.close();
      await embedded?.close();
    },
  };
});
