/**
 * `amplify_outputs.json` for this API: the file Amplify Gen 2 clients (JS, Swift, Android, Flutter)
 * configure from, built from the one definition by both hosts (STYLE 2): `npm start` writes it for
 * the local endpoint, the CDK stack emits it as the `AmplifyOutputs` output and `npm run outputs`
 * writes it from `cdk deploy --outputs-file`. An app switches between local and cloud by swapping
 * the file. Schema: https://docs.amplify.aws/react/reference/amplify_outputs/ (version 1.3, the
 * first with user-pool `groups`).
 *
 * CDK-free: values may be CDK tokens; the stack serialises the document with `toJsonString`.
 */
import { resolveUserPool } from './user-pool.ts';
import type { ApiDefinition, AuthType } from './types.ts';

export const AMPLIFY_OUTPUTS_VERSION = '1.3';

/** The document, with the sections and fields this API fills (all are in the published schema but `custom`'s content). */
export interface AmplifyOutputs {
  readonly version: string;
  readonly auth?: {
    readonly aws_region: string;
    readonly user_pool_id: string;
    readonly user_pool_client_id: string;
    readonly password_policy: {
      readonly min_length: number;
      readonly require_lowercase: boolean;
      readonly require_numbers: boolean;
      readonly require_symbols: boolean;
      readonly require_uppercase: boolean;
    };
    readonly mfa_configuration: 'NONE' | 'OPTIONAL' | 'REQUIRED';
    readonly mfa_methods: readonly 'TOTP'[];
    readonly standard_required_attributes: readonly string[];
    readonly username_attributes: readonly string[];
    readonly user_verification_types: readonly string[];
    readonly groups: readonly Readonly<Record<string, { readonly precedence: number }>>[];
    readonly unauthenticated_identities_enabled: boolean;
  };
  readonly data: {
    readonly url: string;
    readonly aws_region: string;
    /** Present when API_KEY is an auth mode and the key is known (never in the stack's output). */
    readonly api_key?: string;
    readonly default_authorization_type: AuthType;
    /** The additional auth modes. */
    readonly authorization_types: readonly AuthType[];
  };
  /**
   * Free-form section of the schema. Locally: `asset_api_local.user_pool_endpoint`, the local user
   * pool's URL, which no key of the schema carries (Amplify JS reads `Auth.Cognito.userPoolEndpoint`
   * from its own config only; docs/devices.md shows the one-line override).
   */
  readonly custom?: { readonly asset_api_local?: { readonly user_pool_endpoint: string; readonly ca_certificate_url?: string } };
}

/** Where the API and its user pool are, as the host knows them. */
export interface AmplifyOutputsTargets {
  /** The GraphQL URL clients use. */
  readonly graphqlUrl: string;
  readonly region: string;
  /** The API key, when the host may hand it out. @default absent */
  readonly apiKey?: string;
  /** Present when the definition has a user pool (an AMAZON_COGNITO_USER_POOLS mode). */
  readonly userPool?: {
    readonly userPoolId: string;
    readonly clientId: string;
    /** The MFA rule in force. @default the definition's `userPool.mfa` */
    readonly mfa?: 'OFF' | 'OPTIONAL' | 'REQUIRED';
  };
  /** Local only: the local user pool's endpoint and the CA certificate's URL. @default absent */
  readonly local?: { readonly userPoolEndpoint: string; readonly caCertificateUrl?: string };
}

/** True when the definition has a Cognito user pool auth mode (and so a `userPool`). */
export function hasUserPoolAuth(api: Pick<ApiDefinition, 'auth'>): boolean {
  return [api.auth.default, ...api.auth.additional].some((mode) => mode.type === 'AMAZON_COGNITO_USER_POOLS');
}

export function createAmplifyOutputs(api: Pick<ApiDefinition, 'auth' | 'userPool'>, targets: AmplifyOutputsTargets): AmplifyOutputs {
  const authTypes = api.auth.additional.map((mode) => mode.type);
  const data = {
    url: targets.graphqlUrl,
    aws_region: targets.region,
    ...(targets.apiKey !== undefined && [api.auth.default.type, ...authTypes].includes('API_KEY') ? { api_key: targets.apiKey } : {}),
    default_authorization_type: api.auth.default.type,
    authorization_types: authTypes,
  };
  const { local } = targets;
  const custom =
    local === undefined
      ? {}
      : { custom: { asset_api_local: { user_pool_endpoint: local.userPoolEndpoint, ...(local.caCertificateUrl === undefined ? {} : { ca_certificate_url: local.caCertificateUrl }) } } };
  const pool = targets.userPool;
  if (pool === undefined || !hasUserPoolAuth(api)) return { version: AMPLIFY_OUTPUTS_VERSION, data, ...custom };
  const definition = resolveUserPool(api);
  const mfa = pool.mfa ?? definition.mfa;
  const byEmail = definition.signInWith === 'email';
  const { passwordPolicy } = definition;
  return {
    version: AMPLIFY_OUTPUTS_VERSION,
    auth: {
      aws_region: targets.region,
      user_pool_id: pool.userPoolId,
      user_pool_client_id: pool.clientId,
      password_policy: {
        min_length: passwordPolicy.minLength,
        require_lowercase: passwordPolicy.requireLowercase,
        require_numbers: passwordPolicy.requireDigits,
        require_symbols: passwordPolicy.requireSymbols,
        require_uppercase: passwordPolicy.requireUppercase,
      },
      // The schema spells "off" NONE (Cognito's MfaConfiguration is OFF | ON | OPTIONAL).
      mfa_configuration: mfa === 'OFF' ? 'NONE' : mfa,
      mfa_methods: mfa === 'OFF' ? [] : ['TOTP'],
      standard_required_attributes: byEmail ? ['email'] : [],
      username_attributes: byEmail ? ['email'] : ['username'],
      user_verification_types: byEmail ? ['email'] : [],
      groups: definition.groups.map((group, precedence) => ({ [group]: { precedence } })),
      unauthenticated_identities_enabled: false,
    },
    data,
    ...custom,
  };
}

/**
 * The file's text: JSON, or for a `.dart` path the form Amplify Flutter imports
 * (`const amplifyConfig = '''…''';`, https://docs.amplify.aws/flutter/reference/amplify_outputs/).
 */
export function formatAmplifyOutputs(outputs: AmplifyOutputs, path: string): string {
  const json = JSON.stringify(outputs, null, 2);
  return path.endsWith('.dart') ? `const amplifyConfig = r'''${json}''';\n` : `${json}\n`;
}
