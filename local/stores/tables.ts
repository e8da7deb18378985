/**
 * Creates the tables of the API definition in a DynamoDB-compatible store (dynalite, DynamoDB
 * Local): key schema, GSIs with projection ALL, on-demand billing. Idempotent: an existing table is
 * accepted when its keys and indexes match the definition, and refused with a ConfigError naming the
 * difference otherwise (e.g. a data folder written by an older definition).
 *
 * TTL is not enabled here: dynalite has no UpdateTimeToLive and neither store expires items;
 * `ttl-sweeper.ts` does the expiry locally.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type AttributeDefinition,
  type DynamoDBClient,
  type KeySchemaElement,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { setTimeout as delay } from 'node:timers/promises';
import { ConfigError } from '../../api/config-error.ts';
import type { ApiDefinition, KeyAttribute, TableDefinition } from '../../api/types.ts';

/** Physical table names for the local stores: `<api name>-<logical name>`, e.g. `{ assets: 'asset-api-assets' }`. */
export function localTableNames(api: ApiDefinition): Record<string, string> {
  return Object.fromEntries(Object.keys(api.tables).map((name) => [name, `${api.name}-${name}`]));
}

export interface EnsureTablesOptions {
  /** How long to wait for a table (and its indexes) to become ACTIVE. @default 30000 */
  readonly timeoutMs?: number;
}

/** Creates every table of `api.tables` under its physical name in `tableNames`, then waits until all are ACTIVE. */
export async function ensureTables(
  client: DynamoDBClient,
  api: ApiDefinition,
  tableNames: Readonly<Record<string, string>>,
  options: EnsureTablesOptions = {},
): Promise<void> {
  await Promise.all(
    Object.entries(api.tables).map(async ([logicalName, table]) => {
      const tableName = tableNames[logicalName];
      if (tableName === undefined) throw new ConfigError(`tableNames has no physical name for table "${logicalName}". Received: ${JSON.stringify(tableNames)}`);
      await createTableIfMissing(client, tableName, table);
      const description = await waitUntilActive(client, tableName, options.timeoutMs ?? 30_000);
      assertMatchesDefinition(logicalName, tableName, table, description);
    }),
  );
}

async function createTableIfMissing(client: DynamoDBClient, tableName: string, table: TableDefinition): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions(table),
        KeySchema: keySchema(table.partitionKey, table.sortKey),
        ...(table.globalSecondaryIndexes.length > 0
          ? {
              GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((gsi) => ({
                IndexName: gsi.indexName,
                KeySchema: keySchema(gsi.partitionKey, gsi.sortKey),
                Projection: { ProjectionType: gsi.projection },
              })),
            }
          : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
}

function attributeDefinitions(table: TableDefinition): AttributeDefinition[] {
  const byName = new Map<string, KeyAttribute>();
  const keys = [table.partitionKey, table.sortKey, ...table.globalSecondaryIndexes.flatMap((gsi) => [gsi.partitionKey, gsi.sortKey])];
  for (const key of keys) {
    if (key === undefined) continue;
    const seen = byName.get(key.name);
    if (seen !== undefined && seen.type !== key.type) {
      throw new ConfigError(`Key attribute "${key.name}" is declared both as ${seen.type} and as ${key.type}. Received: ${key.type}`);
    }
    byName.set(key.name, key);
  }
  return [...byName.values()].map((key) => ({ AttributeName: key.name, AttributeType: key.type }));
}

function keySchema(partitionKey: KeyAttribute, sortKey: KeyAttribute | undefined): KeySchemaElement[] {
  return [{ AttributeName: partitionKey.name, KeyType: 'HASH' }, ...(sortKey === undefined ? [] : [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }])];
}

async function waitUntilActive(client: DynamoDBClient, tableName: string, timeoutMs: number): Promise<TableDescription> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const active = Table?.TableStatus === 'ACTIVE' && (Table.GlobalSecondaryIndexes ?? []).every((gsi) => gsi.IndexStatus === 'ACTIVE');
    if (Table !== undefined && active) return Table;
    if (Date.now() > deadline) throw new Error(`Table ${tableName} is not ACTIVE after ${timeoutMs} ms (status ${Table?.TableStatus ?? 'unknown'})`);
    await delay(50);
  }
}

function describeKeys(schema: readonly KeySchemaElement[] | undefined): string {
  return (schema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');
}

function assertMatchesDefinition(logicalName: string, tableName: string, table: TableDefinition, description: TableDescription): void {
  const expectedKeys = describeKeys(keySchema(table.partitionKey, table.sortKey));
  const actualKeys = describeKeys(description.KeySchema);
  if (expectedKeys !== actualKeys) {
    throw new ConfigError(`Existing table ${tableName} (tables.${logicalName}) has key schema ${actualKeys}, the definition declares ${expectedKeys}. Received: ${actualKeys}`);
  }
  const actualIndexes = new Map((description.GlobalSecondaryIndexes ?? []).map((gsi) => [gsi.IndexName ?? '', describeKeys(gsi.KeySchema)]));
  for (const gsi of table.globalSecondaryIndexes) {
    const expected = describeKeys(keySchema(gsi.partitionKey, gsi.sortKey));
    const actual = actualIndexes.get(gsi.indexName);
    if (actual !== expected) {
      throw new ConfigError(
        `Existing table ${tableName} (tables.${logicalName}) lacks index ${gsi.indexName} as declared (${expected}); remove the data folder to recreate it. Received: ${actual ?? 'no such index'}`,
      );
    }
  }
}
