/**
 * Reliability (docs/ARCHITECTURE.md#tests), cloud posture, the part `test/cdk/` does not already assert (cdk-nag, least privilege,
 * encryption, TLS-only, public-access blocks and the configured WAF association live there): the WAF
 * association is optional, so a stack without the setting has none.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { resourcesOfType, synthesize, SYNTH_TIMEOUT_MS, type Synthesized } from '../cdk/synth.ts';

let s: Synthesized;

beforeAll(() => {
  // GIVEN the default (dev) context of cdk.json, without wafWebAclArn; WHEN synthesized
  s = synthesize();
}, SYNTH_TIMEOUT_MS);

afterAll(() => s?.dispose());

describe('cloud posture: WAF is optional by config', () => {
  it('associates no WAF web ACL and creates none when wafWebAclArn is not set', ({ expect }) => {
    const associations = resourcesOfType(s.json, 'AWS::WAFv2::WebACLAssociation');
    console.log(`[reliability] cloud posture: ${Object.keys(s.json.Resources).length} resources synthesized, ${associations.length} WAF associations without wafWebAclArn (test/cdk/stage-settings.test.ts checks the configured one)`);
    expect({ associations, webAcls: resourcesOfType(s.json, 'AWS::WAFv2::WebACL'), graphqlApis: resourcesOfType(s.json, 'AWS::AppSync::GraphQLApi').length }).toEqual({ associations: [], webAcls: [], graphqlApis: 1 });
  });
});
