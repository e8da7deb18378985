/**
 * Figure 6 (asset metadata): (a) `getAssets` of 50 ids against 50 separate `getAsset` requests, in
 * ids per second, both at 16 connections through autocannon in the same run, and the server's CPU
 * time per id of each; (b) `listAssets(tag:)` page latency (20 items) with 1,000 and then 100,000
 * tagged assets (quick: 10,000), all owned by the caller and all carrying the tag, so every page
 * comes from the largest tag partition. Requests of (b) are sequential (latency, not throughput).
 * Store, server and load generator each run in their own process, as in `scale.ts`, whose seeding
 * helpers are reused; the tag items are written here the way `putAssetTags` writes them.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { api } from '../api/definition.ts';
import { localTableNames } from '../local/stores/tables.ts';
import type { BenchContext } from './lib/context.ts';
import { createFigureList, type Figure } from './lib/figures.ts';
import { API_KEY_OWNER, createStoreClient, seedAssets, seededAssetId, writeInBatches } from './lib/asset-table.ts';
import { pageLatencies } from './lib/page-latency.ts';
import { OPERATIONS, queryData } from './lib/graphql-client.ts';
import { runHttpLoad } from './lib/load.ts';
import type { LoadResult } from './lib/load-types.ts';
import { requireLocalServer, startStack } from './lib/stack.ts';
import { quantile } from './lib/stats.ts';

const SMALL = 1_000;
const BATCH_IDS = 50;
const CONNECTIONS = 16;
/** The tag every seeded asset carries (`seedAssets` writes `tags: ['bench']`). */
const TAG = 'bench';
const TAG_TABLE_NAME: string = localTableNames(api)['assetTags'] ?? 'asset-api-assetTags';

const GET_ASSETS = `query GetAssets($ids: [ID!]!) { getAssets(ids: $ids) { id owner name contentType size status createdAt updatedAt } }`;
const LIST_BY_TAG = `query ListAssets($limit: Int, $tag: String) { listAssets(limit: $limit, tag: $tag) { items { id owner name contentType size status createdAt updatedAt } nextToken } }`;

/** Writes the tag items of seeded assets `from`..`from + count - 1` (the same keys `putAssetTags` writes). */
async function seedTagItems(client: DynamoDBClient, options: { from?: number; count: number; parallel?: number }): Promise<void> {
  await writeInBatches(
    client,
    TAG_TABLE_NAME,
    (index) => {
      const id = seededAssetId(index);
      const createdAt = new Date(Date.UTC(2024, 0, 1) + index * 1000).toISOString();
      return { ownerTag: { S: `${API_KEY_OWNER}#${TAG}` }, createdAtId: { S: `${createdAt}#${id}` }, assetId: { S: id } };
    },
    options,
  );
}


