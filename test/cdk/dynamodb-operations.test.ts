/** The synth-time check that a DynamoDB resolver issues only operations its data source role allows. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { api } from '../../api/definition.ts';
import { resolverBundlePath } from '../../api/paths.ts';
import { DYNAMODB_OPERATION_ACTIONS, dynamoDbOperationsIn } from '../../infra/constructs/definition-resolvers.ts';

describe('cdk: DynamoDB operations of a resolver bundle', () => {
  it('finds literal request operations', () => {
    const code = `export function request(ctx) { return { operation: "PutItem", key: {} }; }\nconst q = { operation: 'Query' };`;
    expect(dynamoDbOperationsIn(code)).toEqual(['PutItem', 'Query']);
  });

  it('finds the operations built by @aws-appsync/utils/dynamodb helpers, named or namespaced imports', () => {
    const named = `import { get, update as update2, util } from "@aws-appsync/utils/dynamodb";\nexport function request(ctx) { return get({ key: {} }); }`;
    const namespaced = `import * as ddb from "@aws-appsync/utils/dynamodb";\nexport function request(ctx) { return ctx.args.all ? ddb.scan({}) : ddb.remove({ key: {} }); }`;
    expect({ named: dynamoDbOperationsIn(named), namespaced: dynamoDbOperationsIn(namespaced) }).toEqual({ named: ['GetItem', 'UpdateItem'], namespaced: ['DeleteItem', 'Scan'] });
  });

  it('finds nothing in code that names no DynamoDB operation', () => {
    expect(dynamoDbOperationsIn(`export function request(ctx) { return { payload: ctx.args }; }`)).toEqual([]);
  });

  it('allows every operation the current DynamoDB-bound bundles issue', () => {
    const dynamo = new Set(Object.entries(api.dataSources).filter(([, ds]) => ds.type === 'AMAZON_DYNAMODB').map(([name]) => name));
    const files = [
      ...api.resolvers.filter((r) => r.kind === 'UNIT' && dynamo.has(r.dataSource)).map((r) => r.code),
      ...Object.values(api.functions).filter((f) => dynamo.has(f.dataSource)).map((f) => f.code),
    ];
    const outside = files.flatMap((file) => dynamoDbOperationsIn(readFileSync(resolverBundlePath(file), 'utf8')).filter((op) => !(op in DYNAMODB_OPERATION_ACTIONS)).map((op) => `${file}: ${op}`));
    expect(outside).toEqual([]);
  });
});
