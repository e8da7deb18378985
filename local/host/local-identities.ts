/**
 * Who may call the local API, and how they prove it: the user-pool stand-in's token issuer (its key
 * kept in the state folder), the local Cognito user pool at `/cognito-idp/` that Amplify Auth signs
 * in against (`local/cognito/`), this installation's backend IAM credentials (generated once in the
 * state folder unless configured) and the authenticator that checks every request with them.
 */
import type { ApiDefinition } from '../../api/types.ts';
import { resolveUserPool } from '../../api/user-pool.ts';
import { createAuthenticator, type Authenticator } from '../auth/authenticate.ts';
import { createJwtVerifier } from '../auth/jwt.ts';
import { loadLocalCredentials } from '../auth/local-credentials.ts';
import { createLocalIssuer, type LocalIssuer } from '../auth/local-issuer.ts';
import { createLocalUserPool, type LocalUserPool } from '../cognito/index.ts';
import type { AwsCredentials, Config } from '../config.ts';

export type IdentityConfig = Pick<
  Config,
  'stateDir' | 'dataDir' | 'userPoolIssuer' | 'userPoolClientId' | 'userPoolMfa' | 'userPoolAutoConfirm' | 'localCredentials' | 'storeCredentials' | 'apiKey' | 'accountId' | 'region'
>;

export interface LocalIdentities {
  /** Serves the JWKS and OpenID configuration of the issuer. */
  readonly issuer: Pick<LocalIssuer, 'handle'>;
  readonly userPool: LocalUserPool;
  readonly authenticator: Authenticator;
  /** The backend's IAM identity: SigV4 callers of IAM-only fields, object access on the embedded S3. */
  readonly backendCredentials: AwsCredentials;
}

function uniqueCredentials(list: readonly AwsCredentials[]): AwsCredentials[] {
  const byKey = new Map<string, AwsCredentials>();
  for (const c of list) byKey.set(c.accessKeyId, c);
  return [...byKey.values()];
}

export function createLocalIdentities(definition: ApiDefinition, config: IdentityConfig, hooks: { readonly log: (line: string) => void; readonly onError: (error: unknown) => void }): LocalIdentities {
  const issuer = createLocalIssuer({ stateDir: config.stateDir, issuer: config.userPoolIssuer, clientId: config.userPoolClientId });
  const backendCredentials = config.localCredentials ?? loadLocalCredentials(config.stateDir);
  const iamCredentials = uniqueCredentials([backendCredentials, config.storeCredentials ?? backendCredentials]);
  const userPool = createLocalUserPool(
    { issuer, definition: resolveUserPool(definition), adminCredentials: iamCredentials, log: hooks.log, onError: hooks.onError },
    { dataDir: config.dataDir, mfa: config.userPoolMfa, autoConfirm: config.userPoolAutoConfirm },
  );
  const authenticator = createAuthenticator({
    authModes: definition.auth,
    apiKey: config.apiKey,
    userPool: createJwtVerifier({ issuer: issuer.issuer, publicKey: issuer.publicKey, clientIds: [config.userPoolClientId] }),
    iamCredentials,
    accountId: config.accountId,
    region: config.region,
  });
  return { issuer, userPool, authenticator, backendCredentials };
}
