/**
 * The local Cognito user pool: the subset of the Cognito Identity Provider API that Amplify Auth and
 * the AWS SDK use, served by `npm start` at `/cognito-idp/`, signing tokens with the local issuer the
 * API already verifies, and following the definition's `userPool` settings (api/user-pool.ts).
 * See README.md, "Sign-in (local user pool)".
 */
import type { UserPoolDefinition } from '../../api/types.ts';
import type { LocalIssuer } from '../auth/local-issuer.ts';
import type { AwsCredentials } from '../config.ts';
import { createAccountActions } from './account-actions.ts';
import { createAdminActions } from './admin-actions.ts';
import { createAdminAttributeActions } from './admin-attribute-actions.ts';
import { createAttributeActions } from './attribute-actions.ts';
import { createChallengeSessions } from './challenge-sessions.ts';
import { COGNITO_PATH, createCognitoHandler } from './handler.ts';
import { createLockout } from './lockout.ts';
import { createMfaActions } from './mfa-actions.ts';
import { createPoolSettings, type PoolSettings } from './pool-settings.ts';
import { createProfileActions } from './profile-actions.ts';
import { createSignInActions } from './sign-in.ts';
import { createSignInSteps, type SignInState } from './sign-in-steps.ts';
import { createTokenService } from './token-service.ts';
import { createUserStore } from './user-store.ts';

export { COGNITO_PATH } from './handler.ts';

export interface LocalUserPoolDeps {
  readonly issuer: Pick<LocalIssuer, 'issuer' | 'clientId' | 'publicKey' | 'mintToken'>;
  /** The definition's pool settings (`resolveUserPool(api)`). */
  readonly definition: UserPoolDefinition;
  /** Credentials whose SigV4 signatures the Admin* actions accept. */
  readonly adminCredentials: readonly AwsCredentials[];
  /** Server log: confirmation codes, reset codes, invitations. */
  readonly log: (line: string) => void;
  readonly onError: (error: unknown) => void;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface LocalUserPoolOptions {
  /** Folder of `cognito-users.json`; null keeps users in memory. */
  readonly dataDir: string | null;
  /** Overrides the definition's MFA rule (a local stage's `--mfa`). @default null (the definition's) */
  readonly mfa?: UserPoolDefinition['mfa'] | null;
  /** Confirm sign-ups at once. @default false */
  readonly autoConfirm?: boolean;
  /** @default DEFAULT_REQUESTS_PER_SECOND (handler.ts) */
  readonly requestsPerSecond?: number;
}

export interface LocalUserPool {
  readonly settings: PoolSettings;
  /** The endpoint's path (`/cognito-idp/`). */
  readonly path: string;
  /** Where users persist; null in memory. */
  readonly storePath: string | null;
  /** Answers `/cognito-idp/`; null for other paths. */
  handle(request: Request): Promise<Response | null>;
  /**
   * True when verified token claims come from a sign-in this pool revoked (RevokeToken, GlobalSignOut,
   * DeleteUser, AdminDeleteUser): the tokens Cognito's own actions refuse. The local API does not ask,
   * as AppSync only checks signature, issuer, client and expiry
   * (https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html); a host that
   * wants the stricter check can. Tokens of `npm run token` are never revoked.
   */
  isTokenRevoked(claims: Readonly<Record<string, unknown>>): boolean;
}

export function createLocalUserPool(deps: LocalUserPoolDeps, options: LocalUserPoolOptions): LocalUserPool {
  const now = deps.now ?? Date.now;
  const settings = createPoolSettings(deps.definition, {
    issuer: deps.issuer.issuer,
    clientId: deps.issuer.clientId,
    mfa: options.mfa ?? null,
    autoConfirm: options.autoConfirm ?? false,
  });
  const store = createUserStore({ dataDir: options.dataDir, now });
  const sessions = createChallengeSessions<SignInState>({ now });
  const tokens = createTokenService({ issuer: deps.issuer, store, settings, now });
  const lockout = createLockout({ now });
  const steps = createSignInSteps({ settings, sessions, tokens, now });
  const actions = {
    ...createSignInActions({ settings, store, sessions, steps, tokens, lockout, now }),
    ...createAccountActions({ settings, store, tokens, log: deps.log, now }),
    ...createMfaActions({ settings, store, sessions, tokens, now }),
    ...createAdminActions({ settings, store, tokens, log: deps.log, now }),
    ...createAdminAttributeActions({ settings, store, tokens, log: deps.log, now }),
    ...createProfileActions({ settings, store, tokens, log: deps.log, now }),
    ...createAttributeActions({ settings, store, tokens, log: deps.log, now }),
  };
  const handle = createCognitoHandler(
    { actions, adminCredentials: deps.adminCredentials, region: settings.region, onError: deps.onError, now: () => new Date(now()) },
    options.requestsPerSecond === undefined ? {} : { requestsPerSecond: options.requestsPerSecond },
  );
  return {
    settings,
    path: COGNITO_PATH,
    storePath: store.path,
    handle,
    isTokenRevoked: function isTokenRevoked(claims) {
      const originJti = claims['origin_jti'];
      return typeof originJti === 'string' && store.isOriginRevoked(originJti);
    },
  };
}
