/**
 * The Lambdas as the local API runs them: the deployed bundles in-process (`load-lambda.ts`) with the
 * environment the stack gives them (`api/environment.ts`) plus where the local resources are, one
 * invoker per public origin (`per-origin-invoker.ts`). Presigned URLs name the embedded S3 front at
 * `<origin>/s3`, the origin the request used (or `--public-url`); the Lambda's own S3 calls keep the
 * front's loopback endpoint.
 */
import { lambdaEnvironment } from '../../api/environment.ts';
import type { ApiDefinition } from '../../api/types.ts';
import type { AwsCredentials } from '../config.ts';
import { createLambdaInvoker } from './load-lambda.ts';
import { createPerOriginInvoker, type OriginLambdaInvoker } from './per-origin-invoker.ts';

export interface LocalLambdasDeps {
  readonly definition: ApiDefinition;
  /** `--public-url`: the origin of every presigned URL when set. */
  readonly publicUrl: string | null;
}

export interface LocalLambdasOptions {
  /** This server's `/graphql`, which the Lambdas call back. */
  readonly graphqlUrl: string;
  readonly bucketName: string;
  readonly region: string;
  readonly accountId: string;
  /** The credentials in the Lambdas' environment. */
  readonly credentials: AwsCredentials;
  /** The S3 endpoint of the Lambda's own calls; undefined: AWS's. */
  readonly s3Endpoint: string | undefined;
  /** The embedded front's path (`/s3`) and the origin used outside requests; null with a configured S3 endpoint. */
  readonly presign: { readonly path: string; readonly defaultOrigin: string } | null;
}

export function createLocalLambdas(deps: LocalLambdasDeps, options: LocalLambdasOptions): OriginLambdaInvoker {
  const { credentials, presign } = options;
  const environmentFor = (origin: string | undefined): Record<string, string> => ({
    ...lambdaEnvironment(deps.definition, {
      bucketName: options.bucketName,
      graphqlUrl: options.graphqlUrl,
      ...(options.s3Endpoint !== undefined ? { s3Endpoint: options.s3Endpoint } : {}),
      ...(presign === null ? {} : { s3PresignEndpoint: `${origin ?? presign.defaultOrigin}${presign.path}` }),
    }),
    AWS_REGION: options.region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
  });
  return createPerOriginInvoker({
    publicUrl: deps.publicUrl,
    createInvoker: (origin) => createLambdaInvoker({ api: deps.definition, env: environmentFor(origin), accountId: options.accountId }),
  });
}
