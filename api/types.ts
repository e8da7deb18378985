/**
 * The shape of the one API declaration (`api/definition.ts`). Both hosts read it: the CDK stack in
 * `infra/` and the local runtime in `local/`. Everything is plain data so it can be validated,
 * printed and compared in tests.
 */

/** AppSync authorization modes, named as AppSync names them. */
export type AuthType = 'API_KEY' | 'AMAZON_COGNITO_USER_POOLS' | 'AWS_IAM' | 'OPENID_CONNECT' | 'AWS_LAMBDA';

export interface AuthModeDefinition {
  readonly type: AuthType;
  /** API_KEY: days until the key expires (AppSync allows 1-365). @default 365 */
  readonly apiKeyExpiryDays?: number;
  /** Cognito/OIDC: the claim that holds the groups. @default 'cognito:groups' */
  readonly groupsClaim?: string;
}

export type KeyAttributeType = 'S' | 'N' | 'B';

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyAttributeType;
}

export interface GlobalSecondaryIndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Only ALL is supported, so a GSI query returns whole items. */
  readonly projection: 'ALL';
}

export interface TableDefinition {
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalSecondaryIndexes: readonly GlobalSecondaryIndexDefinition[];
  /** The attribute DynamoDB TTL reads (epoch seconds); the local runtime sweeps it too. */
  readonly timeToLiveAttribute?: string;
}

/** The bucket that holds asset bytes. */
export interface BucketDefinition {
  /** Every object key starts with this prefix and a slash; IAM is scoped to it. */
  readonly keyPrefix: string;
  /** Days after which incomplete multipart uploads are aborted. */
  readonly abortIncompleteMultipartUploadAfterDays: number;
  /** Lambda (by name) that receives the bucket's object-created events. */
  readonly onObjectCreated: string;
}

/** What a Lambda function may do, scoped by the host to the named resources. */
export interface LambdaPermissions {
  /** S3 actions on `<bucket>/<keyPrefix>/*`, e.g. s3:PutObject (for presigning). */
  readonly bucketObjectActions?: readonly ('s3:GetObject' | 's3:PutObject' | 's3:DeleteObject')[];
  /** GraphQL fields this function may call with IAM, as `Type.field`. */
  readonly graphqlFields?: readonly string[];
}

export interface LambdaDefinition {
  /** The TypeScript entry, relative to the project root. */
  readonly entry: string;
  /** The exported handler name. */
  readonly handler: string;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  readonly permissions: LambdaPermissions;
}

export type DataSourceDefinition =
  | { readonly type: 'AMAZON_DYNAMODB'; readonly table: string; readonly description: string }
  | { readonly type: 'AWS_LAMBDA'; readonly lambda: string; readonly description: string }
  | { readonly type: 'NONE'; readonly description: string };

/** An AppSync pipeline function: code plus a data source. */
export interface FunctionDefinition {
  readonly dataSource: string;
  /** The TypeScript source, relative to the project root. */
  readonly code: string;
}

export type ResolverDefinition =
  | {
      readonly kind: 'UNIT';
      readonly typeName: string;
      readonly fieldName: string;
      readonly dataSource: string;
      readonly code: string;
      /** Lambda data sources only: batch sibling fields into one BatchInvoke. */
      readonly maxBatchSize?: number;
    }
  | {
      readonly kind: 'PIPELINE';
      readonly typeName: string;
      readonly fieldName: string;
      /** The before/after handlers (`request`/`response` exports). */
      readonly code: string;
      /** Function names, in order (AppSync allows at most 10). */
      readonly functions: readonly string[];
    };

/** Settings of the asset flow, shared by resolvers (as API environment variables) and Lambdas. */
export interface AssetSettings {
  /** Content types an upload may declare. */
  readonly allowedContentTypes: readonly string[];
  /** Largest upload, in bytes. @default 104857600 (100 MiB) */
  readonly maxUploadBytes: number;
  /** How long an upload URL is valid, in seconds. @default 900 */
  readonly uploadUrlExpirySeconds: number;
  /** How long a download URL is valid, in seconds. @default 300 */
  readonly downloadUrlExpirySeconds: number;
  /** Seconds after ticket expiry before a PENDING asset is removed (TTL). @default 3600 */
  readonly pendingGraceSeconds: number;
}

export interface ApiLimits {
  /** AppSync query depth limit (1-75; 0 disables). */
  readonly queryDepthLimit: number;
  /** AppSync resolver count limit per request (0 = AppSync default 10000). */
  readonly resolverCountLimit: number;
}

export interface ApiDefinition {
  readonly name: string;
  /** Schema file, relative to the project root. */
  readonly schemaFile: string;
  readonly auth: {
    readonly default: AuthModeDefinition;
    readonly additional: readonly AuthModeDefinition[];
  };
  readonly limits: ApiLimits;
  readonly tables: Readonly<Record<string, TableDefinition>>;
  readonly bucket: BucketDefinition;
  readonly lambdas: Readonly<Record<string, LambdaDefinition>>;
  readonly dataSources: Readonly<Record<string, DataSourceDefinition>>;
  readonly functions: Readonly<Record<string, FunctionDefinition>>;
  readonly resolvers: readonly ResolverDefinition[];
  readonly assets: AssetSettings;
}
