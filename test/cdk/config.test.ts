/** Deployment settings from CDK context: safe defaults per stage, CLI strings parsed, errors naming key and value. */
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../api/config-error.ts';
import { loadInfraConfig, parseInfraConfig } from '../../infra/config.ts';

describe('cdk config: defaults', () => {
  it('defaults to a dev stage that can be destroyed and introspected', () => {
    expect(parseInfraConfig({})).toEqual({
      stage: 'dev',
      removalPolicy: 'destroy',
      introspection: true,
      corsAllowedOrigins: ['http://localhost:4000'],
      logRetentionDays: 30,
      encryption: 'aws-managed',
      bucketVersioning: false,
    });
  });

  it('retains data and turns introspection off for prod', () => {
    expect(parseInfraConfig({ stage: 'prod' })).toEqual({
      stage: 'prod',
      removalPolicy: 'retain',
      introspection: false,
      corsAllowedOrigins: ['http://localhost:4000'],
      logRetentionDays: 365,
      encryption: 'aws-managed',
      bucketVersioning: false,
    });
  });

  it('returns a frozen config', () => {
    const config = parseInfraConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.corsAllowedOrigins)).toBe(true);
  });
});

describe('cdk config: values from context', () => {
  it('parses the strings `cdk -c key=value` passes', () => {
    expect(
      parseInfraConfig({
        stage: 'staging',
        removalPolicy: 'retain',
        introspection: 'false',
        corsAllowedOrigins: 'https://a.example.com, https://b.example.com:8443',
        storageTransitions: '{"infrequentAccessDays":"45"}',
        wafWebAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/acl/abc-123',
        logRetentionDays: '90',
        encryption: 'customer-managed',
        bucketVersioning: 'true',
      }),
    ).toEqual({
      stage: 'staging',
      removalPolicy: 'retain',
      introspection: false,
      corsAllowedOrigins: ['https://a.example.com', 'https://b.example.com:8443'],
      storageTransitions: { infrequentAccessDays: 45 },
      wafWebAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/acl/abc-123',
      logRetentionDays: 90,
      encryption: 'customer-managed',
      bucketVersioning: true,
    });
  });

  it('reads JSON values as cdk.json holds them, through the app node', () => {
    const app = new App({ context: { stage: 'qa', corsAllowedOrigins: ['https://qa.example.com'], storageTransitions: { glacierDays: 60 }, introspection: true } });
    expect(loadInfraConfig(app.node)).toEqual({
      stage: 'qa',
      removalPolicy: 'destroy',
      introspection: true,
      corsAllowedOrigins: ['https://qa.example.com'],
      storageTransitions: { glacierDays: 60 },
      logRetentionDays: 365,
      encryption: 'aws-managed',
      bucketVersioning: false,
    });
  });
});

describe('cdk config: errors', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['a stage with upper case', { stage: 'Prod' }, 'context.stage: lower-case letters, digits and dashes, 1-20 characters, starting with a letter. Received: "Prod"'],
    ['an unknown removal policy', { removalPolicy: 'snapshot' }, `context.removalPolicy: must be 'retain' or 'destroy'. Received: "snapshot"`],
    ['a non-boolean introspection', { introspection: 'yes' }, 'context.introspection: must be true or false. Received: "yes"'],
    ['a wildcard origin', { corsAllowedOrigins: '*' }, 'context.corsAllowedOrigins: each origin must look like https://host[:port] (no path, no wildcard). Received: "*"'],
    ['an origin with a path', { corsAllowedOrigins: ['https://a.example.com/app'] }, 'context.corsAllowedOrigins: each origin must look like https://host[:port] (no path, no wildcard). Received: "https://a.example.com/app"'],
    ['an empty origin list', { corsAllowedOrigins: [] }, 'context.corsAllowedOrigins: must be a non-empty list of origins. Received: []'],
    ['a retention CloudWatch does not offer', { logRetentionDays: 10 }, 'context.logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653. Received: 10'],
    ['an IA transition under 30 days', { storageTransitions: { infrequentAccessDays: 7 } }, 'context.storageTransitions.infrequentAccessDays: S3 requires at least 30. Received: 7'],
    ['Glacier too soon after IA', { storageTransitions: { infrequentAccessDays: 30, glacierDays: 40 } }, 'context.storageTransitions.glacierDays: must be at least infrequentAccessDays + 30 (60). Received: 40'],
    ['an unknown transition key', { storageTransitions: { deepArchiveDays: 400 } }, 'context.storageTransitions.deepArchiveDays: unknown key (use infrequentAccessDays or glacierDays). Received: 400'],
    ['transitions that are not JSON', { storageTransitions: '{infrequentAccessDays:30}' }, 'context.storageTransitions: must be valid JSON. Received: "{infrequentAccessDays:30}"'],
    ['a CloudFront (global) web ACL', { wafWebAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/acl/abc' }, 'context.wafWebAclArn: must be the ARN of a REGIONAL WAFv2 web ACL (arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>). Received: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/acl/abc"'],
    ['an unknown encryption', { encryption: 'none' }, `context.encryption: must be 'aws-managed' or 'customer-managed'. Received: "none"`],
  ];
  it.each(cases)('rejects %s with a ConfigError naming key and value', (_name, context, message) => {
    let thrown: unknown;
    try {
      parseInfraConfig(context);
    } catch (e) {
      thrown = e;
    }
    expect({ isConfigError: isConfigError(thrown), message: (thrown as Error | undefined)?.message }).toEqual({ isConfigError: true, message });
  });
});
