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
      permissions: { bucketObjectActions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'] },
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
  },

  functions: {
    mintUploadUrl: { dataSource: 'assetUrls', code: 'resolvers/functions/mintUploadUrl.ts' },
    putAsset: { dataSource: 'assetsTable', code: 'resolvers/functions/putAsset.ts' },
    getAssetForCompletion: { dataSource: 'assetsTable', code: 'resolvers/functions/getAssetForCompletion.ts' },
    completeAsset: { dataSource: 'assetsTable', code: 'resolvers/functions/completeAsset.ts' },
    markDeleting: { dataSource: 'assetsTable', code: 'resolvers/functions/markDeleting.ts' },
    deleteObject: { dataSource: 'assetUrls', code: 'resolvers/functions/deleteObject.ts' },
    deleteAssetItem: { dataSource: 'assetsTable', code: 'resolvers/functions/deleteAssetItem.ts' },
  },

  resolvers: [
    { kind: 'UNIT', typeName: 'Query', fieldName: 'getAsset', dataSource: 'assetsTable', code: 'resolvers/Query.getAsset.ts' },
    { kind: 'UNIT', typeName: 'Query', fieldName: 'listAssets', dataSource: 'assetsTable', code: 'resolvers/Query.listAssets.ts' },
    {
      kind: 'PIPELINE',
      typeName: 'Mutation',
      fieldName: 'createUpload',
      code: 'resolvers/Mutation.createUpload.ts',
      functions: ['mintUploadUrl', 'putAsset'],
    },
    {
      kind: 'PIPELINE',
      typeName: 'Mutation',
      fieldName: 'completeUpload',
      code: 'resolvers/Mutation.completeUpload.ts',
      functions: ['getAssetForCompletion', 'completeAsset'],
    },
    {
      kind: 'PIPELINE',
      typeName: 'Mutation',
      fieldName: 'deleteAsset',
      code: 'resolvers/Mutation.deleteAsset.ts',
      functions: ['markDeleting', 'deleteObject', 'deleteAssetItem'],
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
    maxUploadBytes: 100 * 1024 * 1024,
    uploadUrlExpirySeconds: 900,
    downloadUrlExpirySeconds: 300,
    pendingGraceSeconds: 3600,
  },
} as const satisfies ApiDefinition;

export type Api = typeof api;
