/**
 * Data sources, pipeline functions and resolvers of the definition, on the APPSYNC_JS runtime with
 * the bundles `npm run build` writes. Each data source has a role of its own that AppSync can assume
 * only for this API (confused-deputy conditions) and that may touch only its own table or function.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from '../../api/config-error.ts';
import { resolverBundlePath } from '../../api/paths.ts';
import type { ApiDefinition } from '../../api/types.ts';
import type { DefinitionTable } from './definition-table.ts';

/**
 * The DynamoDB operations the APPSYNC_JS resolvers issue, and the IAM action each needs. A DynamoDB
 * data source's role gets exactly these actions, on its own table only; `Scan` and the transaction
 * operations are left out on purpose: listing is a GSI Query, never a Scan
 * (docs/ARCHITECTURE.md#upload-and-completion-path). The batch
 * operations (getAssets, the tag items) name tables, but every function that issues one names its
 * own data source's table, so the role still reaches no other table.
 */
export const DYNAMODB_OPERATION_ACTIONS = {
  GetItem: 'dynamodb:GetItem',
  PutItem: 'dynamodb:PutItem',
  UpdateItem: 'dynamodb:UpdateItem',
  DeleteItem: 'dynamodb:DeleteItem',
  Query: 'dynamodb:Query',
  BatchGetItem: 'dynamodb:BatchGetItem',
  BatchPutItem: 'dynamodb:BatchWriteItem',
  BatchDeleteItem: 'dynamodb:BatchWriteItem',
} as const;

/** `@aws-appsync/utils/dynamodb` helpers and the request operation each one builds. */
const DYNAMODB_HELPER_OPERATIONS: Readonly<Record<string, string>> = {
  get: 'GetItem',
  put: 'PutItem',
  update: 'UpdateItem',
  remove: 'DeleteItem',
  query: 'Query',
  scan: 'Scan',
  sync: 'Sync',
};

