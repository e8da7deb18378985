/**
 * The stack's outputs: what a client and the contract suite's AWS target read from
 * `cdk deploy --outputs-file` (docs/contract-suite-aws.md), and nothing secret: outputs are readable
 * by anyone allowed `cloudformation:DescribeStacks`, and AppSync's API key id is the key itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_OUTPUT_KEYS } from '../../infra/stack-outputs.ts';
import { logicalId, resourcesOfType, synthesize, SYNTH_TIMEOUT_MS, type Synthesized } from './synth.ts';

let s: Synthesized;

beforeAll(() => {
  // GIVEN the app with cdk.json's context (stage dev), WHEN it is synthesized once for this file
  s = synthesize();
}, SYNTH_TIMEOUT_MS);

afterAll(() => s?.dispose());

describe('cdk: outputs', () => {
  it('outputs the endpoints, the API id, the region, the user pool and its client, the bucket, the table and the dead-letter queue', () => {
    // THEN
    const api = logicalId(s, s.stack.graphql.graphqlApi);
    expect(s.json.Outputs).toEqual({
      [STACK_OUTPUT_KEYS.graphqlUrl]: { Description: 'GraphQL endpoint (HTTPS)', Value: { 'Fn::GetAtt': [api, 'GraphQLUrl'] } },
      [STACK_OUTPUT_KEYS.realtimeUrl]: { Description: 'Realtime endpoint (WebSocket) for subscriptions', Value: { 'Fn::GetAtt': [api, 'RealtimeUrl'] } },
      [STACK_OUTPUT_KEYS.graphqlApiId]: { Description: 'AppSync API id; read the API key with: aws appsync list-api-keys --api-id <GraphQLApiId>', Value: { 'Fn::GetAtt': [api, 'ApiId'] } },
      [STACK_OUTPUT_KEYS.region]: { Description: 'Region of the API, the user pool and the bucket (for SigV4)', Value: { Ref: 'AWS::Region' } },
      [STACK_OUTPUT_KEYS.userPoolId]: { Value: { Ref: logicalId(s, s.stack.userPool!.userPool) } },
      [STACK_OUTPUT_KEYS.userPoolClientId]: { Value: { Ref: logicalId(s, s.stack.userPool!.client) } },
      [STACK_OUTPUT_KEYS.bucketName]: { Value: { Ref: logicalId(s, s.stack.bucket.bucket) } },
      AssetsTableName: { Value: { Ref: logicalId(s, s.stack.tables.get('assets')!.table) } },
      AssetTagsTableName: { Value: { Ref: logicalId(s, s.stack.tables.get('assetTags')!.table) } },
      [STACK_OUTPUT_KEYS.uploadDeadLetterQueueUrl]: { Value: { Ref: logicalId(s, s.stack.uploadCompletion.deadLetterQueue) } },
      // Its content: test/cdk/amplify-outputs.test.ts.
      [STACK_OUTPUT_KEYS.amplifyOutputs]: { Description: 'amplify_outputs.json without the API key; npm run outputs adds it', Value: { 'Fn::Join': ['', expect.any(Array)] } },
    });
  });

  it('puts no attribute of the API key in any output (the key id is the key)', () => {
    // GIVEN the API key resource
    const keys = resourcesOfType(s.json, 'AWS::AppSync::ApiKey').map(([id]) => id);
    expect(keys).toEqual([logicalId(s, s.stack.graphql.apiKey!)]);
    // THEN no output value mentions it
    expect(Object.entries(s.json.Outputs ?? {}).filter(([, output]) => keys.some((id) => JSON.stringify(output.Value).includes(`"${id}"`)))).toEqual([]);
  });
});

describe('cdk: user pool client flows', () => {
  it('allows SRP for browsers and the IAM-only ADMIN_USER_PASSWORD_AUTH flow the AWS target signs test users in with', () => {
    // THEN (refresh tokens are always allowed by CDK; no USER_PASSWORD_AUTH, no custom auth)
    const [[, client]] = resourcesOfType(s.json, 'AWS::Cognito::UserPoolClient') as [[string, Record<string, unknown>]];
    expect(client['ExplicitAuthFlows']).toEqual(['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    expect(client['GenerateSecret']).toBe(false);
  });
});
