/**
 * Figure 4 (Lambda): the `assetUrls` bundle (`dist/lambda/assetUrls/index.mjs`) against the same
 * upload ticket minted with the full `@aws-sdk/client-s3` + `getSignedUrl` (`peer/full-sdk-presign.ts`),
 * bundled in this run with the same esbuild options.
 * - bytes: raw and gzip of each bundle;
 * - cold init: wall time of a fresh `node` that imports the bundle and mints one URL, minus a bare
 *   `node -e 0`, median of N runs (bare, ours and peer interleaved so drift hits all three alike);
 * - URLs/s: one warm process minting upload URLs in a loop.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { api } from '../api/definition.ts';
import { lambdaEnvironment } from '../api/environment.ts';
import { lambdaBundlePath, PROJECT_ROOT } from '../api/paths.ts';
import { LAMBDA_BUILD_OPTIONS } from '../api/bundle.ts';
import { STORE_CREDENTIALS } from './lib/asset-table.ts';
import type { BenchContext } from './lib/context.ts';
import { createFigureList, type Figure } from './lib/figures.ts';
import { median } from './lib/stats.ts';

const RUNNER = join(PROJECT_ROOT, 'bench', 'lib', 'presign-runner.mjs');

/** The event `resolvers/functions/mintUploadUrl.ts` sends (AppSync Invoke: the payload is the event). */
export const MINT_UPLOAD_EVENT = {
  action: 'mintUploadUrl',
  key: `${api.bucket.keyPrefix}/apikey/01J0BENCHASSET0000000000000/photo.png`,
  contentType: 'image/png',
  size: 2048,
  checksumSha256: null,
} as const;

/** Builds the full-SDK peer into a temporary folder; returns the bundle path. */
export function buildFullSdkPeer(): string {
  const outfile = join(tmpdir(), 'asset-api-bench', 'full-sdk-presign', 'index.mjs');
  mkdirSync(join(tmpdir(), 'asset-api-bench', 'full-sdk-presign'), { recursive: true });
  buildSync({ ...LAMBDA_BUILD_OPTIONS, entryPoints: [join(PROJECT_ROOT, 'bench', 'peer', 'full-sdk-presign.ts')], outfile, absWorkingDir: PROJECT_ROOT });
  return outfile;
}

function runnerEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '',
    ...lambdaEnvironment(api, { bucketName: 'asset-api-bench', graphqlUrl: 'http://127.0.0.1:9/graphql', s3Endpoint: 'http://127.0.0.1:9' }),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: STORE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: STORE_CREDENTIALS.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** Wall milliseconds of one fresh `node` process; throws unless it exits 0 and `check` accepts its output. */
function timeProcess(args: readonly string[], check: (stdout: string) => boolean): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { env: runnerEnv(), encoding: 'utf8', timeout: 60_000 });
  const elapsed = performance.now() - start;
  if (result.status !== 0 || !check(result.stdout)) {
    throw new Error(`node ${args.join(' ').slice(0, 200)}: exit ${result.status}\n${result.stdout.slice(-500)}${result.stderr.slice(-1500)}`);
  }
  return elapsed;
}

const isPresignedUrl = (stdout: string): boolean => stdout.includes('X-Amz-Signature=');

function urlsPerSecond(bundle: string, seconds: number): number {
  const result = spawnSync(process.execPath, [RUNNER, bundle, JSON.stringify(MINT_UPLOAD_EVENT), 'rate', String(seconds)], {
    env: runnerEnv(),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`rate run of ${bundle} failed: ${result.stderr.slice(-1500)}`);
  const parsed = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { urlsPerSecond?: unknown };
  if (typeof parsed.urlsPerSecond !== 'number') throw new Error(`rate run of ${bundle}: no result`);
  return parsed.urlsPerSecond;
}

export async function benchLambda(context: BenchContext): Promise<Figure[]> {
  const list = createFigureList('lambda');
  const ours = lambdaBundlePath('assetUrls');
  const peer = buildFullSdkPeer();
  const baselineName = 'full client-s3 + presigner';

  const oursBytes = readFileSync(ours);
  const peerBytes = readFileSync(peer);
  list.add({ name: 'assetUrls bundle, raw', unit: 'KiB', ours: oursBytes.length / 1024, baselineName, baseline: peerBytes.length / 1024 });
  list.add({
    name: 'assetUrls bundle, gzip',
    unit: 'KiB',
    ours: gzipSync(oursBytes).length / 1024,
    baselineName,
    baseline: gzipSync(peerBytes).length / 1024,
  });

  const runs = context.quick ? 3 : 15;
  const event = JSON.stringify(MINT_UPLOAD_EVENT);
  const bare: number[] = [];
  const oursCold: number[] = [];
  const peerCold: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(timeProcess(['-e', '0'], () => true));
    oursCold.push(timeProcess([RUNNER, ours, event, 'cold'], isPresignedUrl));
    peerCold.push(timeProcess([RUNNER, peer, event, 'cold'], isPresignedUrl));
  }
  const bareMs = median(bare);
  context.log(`  bare node ${bareMs.toFixed(1)} ms, ours ${median(oursCold).toFixed(1)} ms, peer ${median(peerCold).toFixed(1)} ms (medians of ${runs})`);
  list.add({
    name: `cold init: import + 1 presign (median of ${runs}, minus bare node ${Math.round(bareMs)} ms)`,
    unit: 'ms',
    ours: median(oursCold) - bareMs,
    baselineName,
    baseline: median(peerCold) - bareMs,
    goal: { op: '<=', ratio: 1 / 3 },
  });

  const seconds = context.quick ? 0.5 : 3;
  list.add({ name: 'upload URLs minted per second (warm, 1 process)', unit: 'URLs/s', ours: urlsPerSecond(ours, seconds), baselineName, baseline: urlsPerSecond(peer, seconds) });
  return list.figures;
}