/** The DynamoDB operations a resolver bundle names, literally (`operation: 'PutItem'`) or through a helper import. */
export function dynamoDbOperationsIn(code: string): string[] {
  const ops = new Set<string>();
  for (const m of code.matchAll(/\boperation\s*:\s*["'`]([A-Za-z]+)["'`]/g)) if (m[1]) ops.add(m[1]);
  for (const m of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*["']@aws-appsync\/utils\/dynamodb["']/g)) {
    for (const spec of (m[1] ?? '').split(',')) {
      const imported = spec.trim().split(/\s+as\s+/)[0]?.trim() ?? '';
      const op = DYNAMODB_HELPER_OPERATIONS[imported];
      if (op) ops.add(op);
    }
  }
  for (const m of code.matchAll(/import\s*\*\s*as\s+([A-Za-z_$][\w$]*)\s+from\s*["']@aws-appsync\/utils\/dynamodb["']/g)) {
    for (const call of code.matchAll(new RegExp(`\\b${m[1]?.replace(/\$/g, '\\$')}\\.([A-Za-z]+)\\s*\\(`, 'g'))) {
      const op = DYNAMODB_HELPER_OPERATIONS[call[1] ?? ''];
      if (op) ops.add(op);
    }
  }
  return [...ops].sort();
}

function readBundle(where: string, codeFile: string): { path: string; code: string } {
  const path = resolverBundlePath(codeFile);
  if (!existsSync(path)) throw new ConfigError(`${where}.code: no bundle; run npm run build first. Received: ${path} (missing)`);
  return { path, code: readFileSync(path, 'utf8') };
}

export interface DefinitionResolversProps {
  readonly api: ApiDefinition;
  readonly graphqlApi: appsync.GraphqlApi;
  /** The tables of the definition, by name. */
  readonly tables: ReadonlyMap<string, DefinitionTable>;
  /** The Lambda functions of the definition, by name. */
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  /** The tables' customer-managed key, if any. */
  readonly tableKey?: kms.IKey;
}

export class DefinitionResolvers extends Construct {
  readonly dataSources: ReadonlyMap<string, appsync.BaseDataSource>;
  readonly functions: ReadonlyMap<string, appsync.AppsyncFunction>;
  readonly resolvers: ReadonlyMap<string, appsync.Resolver>;
  /** AppSync's server-side cache, when the definition has a `cache` (PER_RESOLVER_CACHING). */
  readonly apiCache: appsync.CfnApiCache | undefined;

  constructor(scope: Construct, id: string, props: DefinitionResolversProps) {
    super(scope, id);
    const { api, graphqlApi } = props;
    this.dataSources = this.createDataSources(props);
    this.functions = this.createFunctions(api, graphqlApi, this.dataSources);
    this.apiCache = this.createApiCache(api, graphqlApi);
    this.resolvers = this.createResolvers(api, graphqlApi);
  }

  /** One data source per definition entry; DynamoDB and Lambda ones get a role of their own. */
  private createDataSources(props: DefinitionResolversProps): Map<string, appsync.BaseDataSource> {
    const { api, graphqlApi } = props;
    const dataSources = new Map<string, appsync.BaseDataSource>();
    for (const [name, ds] of Object.entries(api.dataSources)) {
      const common = { api: graphqlApi, name, description: ds.description };
      if (ds.type === 'NONE') {
        dataSources.set(name, new appsync.NoneDataSource(this, `${name}DataSource`, common));
        continue;
      }
      const role = this.dataSourceRole(name, graphqlApi);
      if (ds.type === 'AMAZON_DYNAMODB') {
        const table = props.tables.get(ds.table);
        if (!table) throw new ConfigError(`dataSources.${name}.table: no such table. Received: ${ds.table}`);
        this.grantTable(role, table, props.tableKey);
        // The L2 would grant itself the full read/write set (Scan, batch operations, index/*); the
        // role above holds only what the resolvers use, so the L2 gets a copy it cannot extend.
        // Double cast: aws-cdk-lib's d.ts declare optional members without `| undefined`, which
        // exactOptionalPropertyTypes rejects although a Table is an ITable.
        const itable = table.table as unknown as dynamodb.ITable;
        dataSources.set(name, new appsync.DynamoDbDataSource(this, `${name}DataSource`, { ...common, table: itable, serviceRole: role.withoutPolicyUpdates() }));
      } else {
        const fn = props.functions.get(ds.lambda);
        if (!fn) throw new ConfigError(`dataSources.${name}.lambda: no such lambda. Received: ${ds.lambda}`);
        // The unqualified ARN only: the L2's grant would add `<arn>:*` (every version and alias).
        role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));
        dataSources.set(name, new appsync.LambdaDataSource(this, `${name}DataSource`, { ...common, lambdaFunction: fn, serviceRole: role.withoutPolicyUpdates() }));
      }
    }
    return dataSources;
  }

  private createFunctions(api: ApiDefinition, graphqlApi: appsync.GraphqlApi, dataSources: ReadonlyMap<string, appsync.BaseDataSource>): Map<string, appsync.AppsyncFunction> {
    const functions = new Map<string, appsync.AppsyncFunction>();
    for (const [name, fn] of Object.entries(api.functions)) {
      const where = `functions.${name}`;
      const dataSource = dataSources.get(fn.dataSource);
      if (!dataSource) throw new ConfigError(`${where}.dataSource: no such data source. Received: ${fn.dataSource}`);
      const bundle = readBundle(where, fn.code);
      this.assertDynamoDbOperations(where, api, fn.dataSource, bundle);
      functions.set(
        name,
        new appsync.AppsyncFunction(this, `${name}Function`, {
          api: graphqlApi,
          name,
          dataSource,
          runtime: appsync.FunctionRuntime.JS_1_0_0,
          code: appsync.Code.fromAsset(bundle.path),
        }),
      );
    }
    return functions;
  }

  /**
   * https://docs.aws.amazon.com/appsync/latest/devguide/enabling-caching.html: per-resolver caching
   * caches only the resolvers given a `cachingConfig` (createResolvers).
   */
  private createApiCache(api: ApiDefinition, graphqlApi: appsync.GraphqlApi): appsync.CfnApiCache | undefined {
    const cache = api.cache;
    return cache === undefined
      ? undefined
      : new appsync.CfnApiCache(this, 'ApiCache', {
          apiId: graphqlApi.apiId,
          apiCachingBehavior: 'PER_RESOLVER_CACHING',
          ttl: cache.ttlSeconds,
          type: cache.type,
          atRestEncryptionEnabled: cache.atRestEncryption,
          transitEncryptionEnabled: cache.transitEncryption,
        });
  }

  /** One resolver per definition entry, after the data sources, functions and cache exist. */
  private createResolvers(api: ApiDefinition, graphqlApi: appsync.GraphqlApi): Map<string, appsync.Resolver> {
    const cache = api.cache;
    const resolvers = new Map<string, appsync.Resolver>();
    for (const r of api.resolvers) {
      const field = `${r.typeName}.${r.fieldName}`;
      const where = `resolvers[${field}]`;
      const bundle = readBundle(where, r.code);
      const common = {
        api: graphqlApi,
        typeName: r.typeName,
        fieldName: r.fieldName,
        runtime: appsync.FunctionRuntime.JS_1_0_0,
        code: appsync.Code.fromAsset(bundle.path),
        ...(cache !== undefined && r.caching !== undefined
          ? { cachingConfig: { ttl: Duration.seconds(r.caching.ttlSeconds ?? cache.ttlSeconds), cachingKeys: [...r.caching.keys] } }
          : {}),
      };
      let resolver: appsync.Resolver;
      if (r.kind === 'UNIT') {
        const dataSource = this.dataSources.get(r.dataSource);
        if (!dataSource) throw new ConfigError(`${where}.dataSource: no such data source. Received: ${r.dataSource}`);
        this.assertDynamoDbOperations(where, api, r.dataSource, bundle);
        resolver = new appsync.Resolver(this, `${r.typeName}${r.fieldName}Resolver`, {
          ...common,
          dataSource,
          ...(r.maxBatchSize === undefined ? {} : { maxBatchSize: r.maxBatchSize }),
        });
      } else {
        const pipelineConfig = r.functions.map((name) => {
          const fn = this.functions.get(name);
          if (!fn) throw new ConfigError(`${where}.functions: no such function. Received: ${name}`);
          return fn;
        });
        resolver = new appsync.Resolver(this, `${r.typeName}${r.fieldName}Resolver`, { ...common, pipelineConfig });
      }
      // A resolver with caching needs the cache to exist first.
      if (this.apiCache !== undefined && r.caching !== undefined) resolver.node.addDependency(this.apiCache);
      resolvers.set(field, resolver);
    }
    return resolvers;
  }

  private dataSourceRole(name: string, graphqlApi: appsync.GraphqlApi): iam.Role {
    return new iam.Role(this, `${name}Role`, {
      description: `AppSync data source ${name}`,
      // Only this API may assume the role (AppSync's cross-service confused deputy guidance).
      assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnEquals: { 'aws:SourceArn': graphqlApi.arn },
        },
      }),
    });
  }

  private grantTable(role: iam.Role, table: DefinitionTable, key: kms.IKey | undefined): void {
    const { Query } = DYNAMODB_OPERATION_ACTIONS;
    const actions = [...new Set(Object.values(DYNAMODB_OPERATION_ACTIONS))];
    role.addToPolicy(new iam.PolicyStatement({ actions, resources: [table.table.tableArn] }));
    if (table.indexArns.length > 0) role.addToPolicy(new iam.PolicyStatement({ actions: [Query], resources: [...table.indexArns] }));
    if (key) role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], resources: [key.keyArn] }));
  }

  /** A resolver that issues an operation its DynamoDB role does not allow fails at synth, not in the cloud. */
  private assertDynamoDbOperations(where: string, api: ApiDefinition, dataSourceName: string, bundle: { path: string; code: string }): void {
    if (api.dataSources[dataSourceName]?.type !== 'AMAZON_DYNAMODB') return;
    for (const op of dynamoDbOperationsIn(bundle.code)) {
      if (!(op in DYNAMODB_OPERATION_ACTIONS)) {
        throw new ConfigError(`${where}: the DynamoDB data source role allows ${Object.keys(DYNAMODB_OPERATION_ACTIONS).join(', ')}; extend DYNAMODB_OPERATION_ACTIONS deliberately. Received: ${op} in ${bundle.path}`);
      }
    }
  }
}
