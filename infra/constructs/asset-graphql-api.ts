/**
 * The AppSync GraphQL API built from the definition: schema file, auth modes, limits and the resolver
 * environment (`ctx.env`). Request and field logging go to a log group this construct owns (with a
 * retention and a role scoped to it), and X-Ray tracing is on.
 */
import { Duration, Expiration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ConfigError } from '../../api/config-error.ts';
import { resolverEnvironment } from '../../api/environment.ts';
import { projectPath } from '../../api/paths.ts';
import type { ApiDefinition, AuthModeDefinition } from '../../api/types.ts';

/** AppSync: "API key expiration must be between 1 and 365 days". */
const API_KEY_MAX_DAYS = 365;

export interface AssetGraphqlApiProps {
  readonly api: ApiDefinition;
  /** The API's name in AppSync. */
  readonly name: string;
  /** Required when an auth mode is AMAZON_COGNITO_USER_POOLS. */
  readonly userPool?: cognito.IUserPool;
  /**
   * The app client whose tokens the API accepts (AppSync's `appIdClientRegex`); the local runtime
   * applies the same check to `aud`/`client_id`. @default any client of the pool
   */
  readonly userPoolClientId?: string;
  /** Whether introspection queries are answered. */
  readonly introspection: boolean;
  /** ALL logs every field resolution (development); ERROR only failures (production). */
  readonly fieldLogLevel: 'ALL' | 'ERROR';
  readonly logRetention: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** A regional WAFv2 web ACL to associate. @default none */
  readonly wafWebAclArn?: string;
}

export class AssetGraphqlApi extends Construct {
  readonly graphqlApi: appsync.GraphqlApi;
  readonly logGroup: logs.LogGroup;
  /** The API's CloudFormation resource, for attributes the L2 does not expose (realtime URL). */
  readonly cfnApi: appsync.CfnGraphQLApi;
  /**
   * The API key resource, when API_KEY is one of the modes. Neither its `ApiKey` nor its `ApiKeyId`
   * attribute is a stack output: AppSync's key id IS the key (ListApiKeys returns only `id`,
   * `description`, `expires` and `deletes`, and `id` is what clients send as `x-api-key`), and
   * CloudFormation outputs are readable by anyone allowed `cloudformation:DescribeStacks`. Read it
   * with `appsync:ListApiKeys` on the GraphQLApiId output.
   * https://docs.aws.amazon.com/appsync/latest/APIReference/API_ListApiKeys.html
   */
  readonly apiKey: appsync.CfnApiKey | undefined;

  constructor(scope: Construct, id: string, props: AssetGraphqlApiProps) {
    super(scope, id);
    const { api } = props;
    const modes = [api.auth.default, ...api.auth.additional];
    const seen = new Set<string>();
    for (const mode of modes) {
      if (seen.has(mode.type)) throw new ConfigError(`auth: each mode may appear once. Received: ${mode.type} twice`);
      seen.add(mode.type);
    }

    this.graphqlApi = new appsync.GraphqlApi(this, 'Api', {
      name: props.name,
      definition: appsync.Definition.fromFile(projectPath(api.schemaFile)),
      authorizationConfig: {
        defaultAuthorization: this.authorizationMode(api.auth.default, props, true),
        additionalAuthorizationModes: api.auth.additional.map((mode) => this.authorizationMode(mode, props, false)),
      },
      xrayEnabled: true,
      introspectionConfig: props.introspection ? appsync.IntrospectionConfig.ENABLED : appsync.IntrospectionConfig.DISABLED,
      queryDepthLimit: api.limits.queryDepthLimit,
      resolverCountLimit: api.limits.resolverCountLimit,
      environmentVariables: resolverEnvironment(api),
    });
    this.cfnApi = this.graphqlApi.node.defaultChild as appsync.CfnGraphQLApi;
    const apiKey = this.graphqlApi.node.tryFindChild('DefaultApiKey');
    this.apiKey = apiKey instanceof appsync.CfnApiKey ? apiKey : undefined;

    // AppSync writes to `/aws/appsync/apis/<apiId>`. The L2's `logConfig` would set the retention
    // through a LogRetention custom resource (a Lambda with an AWS-managed policy on `*`), so the log
    // group is owned here and the L1 log config is set directly, with a role that may only write to it.
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/appsync/apis/${this.graphqlApi.apiId}`,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const loggingRole = new iam.Role(this, 'LoggingRole', {
      description: 'AppSync request and field logging into its own log group',
      assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    // No logs:CreateLogGroup: the group exists before the first request, and AppSync must not create
    // one of its own (without retention) in the window before this stack's group is created.
    loggingRole.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }));
    this.cfnApi.logConfig = {
      cloudWatchLogsRoleArn: loggingRole.roleArn,
      fieldLogLevel: props.fieldLogLevel,
      // Verbose content includes request headers: user-pool tokens and API keys must not reach the logs.
      excludeVerboseContent: true,
    };
    Validations.of(this.graphqlApi).acknowledge({
      id: 'AwsSolutions-ASC3',
      reason: 'Request and field logging is on (field level from the stage config); only verbose content is excluded, because it would write the Authorization and x-api-key headers (tokens, API keys) to CloudWatch.',
    });

    if (props.wafWebAclArn !== undefined) {
      new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', { resourceArn: this.graphqlApi.arn, webAclArn: props.wafWebAclArn });
    }
  }

  private authorizationMode(mode: AuthModeDefinition, props: AssetGraphqlApiProps, isDefault: boolean): appsync.AuthorizationMode {
    switch (mode.type) {
      case 'API_KEY': {
        const days = mode.apiKeyExpiryDays ?? API_KEY_MAX_DAYS;
        if (!Number.isInteger(days) || days < 1 || days > API_KEY_MAX_DAYS) throw new ConfigError(`auth.API_KEY.apiKeyExpiryDays: must be an integer 1-${API_KEY_MAX_DAYS}. Received: ${days}`);
        return {
          authorizationType: appsync.AuthorizationType.API_KEY,
          apiKeyConfig: { description: 'Explorers and local development (shared owner "apikey")', expires: Expiration.after(Duration.days(days)) },
        };
      }
      case 'AMAZON_COGNITO_USER_POOLS': {
        if (!props.userPool) throw new ConfigError(`auth.AMAZON_COGNITO_USER_POOLS: the stack must pass a userPool. Received: none`);
        return {
          authorizationType: appsync.AuthorizationType.USER_POOL,
          // AppSync accepts a default action only on the default mode.
          userPoolConfig: {
            userPool: props.userPool,
            // Anchored: only this client's tokens, as the local verifier checks (docs/APPSYNC-BEHAVIOUR.md#cognito-user-pools).
            ...(props.userPoolClientId === undefined ? {} : { appIdClientRegex: `^${props.userPoolClientId}$` }),
            ...(isDefault ? { defaultAction: appsync.UserPoolDefaultAction.ALLOW } : {}),
          },
        };
      }
      case 'AWS_IAM':
        return { authorizationType: appsync.AuthorizationType.IAM };
      default:
        throw new ConfigError(`auth: this stack supports API_KEY, AMAZON_COGNITO_USER_POOLS and AWS_IAM. Received: ${mode.type}`);
    }
  }
}
