/**
 * The bucket that holds asset bytes. Clients never touch it except through presigned URLs, so it is
 * private, TLS-only and encrypted; browsers may PUT/GET from the configured origins (CORS); incomplete
 * multipart uploads are aborted; object-created events go to EventBridge for the upload-completion
 * wiring. Its server access logs go to a second bucket of their own.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ConfigError } from '../../api/config-error.ts';
import type { StorageTransitions } from '../config.ts';

/**
 * Request headers a browser sends with a presigned PUT: the signed Content-Type and Content-Length, the
 * signed `If-None-Match: *` that makes a ticket write once, and, when the uploader gave one, the SHA-256
 * checksum S3 verifies.
 */
export const UPLOAD_CORS_HEADERS = ['content-type', 'content-length', 'if-none-match', 'x-amz-checksum-sha256'] as const;

/** How long browsers may cache the CORS preflight answer. */
const CORS_MAX_AGE_SECONDS = 3000;

export interface AssetBucketProps {
  /** Every asset key starts with `<keyPrefix>/`. */
  readonly keyPrefix: string;
  /** Days after which incomplete multipart uploads are aborted (1 or more). */
  readonly abortIncompleteMultipartUploadAfterDays: number;
  /** Origins allowed to PUT/GET with presigned URLs (no wildcard). */
  readonly corsAllowedOrigins: readonly string[];
  /** @default no transitions */
  readonly storageTransitions?: StorageTransitions;
  /** @default false */
  readonly versioned?: boolean;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** SSE-KMS with this key; without one, SSE-S3. @default SSE-S3 */
  readonly encryptionKey?: kms.IKey;
  /** Days the server access logs are kept. */
  readonly accessLogRetentionDays: number;
}

export class AssetBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;
  /** `<bucket arn>/<keyPrefix>/*`: the only objects any IAM statement of the stack may touch. */
  readonly assetObjectsArn: string;

  constructor(scope: Construct, id: string, props: AssetBucketProps) {
    super(scope, id);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(props.keyPrefix)) throw new ConfigError(`bucket.keyPrefix: lower-case letters, digits and dashes only. Received: ${props.keyPrefix}`);
    if (!Number.isInteger(props.abortIncompleteMultipartUploadAfterDays) || props.abortIncompleteMultipartUploadAfterDays < 1) {
      throw new ConfigError(`bucket.abortIncompleteMultipartUploadAfterDays: must be a positive integer. Received: ${props.abortIncompleteMultipartUploadAfterDays}`);
    }
    if (props.corsAllowedOrigins.length === 0 || props.corsAllowedOrigins.some((o) => o.includes('*'))) {
      throw new ConfigError(`corsAllowedOrigins: one or more origins, no wildcard. Received: ${JSON.stringify(props.corsAllowedOrigins)}`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // S3 server access logging delivers only to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(props.accessLogRetentionDays) }],
      removalPolicy,
    });

    const transitions: s3.Transition[] = [];
    if (props.storageTransitions?.infrequentAccessDays !== undefined) {
      transitions.push({ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(props.storageTransitions.infrequentAccessDays) });
    }
    if (props.storageTransitions?.glacierDays !== undefined) {
      transitions.push({ storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(props.storageTransitions.glacierDays) });
    }

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      ...(props.encryptionKey
        ? { encryption: s3.BucketEncryption.KMS, encryptionKey: props.encryptionKey, bucketKeyEnabled: true }
        : { encryption: s3.BucketEncryption.S3_MANAGED }),
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: props.versioned ?? false,
      // Double cast: aws-cdk-lib's d.ts declare optional members without `| undefined`, which
      // exactOptionalPropertyTypes rejects although a Bucket is an IBucket.
      serverAccessLogsBucket: this.accessLogsBucket as unknown as s3.IBucket,
      serverAccessLogsPrefix: 'asset-bucket/',
      cors: [
        {
          allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET],
          allowedOrigins: [...props.corsAllowedOrigins],
          allowedHeaders: [...UPLOAD_CORS_HEADERS],
          exposedHeaders: ['ETag'],
          maxAge: CORS_MAX_AGE_SECONDS,
        },
      ],
      lifecycleRules: [
        {
          id: 'abort-incomplete-multipart-uploads',
          abortIncompleteMultipartUploadAfter: Duration.days(props.abortIncompleteMultipartUploadAfterDays),
        },
        ...(transitions.length > 0 ? [{ id: 'asset-storage-transitions', prefix: `${props.keyPrefix}/`, transitions }] : []),
        ...(props.versioned ? [{ id: 'expire-noncurrent-versions', noncurrentVersionExpiration: Duration.days(30) }] : []),
      ],
      removalPolicy,
    });
    // Object-created events go to EventBridge. Set on the resource itself: the L2's `eventBridgeEnabled`
    // deploys a custom-resource Lambda (AWS-managed policy, s3:PutBucketNotification on "*") to do
    // what CloudFormation does natively.
    (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    this.assetObjectsArn = this.bucket.arnForObjects(`${props.keyPrefix}/*`);
  }
}
