/**
 * The DynamoDB-compatible stores: table creation from the one definition, TTL sweeping and
 * persistence across restarts, against dynalite and DynamoDB Local (the jar inside
 * `amplify-dynamodb-simulator`; needs Java 17). `DYNAMODB_TARGETS=dynalite` runs only the first.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, test as base } from 'vitest';
import { api } from '../../api/definition.ts';
import { isConfigError } from '../../api/config-error.ts';
import type { ApiDefinition } from '../../api/types.ts';
import { startDynamoStore } from '../../local/stores/dynamo-store.ts';
import { createLocalDynamoClient, selectedDynamoTargets } from './fixtures/dynamo-targets.ts';
import { ensureTables, localTableNames } from '../../local/stores/tables.ts';
import { createTtlSweeper, sweepExpiredItems, type ExpiredItem } from '../../local/stores/ttl-sweeper.ts';

const selected = selectedDynamoTargets();


const tableNames = localTableNames(api);
const TABLE = tableNames['assets'] as string;
const NOW = new Date('2030-01-01T00:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;

describe('localTableNames', () => {
  base('prefixes each logical table with the API name', () => {
    expect(localTableNames(api)).toEqual({ assets: 'asset-api-assets', assetTags: 'asset-api-assetTags' });
  });
});

for (const { name: target, start, timeoutMs: timeout } of selected) {

  const test = base.extend<{ store: { endpoint: string; client: DynamoDBClient } }>({
    store: [
      async ({}, use) => {
        const store = await start({});
        const client = createLocalDynamoClient(store.endpoint);
        await ensureTables(client, api, tableNames);
        await use({ endpoint: store.endpoint, client });
        client.destroy();
        await store.close();
      },
      { scope: 'file' },
    ],
  });

  describe(`stores (${target}): tables from the definition`, { timeout }, () => {
    test('creates the table with its key schema, the byOwner GSI (projection ALL) and on-demand billing', async ({ store }) => {
      const { Table } = await store.client.send(new DescribeTableCommand({ TableName: TABLE }));
      expect({
        TableName: Table?.TableName,
        TableStatus: Table?.TableStatus,
        KeySchema: Table?.KeySchema,
        AttributeDefinitions: [...(Table?.AttributeDefinitions ?? [])].sort((a, b) => String(a.AttributeName).localeCompare(String(b.AttributeName))),
        BillingMode: Table?.BillingModeSummary?.BillingMode,
        GlobalSecondaryIndexes: Table?.GlobalSecondaryIndexes?.map((gsi) => ({
          IndexName: gsi.IndexName,
          KeySchema: gsi.KeySchema,
          Projection: gsi.Projection,
          IndexStatus: gsi.IndexStatus,
        })),
      }).toEqual({
        TableName: 'asset-api-assets',
        TableStatus: 'ACTIVE',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [
          { AttributeName: 'createdAt', AttributeType: 'S' },
          { AttributeName: 'id', AttributeType: 'S' },
          { AttributeName: 'owner', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byOwner',
            KeySchema: [
              { AttributeName: 'owner', KeyType: 'HASH' },
              { AttributeName: 'createdAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
            IndexStatus: 'ACTIVE',
          },
        ],
      });
    });

    test('accepts an existing table that matches the definition', async ({ store }) => {
      await ensureTables(store.client, api, tableNames);
      const { TableNames } = await store.client.send(new ListTablesCommand({}));
      expect(TableNames?.filter((name) => name === TABLE)).toEqual([TABLE]);
    });

    test('refuses an existing table whose index differs from the definition, naming the index', async ({ store }) => {
      const assets = api.tables.assets;
      const changed: ApiDefinition = {
        ...api,
        tables: { assets: { ...assets, globalSecondaryIndexes: [{ ...assets.globalSecondaryIndexes[0], indexName: 'byOwnerV2' }] } },
      };
      const error = await ensureTables(store.client, changed, tableNames).catch((e: unknown) => e);
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toBe(
        'Existing table asset-api-assets (tables.assets) lacks index byOwnerV2 as declared (owner:HASH,createdAt:RANGE); remove the data folder to recreate it. Received: no such index',
      );
    });
  });

  describe(`stores (${target}): TTL sweeping`, { timeout }, () => {
    async function putAsset(client: DynamoDBClient, id: string, expiresAt?: AttributeValue): Promise<void> {
      await client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { id: { S: id }, owner: { S: 'ttl-owner' }, createdAt: { S: '2029-12-31T00:00:00Z' }, status: { S: 'PENDING' }, ...(expiresAt ? { expiresAt } : {}) },
        }),
      );
    }
    async function ttlIds(client: DynamoDBClient): Promise<string[]> {
      const { Items } = await client.send(new ScanCommand({ TableName: TABLE, FilterExpression: '#o = :o', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': { S: 'ttl-owner' } } }));
      return (Items ?? []).map((item) => item['id']?.S ?? '').sort();
    }

    test('deletes only items whose TTL (a Number, at most five years old) is past, and reports each', async ({ store }) => {
      await putAsset(store.client, 'ttl-expired', { N: String(NOW_SECONDS - 10) });
      await putAsset(store.client, 'ttl-future', { N: String(NOW_SECONDS + 1000) });
      await putAsset(store.client, 'ttl-none');
      await putAsset(store.client, 'ttl-string', { S: String(NOW_SECONDS - 10) });
      await putAsset(store.client, 'ttl-ancient', { N: String(NOW_SECONDS - 6 * 365 * 24 * 3600) });
      const expired: ExpiredItem[] = [];
      const result = await sweepExpiredItems({ client: store.client, api, tableNames, now: () => NOW }, (item) => void expired.push(item));

      expect(result).toEqual({ deleted: { assets: 1, assetTags: 0 } });
      expect(expired).toEqual([
        {
          table: 'assets',
          tableName: TABLE,
          item: { id: { S: 'ttl-expired' }, owner: { S: 'ttl-owner' }, createdAt: { S: '2029-12-31T00:00:00Z' }, status: { S: 'PENDING' }, expiresAt: { N: String(NOW_SECONDS - 10) } },
        },
      ]);
      expect(await ttlIds(store.client)).toEqual(['ttl-ancient', 'ttl-future', 'ttl-none', 'ttl-string']);
    });

    test('lets an update that removed the TTL between scan and delete win', async ({ store }) => {
      await putAsset(store.client, 'ttl-raced', { N: String(NOW_SECONDS - 10) });
      const racingClient = createLocalDynamoClient(store.endpoint);
      // A real concurrent writer: just before the sweeper's DeleteItem goes out, another client
      // marks the asset READY and removes its TTL.
      racingClient.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'DeleteItemCommand') {
            await store.client.send(
              new UpdateItemCommand({ TableName: TABLE, Key: { id: { S: 'ttl-raced' } }, UpdateExpression: 'SET #s = :ready REMOVE expiresAt', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':ready': { S: 'READY' } } }),
            );
          }
          return next(args);
        },
        { step: 'initialize' },
      );
      const expired: ExpiredItem[] = [];
      const result = await sweepExpiredItems({ client: racingClient, api, tableNames, now: () => NOW }, (item) => void expired.push(item));
      racingClient.destroy();

      expect(result).toEqual({ deleted: { assets: 0, assetTags: 0 } });
      expect(expired).toEqual([]);
      const { Item } = await store.client.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: 'ttl-raced' } } }));
      expect(Item).toEqual({ id: { S: 'ttl-raced' }, owner: { S: 'ttl-owner' }, createdAt: { S: '2029-12-31T00:00:00Z' }, status: { S: 'READY' } });
    });

    test('a sweeper keeps sweeping on its interval until closed, and close can be called twice', async ({ store }) => {
      await putAsset(store.client, 'ttl-interval', { N: String(NOW_SECONDS - 10) });
      const seen: string[] = [];
      let resolveSeen: () => void = () => undefined;
      const reported = new Promise<void>((resolve) => (resolveSeen = resolve));
      const sweeper = createTtlSweeper({ client: store.client, api, tableNames, intervalMs: 10, now: () => NOW }, (item) => {
        seen.push(item.item['id']?.S ?? '');
        resolveSeen();
      });
      await reported;
      await sweeper.close();
      await sweeper.close();
      expect(seen).toEqual(['ttl-interval']);
      expect(await sweeper.sweepOnce()).toEqual({ deleted: { assets: 0, assetTags: 0 } });
    });
  });

  describe(`stores (${target}): persistence`, { timeout }, () => {
    base('keeps tables and items in dataDir across a restart', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), `stores-${target}-`));
      try {
        const first = await start({ dataDir });
        const client = createLocalDynamoClient(first.endpoint);
        await ensureTables(client, api, tableNames);
        await client.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: 'kept' }, owner: { S: 'alice' }, createdAt: { S: '2030-01-01T00:00:00Z' } } }));
        client.destroy();
        await first.close();
        await first.close();

        const second = await start({ dataDir });
        const again = createLocalDynamoClient(second.endpoint);
        await ensureTables(again, api, tableNames);
        const { Item } = await again.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: 'kept' } } }));
        again.destroy();
        await second.close();
        expect(Item).toEqual({ id: { S: 'kept' }, owner: { S: 'alice' }, createdAt: { S: '2030-01-01T00:00:00Z' } });
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  });
}

describe('stores (dynalite): crash safety', () => {
  base('keeps every acknowledged write after the process is killed with SIGKILL', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'stores-crash-'));
    try {
      const writer = fileURLToPath(new URL('./fixtures/dynalite-crash-writer.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', writer, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let acked = 0;
      let output = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (chunk: string) => {
          output += chunk;
          const matches = [...output.matchAll(/acked (\d+)\n/g)];
          acked = Number(matches.at(-1)?.[1] ?? 0);
          if (acked >= 50 && child.exitCode === null && child.signalCode === null) {
            child.kill('SIGKILL');
          }
        });
        child.once('exit', () => resolve());
        child.once('error', reject);
      });
      expect(child.signalCode).toBe('SIGKILL');

      const store = await startDynamoStore({ dataDir });
      const client = createLocalDynamoClient(store.endpoint);
      const ids = new Set<string>();
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(new ScanCommand({ TableName: TABLE, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
        for (const item of page.Items ?? []) ids.add(item['id']?.S ?? '');
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
      client.destroy();
      await store.close();
      const missing = Array.from({ length: acked }, (_, i) => `item-${i + 1}`).filter((id) => !ids.has(id));
      expect(missing).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
