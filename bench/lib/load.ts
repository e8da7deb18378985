/**
 * Load generation in a separate process (so the generator never shares an event loop with the server
 * it measures): HTTP through autocannon (`load-worker.ts`), the raw SDK through `sdk-load-worker.ts`.
 * Every target is on 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import { PROJECT_ROOT } from '../../api/paths.ts';
import type { HttpLoadSpec, LoadResult, SdkLoadSpec } from './load-types.ts';

function runWorker(script: string, spec: HttpLoadSpec | SdkLoadSpec): Promise<LoadResult> {
  const limitMs = (spec.warmupSeconds + spec.durationSeconds) * 1000 + 60_000;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, JSON.stringify(spec)],
      { cwd: PROJECT_ROOT, timeout: limitMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null) {
          reject(new Error(`${script} failed: ${error.message}\n${stderr.slice(-2000)}`));
          return;
        }
        const last = stdout.trim().split('\n').at(-1) ?? '';
        try {
          const parsed = JSON.parse(last) as { [K in keyof LoadResult]: LoadResult[K] | null };
          // JSON has no NaN: a window without a completed request comes back as null percentiles.
          resolve({
            requestsPerSecond: parsed.requestsPerSecond ?? 0,
            p50Ms: parsed.p50Ms ?? Number.NaN,
            p99Ms: parsed.p99Ms ?? Number.NaN,
            total: parsed.total ?? 0,
            warmupTotal: parsed.warmupTotal ?? 0,
            failed: parsed.failed ?? 0,
            generatorCpuMicros: parsed.generatorCpuMicros ?? 0,
          });
        } catch {
          reject(new Error(`${script}: no result line in its output:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
        }
      },
    );
  });
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1') throw new Error(`load generation only targets 127.0.0.1. Received: ${url}`);
}

export function runHttpLoad(spec: HttpLoadSpec): Promise<LoadResult> {
  assertLoopback(spec.url);
  return runWorker('bench/lib/load-worker.ts', spec);
}

export function runSdkLoad(spec: SdkLoadSpec): Promise<LoadResult> {
  assertLoopback(spec.endpoint);
  return runWorker('bench/lib/sdk-load-worker.ts', spec);
}
