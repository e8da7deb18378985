/**
 * The local server for the asset-flow tests, plus direct access to what it stores, so tests can
 * check side effects in the table and the bucket themselves (STYLE 18).
 *
 * DynamoDB: an embedded dynalite started here and given to the server as `DYNAMODB_ENDPOINT` (the
 * server's documented option for an external store), so the test holds the endpoint. S3: the server's
 * embedded store, whose endpoint a test learns from any presigned URL (`objectStore(ticket.url)`).
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { api as defaultApi } from '../../../api/definition.ts';
import type { ApiDefinition } from '../../../api/types.ts';
import { fromAttributeMap } from '../../../local/datasources/dynamodb-values.ts';
import { createLocalIssuer, type LocalIssuer } from '../../../local/auth/local-issuer.ts';
import { loadConfig, type Config } from '../../../local/config.ts';
import { LOCAL_BUCKET_NAME, startLocalServer, type LocalServer } from '../../../local/server.ts';
import { startDynamoStore } from '../../../local/stores/dynamo-store.ts';
import { localTableNames } from '../../../local/stores/tables.ts';
import { TEST_CREDENTIALS } from '../../support/credentials.ts';

export interface AssetTable {
  readonly client: DynamoDBClient;
  /** Physical name of the `assets` table. */
  readonly tableName: string;
  /** The stored item (plain JSON), or null; a consistent read. */
  get(id: string): Promise<Record<string, unknown> | null>;
}

export interface ObjectStore {
  exists(key: string): Promise<boolean>;
  /** The object's bytes and Content-Type. */
  get(key: string): Promise<{ readonly body: Buffer; readonly contentType: string | null }>;
}

export interface AssetServer {
  readonly server: LocalServer;
  readonly config: Config;
  readonly issuer: LocalIssuer;
  readonly api: ApiDefinition;
  readonly table: AssetTable;
  /** Mints an ID token for `sub` (the `Authorization` value for user-pool calls). */
  tokenFor(sub: string): Promise<string>;
  close(): Promise<void>;
}

function createAssetTable(endpoint: string, tableName: string): AssetTable {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { ...TEST_CREDENTIALS } });
  return {
    client,
    tableName,
    get: async function getAssetItem(id) {
      const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true }));
      return Item === undefined ? null : fromAttributeMap(Item);
    },
  };
}

/** The local bucket, reached at the endpoint of a presigned URL it issued. */
export function objectStore(presignedUrl: string): ObjectStore {
  const client = new S3Client({ endpoint: new URL(presignedUrl).origin, region: 'us-east-1', credentials: { ...TEST_CREDENTIALS }, forcePathStyle: true });
  return {
    exists: async function objectExists(key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: LOCAL_BUCKET_NAME, Key: key }));
        return true;
      } catch (error) {
        if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return false;
        throw error;
      }
    },
    get: async function getObject(key) {
      const object = await client.send(new GetObjectCommand({ Bucket: LOCAL_BUCKET_NAME, Key: key }));
      return { body: Buffer.from((await object.Body?.transformToByteArray()) ?? []), contentType: object.ContentType ?? null };
    },
  };
}

/** Starts dynalite and the server on port 0 (in memory, no file watching), serving `api`. */
export async function startAssetServer(api: ApiDefinition = defaultApi): Promise<AssetServer> {
  const dynamo = await startDynamoStore();
  try {
    // The backend credentials are the tests' own, so they can sign IAM calls (a real start generates them).
    const config: Config = { ...loadConfig({ DYNAMODB_ENDPOINT: dynamo.endpoint }, ['--port', '0', '--no-watch']), localCredentials: TEST_CREDENTIALS };
    const server = await startLocalServer(config, { api });
    const issuer = createLocalIssuer({ stateDir: config.stateDir, issuer: config.userPoolIssuer, clientId: config.userPoolClientId });
    const tableName = localTableNames(api)['assets'];
    if (tableName === undefined) throw new Error('the definition has no assets table');
    const table = createAssetTable(dynamo.endpoint, tableName);
    return {
      server,
      config,
      issuer,
      api,
      table,
      tokenFor: (sub) => issuer.mintToken({ sub }),
      close: async function closeAssetServer() {
        await server.close();
        table.client.destroy();
        await dynamo.close();
      },
    };
  } catch (error) {
    await dynamo.close();
    throw error;
  }
}
