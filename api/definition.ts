/**
 * The Asset API, declared once. The CDK stack (`infra/`) and the local runtime (`local/`) are both
 * built from this object; neither writes a table, index, data source or resolver of its own.
 */
import type { ApiDefinition } from './types.ts';

export const api = {
  name: 'asset-api',
  schemaFile: 'schema.graphql',
  auth: {
    default: { type: 'AMAZON_COGNITO_USER_POOLS', groupsClaim: 'cognito:groups' },
    additional: [{ type: 'API_KEY', apiKeyExpiryDays: 365 }, { type: 'AWS_IAM' }],
  },
  limits: { queryDepthLimit: 10, resolverCountLimit: 0 },

  tables: {
    assets: {
      partitionKey: { name: 'id', type: 'S' },
      globalSecondaryIndexes: [
        {
          indexName: 'byOwner',
          partitionKey: { name: 'owner', type: 'S' },
          sortKey: { name: 'createdAt', type: 'S' },
          projection: 'ALL',
        },
      ],
      timeToLiveAttribute: 'expiresAt',
    },
    // One item per (owner, tag, asset), so `listAssets(tag:)` is a Query on one partition, newest
    // first. Written next to the asset by the resolvers (no transactions: dynalite has none); a
    // PENDING asset's tag items carry its `expiresAt`, so DynamoDB TTL removes both together.
    assetTags: {
      partitionKey: { name: 'ownerTag', type: 'S' },
      sortKey: { name: 'createdAtId', type: 'S' },
      globalSecondaryIndexes: [],
      timeToLiveAttribute: 'expiresAt',
    },
  },

  bucket: {
    keyPrefix: 'assets',
    abortIncompleteMultipartUploadAfterDays: 1,
    onObjectCreated: 'uploadCompleted',
  },

  lambdas: {
    assetUrls: {
      entry: 'resolvers/lambda/asset-urls.ts',
      handler: 'handler',
      memorySize: 256,
      timeoutSeconds: 10,
      // Multipart: s3:PutObject also authorises UploadPart and CompleteMultipartUpload.
      permissions: { bucketObjectActions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'] },
    },
    uploadCompleted: {
      entry: 'resolvers/lambda/upload-completed.ts',
      handler: 'handler',
      memorySize: 256,
      timeoutSeconds: 30,
      permissions: { bucketObjectActions: ['s3:DeleteObject'], graphqlFields: ['Mutation.completeUpload'] },
    },
  },

  dataSources: {
    assetsTable: { type: 'AMAZON_DYNAMODB', table: 'assets', description: 'Asset metadata' },
    assetUrls: { type: 'AWS_LAMBDA', lambda: 'assetUrls', description: 'Presigned S3 URLs and object removal' },
    none: { type: 'NONE', description: 'Local computation and subscriptions' },
    assetTagsTable: { type: 'AMAZON_DYNAMODB', table: 'assetTags', description: 'Tag items: one per owner, tag and asset' },
  },

  functions: {
    mintUploadUrl: { dataSource: 'assetUrls', code: 'resolvers/functions/mintUploadUrl.ts' },
    putAsset: { dataSource: 'assetsTable', code: 'resolvers/functions/putAsset.ts' },
    getAssetForCompletion: { dataSource: 'assetsTable', code: 'resolvers/functions/getAssetForCompletion.ts' },
    completeAsset: { dataSource: 'assetsTable', code: 'resolvers/functions/completeAsset.ts' },
    markDeleting: { dataSource: 'assetsTable', code: 'resolvers/functions/markDeleting.ts' },
    deleteObject: { dataSource: 'assetUrls', code: 'resolvers/functions/deleteObject.ts' },
    deleteAssetItem: { dataSource: 'assetsTable', code: 'resolvers/functions/deleteAssetItem.ts' },
    putAssetTags: { dataSource: 'assetTagsTable', code: 'resolvers/functions/putAssetTags.ts' },
    removeAssetTags: { dataSource: 'assetTagsTable', code: 'resolvers/functions/removeAssetTags.ts' },
    getAssetForUpdate: { dataSource: 'assetsTable', code: 'resolvers/functions/getAssetForUpdate.ts' },
    updateAssetItem: { dataSource: 'assetsTable', code: 'resolvers/functions/updateAssetItem.ts' },
    checkTagExpiry: { dataSource: 'assetsTable', code: 'resolvers/functions/checkTagExpiry.ts' },
    // putAssetTags' code again, run after checkTagExpiry: the rewrite without a TTL when a completion raced the update.
    rewriteAssetTags: { dataSource: 'assetTagsTable', code: 'resolvers/functions/putAssetTags.ts' },
    batchGetAssets: { dataSource: 'assetsTable', code: 'resolvers/functions/batchGetAssets.ts' },
    retryUnprocessedAssets: { dataSource: 'assetsTable', code: 'resolvers/functions/retryUnprocessedAssets.ts' },
    queryAssetsByOwner: { dataSource: 'assetsTable', code: 'resolvers/functions/queryAssetsByOwner.ts' },
    queryAssetTags: { dataSource: 'assetTagsTable', code: 'resolvers/functions/queryAssetTags.ts' },
    getMultipartAsset: { dataSource: 'assetsTable', code: 'resolvers/functions/getMultipartAsset.ts' },
    mintPartUrls: { dataSource: 'assetUrls', code: 'resolvers/functions/mintPartUrls.ts' },
    listUploadParts: { dataSource: 'assetUrls', code: 'resolvers/functions/listUploadParts.ts' },
    completeMultipart: { dataSource: 'assetUrls', code: 'resolvers/functions/completeMultipart.ts' },
    abortMultipart: { dataSource: 'assetUrls', code: 'resolvers/functions/abortMultipart.ts' },
  },

  resolvers: [
    {
      kind: 'UNIT',
      typeName: 'Query',
      fieldName: 'getAsset',
      dataSource: 'assetsTable',
      code: 'resolvers/Query.getAsset.ts',
      caching: { keys: ['$context.identity.sub', '$context.arguments.id'] },
    },
    {
      kind: 'PIPELINE',
      typeName: 'Query',
      fieldName: 'listAssets',
      code: 'resolvers/Query.listAssets.ts',
      // With `tag`: the tag items, then their assets. Without `tag`: the byOwner Query. The tag
      // functions come first so that, without a tag, they skip with an empty result instead of
      // carrying the page through each skipped function (each copy costs CPU in the sandbox).
      functions: ['queryAssetTags', 'batchGetAssets', 'retryUnprocessedAssets', 'queryAssetsByOwner'],
    },
    {
      kind: 'PIPELINE',
      typeName: 'Mutation',
      fieldName: 'createUpload',
      code: 'resolvers/Mutation.createUpload.ts',
      functions: ['mintUploadUrl', 'putAsset', 'putAssetTags'],
    },
    {
      kind: 'PIPELINE',
      typeName: 'Mutation',
      fieldName: 'completeUpload',
      code: 'resolvers/Mutation.completeUpload.ts',
      functions: ['getAssetForCompletion', 'completeAsset', 'putAssetTags'],
    },
    {
      kind: 'PIPELINE',
      typeName: 'Mutation',
      fieldName: 'deleteAsset',
      code: 'resolvers/Mutation.deleteAsset.ts',
      // Tag items go before the asset item: a failure in between leaves a DELETING asset to delete again, never orphaned tag items.
      functions: ['markDeleting', 'deleteObject', 'removeAssetTags', 'deleteAssetItem'],
    },
    {
      kind: 'UNIT',
      typeName: 'Asset',
      fieldName: 'downloadUrl',
      dataSource: 'assetUrls',
      code: 'resolvers/Asset.downloadUrl.ts',
      maxBatchSize: 100,
    },
    { kind: 'UNIT', typeName: 'Subscription', fieldName: 'onAssetCreated', dataSource: 'none', code: 'resolvers/Subscription.onAssetCreated.ts' },
    { kind: 'UNIT', typeName: 'Subscription', fieldName: 'onAssetUpdated', dataSource: 'none', code: 'resolvers/Subscription.onAssetUpdated.ts' },
    {
      kind: 'PIPELINE',
      typeName: 'Mutation',
      fieldName: 'updateAsset',
      code: 'resolvers/Mutation.updateAsset.ts',
      functions: ['getAssetForUpdate', 'updateAssetItem', 'removeAssetTags', 'putAssetTags', 'checkTagExpiry', 'rewriteAssetTags'],
    },
    {
      kind: 'PIPELINE',
      typeName: 'Query',
      fieldName: 'getAssets',
      code: 'resolvers/Query.getAssets.ts',
      // One BatchGetItem, then at most one more for its `unprocessedKeys` (APPSYNC_JS has no loops).
      functions: ['batchGetAssets', 'retryUnprocessedAssets'],
      caching: { keys: ['$context.identity.sub', '$context.arguments.ids'] },
    },
    // Multipart uploads: each reads the caller's PENDING multipart asset, then makes one S3 call through the Lambda.
    { kind: 'PIPELINE', typeName: 'Query', fieldName: 'uploadPartUrls', code: 'resolvers/Query.uploadPartUrls.ts', functions: ['getMultipartAsset', 'mintPartUrls'] },
    { kind: 'PIPELINE', typeName: 'Query', fieldName: 'uploadedParts', code: 'resolvers/Query.uploadedParts.ts', functions: ['getMultipartAsset', 'listUploadParts'] },
    { kind: 'PIPELINE', typeName: 'Mutation', fieldName: 'finishUpload', code: 'resolvers/Mutation.finishUpload.ts', functions: ['getMultipartAsset', 'completeMultipart'] },
    {
      kind: 'PIPELINE',
      typeName: 'Mutation',
      fieldName: 'abortUpload',
      code: 'resolvers/Mutation.abortUpload.ts',
      functions: ['getMultipartAsset', 'abortMultipart', 'removeAssetTags', 'deleteAssetItem'],
    },
  ],

  assets: {
    allowedContentTypes: [
      'image/png',
      'image/jpeg',
      'image/gif',
      'image/webp',
      'video/mp4',
      'video/webm',
      'audio/mpeg',
      'application/pdf',
      'text/plain',
      'application/octet-stream',
    ],
    // 5 GiB; S3 allows up to 5 TiB (through multipart uploads above multipartThresholdBytes).
    maxUploadBytes: 5 * 1024 * 1024 * 1024,
    uploadUrlExpirySeconds: 900,
    downloadUrlExpirySeconds: 300,
    pendingGraceSeconds: 3600,
    multipartThresholdBytes: 16 * 1024 * 1024,
    multipartPartBytes: 8 * 1024 * 1024,
    multipartExpirySeconds: 6 * 3600,
  },
  // AppSync's server-side cache is off: set `cache` (e.g. { ttlSeconds: 30, type: 'SMALL',
  // atRestEncryption: true, transitEncryption: true }) to cache the resolvers that declare `caching`.

  // The Cognito user pool: the CDK pool and `npm start`'s local pool both follow it (api/user-pool.ts).
  // Users are created by an administrator (`npm run user` locally), sign in with their e-mail address
  // and must set up TOTP at first sign-in (`npm start -- --mfa off` relaxes that locally).
  userPool: {
    signUp: 'admin-only',
    signInWith: 'email',
    mfa: 'REQUIRED',
    passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true, temporaryPasswordValidityDays: 3 },
    groups: ['admin'],
    tokenValidity: { idTokenMinutes: 60, accessTokenMinutes: 60, refreshTokenDays: 30 },
    // Browsers use SRP; ADMIN_USER_PASSWORD_AUTH needs IAM (server-side callers, the contract suite).
    authFlows: { userSrp: true, userPassword: false, adminUserPassword: true },
    preventUserExistenceErrors: true,
  },
} as const satisfies ApiDefinition;

export type Api = typeof api;
