/**
 * `amplify_outputs.json` from the definition (api/amplify-outputs.ts), its Flutter form, and
 * `npm run outputs` (scripts/amplify-outputs.ts) filling in the API key the stack's output leaves out.
 */
import { describe, expect, it } from 'vitest';
import { createAmplifyOutputs, formatAmplifyOutputs } from '../../api/amplify-outputs.ts';
import { api } from '../../api/definition.ts';
import { DEFAULT_USER_POOL } from '../../api/user-pool.ts';
import { amplifyOutputsFromStack, API_KEY_PLACEHOLDER } from '../../scripts/amplify-outputs.ts';
import type { AppSyncKeysApi } from '../../test/contract/targets/aws-api-key.ts';

describe('amplify outputs: the document', () => {
  it('follows the definition: a username pool without MFA, and an API with only an API key has no auth section', () => {
    const usernamePool = { ...api, userPool: { ...DEFAULT_USER_POOL, signInWith: 'username', mfa: 'OFF', groups: ['admin', 'editor'] } } as const;
    const apiKeyOnly = { ...api, auth: { default: { type: 'API_KEY' }, additional: [] } } as const;
    const targets = { graphqlUrl: 'https://10.0.2.2:4000/graphql', region: 'eu-west-1', apiKey: 'da2-key', userPool: { userPoolId: 'eu-west-1_localpool', clientId: 'client' } };
    expect([createAmplifyOutputs(usernamePool, targets).auth, createAmplifyOutputs(apiKeyOnly, targets)]).toEqual([
      {
        aws_region: 'eu-west-1',
        user_pool_id: 'eu-west-1_localpool',
        user_pool_client_id: 'client',
        password_policy: { min_length: 12, require_lowercase: true, require_numbers: true, require_symbols: true, require_uppercase: true },
        mfa_configuration: 'NONE',
        mfa_methods: [],
        standard_required_attributes: [],
        username_attributes: ['username'],
        user_verification_types: [],
        groups: [{ admin: { precedence: 0 } }, { editor: { precedence: 1 } }],
        unauthenticated_identities_enabled: false,
      },
      { version: '1.3', data: { url: 'https://10.0.2.2:4000/graphql', aws_region: 'eu-west-1', api_key: 'da2-key', default_authorization_type: 'API_KEY', authorization_types: [] } },
    ]);
  });

  it('writes JSON, or for a .dart path the constant Amplify Flutter imports', () => {
    const outputs = createAmplifyOutputs({ ...api, auth: { default: { type: 'AWS_IAM' }, additional: [] } }, { graphqlUrl: 'https://h/graphql', region: 'us-east-1' });
    const json = JSON.stringify(outputs, null, 2);
    expect([formatAmplifyOutputs(outputs, '/app/amplify_outputs.json'), formatAmplifyOutputs(outputs, '/app/lib/amplify_outputs.dart')]).toEqual([`${json}\n`, `const amplifyConfig = r'''${json}''';\n`]);
  });
});

describe('npm run outputs: the deployed stack', () => {
  const stackOutput = createAmplifyOutputs(api, { graphqlUrl: 'https://abc.appsync-api.eu-west-1.amazonaws.com/graphql', region: 'eu-west-1', userPool: { userPoolId: 'eu-west-1_Pool', clientId: 'client' } });
  const file = { 'AssetApi-dev': { GraphQLApiId: 'abc', AmplifyOutputs: JSON.stringify(stackOutput) } };
  const keys = (answer: () => Promise<{ apiKeys: { id: string; expires: number }[] }>): ((region: string) => AppSyncKeysApi) => {
    return () => ({ listApiKeys: answer });
  };

  it('adds the unexpired API key that expires last, read with ListApiKeys', async () => {
    const result = await amplifyOutputsFromStack(file, {
      stackName: '',
      source: 'cdk-outputs.json',
      nowSeconds: 1_000,
      appsync: keys(async () => ({ apiKeys: [{ id: 'da2-old', expires: 500 }, { id: 'da2-new', expires: 9_000 }, { id: 'da2-mid', expires: 5_000 }] })),
    });
    expect(result).toEqual({ outputs: { ...stackOutput, data: { ...stackOutput.data, api_key: 'da2-new' } }, note: null });
  });

  it('writes a placeholder and says how to fill it in when ListApiKeys fails', async () => {
    const result = await amplifyOutputsFromStack(file, {
      stackName: 'AssetApi-dev',
      source: 'cdk-outputs.json',
      nowSeconds: 1_000,
      appsync: keys(() => Promise.reject(new Error('Could not load credentials from any providers'))),
    });
    expect(result).toEqual({
      outputs: { ...stackOutput, data: { ...stackOutput.data, api_key: API_KEY_PLACEHOLDER } },
      note: 'data.api_key is a placeholder: appsync:ListApiKeys failed (Could not load credentials from any providers). Put the key from `aws appsync list-api-keys --api-id abc --region eu-west-1` in its place, or run this again with credentials that allow appsync:ListApiKeys.',
    });
  });
});
