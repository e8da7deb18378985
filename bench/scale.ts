/**
 * Figure 3: `listAssets` page latency (20 items, newest first) with 1,000 and then 100,000 assets in
 * the table (quick: 10,000), all owned by the caller, so the page is read from the largest GSI
 * partition; and the memory of our server process at each size. Requests are sequential (latency, not
 * throughput). Our server runs in its own process on the bench's store, which runs in another:
 * `npm start` holds both in one process, so the store's RSS is reported next to the server's.
 * The same page read straight from the store with the SDK (`Query` on `byOwner`, limit 20, newest
 * first) at both sizes tells the store's own growth from the server's.
 */
import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BenchContext } from './lib/context.ts';
import { createFigureList, type Figure } from './lib/figures.ts';
import { API_KEY_OWNER, createStoreClient, seedAssets } from './lib/asset-table.ts';
import { OPERATIONS } from './lib/graphql-client.ts';
import { pageLatencies } from './lib/page-latency.ts';
import { requireLocalServer, startStack } from './lib/stack.ts';
import { quantile } from './lib/stats.ts';

const SMALL = 1_000;
const MIB = 1024 * 1024;


async function storeLatencies(client: DynamoDBClient, tableName: string, warmup: number, count: number): Promise<number[]> {
  const query = new QueryCommand({
    TableName: tableName,
    IndexName: 'byOwner',
    KeyConditionExpression: '#owner = :owner',
    ExpressionAttributeNames: { '#owner': 'owner' },
    ExpressionAttributeValues: { ':owner': { S: API_KEY_OWNER } },
    ScanIndexForward: false,
    Limit: 20,
  });
  for (let i = 0; i < warmup; i++) await client.send(query);
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const out = await client.send(query);
    latencies.push(performance.now() - start);
    if (out.Items?.length !== 20) throw new Error(`the store returned ${out.Items?.length ?? 0} items`);
  }
  return latencies;
}

export async function benchScale(context: BenchContext): Promise<Figure[]> {
  requireLocalServer();
  const large = context.quick ? 10_000 : 100_000;
  const requests = context.quick ? 100 : 500;
  const list = createFigureList('scale');
  const stack = await startStack({ ours: true, simulator: false });
  try {
    const { store } = stack;
    const ours = stack.ours;
    if (ours === null) throw new Error('the scale stack has no server');
    const client = createStoreClient(store.info.endpoint);
    try {
      await seedAssets(client, store.info.tableName, { count: SMALL });
      const small = await pageLatencies(ours.info.url, ours.info.apiKey, { query: OPERATIONS.listAssets, variables: { limit: 20 } }, 50, requests);
      const smallStore = await storeLatencies(client, store.info.tableName, 50, requests);
      const smallRss = await ours.rss();
      const seedStart = performance.now();
      await seedAssets(client, store.info.tableName, { from: SMALL, count: large - SMALL });
      context.log(`  seeded ${large.toLocaleString('en-US')} assets in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
      const big = await pageLatencies(ours.info.url, ours.info.apiKey, { query: OPERATIONS.listAssets, variables: { limit: 20 } }, 50, requests);
      const bigStore = await storeLatencies(client, store.info.tableName, 50, requests);
      const bigRss = await ours.rss();
      const storeRss = await store.rss();
      const sizes = `${large.toLocaleString('en-US')} vs ${SMALL.toLocaleString('en-US')} assets`;
      list.add({
        name: `listAssets page p50, ${sizes}`,
        unit: 'ms',
        ours: quantile(big, 0.5),
        baselineName: `${SMALL.toLocaleString('en-US')} assets`,
        baseline: quantile(small, 0.5),
        goal: { op: '<=', ratio: 1.3 },
      });
      list.add({
        name: `listAssets page p99, ${sizes}`,
        unit: 'ms',
        ours: quantile(big, 0.99),
        baselineName: `${SMALL.toLocaleString('en-US')} assets`,
        baseline: quantile(small, 0.99),
      });
      list.add({
        name: `store alone (raw SDK Query) p50, ${sizes}`,
        unit: 'ms',
        ours: quantile(bigStore, 0.5),
        baselineName: `${SMALL.toLocaleString('en-US')} assets`,
        baseline: quantile(smallStore, 0.5),
        note: 'the same page read straight from dynalite: the share of the growth that is the store',
      });
      list.add({
        name: `server RSS at ${large.toLocaleString('en-US')} assets`,
        unit: 'MiB',
        ours: bigRss / MIB,
        baselineName: `${SMALL.toLocaleString('en-US')} assets`,
        baseline: smallRss / MIB,
        note: `the store process (dynalite, in npm start's process) holds ${Math.round(storeRss / MIB)} MiB more`,
      });
    } finally {
      client.destroy();
    }
  } finally {
    await stack.close();
  }
  return list.figures;
}
