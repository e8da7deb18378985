/**
 * Reading back what a local server stored, so tests check side effects themselves (STYLE 18): items
 * of a DynamoDB table the test owns, and objects of the local bucket.
 */
import { DynamoDBClient, GetItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { fromAttributeMap } from '../../local/datasources/dynamodb-values.ts';
import { LOCAL_BUCKET_NAME } from '../../local/server.ts';
import { TEST_CREDENTIALS } from './credentials.ts';
import { objectExists } from './object-exists.ts';

export interface AssetTable {
  readonly client: DynamoDBClient;
  /** Physical name of the `assets` table. */
  readonly tableName: string;
  /** The stored item (plain JSON), or null; a consistent read. */
  get(id: string): Promise<Record<string, unknown> | null>;
}

/** The `assets` table (key `id`) read through `client`. */
export function createAssetTable(client: DynamoDBClient, tableName: string): AssetTable {
  return {
    client,
    tableName,
    get: async function getAssetItem(id) {
      const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true }));
      return Item === undefined ? null : fromAttributeMap(Item);
    },
  };
}

/** Every item of a table, as DynamoDB returns it (consistent reads, following `LastEvaluatedKey`). */
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

export interface ObjectStore {
  exists(key: string): Promise<boolean>;
  /** The object's bytes and Content-Type. */
  get(key: string): Promise<{ readonly body: Buffer; readonly contentType: string | null }>;
}

/** The S3 endpoint a presigned URL names: what precedes `/<bucket>/` (`<origin>/s3` on the local server). */
function s3EndpointOf(presignedUrl: string): string {
  const url = new URL(presignedUrl);
  return `${url.origin}${url.pathname.slice(0, url.pathname.indexOf(`/${LOCAL_BUCKET_NAME}/`))}`;
}

/** The local bucket, reached at the endpoint of a presigned URL it issued. */
export function objectStore(presignedUrl: string): ObjectStore {
  const client = new S3Client({ endpoint: s3EndpointOf(presignedUrl), region: 'us-east-1', credentials: { ...TEST_CREDENTIALS }, forcePathStyle: true });
  return {
    exists: (key) => objectExists(client, LOCAL_BUCKET_NAME, key),
    get: async function getObject(key) {
      const object = await client.send(new GetObjectCommand({ Bucket: LOCAL_BUCKET_NAME, Key: key }));
      return { body: Buffer.from((await object.Body?.transformToByteArray()) ?? []), contentType: object.ContentType ?? null };
    },
  };
}
