/**
 * Child process: the embedded DynamoDB store (dynalite, as `npm start` embeds it) on 127.0.0.1 with
 * the assets table, shared by ours, the simulator and the raw SDK baseline.
 * Arguments: `<tableName>`.
 */
import { startDynamoStore } from '../../local/stores/dynamo-store.ts';
import { createStoreClient, ensureAssetTable } from '../lib/asset-table.ts';
import { runAsChildHost } from '../lib/child-host.ts';

export interface StoreHostInfo {
  readonly endpoint: string;
  readonly tableName: string;
}

runAsChildHost<StoreHostInfo>(async () => {
  const tableName = process.argv[2] ?? 'assets';
  const store = await startDynamoStore();
  const client = createStoreClient(store.endpoint);
  await ensureAssetTable(client, tableName);
  client.destroy();
  return { info: { endpoint: store.endpoint, tableName }, close: () => store.close() };
});
