/**
 * The stack under prod-like settings from CDK context: retained data, no introspection, ERROR field
 * logs, enforced threat protection, a WAF association, storage transitions, versioning and a
 * customer-managed key, and still no unacknowledged cdk-nag finding.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../api/definition.ts';
import { flattenResource, identityStatements, logicalId, RecordingAwsSolutionsChecks, resourcesOfType, synthesize, SYNTH_TIMEOUT_MS, type Synthesized } from './synth.ts';

const WAF_ARN = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/asset-api/0b2f0c1e-1111-2222-3333-444455556666';
let s: Synthesized;

beforeAll(() => {
  // GIVEN prod settings as `cdk synth -c ...` passes them (strings), WHEN synthesized
  s = synthesize({
    context: {
      stage: 'prod',
      corsAllowedOrigins: 'https://assets.example.com,https://admin.example.com',
      storageTransitions: '{"infrequentAccessDays":30,"glacierDays":90}',
      wafWebAclArn: WAF_ARN,
      logRetentionDays: '365',
      encryption: 'customer-managed',
      bucketVersioning: 'true',
      '@aws-cdk/core:validateAgainstDefaultRules': false,
    },
  });
}, SYNTH_TIMEOUT_MS);

afterAll(() => s?.dispose());

describe('cdk: prod settings', () => {
  it('names the stack and API after the stage, disables introspection and logs only errors', () => {
    expect(s.stack.stackName).toBe('AssetApi-prod');
    s.template.hasResourceProperties('AWS::AppSync::GraphQLApi', { Name: 'asset-api-prod', IntrospectionConfig: 'DISABLED', LogConfig: Match.objectLike({ FieldLogLevel: 'ERROR' }) });
  });

  it('retains the table, buckets, user pool, key and log groups', () => {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::Cognito::UserPool', 'AWS::KMS::Key', 'AWS::Logs::LogGroup']) {
      const policies = Object.values(s.json.Resources).filter((r) => r.Type === type).map((r) => [r.DeletionPolicy, r.UpdateReplacePolicy]);
      expect({ type, policies }).toEqual({ type, policies: policies.map(() => ['Retain', 'Retain']) });
      expect(policies.length).toBeGreaterThan(0);
    }
    s.template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
    s.template.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'ACTIVE', UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } });
  });

  it('associates the WAF web ACL with the API', () => {
    s.template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: { 'Fn::GetAtt': [logicalId(s, s.stack.graphql.graphqlApi), 'Arn'] }, WebACLArn: WAF_ARN });
  });

  it('encrypts table and bucket with one rotating customer-managed key, which the Lambdas and AppSync may use for their actions only', () => {
    const key = logicalId(s, s.stack.dataKey!);
    s.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    s.template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } } });
    expect(s.json.Resources[logicalId(s, s.stack.bucket.bucket)]?.Properties?.['BucketEncryption']).toEqual({
      ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] } } }],
    });
    const kms = identityStatements(s.json)
      .filter((st) => st.Action.some((a) => a.startsWith('kms:')))
      .map((st) => ({ roles: st.roles, actions: [...st.Action].sort(), resources: st.Resource.map(flattenResource) }));
    const role = (name: string) => logicalId(s, s.stack.functions.get(name)!.role);
    expect(kms).toEqual([
      { roles: [role('assetUrls')], actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [`<${key}.Arn>`] },
      { roles: [expect.stringMatching(/^ResolversassetsTableRole/)], actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], resources: [`<${key}.Arn>`] },
      { roles: [expect.stringMatching(/^ResolversassetTagsTableRole/)], actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], resources: [`<${key}.Arn>`] },
    ]);
  });

  it('applies CORS origins, storage transitions, versioning and log retention from context', () => {
    const bucket = s.json.Resources[logicalId(s, s.stack.bucket.bucket)]!.Properties!;
    expect((bucket['CorsConfiguration'] as { CorsRules: { AllowedOrigins: string[] }[] }).CorsRules[0]?.AllowedOrigins).toEqual(['https://assets.example.com', 'https://admin.example.com']);
    expect(bucket['VersioningConfiguration']).toEqual({ Status: 'Enabled' });
    expect(bucket['LifecycleConfiguration']).toEqual({
      Rules: [
        { Id: 'abort-incomplete-multipart-uploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: api.bucket.abortIncompleteMultipartUploadAfterDays }, Status: 'Enabled' },
        {
          Id: 'asset-storage-transitions',
          Prefix: `${api.bucket.keyPrefix}/`,
          Status: 'Enabled',
          Transitions: [
            { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
            { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
          ],
        },
        { Id: 'expire-noncurrent-versions', NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' },
      ],
    });
    expect(new Set(resourcesOfType(s.json, 'AWS::Logs::LogGroup').map(([, p]) => p['RetentionInDays']))).toEqual(new Set([365]));
  });

  it('still has no unacknowledged cdk-nag finding', () => {
    expect(new RecordingAwsSolutionsChecks().validateScope(s.app).violations).toEqual([]);
  });
});
