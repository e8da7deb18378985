/**
 * The stack is a function of the definition: a COPY of the definition with a resolver, a table and a
 * Lambda changed yields a template with exactly those changes, without touching infra/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../api/definition.ts';
import type { ApiDefinition, ResolverDefinition } from '../../api/types.ts';
import { flattenResource, identityStatements, logicalId, resourcesOfType, synthesize, SYNTH_TIMEOUT_MS, type Synthesized } from './synth.ts';

/** The copy: getAsset becomes a pipeline, onAssetUpdated loses its resolver, the table gains a GSI, a Lambda gets more memory. */
const changed: ApiDefinition = {
  ...api,
  tables: {
    ...api.tables,
    assets: {
      ...api.tables.assets,
      globalSecondaryIndexes: [
        ...api.tables.assets.globalSecondaryIndexes,
        { indexName: 'byStatus', partitionKey: { name: 'status', type: 'S' }, sortKey: { name: 'updatedAt', type: 'S' }, projection: 'ALL' },
      ],
    },
  },
  lambdas: { ...api.lambdas, assetUrls: { ...api.lambdas.assetUrls, memorySize: 512 } },
  resolvers: api.resolvers
    .filter((r) => !(r.typeName === 'Subscription' && r.fieldName === 'onAssetUpdated'))
    .map((r): ResolverDefinition =>
      r.typeName === 'Query' && r.fieldName === 'getAsset' ? { kind: 'PIPELINE', typeName: 'Query', fieldName: 'getAsset', code: r.code, functions: ['getAssetForCompletion'] } : r,
    ),
};

let s: Synthesized;

beforeAll(() => {
  // GIVEN the copy, WHEN the stack is synthesized from it
  s = synthesize({
    api: changed,
    // Only the template matters here; CloudFormation's default-rule validation runs in the other files.
    context: { '@aws-cdk/core:validateAgainstDefaultRules': false },
  });
}, SYNTH_TIMEOUT_MS);

afterAll(() => s?.dispose());

describe('cdk: a changed definition', () => {
  it('has the resolvers of the copy, not of the original', () => {
    const fields = resourcesOfType(s.json, 'AWS::AppSync::Resolver').map(([, p]) => `${String(p['TypeName'])}.${String(p['FieldName'])}`).sort();
    expect(fields).toEqual(changed.resolvers.map((r) => `${r.typeName}.${r.fieldName}`).sort());
    expect(fields).not.toContain('Subscription.onAssetUpdated');
    const getAsset = resourcesOfType(s.json, 'AWS::AppSync::Resolver').find(([, p]) => p['FieldName'] === 'getAsset')![1];
    expect({ Kind: getAsset['Kind'], DataSourceName: getAsset['DataSourceName'], functions: (getAsset['PipelineConfig'] as { Functions: unknown[] }).Functions.length }).toEqual({
      Kind: 'PIPELINE',
      DataSourceName: undefined,
      functions: 1,
    });
  });

  it('has the new GSI on the table, and the data source may Query it', () => {
    const table = s.stack.tables.get('assets')!.table;
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        { IndexName: 'byOwner', KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' }, { AttributeName: 'createdAt', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
        { IndexName: 'byStatus', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }, { AttributeName: 'updatedAt', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
      ],
    });
    const query = identityStatements(s.json).find((st) => st.Action.length === 1 && st.Action[0] === 'dynamodb:Query');
    expect(query?.Resource.map(flattenResource)).toEqual([`<${logicalId(s, table)}.Arn>/index/byOwner`, `<${logicalId(s, table)}.Arn>/index/byStatus`]);
  });

  it('gives the Lambda the memory of the copy', () => {
    s.template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 512, Handler: 'index.handler', Description: 'assetUrls (resolvers/lambda/asset-urls.ts)' });
  });

  it('rejects a copy whose resolver names a field the schema lacks, naming the field', () => {
    const broken: ApiDefinition = { ...api, resolvers: [...api.resolvers, { kind: 'UNIT', typeName: 'Query', fieldName: 'noSuchField', dataSource: 'none', code: 'resolvers/Query.getAsset.ts' }] };
    expect(() => synthesize({ api: broken })).toThrow('resolvers[Query.noSuchField]: no such field in schema.graphql. Received: Query.noSuchField');
  });
});
