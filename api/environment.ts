/**
 * Settings derived from the one definition for the code that runs inside each host: the APPSYNC_JS
 * resolvers read them as `ctx.env` (AppSync API environment variables), the Lambda handlers as
 * `process.env`. Both hosts call these functions, so the two can never disagree.
 */
import type { ApiDefinition } from './types.ts';

/** Names of the variables, shared by resolvers, Lambdas and hosts. */
export const ENV = {
  KEY_PREFIX: 'ASSET_KEY_PREFIX',
  ALLOWED_CONTENT_TYPES: 'ALLOWED_CONTENT_TYPES',
  MAX_UPLOAD_BYTES: 'MAX_UPLOAD_BYTES',
  UPLOAD_URL_EXPIRY_SECONDS: 'UPLOAD_URL_EXPIRY_SECONDS',
  DOWNLOAD_URL_EXPIRY_SECONDS: 'DOWNLOAD_URL_EXPIRY_SECONDS',
  PENDING_GRACE_SECONDS: 'PENDING_GRACE_SECONDS',
  BUCKET_NAME: 'ASSET_BUCKET',
  GRAPHQL_URL: 'GRAPHQL_URL',
  S3_ENDPOINT: 'S3_ENDPOINT',
  S3_FORCE_PATH_STYLE: 'S3_FORCE_PATH_STYLE',
  S3_PRESIGN_ENDPOINT: 'S3_PRESIGN_ENDPOINT',
  MULTIPART_THRESHOLD_BYTES: 'MULTIPART_THRESHOLD_BYTES',
  MULTIPART_PART_BYTES: 'MULTIPART_PART_BYTES',
  MULTIPART_EXPIRY_SECONDS: 'MULTIPART_EXPIRY_SECONDS',
} as const;

/** The AppSync API environment variables (`ctx.env` in resolvers). AppSync allows string values only. */
export function resolverEnvironment(api: ApiDefinition): Record<string, string> {
  const { assets, bucket } = api;
  return {
    [ENV.KEY_PREFIX]: bucket.keyPrefix,
    [ENV.ALLOWED_CONTENT_TYPES]: assets.allowedContentTypes.join(','),
    [ENV.MAX_UPLOAD_BYTES]: String(assets.maxUploadBytes),
    [ENV.UPLOAD_URL_EXPIRY_SECONDS]: String(assets.uploadUrlExpirySeconds),
    [ENV.PENDING_GRACE_SECONDS]: String(assets.pendingGraceSeconds),
    [ENV.MULTIPART_THRESHOLD_BYTES]: String(assets.multipartThresholdBytes),
    [ENV.MULTIPART_PART_BYTES]: String(assets.multipartPartBytes),
    [ENV.MULTIPART_EXPIRY_SECONDS]: String(assets.multipartExpirySeconds),
  };
}

/** Where a Lambda finds the bucket and API it serves; the host supplies the values. */
export interface LambdaTargets {
  readonly bucketName: string;
  /** The GraphQL endpoint, for Lambdas that call the API with IAM. */
  readonly graphqlUrl: string;
  /** Local only: an S3-compatible endpoint (path-style). Absent in the cloud. */
  readonly s3Endpoint?: string;
  /**
   * Local only: the endpoint presigned URLs name, when clients reach S3 by another address than the
   * Lambda does (`<public origin>/s3` on `npm start`'s port; docs/devices.md). Absent in the cloud,
   * where URLs always name the bucket's own S3 host. @default s3Endpoint
   */
  readonly s3PresignEndpoint?: string;
}

/** The Lambda environment: the same settings as the resolvers, plus where the resources are. */
export function lambdaEnvironment(api: ApiDefinition, targets: LambdaTargets): Record<string, string> {
  const env: Record<string, string> = {
    ...resolverEnvironment(api),
    [ENV.DOWNLOAD_URL_EXPIRY_SECONDS]: String(api.assets.downloadUrlExpirySeconds),
    [ENV.BUCKET_NAME]: targets.bucketName,
    [ENV.GRAPHQL_URL]: targets.graphqlUrl,
  };
  if (targets.s3Endpoint !== undefined) {
    env[ENV.S3_ENDPOINT] = targets.s3Endpoint;
    env[ENV.S3_FORCE_PATH_STYLE] = 'true';
  }
  if (targets.s3PresignEndpoint !== undefined) env[ENV.S3_PRESIGN_ENDPOINT] = targets.s3PresignEndpoint;
  return env;
}

/**
 * The name of the API environment variable that holds a table's physical name: `ASSETS_TABLE` for
 * `assets`, `ASSET_TAGS_TABLE` for `assetTags`. Batch operations name their tables
 * (https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-batch-get-item.html),
 * and the physical names differ per host, so resolvers read them from `ctx.env`.
 */
export function tableEnvironmentName(logicalName: string): string {
  return `${logicalName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}_TABLE`;
}

/** `ctx.env` entries with each table's physical name (logical name → physical name in, as each host names them). */
export function tableEnvironment(tableNames: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tableNames).map(([logical, physical]) => [tableEnvironmentName(logical), physical]));
}
