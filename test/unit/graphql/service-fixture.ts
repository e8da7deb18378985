/**
 * Builds a GraphQL service from an inline schema and inline resolver sources, compiled by the real
 * APPSYNC_JS runtime. Unit tests use NONE and AWS_LAMBDA data sources (Lambdas are plain functions
 * here); DynamoDB is covered by the integration tests against dynalite.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { buildSchema } from 'graphql';
import { APPSYNC_DEFINITIONS_SDL } from '../../../api/appsync-sdl.ts';
import type { ApiDefinition, DataSourceDefinition, FunctionDefinition, ResolverDefinition, AuthModeDefinition } from '../../../api/types.ts';
import { createGraphQLService, type GraphQLServiceOptions, type InvalidationEvent } from '../../../local/graphql/index.ts';
import type { MutationEvent, RequestAuth } from '../../../local/graphql/contract.ts';
import { compileResolver } from '../../../local/runtime/index.ts';

export interface ServiceFixtureInput {
  readonly sdl: string;
  /** Code file name → resolver source (ESM with `request`/`response`). */
  readonly code: Readonly<Record<string, string>>;
  readonly resolvers: readonly ResolverDefinition[];
  readonly functions?: Readonly<Record<string, FunctionDefinition>>;
  readonly dataSources?: Readonly<Record<string, DataSourceDefinition>>;
  readonly lambdas?: Readonly<Record<string, (event: unknown) => unknown>>;
  /** Invokes Lambdas instead of `lambdas` (the integration tests pass the real bundle invoker). */
  readonly invokeLambda?: (name: string, event: unknown) => Promise<unknown>;
  readonly auth?: ApiDefinition['auth'];
  readonly options?: Partial<GraphQLServiceOptions>;
  readonly dynamodb?: DynamoDBClient;
  readonly tableNames?: Readonly<Record<string, string>>;
  readonly tables?: ApiDefinition['tables'];
}

export const API_KEY_AUTH: RequestAuth = { authType: 'API_KEY', identity: null, headers: { 'x-api-key': 'da2-local' } };

export function cognitoAuth(sub: string, groups: readonly string[] = []): RequestAuth {
  const claims = { sub, 'cognito:username': sub, 'cognito:groups': groups, token_use: 'id', iss: 'https://cognito-idp.local/pool' };
  return {
    authType: 'AMAZON_COGNITO_USER_POOLS',
    identity: { sub, issuer: claims.iss, username: sub, claims, sourceIp: ['127.0.0.1'], defaultAuthStrategy: 'ALLOW', groups: groups.length > 0 ? [...groups] : null },
    headers: { authorization: 'token' },
  };
}

const DEFAULT_AUTH: ApiDefinition['auth'] = { default: { type: 'API_KEY' } as AuthModeDefinition, additional: [] };

export function createServiceFixture(input: ServiceFixtureInput) {
  const lambdaCalls: { name: string; event: unknown; origin?: string }[] = [];
  const mutations: MutationEvent[] = [];
  const invalidations: InvalidationEvent[] = [];
  const logs: string[] = [];
  const api: ApiDefinition = {
    name: 'fixture',
    schemaFile: 'inline.graphql',
    auth: input.auth ?? DEFAULT_AUTH,
    limits: { queryDepthLimit: 0, resolverCountLimit: 0 },
    tables: input.tables ?? {},
    bucket: { keyPrefix: 'assets', abortIncompleteMultipartUploadAfterDays: 1, onObjectCreated: 'none' },
    lambdas: Object.fromEntries(
      Object.keys(input.lambdas ?? {}).map((name) => [name, { entry: `${name}.ts`, handler: 'handler', memorySize: 128, timeoutSeconds: 3, permissions: {} }]),
    ),
    dataSources: { none: { type: 'NONE', description: 'none' }, ...input.dataSources },
    functions: input.functions ?? {},
    resolvers: input.resolvers,
    assets: { allowedContentTypes: [], maxUploadBytes: 1, uploadUrlExpirySeconds: 1, downloadUrlExpirySeconds: 1, pendingGraceSeconds: 1, multipartThresholdBytes: 5242880, multipartPartBytes: 5242880, multipartExpirySeconds: 60 },
  };
  const service = createGraphQLService(
    {
      api,
      schema: buildSchema(`${APPSYNC_DEFINITIONS_SDL}\n${input.sdl}`),
      loadResolver: (codeFile) => {
        const source = input.code[codeFile];
        if (source === undefined) throw new Error(`fixture: no code for ${codeFile}`);
        return compileResolver(source, codeFile);
      },
      dynamodb: input.dynamodb ?? new DynamoDBClient({ endpoint: 'http://127.0.0.1:9', region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
      tableNames: input.tableNames ?? {},
      invokeLambda: async (name, event, origin) => {
        lambdaCalls.push({ name, event, ...(origin === undefined ? {} : { origin }) });
        if (input.invokeLambda) return input.invokeLambda(name, event);
        const fn = input.lambdas?.[name];
        if (!fn) throw new Error(`fixture: no lambda ${name}`);
        return fn(event);
      },
      env: { STAGE: 'test' },
      onMutation: (event) => mutations.push(event),
      onInvalidate: (event) => invalidations.push(event),
      log: (line) => logs.push(line),
    },
    { queryDepthLimit: 0, introspection: true, verbose: false, ...input.options },
  );
  return { service, lambdaCalls, mutations, invalidations, logs };
}
