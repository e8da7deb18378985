/**
 * AppSync's server-side cache from the definition's optional `cache` section
 * (https://docs.aws.amazon.com/appsync/latest/devguide/enabling-caching.html): off by default; on, an
 * `AWS::AppSync::ApiCache` with PER_RESOLVER_CACHING and both encryptions, and a `CachingConfig` on
 * exactly the resolvers that declare `caching`. The cached app still passes cdk-nag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../api/definition.ts';
import type { ApiDefinition } from '../../api/types.ts';
import { validateDefinition } from '../../api/validate.ts';
import { logicalId, RecordingAwsSolutionsChecks, resourcesOfType, synthesize, SYNTH_TIMEOUT_MS, type Synthesized } from './synth.ts';

const CACHED: ApiDefinition = { ...api, cache: { ttlSeconds: 60, type: 'SMALL', atRestEncryption: true, transitEncryption: true } };

let plain: Synthesized;
let cached: Synthesized;

beforeAll(() => {
  // GIVEN the default definition (no cache) and the same definition with a cache, each synthesized once
  plain = synthesize();
  cached = synthesize({ api: CACHED });
}, SYNTH_TIMEOUT_MS * 2);

afterAll(() => {
  plain?.dispose();
  cached?.dispose();
});

function cachingConfigs(s: Synthesized): Record<string, unknown> {
  return Object.fromEntries(
    resourcesOfType(s.json, 'AWS::AppSync::Resolver').map(([, p]) => [`${String(p['TypeName'])}.${String(p['FieldName'])}`, p['CachingConfig'] ?? null]),
  );
}

describe('cdk: API cache', () => {
  it('creates no cache and no caching config by default', () => {
    plain.template.resourceCountIs('AWS::AppSync::ApiCache', 0);
    const configs = cachingConfigs(plain);
    expect({ resolvers: Object.keys(configs).length, cached: Object.values(configs).filter((c) => c !== null) }).toEqual({ resolvers: api.resolvers.length, cached: [] });
  });

  it('creates a per-resolver cache, encrypted at rest and in transit, when the definition has one', () => {
    cached.template.resourceCountIs('AWS::AppSync::ApiCache', 1);
    cached.template.hasResourceProperties('AWS::AppSync::ApiCache', {
      ApiId: { 'Fn::GetAtt': [logicalId(cached, cached.stack.graphql.graphqlApi), 'ApiId'] },
      ApiCachingBehavior: 'PER_RESOLVER_CACHING',
      Ttl: 60,
      Type: 'SMALL',
      AtRestEncryptionEnabled: true,
      TransitEncryptionEnabled: true,
    });
  });

  it('caches getAsset and getAssets per caller and arguments, after the cache exists, and nothing else', () => {
    expect(Object.fromEntries(Object.entries(cachingConfigs(cached)).filter(([, c]) => c !== null))).toEqual({
      'Query.getAsset': { Ttl: 60, CachingKeys: ['$context.identity.sub', '$context.arguments.id'] },
      'Query.getAssets': { Ttl: 60, CachingKeys: ['$context.identity.sub', '$context.arguments.ids'] },
    });
    const cacheId = logicalId(cached, cached.stack.resolvers.apiCache!);
    for (const field of ['Query.getAsset', 'Query.getAssets']) {
      const resolver = cached.stack.resolvers.resolvers.get(field)!;
      expect(cached.json.Resources[logicalId(cached, resolver.node.defaultChild as never)]).toMatchObject({ DependsOn: expect.arrayContaining([cacheId]) });
    }
  });

  it('stays clean under cdk-nag AwsSolutions with the cache on', () => {
    const recorder = new RecordingAwsSolutionsChecks();
    expect(recorder.validateScope(cached.app).violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});

describe('definition: cache settings are checked at start and synth', () => {
  it.each([
    [{ ...CACHED, cache: { ...CACHED.cache!, ttlSeconds: 0 } }, 'cache.ttlSeconds: must be an integer 1-3600 (seconds). Received: 0'],
    [{ ...CACHED, cache: { ...CACHED.cache!, atRestEncryption: false } }, 'cache: cached results hold asset metadata, so atRestEncryption and transitEncryption must both be true. Received: {"atRestEncryption":false,"transitEncryption":true}'],
    [
      { ...api, resolvers: api.resolvers.map((r) => (r.fieldName === 'getAsset' ? { ...r, caching: { keys: ['$context.request.headers.x'] } } : r)) },
      'resolvers[Query.getAsset].caching.keys: must be an entry of $context.arguments, $context.source or $context.identity. Received: $context.request.headers.x',
    ],
  ] as [ApiDefinition, string][])('refuses %#', (definition, message) => {
    expect(() => validateDefinition(definition)).toThrow(message);
  });
});