export async function benchMetadata(context: BenchContext): Promise<Figure[]> {
  requireLocalServer();
  const large = context.quick ? 10_000 : 100_000;
  const requests = context.quick ? 100 : 500;
  const windows = context.quick ? { warmupSeconds: 0.3, durationSeconds: 1 } : { warmupSeconds: 3, durationSeconds: 10 };
  const list = createFigureList('metadata');
  const stack = await startStack({ ours: true, simulator: false });
  try {
    const ours = stack.ours;
    if (ours === null) throw new Error('the metadata stack has no server');
    const { url, apiKey } = ours.info;
    const client = createStoreClient(stack.store.info.endpoint);
    try {
      await seedAssets(client, stack.store.info.tableName, { count: SMALL });
      await seedTagItems(client, { count: SMALL });

      // (a) one getAssets of 50 ids vs 50 getAsset requests, same connections, same run.
      const ids = Array.from({ length: BATCH_IDS }, (_, i) => seededAssetId(i * 7));
      const batchRequest = { query: GET_ASSETS, variables: { ids } };
      const singleRequest = { query: OPERATIONS.getAsset, variables: { id: ids[0] } };
      const answered = (await queryData(url, batchRequest, { apiKey }))['getAssets'];
      if (!Array.isArray(answered) || answered.length !== BATCH_IDS || answered.some((a) => a === null)) throw new Error(`getAssets returned ${JSON.stringify(answered).slice(0, 300)}`);
      await queryData(url, singleRequest, { apiKey });
      const load = (body: unknown) => runHttpLoad({ url, headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify(body), connections: CONNECTIONS, ...windows });
      // Server CPU per id: steadier than ids/s on a shared machine, whose load shifts between the two
      // windows. The store's share of a core over the window says whether the store set the pace.
      const cpuPerId = async (run: () => Promise<LoadResult>, idsPerRequest: number) => {
        const [before, storeBefore, start] = [await ours.cpuMicros(), await stack.store.cpuMicros(), performance.now()];
        const measured = await run();
        const storeMicros = (await stack.store.cpuMicros()) - storeBefore;
        const storeShare = storeMicros / 1000 / (performance.now() - start);
        const ids = Math.max(1, (measured.total + measured.warmupTotal) * idsPerRequest);
        return { ...measured, storeShare, storeMicrosPerId: storeMicros / ids, generatorMicrosPerId: measured.generatorCpuMicros / ids, cpuMicrosPerId: (await ours.cpuMicros() - before) / ids };
      };
      const single = await cpuPerId(() => load(singleRequest), 1);
      const batch = await cpuPerId(() => load(batchRequest), BATCH_IDS);
      context.log(`  getAsset: ${Math.round(single.requestsPerSecond)} req/s, ${Math.round(single.cpuMicrosPerId)} µs server CPU/id (${single.failed} failed); getAssets(${BATCH_IDS}): ${Math.round(batch.requestsPerSecond)} req/s, ${Math.round(batch.cpuMicrosPerId)} µs server CPU/id (${batch.failed} failed); store busy ${Math.round(single.storeShare * 100)} % / ${Math.round(batch.storeShare * 100)} % of a core, ${Math.round(single.storeMicrosPerId)} / ${Math.round(batch.storeMicrosPerId)} µs store CPU/id, ${Math.round(single.generatorMicrosPerId)} / ${Math.round(batch.generatorMicrosPerId)} µs load-generator CPU/id`);
      const failures = single.failed + batch.failed > 0 ? `failed answers: getAsset ${single.failed}, getAssets ${batch.failed}` : undefined;
      list.add({
        name: `getAssets(${BATCH_IDS}) ids/s vs ${BATCH_IDS} getAsset, ${CONNECTIONS} conns`,
        unit: 'ids/s',
        ours: batch.requestsPerSecond * BATCH_IDS,
        baselineName: 'getAsset, one id per request',
        baseline: single.requestsPerSecond,
        goal: { op: '>=', ratio: 10 },
        note: `the store process was busy ${Math.round(single.storeShare * 100)} % / ${Math.round(batch.storeShare * 100)} % of a core, its CPU per id ${Math.round(single.storeMicrosPerId)} / ${Math.round(batch.storeMicrosPerId)} µs, the load generator's ${Math.round(single.generatorMicrosPerId)} / ${Math.round(batch.generatorMicrosPerId)} µs (getAsset / getAssets windows)${failures === undefined ? '' : `; ${failures}`}`,
      });
      list.add({ name: `getAssets(${BATCH_IDS}) p50 vs getAsset p50`, unit: 'ms', ours: batch.p50Ms, baselineName: 'getAsset', baseline: single.p50Ms });
      list.add({ name: `getAssets(${BATCH_IDS}) server CPU per id vs getAsset`, unit: 'µs', ours: batch.cpuMicrosPerId, baselineName: 'getAsset', baseline: single.cpuMicrosPerId });

      // (b) listAssets(tag:) page latency at 1,000 and at `large` tagged assets.
      const small = await pageLatencies(url, apiKey, { query: LIST_BY_TAG, variables: { limit: 20, tag: TAG } }, 50, requests);
      const seedStart = performance.now();
      await seedAssets(client, stack.store.info.tableName, { from: SMALL, count: large - SMALL });
      await seedTagItems(client, { from: SMALL, count: large - SMALL });
      context.log(`  seeded ${large.toLocaleString('en-US')} tagged assets in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
      const big = await pageLatencies(url, apiKey, { query: LIST_BY_TAG, variables: { limit: 20, tag: TAG } }, 50, requests);
      const sizes = `${large.toLocaleString('en-US')} vs ${SMALL.toLocaleString('en-US')} tagged assets`;
      list.add({
        name: `listAssets(tag:) page p50, ${sizes}`,
        unit: 'ms',
        ours: quantile(big, 0.5),
        baselineName: `${SMALL.toLocaleString('en-US')} tagged assets`,
        baseline: quantile(small, 0.5),
        goal: { op: '<=', ratio: 1.3 },
      });
      list.add({ name: `listAssets(tag:) page p99, ${sizes}`, unit: 'ms', ours: quantile(big, 0.99), baselineName: `${SMALL.toLocaleString('en-US')} tagged assets`, baseline: quantile(small, 0.99) });
    } finally {
      client.destroy();
    }
  } finally {
    await stack.close();
  }
  return list.figures;
}
