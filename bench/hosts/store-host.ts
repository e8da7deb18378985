/**
 * Child process: the embedded DynamoDB store (dynalite, as `npm start` embeds it) on 127.0.0.1 with
 * the assets table, shared by ours, the simulator and the raw SDK baseline.
 * The tables are created by `ensureTables`, under the names our server uses (`localTableNames`).
 */
import { startDynamoStore } from '../../local/stores/dynamo-store.ts';
import { ASSETS_TABLE_NAME, createStoreClient, ensureBenchTables } from '../lib/asset-table.ts';
import { runAsChildHost } from '../lib/child-host.ts';

export interface StoreHostInfo {
  readonly endpoint: string;
  readonly tableName: string;
}

runAsChildHost<StoreHostInfo>(async () => {
  const tableName = ASSETS_TABLE_NAME;
  const store = await startDynamoStore();
  const client = createStoreClient(store.endpoint);
  await ensureBenchTables(client);
  client.destroy();
  return { info: { endpoint: store.endpoint, tableName }, close: () => store.close() };
});
