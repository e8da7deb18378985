/**
 * The synthesized template of the default (dev) app, asserted against the one definition: every
 * resolver, function, table, Lambda and permission comes from `api/definition.ts`, and the code each
 * resolver and Lambda ships is byte-for-byte the bundle `npm run build` wrote.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../api/definition.ts';
import { lambdaBundlePath, resolverBundlePath } from '../../api/paths.ts';
import { resolverEnvironment } from '../../api/environment.ts';
import { UPLOAD_CORS_HEADERS } from '../../infra/constructs/asset-bucket.ts';
import { codeS3Key, flattenResource, identityStatements, logicalId, resourcesOfType, stagedAsset, synthesize, SYNTH_TIMEOUT_MS, type Synthesized } from './synth.ts';

let s: Synthesized;

beforeAll(() => {
  // GIVEN the app with cdk.json's context (stage dev), WHEN it is synthesized once for this file
  s = synthesize();
}, SYNTH_TIMEOUT_MS);

afterAll(() => s?.dispose());

describe('cdk: GraphQL API', () => {
  it('builds the AppSync API from schema.graphql with the definition auth modes, limits, logging and X-Ray', () => {
    // THEN
    s.template.resourceCountIs('AWS::AppSync::GraphQLApi', 1);
    s.template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      Name: 'asset-api-dev',
      AuthenticationType: 'AMAZON_COGNITO_USER_POOLS',
      UserPoolConfig: {
        DefaultAction: 'ALLOW',
        UserPoolId: { Ref: logicalId(s, s.stack.userPool!.userPool) },
        // Only the stack's app client: the same check the local verifier makes on aud/client_id.
        AppIdClientRegex: { 'Fn::Join': ['', ['^', { Ref: logicalId(s, s.stack.userPool!.client) }, '$']] },
      },
      AdditionalAuthenticationProviders: [{ AuthenticationType: 'API_KEY' }, { AuthenticationType: 'AWS_IAM' }],
      XrayEnabled: true,
      IntrospectionConfig: 'ENABLED',
      QueryDepthLimit: api.limits.queryDepthLimit,
      ResolverCountLimit: api.limits.resolverCountLimit,
      // Batch operations name tables: each table's physical name too (api/environment.ts tableEnvironment).
      EnvironmentVariables: {
        ...resolverEnvironment(api),
        ASSETS_TABLE: { Ref: logicalId(s, s.stack.tables.get('assets')!.table) },
        ASSET_TAGS_TABLE: { Ref: logicalId(s, s.stack.tables.get('assetTags')!.table) },
      },
      LogConfig: { FieldLogLevel: 'ALL', ExcludeVerboseContent: true, CloudWatchLogsRoleArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } },
    });
    s.template.hasResourceProperties('AWS::AppSync::GraphQLSchema', { Definition: readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8') });
  });

  it('writes AppSync logs to /aws/appsync/apis/<apiId> with the configured retention, through a role scoped to that group', () => {
    const apiId = logicalId(s, s.stack.graphql.graphqlApi);
    s.template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['/aws/appsync/apis/', { 'Fn::GetAtt': [apiId, 'ApiId'] }]] },
      RetentionInDays: 30,
    });
    const statements = identityStatements(s.json).filter((st) => st.Action.some((a) => a.startsWith('logs:')) && st.holder.startsWith('GraphQLLoggingRole'));
    expect(statements).toEqual([
      { holder: expect.stringMatching(/^GraphQLLoggingRole/), roles: [logicalId(s, s.stack.graphql.node.findChild('LoggingRole'))], Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [{ 'Fn::GetAtt': [logicalId(s, s.stack.graphql.logGroup), 'Arn'] }] },
    ]);
  });

  it('has an expiring API key and a user pool with MFA, a strong password policy and the Plus plan', () => {
    const [, key] = resourcesOfType(s.json, 'AWS::AppSync::ApiKey')[0]!;
    const days = ((key['Expires'] as number) * 1000 - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThanOrEqual(365);
    s.template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true }) },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
    s.template.hasResourceProperties('AWS::Cognito::UserPoolClient', { GenerateSecret: false, PreventUserExistenceErrors: 'ENABLED' });
  });
});

describe('cdk: resolvers', () => {
  const resolvers = () => resourcesOfType(s.json, 'AWS::AppSync::Resolver').map(([, p]) => p);
  const functionNamesById = () =>
    new Map(resourcesOfType(s.json, 'AWS::AppSync::FunctionConfiguration').map(([id, p]) => [id, String(p['Name'])]));

  it('has exactly the resolvers of the definition, all on APPSYNC_JS', () => {
    const inTemplate = resolvers().map((p) => `${String(p['TypeName'])}.${String(p['FieldName'])}`).sort();
    expect(inTemplate).toEqual(api.resolvers.map((r) => `${r.typeName}.${r.fieldName}`).sort());
    for (const p of resolvers()) expect(p['Runtime']).toEqual({ Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' });
    for (const [, p] of resourcesOfType(s.json, 'AWS::AppSync::FunctionConfiguration')) expect(p['Runtime']).toEqual({ Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' });
  });

  it('wires pipelines with the definition functions in order, and unit resolvers to their data source', () => {
    const names = functionNamesById();
    const dataSourceNames = new Set(resourcesOfType(s.json, 'AWS::AppSync::DataSource').map(([, p]) => String(p['Name'])));
    expect([...dataSourceNames].sort()).toEqual(Object.keys(api.dataSources).sort());
    for (const r of api.resolvers) {
      const p = resolvers().find((x) => x['TypeName'] === r.typeName && x['FieldName'] === r.fieldName)!;
      if (r.kind === 'PIPELINE') {
        const fns = ((p['PipelineConfig'] as { Functions: { 'Fn::GetAtt': [string, string] }[] }).Functions ?? []).map((f) => names.get(f['Fn::GetAtt'][0]));
        expect({ field: `${r.typeName}.${r.fieldName}`, kind: p['Kind'], functions: fns }).toEqual({ field: `${r.typeName}.${r.fieldName}`, kind: 'PIPELINE', functions: [...r.functions] });
      } else {
        expect({ field: `${r.typeName}.${r.fieldName}`, kind: p['Kind'], dataSource: p['DataSourceName'], maxBatchSize: p['MaxBatchSize'] }).toEqual({
          field: `${r.typeName}.${r.fieldName}`,
          kind: 'UNIT',
          dataSource: r.dataSource,
          maxBatchSize: 'maxBatchSize' in r ? r.maxBatchSize : undefined,
        });
      }
    }
  });

  it('ships, for every resolver and function, the very bundle on disk', () => {
    const names = functionNamesById();
    let compared = 0;
    for (const r of api.resolvers) {
      const p = resolvers().find((x) => x['TypeName'] === r.typeName && x['FieldName'] === r.fieldName)!;
      expect(stagedAsset(s.assembly, codeS3Key(p['CodeS3Location']))).toBe(readFileSync(resolverBundlePath(r.code), 'utf8'));
      compared++;
    }
    for (const [id, p] of resourcesOfType(s.json, 'AWS::AppSync::FunctionConfiguration')) {
      const fn = api.functions[names.get(id) as keyof typeof api.functions];
      expect(stagedAsset(s.assembly, codeS3Key(p['CodeS3Location']))).toBe(readFileSync(resolverBundlePath(fn.code), 'utf8'));
      compared++;
    }
    expect(compared).toBe(api.resolvers.length + Object.keys(api.functions).length);
  });

  it('creates the data sources of the definition, each with its own role', () => {
    const dataSources = resourcesOfType(s.json, 'AWS::AppSync::DataSource').map(([, p]) => ({ name: p['Name'], type: p['Type'], hasRole: p['ServiceRoleArn'] !== undefined }));
    expect(dataSources.sort((a, b) => String(a.name).localeCompare(String(b.name)))).toEqual(
      Object.entries(api.dataSources)
        .map(([name, ds]) => ({ name, type: ds.type, hasRole: ds.type !== 'NONE' }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
  });
});

describe('cdk: table', () => {
  it('creates the table with the definition keys, GSI, TTL, on-demand billing, PITR and encryption', () => {
    const table = api.tables.assets;
    s.template.resourceCountIs('AWS::DynamoDB::Table', Object.keys(api.tables).length);
    s.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: {
        KeySchema: [{ AttributeName: table.partitionKey.name, KeyType: 'HASH' }],
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'S' },
          { AttributeName: 'owner', AttributeType: 'S' },
          { AttributeName: 'createdAt', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((gsi) => ({
          IndexName: gsi.indexName,
          KeySchema: [
            { AttributeName: gsi.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: gsi.sortKey.name, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
        TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: false,
      },
    });
  });
});

describe('cdk: bucket', () => {
  it('blocks public access, encrypts, enforces TLS, logs access and sends events to EventBridge', () => {
    const bucketId = logicalId(s, s.stack.bucket.bucket);
    expect(s.json.Resources[bucketId]?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(s, s.stack.bucket.accessLogsBucket) }, LogFilePrefix: 'asset-bucket/' },
    });
    s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Principal: { AWS: '*' } }),
        ]),
      },
    });
  });

  it('allows browsers of the configured origins to PUT/GET with the upload headers, exposing ETag', () => {
    expect(s.json.Resources[logicalId(s, s.stack.bucket.bucket)]?.Properties?.['CorsConfiguration']).toEqual({
      CorsRules: [{ AllowedMethods: ['PUT', 'GET'], AllowedOrigins: ['http://localhost:4000'], AllowedHeaders: [...UPLOAD_CORS_HEADERS], ExposedHeaders: ['ETag'], MaxAge: 3000 }],
    });
    expect(UPLOAD_CORS_HEADERS).toEqual(['content-type', 'content-length', 'if-none-match', 'x-amz-checksum-sha256']);
  });

  it('aborts incomplete multipart uploads after the definition days, and nothing else by default', () => {
    expect(s.json.Resources[logicalId(s, s.stack.bucket.bucket)]?.Properties?.['LifecycleConfiguration']).toEqual({
      Rules: [{ Id: 'abort-incomplete-multipart-uploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: api.bucket.abortIncompleteMultipartUploadAfterDays }, Status: 'Enabled' }],
    });
  });
});

describe('cdk: Lambda functions', () => {
  it('runs each definition Lambda from its bundle on arm64 Node.js, with its memory, timeout, environment, log group and X-Ray', () => {
    for (const [name, def] of Object.entries(api.lambdas)) {
      const fn = s.stack.functions.get(name)!;
      const props = s.json.Resources[logicalId(s, fn.function)]!.Properties!;
      expect({
        Runtime: props['Runtime'],
        Architectures: props['Architectures'],
        Handler: props['Handler'],
        MemorySize: props['MemorySize'],
        Timeout: props['Timeout'],
        TracingConfig: props['TracingConfig'],
        LoggingConfig: props['LoggingConfig'],
        EnvironmentKeys: Object.keys((props['Environment'] as { Variables: object }).Variables).sort(),
      }).toEqual({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: `index.${def.handler}`,
        MemorySize: def.memorySize,
        Timeout: def.timeoutSeconds,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logicalId(s, fn.logGroup) } },
        EnvironmentKeys: ['ALLOWED_CONTENT_TYPES', 'ASSET_BUCKET', 'ASSET_KEY_PREFIX', 'DOWNLOAD_URL_EXPIRY_SECONDS', 'GRAPHQL_URL', 'MAX_UPLOAD_BYTES', 'MULTIPART_EXPIRY_SECONDS', 'MULTIPART_PART_BYTES', 'MULTIPART_THRESHOLD_BYTES', 'PENDING_GRACE_SECONDS', 'UPLOAD_URL_EXPIRY_SECONDS'],
      });
      const s3Key = (props['Code'] as { S3Key: string }).S3Key;
      expect(stagedAsset(s.assembly, s3Key, 'index.mjs')).toBe(readFileSync(lambdaBundlePath(name), 'utf8'));
    }
  });
});

describe('cdk: upload completion', () => {
  it('sends Object Created events under the key prefix to the onObjectCreated Lambda, with retries and a dead-letter queue', () => {
    const handler = logicalId(s, s.stack.functions.get(api.bucket.onObjectCreated)!.function);
    const dlq = logicalId(s, s.stack.uploadCompletion.deadLetterQueue);
    s.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [{ Ref: logicalId(s, s.stack.bucket.bucket) }] }, object: { key: [{ prefix: `${api.bucket.keyPrefix}/` }] } },
      },
      State: 'ENABLED',
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [handler, 'Arn'] },
          Id: 'Target0',
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
          RetryPolicy: { MaximumEventAgeInSeconds: 21600, MaximumRetryAttempts: 50 },
        },
      ],
    });
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: handler },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlq, 'Arn'] } } },
    });
    s.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
  });
});

describe('cdk: IAM least privilege', () => {
  it('has no wildcard action and no unscoped resource in any identity policy statement', () => {
    const statements = identityStatements(s.json);
    const xray = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
    const problems: string[] = [];
    for (const st of statements) {
      if (st.Effect !== 'Allow') continue;
      for (const action of st.Action) if (action.includes('*')) problems.push(`${st.holder}: wildcard action ${action}`);
      for (const resource of st.Resource.map(flattenResource)) {
        if (resource === '*') {
          // X-Ray has no resource-level permissions: AWS requires "*" (acknowledged for cdk-nag).
          if (!st.Action.every((a) => xray.has(a))) problems.push(`${st.holder}: Resource "*" for ${st.Action.join(', ')}`);
        } else if (resource.includes('*') && !resource.endsWith(`.Arn>/${api.bucket.keyPrefix}/*`)) {
          problems.push(`${st.holder}: wildcard resource ${resource}`);
        } else if (!resource.startsWith('<') && !resource.startsWith('arn:')) {
          problems.push(`${st.holder}: resource is neither an ARN nor a reference: ${resource}`);
        }
      }
    }
    console.log(`IAM least privilege: checked ${statements.length} identity policy statements in ${new Set(statements.map((x) => x.holder)).size} policies`);
    expect(statements.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('grants each Lambda exactly its declared S3 actions on the key prefix and appsync:GraphQL on its declared fields only', () => {
    const bucketArn = `<${logicalId(s, s.stack.bucket.bucket)}.Arn>`;
    const apiArn = `<${logicalId(s, s.stack.graphql.graphqlApi)}.Arn>`;
    for (const [name, def] of Object.entries(api.lambdas)) {
      const roleId = logicalId(s, s.stack.functions.get(name)!.role);
      const mine = identityStatements(s.json).filter((st) => st.roles.includes(roleId));
      const s3 = mine.filter((st) => st.Action.some((a) => a.startsWith('s3:')));
      const gql = mine.filter((st) => st.Action.some((a) => a.startsWith('appsync:')));
      expect(s3.map((st) => ({ actions: [...st.Action].sort(), resources: st.Resource.map(flattenResource) }))).toEqual([
        { actions: [...def.permissions.bucketObjectActions].sort(), resources: [`${bucketArn}/${api.bucket.keyPrefix}/*`] },
      ]);
      const fields = 'graphqlFields' in def.permissions ? def.permissions.graphqlFields : [];
      expect(gql.map((st) => ({ actions: st.Action, resources: st.Resource.map(flattenResource) }))).toEqual(
        fields.length === 0 ? [] : [{ actions: ['appsync:GraphQL'], resources: fields.map((f) => `${apiArn}/types/${f.replace('.', '/fields/')}`) }],
      );
    }
  });

  it('lets AppSync use only its own table and function, and only from this API', () => {
    const table = `<${logicalId(s, s.stack.tables.get('assets')!.table)}.Arn>`;
    const tagTable = `<${logicalId(s, s.stack.tables.get('assetTags')!.table)}.Arn>`;
    // Each DynamoDB role: the item, query and batch actions (getAssets, tag items) on its own table only.
    const tableActions = ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'];
    const fn = `<${logicalId(s, s.stack.functions.get('assetUrls')!.function)}.Arn>`;
    const dataSourceStatements = identityStatements(s.json)
      .filter((st) => st.holder.startsWith('Resolvers'))
      .map((st) => ({ actions: [...st.Action].sort(), resources: st.Resource.map(flattenResource) }));
    expect(dataSourceStatements).toEqual([
      { actions: tableActions, resources: [table] },
      { actions: ['dynamodb:Query'], resources: [`${table}/index/byOwner`] },
      { actions: ['lambda:InvokeFunction'], resources: [fn] },
      { actions: tableActions, resources: [tagTable] },
    ]);
    s.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'appsync.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(s, s.stack.graphql.graphqlApi), 'Arn'] } } },
          },
        ],
      },
    });
  });

  it('has no resource policy that allows an anonymous principal', () => {
    const open = [...resourcesOfType(s.json, 'AWS::S3::BucketPolicy'), ...resourcesOfType(s.json, 'AWS::SQS::QueuePolicy')].flatMap(([id, p]) =>
      ((p['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement ?? [])
        .filter((st) => st['Effect'] === 'Allow' && JSON.stringify(st['Principal']).includes('"*"'))
        .map(() => id),
    );
    expect(open).toEqual([]);
  });
});
