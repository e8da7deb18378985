/**
 * Fixtures for the Lambda bundle tests: the bundles as built by the global setup, the environment a
 * host gives them (`lambdaEnvironment` + AWS_*), and a plain s3rver on 127.0.0.1, port 0, per file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import S3rver from 's3rver';
import { test as base } from 'vitest';
import { api } from '../../../api/definition.ts';
import { lambdaEnvironment } from '../../../api/environment.ts';
import { lambdaBundlePath } from '../../../api/paths.ts';

export const BUCKET = 'asset-bucket';
export const REGION = 'eu-west-1';
/** s3rver's built-in key pair; it accepts any V4 signature made with a known access key id. */
export const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export type LambdaHandler = (event: unknown) => Promise<unknown>;
export interface LambdaModule {
  createHandler(env: Record<string, string | undefined>, deps?: { fetch?: typeof fetch; now?: () => Date }): LambdaHandler;
  handler: LambdaHandler;
}

/** Imports a Lambda bundle from `dist/lambda/<name>/index.mjs`. */
export async function importLambda(name: 'assetUrls' | 'uploadCompleted'): Promise<LambdaModule> {
  return (await import(pathToFileURL(lambdaBundlePath(name)).href)) as LambdaModule;
}

/** The environment a host builds for the Lambdas. */
export function lambdaEnv(targets: { s3Endpoint?: string; graphqlUrl?: string } = {}): Record<string, string> {
  return {
    ...lambdaEnvironment(api, {
      bucketName: BUCKET,
      graphqlUrl: targets.graphqlUrl ?? 'https://example.appsync-api.eu-west-1.amazonaws.com/graphql',
      ...(targets.s3Endpoint === undefined ? {} : { s3Endpoint: targets.s3Endpoint }),
    }),
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  };
}

export interface S3Fixture {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
}

export const test = base.extend<{ s3: S3Fixture }>({
  s3: [
    async ({}, use) => {
      const directory = mkdtempSync(join(tmpdir(), 'asset-api-s3rver-'));
      const s3rver = new S3rver({ directory, silent: true, configureBuckets: [{ name: BUCKET }] });
      await s3rver.configureBuckets();
      const server = await s3rver.listen(0, '127.0.0.1');
      const { port } = server.address() as AddressInfo;
      await use({ endpoint: `http://127.0.0.1:${port}` });
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      rmSync(directory, { recursive: true, force: true });
    },
    { scope: 'file' },
  ],
});
