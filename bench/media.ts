/**
 * Figure 6, large media: multipart upload throughput through the local S3 front (client helper,
 * 8 parts in flight) vs writing the same bytes to a local file with Node streams, and vs one single
 * PUT of the same bytes (a bench-only copy of the definition raises the multipart threshold);
 * process RSS growth while the server receives the upload; the share of bytes a resumed upload sends
 * again after a pause at 50 %; and the READY latency after the PUT under a burst of 16 callers × 4
 * uploads vs one upload alone. Full: 1 GiB; quick: 64 MiB. Server and client share one process (the
 * file is read from disk through `fs.openAsBlob`, so the client holds no copy of it).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { print } from 'graphql';
import { api } from '../api/definition.ts';
import type { ApiDefinition } from '../api/types.ts';
import { createUploader, type GraphQLTransport } from '../client/upload.ts';
import { GetAssetDocument } from '../generated/operations.ts';
import { loadConfig } from '../local/config.ts';
import { startLocalServer, type LocalServer } from '../local/server.ts';
import { startDynamoStore } from '../local/stores/dynamo-store.ts';
import type { BenchContext, BenchModule } from './lib/context.ts';
import { createFigureList } from './lib/figures.ts';
import { quantile } from './lib/stats.ts';

const MIB = 1024 * 1024;

interface Running {
  readonly server: LocalServer;
  readonly graphql: GraphQLTransport;
  close(): Promise<void>;
}

async function startServer(definition: ApiDefinition): Promise<Running> {
  const dynamo = await startDynamoStore();
  const config = loadConfig({ DYNAMODB_ENDPOINT: dynamo.endpoint }, ['--port', '0', '--no-watch']);
  const server = await startLocalServer(config, { api: definition, log: () => undefined });
  const graphql: GraphQLTransport = async (document, variables) => {
    const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': config.apiKey }, body: JSON.stringify({ query: print(document), variables }) });
    const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
    if (body.errors !== undefined && body.errors.length > 0) throw new Error(JSON.stringify(body.errors));
    return body.data as never;
  };
  return {
    server,
    graphql,
    close: async () => {
      await server.close();
      await dynamo.close();
    },
  };
}

async function writeRandomFile(file: string, size: number): Promise<void> {
  const chunk = randomBytes(MIB);
  await pipeline(
    Readable.from((function* () {
      for (let left = size; left > 0; left -= MIB) yield left >= MIB ? chunk : chunk.subarray(0, left);
    })()),
    createWriteStream(file),
  );
}

async function waitReady(graphql: GraphQLTransport, id: string): Promise<number> {
  for (;;) {
    const { getAsset } = await graphql(GetAssetDocument, { id });
    if (getAsset?.status === 'READY') return performance.now();
    if (getAsset === null || getAsset.status !== 'PENDING') throw new Error(`asset ${id} is ${getAsset?.status ?? 'gone'}`);
    // Polled every 20 ms (the same for the burst and the baseline): 64 pollers must not become the load.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Time from the PUT's answer to READY, for `count` small uploads started together. */
async function completionLatencies(graphql: GraphQLTransport, count: number, bytes: Blob): Promise<number[]> {
  const uploader = createUploader({ graphql });
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const result = await uploader.upload(bytes, { name: `burst-${i}.bin`, contentType: 'application/octet-stream' });
      const put = performance.now();
      return (await waitReady(graphql, result.assetId)) - put;
    }),
  );
}

export const benchMedia: BenchModule = async (context: BenchContext) => {
  const list = createFigureList('media');
  const size = context.quick ? 64 * MIB : 1024 * MIB;
  const dir = await mkdtemp(join(tmpdir(), 'asset-api-bench-media-'));
  try {
    const source = join(dir, 'source.bin');
    await writeRandomFile(source, size);
    const file = await openAsBlob(source);

    // Baseline: the same bytes written to a local file through Node streams.
    const baseStart = performance.now();
    await pipeline(Readable.fromWeb(file.stream() as never), createWriteStream(join(dir, 'copy.bin')));
    const baselineMBps = size / MIB / ((performance.now() - baseStart) / 1000);
    await rm(join(dir, 'copy.bin'));

    const running = await startServer(api);
    let multipartMBps = 0;
    try {
      const uploader = createUploader({ graphql: running.graphql });
      const rssBefore = process.memoryUsage().rss;
      let rssPeak = rssBefore;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
      const start = performance.now();
      const result = await uploader.upload(file, { name: 'movie.mp4', contentType: 'video/mp4' }, { concurrency: 8 });
      multipartMBps = size / MIB / ((performance.now() - start) / 1000);
      clearInterval(sampler);
      await waitReady(running.graphql, result.assetId);
      context.log(`  multipart ${multipartMBps.toFixed(0)} MB/s, baseline ${baselineMBps.toFixed(0)} MB/s`);
      list.add({ name: `multipart upload ${size / MIB} MiB, 8 parts in flight`, unit: 'MB/s', ours: multipartMBps, baselineName: 'Node streams to a local file', baseline: baselineMBps, goal: { op: '>=', ratio: 0.7 } });
      list.add({ name: `process RSS growth while receiving ${size / MIB} MiB`, unit: 'MiB', ours: (rssPeak - rssBefore) / MIB, note: 'goal: <= 64 MiB (server and client in one process)' });

      // Resume: pause once half the bytes are confirmed, then resume from uploadedParts.
      const pause = new AbortController();
      let assetId = '';
      await uploader
        .upload(file, { name: 'resume.mp4', contentType: 'video/mp4' }, {
          concurrency: 8,
          signal: pause.signal,
          onStarted: (asset) => (assetId = asset.id),
          onProgress: (p) => {
            if (p.sentBytes >= size / 2) pause.abort(new Error('paused'));
          },
        })
        .catch(() => undefined);
      const resumed = await createUploader({ graphql: running.graphql }).resume(assetId, file, { concurrency: 8 });
      list.add({ name: 'bytes sent again by a resumed upload (paused at 50 %)', unit: '% of file', ours: (resumed.bytesSent / size) * 100, note: 'goal: <= 55 %' });

      // Completions under a burst vs alone (small files: the single-PUT path and its event).
      const small = new Blob([randomBytes(64 * 1024)]);
      const alone: number[] = [];
      for (let i = 0; i < (context.quick ? 3 : 8); i += 1) alone.push(...(await completionLatencies(running.graphql, 1, small)));
      const burst = await completionLatencies(running.graphql, 64, small);
      list.add({ name: 'READY after the PUT, 16 callers x 4 uploads (p99)', unit: 'ms', ours: quantile(burst, 0.99), baselineName: 'one upload alone (median)', baseline: quantile(alone, 0.5), goal: { op: '<=', ratio: 3 } });
    } finally {
      await running.close();
    }

    // One PUT of the same bytes: a bench-only definition whose multipart threshold is S3's 5 GiB PUT limit.
    const singlePutApi: ApiDefinition = { ...api, assets: { ...api.assets, multipartThresholdBytes: 5 * 1024 * MIB } };
    const single = await startServer(singlePutApi);
    try {
      const start = performance.now();
      await createUploader({ graphql: single.graphql }).upload(file, { name: 'movie.mp4', contentType: 'video/mp4' });
      const singleMBps = size / MIB / ((performance.now() - start) / 1000);
      list.add({ name: `multipart vs one single PUT of ${size / MIB} MiB`, unit: 'MB/s', ours: multipartMBps, baselineName: 'single PUT (bench-only threshold)', baseline: singleMBps, goal: { op: '>=', ratio: 1 } });
    } finally {
      await single.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return list.figures;
};
