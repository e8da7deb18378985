/**
 * Figure 2: subscription fan-out. N WebSocket subscribers to `onAssetCreated` (AppSync realtime
 * protocol; the simulator speaks it too), then M `completeUpload` mutations, one after the other;
 * for each delivery, the time from that mutation's send to the subscriber's receipt.
 *
 * Triggering `onAssetCreated` needs a completed upload. The bench creates M PENDING assets with
 * `createUpload` (API key), then calls the IAM-only `completeUpload` directly, signed with SigV4 and
 * the local IAM credentials (`TEST_CREDENTIALS`), exactly as the upload-completion Lambda does after
 * S3's event; the S3 PUT and the event hop are left out on both sides, as the simulator has no S3.
 * Ours verifies the signature; the simulator only reads the access key id.
 */

import { api } from '../api/definition.ts';
import { API_KEY_OWNER } from './lib/asset-table.ts';
import { connectRealtime, type RealtimeConnection } from './lib/appsync-ws-client.ts';
import type { BenchContext } from './lib/context.ts';
import { createFigureList, type Figure } from './lib/figures.ts';
import { CREATE_UPLOAD_INPUT, OPERATIONS, queryData } from './lib/graphql-client.ts';
import { quantile } from './lib/stats.ts';
import { TEST_CREDENTIALS } from '../test/support/credentials.ts';

interface Target {
  readonly url: string;
  readonly realtimeUrl: string;
  readonly apiKey: string;
  /** What signs `completeUpload` (ours: the server's own backend keys); the simulator takes the test keys. */
  readonly backendCredentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

interface FanoutResult {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly delivered: number;
  readonly expected: number;
}

const CONNECT_BATCH = 50;

async function connectSubscribers(target: Target, count: number, onAsset: (id: string) => void): Promise<RealtimeConnection[]> {
  const host = new URL(target.url).host;
  const connections: RealtimeConnection[] = [];
  try {
    for (let i = 0; i < count; i += CONNECT_BATCH) {
      await Promise.all(
        Array.from({ length: Math.min(CONNECT_BATCH, count - i) }, async (_, j) => {
          const connection = await connectRealtime(target.realtimeUrl, { host, apiKey: target.apiKey });
          connections.push(connection);
          await connection.subscribe(`sub-${i + j}`, OPERATIONS.onAssetCreated, {}, (payload) => {
            const asset = (payload as { data?: { onAssetCreated?: { id?: unknown } | null } } | null)?.data?.onAssetCreated;
            if (typeof asset?.id === 'string') onAsset(asset.id);
          });
        }),
      );
    }
  } catch (error) {
    await Promise.all(connections.map((c) => c.close()));
    throw error;
  }
  return connections;
}

async function createPendingAssets(target: Target, count: number): Promise<{ id: string; key: string }[]> {
  const assets: { id: string; key: string }[] = [];
  for (let i = 0; i < count; i++) {
    const data = await queryData(target.url, { query: OPERATIONS.createUpload, variables: { input: CREATE_UPLOAD_INPUT } }, { apiKey: target.apiKey });
    const id = (data['createUpload'] as { asset?: { id?: unknown } } | null)?.asset?.id;
    if (typeof id !== 'string') throw new Error(`createUpload returned no asset id: ${JSON.stringify(data)}`);
    // Asset keys are `<prefix>/<owner>/<id>/<safe name>` (docs/ARCHITECTURE.md#upload-and-completion-path);
    // the bench's name is already safe.
    assets.push({ id, key: `${api.bucket.keyPrefix}/${API_KEY_OWNER}/${id}/${CREATE_UPLOAD_INPUT.name}` });
  }
  return assets;
}

async function measureFanout(target: Target, subscribers: number, mutations: number, waitMs: number): Promise<FanoutResult> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let delivered = 0;
  let resolveAll: () => void = () => undefined;
  const allDelivered = new Promise<void>((resolve) => {
    resolveAll = resolve;
  });
  const expected = subscribers * mutations;
  const connections = await connectSubscribers(target, subscribers, (id) => {
    const sent = sentAt.get(id);
    if (sent === undefined) return;
    latencies.push(performance.now() - sent);
    delivered += 1;
    if (delivered === expected) resolveAll();
  });
  try {
    const assets = await createPendingAssets(target, mutations);
    for (const asset of assets) {
      sentAt.set(asset.id, performance.now());
      await queryData(
        target.url,
        { query: OPERATIONS.completeUpload, variables: { input: { key: asset.key, size: CREATE_UPLOAD_INPUT.size, contentType: CREATE_UPLOAD_INPUT.contentType } } },
        { iam: { credentials: target.backendCredentials ?? TEST_CREDENTIALS, region: 'us-east-1' } },
      );
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([allDelivered, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
    return { p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), delivered, expected };
  } finally {
    await Promise.all(connections.map((c) => c.close()));
  }
}

export async function benchFanout(context: BenchContext): Promise<Figure[]> {
  const { ours, simulator } = await context.sharedStack();
  if (ours === null || simulator === null) throw new Error('the shared stack has no server');
  const list = createFigureList('fanout');
  const sizes = context.quick ? [100, 300] : [100, 1000];
  const mutations = context.quick ? 20 : 100;
  const waitMs = context.quick ? 15_000 : 60_000;
  const largest = Math.max(...sizes);

  for (const subscribers of sizes) {
    const peer = await measureFanout(simulator.info, subscribers, mutations, waitMs);
    context.log(`  ${subscribers} subs simulator: p50 ${peer.p50Ms.toFixed(1)} ms, p99 ${peer.p99Ms.toFixed(1)} ms, ${peer.delivered}/${peer.expected}`);
    const mine = await measureFanout(ours.info, subscribers, mutations, waitMs);
    context.log(`  ${subscribers} subs ours: p50 ${mine.p50Ms.toFixed(1)} ms, p99 ${mine.p99Ms.toFixed(1)} ms, ${mine.delivered}/${mine.expected}`);
    const label = `fan-out ${subscribers} subs × ${mutations} mutations`;
    list.add({ name: `${label}: delivery p50`, unit: 'ms', ours: mine.p50Ms, baselineName: 'simulator', baseline: peer.p50Ms });
    list.add({
      name: `${label}: delivery p99`,
      unit: 'ms',
      ours: mine.p99Ms,
      baselineName: 'simulator',
      baseline: peer.p99Ms,
      ...(subscribers === largest ? { goal: { op: '<=' as const, ratio: 0.5 } } : {}),
    });
    list.add({
      name: `${label}: delivered`,
      unit: '',
      ours: mine.delivered,
      baselineName: 'expected',
      baseline: mine.expected,
      goal: { op: '==', ratio: 1 },
      note: `simulator delivered ${peer.delivered}/${peer.expected}`,
    });
  }
  return list.figures;
}
