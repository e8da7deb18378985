/**
 * The stack emits the `amplify_outputs.json` that `npm start` writes for the local endpoint
 * (api/amplify-outputs.ts), as the `AmplifyOutputs` output, so an app switches between local and cloud
 * by swapping the file; `npm run outputs` (scripts/amplify-outputs.ts) adds the API key, which no
 * output carries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_OUTPUT_KEYS } from '../../infra/stack-outputs.ts';
import { logicalId, synthesize, SYNTH_TIMEOUT_MS, type Synthesized } from './synth.ts';

let s: Synthesized;

beforeAll(() => {
  // GIVEN the app with cdk.json's context (stage dev), WHEN it is synthesized once for this file
  s = synthesize();
}, SYNTH_TIMEOUT_MS);

afterAll(() => s?.dispose());

/** The output's `Fn::Join` with each reference written as `<Ref:id>` or `<GetAtt:id.attr>`, parsed as JSON. */
function joinedJson(value: unknown): unknown {
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join === undefined) throw new Error(`not an Fn::Join: ${JSON.stringify(value)}`);
  const [separator, parts] = join;
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: string }).Ref;
      if (ref !== undefined) return `<Ref:${ref}>`;
      const [id, attribute] = (part as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
      return `<GetAtt:${id}.${attribute}>`;
    })
    .join(separator);
  return JSON.parse(text);
}

describe('cdk: AmplifyOutputs', () => {
  it('outputs amplify_outputs.json for the stack: the API, its auth modes and the user pool, without the API key', () => {
    // THEN
    const output = s.json.Outputs?.[STACK_OUTPUT_KEYS.amplifyOutputs] as { Description: string; Value: unknown };
    expect(output.Description).toBe('amplify_outputs.json without the API key; npm run outputs adds it');
    expect(joinedJson(output.Value)).toEqual({
      version: '1.3',
      auth: {
        aws_region: '<Ref:AWS::Region>',
        user_pool_id: `<Ref:${logicalId(s, s.stack.userPool!.userPool)}>`,
        user_pool_client_id: `<Ref:${logicalId(s, s.stack.userPool!.client)}>`,
        password_policy: { min_length: 12, require_lowercase: true, require_numbers: true, require_symbols: true, require_uppercase: true },
        mfa_configuration: 'REQUIRED',
        mfa_methods: ['TOTP'],
        standard_required_attributes: ['email'],
        username_attributes: ['email'],
        user_verification_types: ['email'],
        groups: [{ admin: { precedence: 0 } }],
        unauthenticated_identities_enabled: false,
      },
      data: {
        url: `<GetAtt:${logicalId(s, s.stack.graphql.graphqlApi)}.GraphQLUrl>`,
        aws_region: '<Ref:AWS::Region>',
        default_authorization_type: 'AMAZON_COGNITO_USER_POOLS',
        authorization_types: ['API_KEY', 'AWS_IAM'],
      },
    });
  });
});
