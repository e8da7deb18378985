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

/**
 * S3 object actions a Lambda may be granted on `<bucket>/<keyPrefix>/*`. Presigned UploadPart and
 * CompleteMultipartUpload are authorised by `s3:PutObject`, ListParts by
 * `s3:ListMultipartUploadParts`, AbortMultipartUpload by `s3:AbortMultipartUpload`
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions).
 */
export type BucketObjectAction = 's3:GetObject' | 's3:PutObject' | 's3:DeleteObject' | 's3:ListMultipartUploadParts' | 's3:AbortMultipartUpload';

/** What a Lambda function may do, scoped by the host to the named resources. */
export interface LambdaPermissions {
  /** S3 actions on `<bucket>/<keyPrefix>/*`, e.g. s3:PutObject (for presigning). */
  readonly bucketObjectActions?: readonly BucketObjectAction[];
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

/**
 * AppSync per-resolver caching of one resolver: its result (after the response handler) is kept
 * under the resolver and the values of `keys`, and served until the TTL passes, even if the data
 * changed meanwhile. Only effective when the definition has a `cache`.
 * https://docs.aws.amazon.com/appsync/latest/devguide/enabling-caching.html
 */
export interface ResolverCachingDefinition {
  /** Seconds a result is served from the cache (AppSync allows 1-3600). @default the cache's ttlSeconds */
  readonly ttlSeconds?: number;
  /** Entries of `$context.arguments`, `$context.source` or `$context.identity`, e.g. `$context.identity.sub`. */
  readonly keys: readonly string[];
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
      /** Per-resolver caching when the definition has a `cache`. @default not cached */
      readonly caching?: ResolverCachingDefinition;
    }
  | {
      readonly kind: 'PIPELINE';
      readonly typeName: string;
      readonly fieldName: string;
      /** The before/after handlers (`request`/`response` exports). */
      readonly code: string;
      /** Function names, in order (AppSync allows at most 10). */
      readonly functions: readonly string[];
      /** Per-resolver caching when the definition has a `cache`. @default not cached */
      readonly caching?: ResolverCachingDefinition;
    };

/** AppSync cache instance types (`AWS::AppSync::ApiCache` `Type`). */
export type ApiCacheType = 'SMALL' | 'MEDIUM' | 'LARGE' | 'XLARGE' | 'LARGE_2X' | 'LARGE_4X' | 'LARGE_8X' | 'LARGE_12X';

/**
 * The API's server-side cache (`AWS::AppSync::ApiCache`), always with PER_RESOLVER_CACHING: only
 * resolvers that declare `caching` are cached.
 * https://docs.aws.amazon.com/appsync/latest/devguide/enabling-caching.html
 */
export interface ApiCacheDefinition {
  /** Default TTL of cached results, in seconds (AppSync allows 1-3600). */
  readonly ttlSeconds: number;
  /** The cache instance size. */
  readonly type: ApiCacheType;
  /** Encrypt cached data at rest. */
  readonly atRestEncryption: boolean;
  /** Encrypt traffic between AppSync and the cache. */
  readonly transitEncryption: boolean;
}

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
  /**
   * Uploads larger than this use an S3 multipart upload (part URLs, resumable); smaller ones one
   * presigned PUT. At most 5 GiB, S3's limit for one PUT. @default 16777216 (16 MiB)
   */
  readonly multipartThresholdBytes: number;
  /**
   * Bytes per part (every part but the last). S3 allows 5 MiB to 5 GiB per part and 10,000 parts, so
   * for a file above `multipartPartBytes` × 10,000 the part size grows (in whole MiB) to fit.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html @default 8388608 (8 MiB)
   */
  readonly multipartPartBytes: number;
  /**
   * How long a multipart upload accepts parts and `finishUpload`, in seconds from `createUpload`.
   * At most `bucket.abortIncompleteMultipartUploadAfterDays` days: the bucket's lifecycle rule
   * aborts the upload then. @default 21600 (6 hours)
   */
  readonly multipartExpirySeconds: number;
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
  /** The server-side cache; resolvers with `caching` use it. @default none (nothing is cached) */
  readonly cache?: ApiCacheDefinition;
  /** The Cognito user pool behind AMAZON_COGNITO_USER_POOLS (CDK pool and `npm start`'s local pool). @default DEFAULT_USER_POOL (api/user-pool.ts) */
  readonly userPool?: UserPoolDefinition;
}

/**
 * The user pool's settings, read by the CDK construct (`infra/constructs/asset-user-pool.ts`) and by
 * the local pool (`local/cognito/`), so both enforce the same rules.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings.html
 */
export interface UserPoolDefinition {
  /** 'admin-only': only AdminCreateUser (`npm run user` locally); 'self': apps may call SignUp. */
  readonly signUp: 'admin-only' | 'self';
  /** What users type to sign in: their e-mail address (the username is then a generated id) or a username. */
  readonly signInWith: 'email' | 'username';
  /** TOTP software-token MFA: OFF, OPTIONAL (per user) or REQUIRED (set up at first sign-in). */
  readonly mfa: 'OFF' | 'OPTIONAL' | 'REQUIRED';
  readonly passwordPolicy: {
    /** Cognito allows 6-99; cdk-nag's AwsSolutions-COG1 wants 8 or more. */
    readonly minLength: number;
    readonly requireLowercase: boolean;
    readonly requireUppercase: boolean;
    readonly requireDigits: boolean;
    readonly requireSymbols: boolean;
    /** Days a temporary password (AdminCreateUser) stays valid (Cognito allows 0-365). */
    readonly temporaryPasswordValidityDays: number;
  };
  /** Groups of the pool (`cognito:groups`). */
  readonly groups: readonly string[];
  /** Token lifetimes of the app client (Cognito: ID/access 5 minutes to 1 day, refresh 1 hour to 10 years). */
  readonly tokenValidity: { readonly idTokenMinutes: number; readonly accessTokenMinutes: number; readonly refreshTokenDays: number };
  /** Authentication flows of the app client besides refresh (always on). */
  readonly authFlows: { readonly userSrp: boolean; readonly userPassword: boolean; readonly adminUserPassword: boolean };
  /** Unknown users get "Incorrect username or password." instead of UserNotFoundException (app client PreventUserExistenceErrors). */
  readonly preventUserExistenceErrors: boolean;
}
