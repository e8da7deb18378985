/**
 * Lambda configuration, read once from the environment the host builds with
 * `api/environment.ts` (`lambdaEnvironment`) plus the AWS runtime variables. Each reader validates
 * what it needs and says which variable is wrong (STYLE rules 9-10).
 */
import { ConfigError } from '../../../api/config-error.ts';
import { ENV } from '../../../api/environment.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** Credentials as the Lambda runtime provides them (AWS_ACCESS_KEY_ID, ...). */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Where the Lambda runs and as whom. */
export interface AwsContext {
  readonly region: string;
  readonly credentials: Credentials;
}

/** The asset bucket and how to reach it. */
export interface BucketConfig {
  readonly bucketName: string;
  /** Every asset key starts with `<keyPrefix>/`. */
  readonly keyPrefix: string;
  /** An S3-compatible endpoint (local only). @default undefined: `https://<bucket>.s3.<region>.amazonaws.com` */
  readonly endpoint?: URL;
  /** Address the bucket in the path (`/<bucket>/<key>`) instead of the host name. @default false */
  readonly forcePathStyle: boolean;
  /** The endpoint presigned URLs name, when clients reach the S3-compatible store elsewhere (local only). @default endpoint */
  readonly presignEndpoint?: URL;
}

/** The upload rules the resolvers enforce, checked again by the Lambda (defence in depth). */
export interface UrlRules {
  readonly allowedContentTypes: readonly string[];
  readonly maxUploadBytes: number;
  readonly uploadUrlExpirySeconds: number;
  readonly downloadUrlExpirySeconds: number;
  /** Larger uploads go in parts; a single PUT URL is never minted for more. */
  readonly multipartThresholdBytes: number;
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(`${name} must be set in the Lambda environment`);
  }
  return value.trim();
}

function positiveInt(env: Env, name: string): number {
  const raw = required(env, name);
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(`${name} must be a positive integer. Received: ${JSON.stringify(raw)}`);
  }
  return value;
}

export function loadAwsContext(env: Env): AwsContext {
  const sessionToken = env['AWS_SESSION_TOKEN'];
  return Object.freeze({
    region: required(env, 'AWS_REGION'),
    credentials: Object.freeze({
      accessKeyId: required(env, 'AWS_ACCESS_KEY_ID'),
      secretAccessKey: required(env, 'AWS_SECRET_ACCESS_KEY'),
      ...(sessionToken ? { sessionToken } : {}),
    }),
  });
}

export function loadBucketConfig(env: Env): BucketConfig {
  const keyPrefix = required(env, ENV.KEY_PREFIX);
  if (keyPrefix.startsWith('/') || keyPrefix.endsWith('/')) {
    throw new ConfigError(`${ENV.KEY_PREFIX} must not start or end with "/". Received: ${JSON.stringify(keyPrefix)}`);
  }
  const rawEndpoint = env[ENV.S3_ENDPOINT];
  let endpoint: URL | undefined;
  if (rawEndpoint !== undefined && rawEndpoint !== '') {
    try {
      endpoint = new URL(rawEndpoint);
    } catch {
      throw new ConfigError(`${ENV.S3_ENDPOINT} must be a URL. Received: ${JSON.stringify(rawEndpoint)}`);
    }
  }
  const presignEndpoint = optionalUrl(env, ENV.S3_PRESIGN_ENDPOINT);
  return Object.freeze({
    bucketName: required(env, ENV.BUCKET_NAME),
    keyPrefix,
    ...(endpoint ? { endpoint } : {}),
    ...(presignEndpoint ? { presignEndpoint } : {}),
    forcePathStyle: env[ENV.S3_FORCE_PATH_STYLE] === 'true',
  });
}

function optionalUrl(env: Env, name: string): URL | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    return new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL. Received: ${JSON.stringify(raw)}`);
  }
}

export function loadUrlRules(env: Env): UrlRules {
  const allowedContentTypes = required(env, ENV.ALLOWED_CONTENT_TYPES)
    .split(',')
    .map((type) => type.trim())
    .filter((type) => type !== '');
  return Object.freeze({
    allowedContentTypes: Object.freeze(allowedContentTypes),
    maxUploadBytes: positiveInt(env, ENV.MAX_UPLOAD_BYTES),
    uploadUrlExpirySeconds: positiveInt(env, ENV.UPLOAD_URL_EXPIRY_SECONDS),
    downloadUrlExpirySeconds: positiveInt(env, ENV.DOWNLOAD_URL_EXPIRY_SECONDS),
    multipartThresholdBytes: positiveInt(env, ENV.MULTIPART_THRESHOLD_BYTES),
  });
}

/** The GraphQL endpoint the backend calls with IAM. */
export function loadGraphqlUrl(env: Env): URL {
  const raw = required(env, ENV.GRAPHQL_URL);
  try {
    return new URL(raw);
  } catch {
    throw new ConfigError(`${ENV.GRAPHQL_URL} must be a URL. Received: ${JSON.stringify(raw)}`);
  }
}
