/**
 * Child process: the data-layer limit. Runs `connections` concurrent loops of one raw DynamoDB call
 * (`GetItem`, `Query` on the byOwner GSI for a page of 20 newest first, or `PutItem` of a new PENDING
 * asset) with `@aws-sdk/client-dynamodb` against the bench's store, a warm-up then the measured
 * window, and prints the `LoadResult` as the last stdout line. Argument: the `SdkLoadSpec` as JSON.
 */
import { randomUUID } from 'node:crypto';
import { GetItemCommand, PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createStoreClient } from './asset-table.ts';
import { quantile } from './stats.ts';
import type { LoadResult, SdkLoadSpec } from './load-types.ts';

const spec = JSON.parse(process.argv[2] ?? '{}') as SdkLoadSpec;
const client: DynamoDBClient = createStoreClient(spec.endpoint, spec.connections);

function callOnce(): Promise<unknown> {
  if (spec.operation === 'GetItem') {
    return client.send(new GetItemCommand({ TableName: spec.tableName, Key: { id: { S: spec.id } } }));
  }
  if (spec.operation === 'Query') {
    return client.send(
      new QueryCommand({
        TableName: spec.tableName,
        IndexName: 'byOwner',
        KeyConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': { S: spec.owner } },
        ScanIndexForward: false,
        Limit: 20,
      }),
    );
  }
  const id = randomUUID();
  const now = new Date().toISOString();
  return client.send(
    new PutItemCommand({
      TableName: spec.tableName,
      Item: {
        id: { S: id },
        owner: { S: 'sdk-baseline' },
        name: { S: 'photo.png' },
        contentType: { S: 'image/png' },
        size: { N: '2048' },
        key: { S: `assets/sdk-baseline/${id}/photo.png` },
        status: { S: 'PENDING' },
        createdAt: { S: now },
        updatedAt: { S: now },
      },
      ConditionExpression: 'attribute_not_exists(id)',
    }),
  );
}

async function drive(durationSeconds: number, latencies: number[] | null): Promise<{ total: number; failed: number; seconds: number }> {
  const start = performance.now();
  const end = start + durationSeconds * 1000;
  let total = 0;
  let failed = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        await callOnce();
        total += 1;
        latencies?.push(performance.now() - t0);
      } catch {
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: spec.connections }, loop));
  return { total, failed, seconds: (performance.now() - start) / 1000 };
}

const cpuAtStart = process.cpuUsage();
const warmup = spec.warmupSeconds > 0 ? await drive(spec.warmupSeconds, null) : null;
const latencies: number[] = [];
const run = await drive(spec.durationSeconds, latencies);
client.destroy();
const out: LoadResult = {
  requestsPerSecond: run.total / run.seconds,
  p50Ms: quantile(latencies, 0.5),
  p99Ms: quantile(latencies, 0.99),
  total: run.total,
  warmupTotal: warmup?.total ?? 0,
  failed: run.failed,
  generatorCpuMicros: ((used) => used.user + used.system)(process.cpuUsage(cpuAtStart)),
};
process.stdout.write(`${JSON.stringify(out)}\n`);
