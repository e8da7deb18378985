/**
 * One definition, two hosts: the local runtime builds its tables and resolvers from the definition it
 * is given, exactly as the CDK stack does (test/cdk/definition-change.test.ts shows the stack side).
 * GIVEN a copy of api/definition.ts with one more GSI and without the Query.getAsset resolver,
 * WHEN the local server starts from it, THEN the table has the new index and the field is unresolved.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, test } from 'vitest';
import { api } from '../../api/definition.ts';
import type { ApiDefinition } from '../../api/types.ts';
import { loadConfig } from '../../local/config.ts';
import { startLocalServer } from '../../local/server.ts';
import { startDynamoStore } from '../../local/stores/dynamo-store.ts';
import { localTableNames } from '../../local/stores/tables.ts';
import { createLocalDynamoClient } from './fixtures/dynamo-targets.ts';

const changed: ApiDefinition = {
  ...api,
  name: 'asset-api-changed',
  tables: {
    ...api.tables,
    assets: {
      ...api.tables.assets,
      globalSecondaryIndexes: [
        ...api.tables.assets.globalSecondaryIndexes,
        { indexName: 'byStatus', partitionKey: { name: 'status', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' }, projection: 'ALL' },
      ],
    },
  },
  resolvers: api.resolvers.filter((r) => !(r.typeName === 'Query' && r.fieldName === 'getAsset')),
};

describe('local runtime: built from the definition it is given', () => {
  test('creates the changed table with its new GSI and binds only the declared resolvers', async () => {
    const store = await startDynamoStore({});
    const client = createLocalDynamoClient(store.endpoint);
    const config = loadConfig({ DYNAMODB_ENDPOINT: store.endpoint, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' }, ['--port', '0', '--no-watch']);
    const server = await startLocalServer(config, { api: changed });
    try {
      const tableName = localTableNames(changed)['assets'] ?? '';
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      expect((Table?.GlobalSecondaryIndexes ?? []).map((g) => ({ name: g.IndexName, keys: g.KeySchema?.map((k) => `${k.KeyType}:${k.AttributeName}`) })).sort((a, b) => String(a.name).localeCompare(String(b.name)))).toEqual([
        { name: 'byOwner', keys: ['HASH:owner', 'RANGE:createdAt'] },
        { name: 'byStatus', keys: ['HASH:status', 'RANGE:createdAt'] },
      ]);

      const post = async (query: string): Promise<unknown> => {
        const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': server.apiKey }, body: JSON.stringify({ query }) });
        return response.json();
      };
      // A field with no resolver resolves to null, as on AppSync; the declared one still runs.
      expect(await post('{ getAsset(id: "a") { id } }')).toEqual({ data: { getAsset: null } });
      expect(await post('{ listAssets { items { id } nextToken } }')).toEqual({ data: { listAssets: { items: [], nextToken: null } } });
    } finally {
      await server.close();
      client.destroy();
      await store.close();
    }
  });
});
