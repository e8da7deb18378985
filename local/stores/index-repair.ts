/**
 * Start-up repair for the embedded store on a data folder: dynalite writes a new item's GSI entries
 * before the item itself, as separate LevelDB puts, so a process killed between them (SIGKILL in the
 * middle of a PutItem that was never acknowledged) leaves index entries without an item. A query on the
 * index would then list an asset that `GetItem` cannot find. DynamoDB itself never shows that.
 *
 * The API has no call that deletes an index entry alone, so each orphan is written back as an item
 * (from its projection) and deleted at once: dynalite removes an item's index entries with it. Runs
 * before the server serves, so no request can observe the short-lived item. Test:
 * `test/reliability/crash-safety.test.ts`.
 */
import { DeleteItemCommand, GetItemCommand, PutItemCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ApiDefinition } from '../../api/types.ts';

/** Removes GSI entries whose item does not exist. Returns how many were removed, per logical table. */
export async function removeOrphanIndexEntries(client: DynamoDBClient, api: ApiDefinition, tableNames: Readonly<Record<string, string>>): Promise<Record<string, number>> {
  const removed: Record<string, number> = {};
  for (const [logicalName, table] of Object.entries(api.tables)) {
    const tableName = tableNames[logicalName];
    if (tableName === undefined) continue;
    removed[logicalName] = 0;
    const keyNames = [table.partitionKey.name, ...(table.sortKey ? [table.sortKey.name] : [])];
    for (const index of table.globalSecondaryIndexes) {
      // Only an index that projects every attribute can give the item back to delete it.
      if (index.projection !== 'ALL') continue;
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(new ScanCommand({ TableName: tableName, IndexName: index.indexName, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
        for (const entry of page.Items ?? []) {
          const key = Object.fromEntries(keyNames.map((name) => [name, entry[name]]).filter(([, value]) => value !== undefined)) as Record<string, AttributeValue>;
          if (Object.keys(key).length !== keyNames.length) continue;
          const found = await client.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
          if (found.Item !== undefined) continue;
          await client.send(new PutItemCommand({ TableName: tableName, Item: entry }));
          await client.send(new DeleteItemCommand({ TableName: tableName, Key: key }));
          removed[logicalName] += 1;
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
    }
  }
  return removed;
}
