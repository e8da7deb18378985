/**
 * Child process: drives one HTTP load with autocannon (a warm-up run, then the measured run) and
 * prints the `LoadResult` as the last stdout line. Argument: the `HttpLoadSpec` as JSON.
 * Latencies are taken from autocannon's per-response `hrtime` durations (sub-millisecond), not from its
 * integer-millisecond histogram. An answer carrying GraphQL `errors` counts as failed.
 */
import autocannon from 'autocannon';
import { quantile } from './stats.ts';
import type { HttpLoadSpec, LoadResult } from './load-types.ts';

const spec = JSON.parse(process.argv[2] ?? '{}') as HttpLoadSpec;

async function drive(durationSeconds: number, latencies: number[] | null) {
  const instance = autocannon({
    url: spec.url,
    method: 'POST',
    headers: spec.headers,
    body: spec.body,
    connections: spec.connections,
    pipelining: 1,
    duration: durationSeconds,
    timeout: 10,
    verifyBody: (body) => body.includes('"data"') && !body.includes('"errors"'),
  });
  if (latencies !== null) {
    instance.on('response', (_client: unknown, _status: number, _bytes: number, durationMs: number) => {
      latencies.push(durationMs);
    });
  }
  return instance;
}

const cpuAtStart = process.cpuUsage();
const warmup = spec.warmupSeconds > 0 ? await drive(spec.warmupSeconds, null) : null;
const latencies: number[] = [];
const result = await drive(spec.durationSeconds, latencies);
const out: LoadResult = {
  requestsPerSecond: result.requests.total / result.duration,
  p50Ms: quantile(latencies, 0.5),
  p99Ms: quantile(latencies, 0.99),
  total: result.requests.total,
  warmupTotal: warmup?.requests.total ?? 0,
  failed: result.errors + result.timeouts + result.non2xx + result.mismatches,
  generatorCpuMicros: ((used) => used.user + used.system)(process.cpuUsage(cpuAtStart)),
};
process.stdout.write(`${JSON.stringify(out)}\n`);
