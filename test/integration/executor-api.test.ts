/**
 * The executor wired to the project's own definition, schema and bundles (`dist/`, built by the
 * global setup): it starts, compiles every resolver once, and decides the schema's auth directives
 * before any resolver runs.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { api } from '../../api/definition.ts';
import { resolverEnvironment } from '../../api/environment.ts';
import { resolverBundlePath } from '../../api/paths.ts';
import { validateDefinition } from '../../api/validate.ts';
import { createGraphQLService } from '../../local/graphql/index.ts';
import { createLambdaInvoker } from '../../local/lambda/load-lambda.ts';
import { loadResolverFile } from '../../local/runtime/index.ts';
import { API_KEY_AUTH } from '../unit/graphql/service-fixture.ts';

function projectService() {
  const logs: string[] = [];
  const loaded: string[] = [];
  const service = createGraphQLService(
    {
      api,
      schema: validateDefinition(api),
      loadResolver: (codeFile) => {
        loaded.push(codeFile);
        return loadResolverFile(resolverBundlePath(codeFile));
      },
      // Never contacted: every request below is decided before a data source is called.
      dynamodb: new DynamoDBClient({ endpoint: 'http://127.0.0.1:9', region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
      tableNames: { assets: 'assets-test', assetTags: 'asset-tags-test' },
      invokeLambda: createLambdaInvoker({ api, env: {} }).invoke,
      env: resolverEnvironment(api),
      onMutation: () => undefined,
      log: (line) => logs.push(line),
    },
    { queryDepthLimit: api.limits.queryDepthLimit, introspection: true, verbose: false },
  );
  return { service, logs, loaded };
}

describe('executor: the project API', () => {
  it('compiles each resolver and function bundle of the definition once, at start', () => {
    const { loaded } = projectService();
    const expected = new Set([...api.resolvers.map((r) => r.code), ...Object.values(api.functions).map((f) => f.code)]);
    expect(new Set(loaded)).toEqual(expected);
    expect(loaded).toHaveLength(expected.size);
  });

  it('denies the IAM-only completeUpload to an API key caller without running its pipeline', async () => {
    const { service, logs } = projectService();
    expect(await service.execute({ query: 'mutation { completeUpload(input: { key: "assets/x", size: 1 }) { id } }' }, API_KEY_AUTH)).toEqual({
      data: { completeUpload: null },
      errors: [
        {
          path: ['completeUpload'],
          data: null,
          errorType: 'Unauthorized',
          errorInfo: null,
          locations: [{ line: 1, column: 12, sourceName: null }],
          message: 'Not Authorized to access completeUpload on type Mutation',
        },
      ],
    });
    expect(logs).toEqual([]);
  });
});
