/**
 * The logical ids of the stack's outputs: the keys of each stack in the file `cdk deploy
 * --outputs-file <file>` writes. CDK-free, so that readers of that file (the contract suite's AWS
 * target) share these names with the stack without loading the CDK.
 */
export const STACK_OUTPUT_KEYS = {
  /** `https://<id>.appsync-api.<region>.amazonaws.com/graphql` */
  graphqlUrl: 'GraphQLUrl',
  /** `wss://<id>.appsync-realtime-api.<region>.amazonaws.com/graphql` */
  realtimeUrl: 'RealtimeUrl',
  /** The AppSync API id (for `appsync:ListApiKeys` and IAM resource ARNs). */
  graphqlApiId: 'GraphQLApiId',
  /** The region the stack was deployed to. */
  region: 'Region',
  /** Only when an auth mode is AMAZON_COGNITO_USER_POOLS. */
  userPoolId: 'UserPoolId',
  /** The pool's public web client (only with a user pool). */
  userPoolClientId: 'UserPoolClientId',
  bucketName: 'BucketName',
  uploadDeadLetterQueueUrl: 'UploadDeadLetterQueueUrl',
  /**
   * `amplify_outputs.json` for the stack (JSON, api/amplify-outputs.ts), without `data.api_key`:
   * `npm run outputs` adds the key, read with `appsync:ListApiKeys` (docs/devices.md).
   */
  amplifyOutputs: 'AmplifyOutputs',
} as const;

/** The output holding a definition table's name: `assets` -> `AssetsTableName`. */
export function tableNameOutputKey(tableName: string): string {
  return `${tableName.charAt(0).toUpperCase()}${tableName.slice(1)}TableName`;
}
