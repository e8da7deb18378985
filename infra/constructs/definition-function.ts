/**
 * One Lambda function of the definition: the bundle `npm run build` writes (`dist/lambda/<name>`),
 * Node.js on arm64, its own log group with a retention, X-Ray, and a role that can do exactly what
 * `permissions` declares, on the asset key prefix and the named GraphQL fields only.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { ConfigError } from '../../api/config-error.ts';
import { lambdaBundleDir, lambdaBundlePath, lambdaHandlerName } from '../../api/paths.ts';
import type { LambdaDefinition } from '../../api/types.ts';

/** The runtime every function uses (the bundles target node20 syntax, which 22.x runs unchanged). */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_22_X;

/** KMS actions an S3 object action needs when the bucket uses SSE-KMS. */
const KMS_ACTIONS_FOR_S3: Readonly<Record<string, string>> = {
  's3:GetObject': 'kms:Decrypt',
  's3:PutObject': 'kms:GenerateDataKey',
};

export interface DefinitionFunctionProps {
  /** The function's name in the definition (`api.lambdas.<name>`). */
  readonly name: string;
  readonly definition: LambdaDefinition;
  /** The Lambda environment (`lambdaEnvironment(api, targets)`). */
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** `<bucket arn>/<keyPrefix>/*`, the only objects the function may touch. */
  readonly assetObjectsArn: string;
  /** The logical id of the asset bucket, to name the one wildcard-resource finding it acknowledges. */
  readonly assetObjectsFinding: string;
  /** The GraphQL API ARN, when `permissions.graphqlFields` names fields. */
  readonly graphqlApiArn?: string;
  /** The bucket's KMS key, when the bucket uses SSE-KMS. */
  readonly bucketKey?: kms.IKey;
}

export class DefinitionFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DefinitionFunctionProps) {
    super(scope, id);
    const { definition, name } = props;
    const where = `lambdas.${name}`;
    const bundle = lambdaBundlePath(name);
    if (!existsSync(bundle)) throw new ConfigError(`${where}: no bundle; run npm run build first. Received: ${bundle} (missing)`);
    if (definition.memorySize < 128 || definition.memorySize > 10240) throw new ConfigError(`${where}.memorySize: must be 128-10240. Received: ${definition.memorySize}`);
    if (definition.timeoutSeconds < 1 || definition.timeoutSeconds > 900) throw new ConfigError(`${where}.timeoutSeconds: must be 1-900. Received: ${definition.timeoutSeconds}`);
    const graphqlFields = definition.permissions.graphqlFields ?? [];
    if (graphqlFields.length > 0 && props.graphqlApiArn === undefined) throw new ConfigError(`${where}.permissions.graphqlFields: needs the GraphQL API ARN. Received: none`);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: props.logRetention, removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN });
    this.role = new iam.Role(this, 'Role', {
      description: `Lambda ${name}: its log group, ${(definition.permissions.bucketObjectActions ?? []).join(', ') || 'no S3 actions'}${graphqlFields.length ? `, appsync:GraphQL on ${graphqlFields.join(', ')}` : ''}`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    // The log group ARN ends in `:*`, which covers its log streams and nothing else.
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }));

    const objectActions = [...(definition.permissions.bucketObjectActions ?? [])];
    if (objectActions.length > 0) {
      this.role.addToPolicy(new iam.PolicyStatement({ actions: objectActions, resources: [props.assetObjectsArn] }));
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${props.assetObjectsFinding}]`,
        reason: `Object actions (${objectActions.join(', ')}) are scoped to the asset key prefix; object keys are made per upload by the server, so they cannot be listed ahead.`,
      });
      const kmsActions = [...new Set(objectActions.flatMap((a) => KMS_ACTIONS_FOR_S3[a] ?? []))];
      if (props.bucketKey && kmsActions.length > 0) {
        this.role.addToPolicy(new iam.PolicyStatement({ actions: kmsActions, resources: [props.bucketKey.keyArn] }));
      }
    }
    if (graphqlFields.length > 0) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['appsync:GraphQL'],
          resources: graphqlFields.map((field) => {
            const [typeName, fieldName] = field.split('.');
            if (!typeName || !fieldName) throw new ConfigError(`${where}.permissions.graphqlFields: must be Type.field. Received: ${field}`);
            return `${props.graphqlApiArn}/types/${typeName}/fields/${fieldName}`;
          }),
        }),
      );
    }

    this.function = new lambda.Function(this, 'Function', {
      description: `${name} (${definition.entry})`,
      runtime: LAMBDA_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      code: lambda.Code.fromAsset(lambdaBundleDir(name)),
      handler: lambdaHandlerName(definition.handler),
      memorySize: definition.memorySize,
      timeout: Duration.seconds(definition.timeoutSeconds),
      environment: { ...props.environment },
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so AWS requires Resource "*".',
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: `${LAMBDA_RUNTIME.name} is an LTS runtime the bundles are tested on (the local runtime runs the same bundles on Node 20+); moving to a newer runtime is a deliberate, tested change.`,
    });
  }
}
