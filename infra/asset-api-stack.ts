/**
 * The Asset API stack, generated from the one definition (`api/definition.ts`): nothing about the API
 * (tables, keys, indexes, data sources, resolvers, Lambdas, auth modes) is written here. Deployment
 * settings come from `InfraConfig` (CDK context). The stack is environment-agnostic and makes no
 * lookups, so `cdk synth` runs offline without credentials.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ConfigError } from '../api/config-error.ts';
import { lambdaEnvironment, tableEnvironment } from '../api/environment.ts';
import type { ApiDefinition } from '../api/types.ts';
import { validateDefinition } from '../api/validate.ts';
import { resolveUserPool } from '../api/user-pool.ts';
import type { InfraConfig } from './config.ts';
import { AssetBucket } from './constructs/asset-bucket.ts';
import { AssetGraphqlApi } from './constructs/asset-graphql-api.ts';
import { AssetUserPool } from './constructs/asset-user-pool.ts';
import { DefinitionFunction } from './constructs/definition-function.ts';
import { DefinitionResolvers } from './constructs/definition-resolvers.ts';
import { DefinitionTable } from './constructs/definition-table.ts';
import { UploadCompletion } from './constructs/upload-completion.ts';
import { STACK_OUTPUT_KEYS, tableNameOutputKey } from './stack-outputs.ts';
import { createAmplifyOutputs } from '../api/amplify-outputs.ts';

export interface AssetApiStackProps extends StackProps {
  /** The API definition the stack is generated from. */
  readonly api: ApiDefinition;
  /** Deployment settings (`loadInfraConfig(app.node)`). */
  readonly config: InfraConfig;
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export class AssetApiStack extends Stack {
  readonly graphql: AssetGraphqlApi;
  readonly userPool: AssetUserPool | undefined;
  readonly tables: ReadonlyMap<string, DefinitionTable>;
  readonly bucket: AssetBucket;
  readonly functions: ReadonlyMap<string, DefinitionFunction>;
  readonly resolvers: DefinitionResolvers;
  readonly uploadCompletion: UploadCompletion;
  /** The customer-managed key of the table and bucket, when `config.encryption` is 'customer-managed'. */
  readonly dataKey: kms.Key | undefined;

  constructor(scope: Construct, id: string, props: AssetApiStackProps) {
    super(scope, id, props);
    const { api, config } = props;
    // Throws a ConfigError naming the field and value for any inconsistency (STYLE 2).
    validateDefinition(api);
    if (props.env?.account !== undefined || props.env?.region !== undefined) {
      throw new ConfigError(`env: the stack is environment-agnostic (synth runs offline); pick account and region at deploy time. Received: ${JSON.stringify(props.env)}`);
    }

    const removalPolicy = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    this.dataKey =
      config.encryption === 'customer-managed'
        ? new kms.Key(this, 'DataKey', { description: `${api.name} ${config.stage}: tables and asset bucket`, enableKeyRotation: true, removalPolicy })
        : undefined;

    const usesCognito = [api.auth.default, ...api.auth.additional].some((m) => m.type === 'AMAZON_COGNITO_USER_POOLS');
    this.userPool = usesCognito
      ? new AssetUserPool(this, 'Users', { removalPolicy, threatProtection: config.stage === 'prod' ? 'ENFORCED' : 'AUDIT', settings: resolveUserPool(api) })
      : undefined;

    this.graphql = new AssetGraphqlApi(this, 'GraphQL', {
      api,
      name: `${api.name}-${config.stage}`,
      ...(this.userPool ? { userPool: this.userPool.userPool, userPoolClientId: this.userPool.client.userPoolClientId } : {}),
      introspection: config.introspection,
      fieldLogLevel: config.stage === 'prod' ? 'ERROR' : 'ALL',
      logRetention,
      removalPolicy,
      ...(config.wafWebAclArn === undefined ? {} : { wafWebAclArn: config.wafWebAclArn }),
    });
    const graphqlApi = this.graphql.graphqlApi;

    this.tables = this.createTables(api, removalPolicy);
    this.bucket = new AssetBucket(this, 'Assets', {
      keyPrefix: api.bucket.keyPrefix,
      abortIncompleteMultipartUploadAfterDays: api.bucket.abortIncompleteMultipartUploadAfterDays,
      corsAllowedOrigins: config.corsAllowedOrigins,
      ...(config.storageTransitions ? { storageTransitions: config.storageTransitions } : {}),
      versioned: config.bucketVersioning,
      removalPolicy,
      ...(this.dataKey ? { encryptionKey: this.dataKey } : {}),
      accessLogRetentionDays: config.logRetentionDays,
    });
    const bucket: s3.Bucket = this.bucket.bucket;
    this.functions = this.createFunctions(api, logRetention, removalPolicy);
    const lambdaFunctions = new Map<string, lambda.IFunction>([...this.functions].map(([name, f]) => [name, f.function]));

    this.resolvers = new DefinitionResolvers(this, 'Resolvers', {
      api,
      graphqlApi,
      tables: this.tables,
      functions: lambdaFunctions,
      ...(this.dataKey ? { tableKey: this.dataKey } : {}),
    });

    const onObjectCreated = lambdaFunctions.get(api.bucket.onObjectCreated);
    if (!onObjectCreated) throw new ConfigError(`bucket.onObjectCreated: no such lambda. Received: ${api.bucket.onObjectCreated}`);
    this.uploadCompletion = new UploadCompletion(this, 'UploadCompletion', { bucketName: bucket.bucketName, keyPrefix: api.bucket.keyPrefix, handler: onObjectCreated });

    this.addOutputs(api);
  }

  /** The definition's tables; resolvers read their physical names from `ctx.env`, since batch operations name tables. */
  private createTables(api: ApiDefinition, removalPolicy: RemovalPolicy): Map<string, DefinitionTable> {
    const tables = new Map<string, DefinitionTable>();
    for (const [name, definition] of Object.entries(api.tables)) {
      tables.set(name, new DefinitionTable(this, `${pascal(name)}Table`, { name, definition, removalPolicy, ...(this.dataKey ? { encryptionKey: this.dataKey } : {}) }));
    }
    const tableNames = Object.fromEntries([...tables].map(([name, table]) => [name, table.table.tableName]));
    for (const [name, value] of Object.entries(tableEnvironment(tableNames))) this.graphql.graphqlApi.addEnvironmentVariable(name, value);
    return tables;
  }

  /** The definition's Lambdas, each allowed only the bucket's asset objects and this API. */
  private createFunctions(api: ApiDefinition, logRetention: logs.RetentionDays, removalPolicy: RemovalPolicy): Map<string, DefinitionFunction> {
    const graphqlApi = this.graphql.graphqlApi;
    const bucket: s3.Bucket = this.bucket.bucket;
    const bucketLogicalId = this.resolve((bucket.node.defaultChild as s3.CfnBucket).logicalId) as string;
    const environment = lambdaEnvironment(api, { bucketName: bucket.bucketName, graphqlUrl: graphqlApi.graphqlUrl });
    const functions = new Map<string, DefinitionFunction>();
    for (const [name, definition] of Object.entries(api.lambdas)) {
      functions.set(
        name,
        new DefinitionFunction(this, `${pascal(name)}Lambda`, {
          name,
          definition,
          environment,
          logRetention,
          removalPolicy,
          assetObjectsArn: this.bucket.assetObjectsArn,
          assetObjectsFinding: `<${bucketLogicalId}.Arn>/${api.bucket.keyPrefix}/*`,
          graphqlApiArn: graphqlApi.arn,
          ...(this.dataKey ? { bucketKey: this.dataKey } : {}),
        }),
      );
    }
    return functions;
  }

  /**
   * What a client or the contract suite's AWS target (`docs/contract-suite-aws.md`) needs, read from
   * `cdk deploy --outputs-file`. No secret is an output: outputs are readable by anyone allowed
   * `cloudformation:DescribeStacks` (see `apiKey` in AssetGraphqlApi for why the API key's id is not
   * one either). Their keys are named once, in `infra/stack-outputs.ts`.
   */
  private addOutputs(api: ApiDefinition): void {
    const { graphqlApi, cfnApi } = this.graphql;
    const key = STACK_OUTPUT_KEYS;
    new CfnOutput(this, key.graphqlUrl, { value: graphqlApi.graphqlUrl, description: 'GraphQL endpoint (HTTPS)' });
    new CfnOutput(this, key.realtimeUrl, { value: cfnApi.attrRealtimeUrl, description: 'Realtime endpoint (WebSocket) for subscriptions' });
    new CfnOutput(this, key.graphqlApiId, { value: graphqlApi.apiId, description: 'AppSync API id; read the API key with: aws appsync list-api-keys --api-id <GraphQLApiId>' });
    new CfnOutput(this, key.region, { value: this.region, description: 'Region of the API, the user pool and the bucket (for SigV4)' });
    if (this.userPool) {
      new CfnOutput(this, key.userPoolId, { value: this.userPool.userPool.userPoolId });
      new CfnOutput(this, key.userPoolClientId, { value: this.userPool.client.userPoolClientId });
    }
    new CfnOutput(this, key.bucketName, { value: this.bucket.bucket.bucketName });
    for (const [name, table] of this.tables) new CfnOutput(this, tableNameOutputKey(name), { value: table.table.tableName });
    new CfnOutput(this, key.uploadDeadLetterQueueUrl, { value: this.uploadCompletion.deadLetterQueue.queueUrl });
    // The same document `npm start` writes, so an app switches by swapping the file. No API key: an
    // output is readable by anyone allowed cloudformation:DescribeStacks, and the key id is the key.
    const amplifyOutputs = createAmplifyOutputs(api, {
      graphqlUrl: graphqlApi.graphqlUrl,
      region: this.region,
      ...(this.userPool ? { userPool: { userPoolId: this.userPool.userPool.userPoolId, clientId: this.userPool.client.userPoolClientId } } : {}),
    });
    new CfnOutput(this, key.amplifyOutputs, { value: this.toJsonString(amplifyOutputs), description: 'amplify_outputs.json without the API key; npm run outputs adds it' });
  }
}
