/**
 * Sign-in actions: InitiateAuth (USER_SRP_AUTH, USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH),
 * AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH), RespondToAuthChallenge
 * (PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, MFA_SETUP) and
 * GetTokensFromRefreshToken, with Cognito's request and response members:
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html
 * Unknown users follow the app client's PreventUserExistenceErrors: with it, SRP answers a decoy
 * challenge (a stable salt per name) and every flow ends in "Incorrect username or password.".
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
 */
import { randomBytes } from 'node:crypto';
import { CognitoError, invalidParameter } from './cognito-error.ts';
import { assertClientId, assertUserPoolId } from './pool-settings.ts';
import type { AuthResponse } from './sign-in-steps.ts';
import { answerMfaSetup, answerNewPassword, answerSoftwareToken } from './sign-in-challenges.ts';
import { missing, param, type SignInActionContext, type SignInDeps } from './sign-in-context.ts';
import { answerPasswordVerifier, passwordSignIn, startSrp } from './sign-in-password.ts';
import { poolNameOf } from './srp.ts';
import { RULE, optionalString, requiredString, stringMap, type WireBody } from './wire.ts';

export type CognitoAction = (body: WireBody) => Promise<unknown>;

const USER_FLOWS = ['USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN', 'CUSTOM_AUTH', 'ADMIN_NO_SRP_AUTH', 'USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH', 'USER_AUTH'] as const;

function flowNotEnabled(): CognitoError {
  return invalidParameter('Auth flow not enabled for this client');
}

function readFlow(body: WireBody): (typeof USER_FLOWS)[number] {
  const flow = requiredString(body, 'AuthFlow', { min: 1, max: 64 });
  if (!(USER_FLOWS as readonly string[]).includes(flow)) {
    throw invalidParameter(`1 validation error detected: Value '${flow}' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [${USER_FLOWS.join(', ')}]`);
  }
  return flow as (typeof USER_FLOWS)[number];
}

async function refresh(ctx: SignInActionContext, params: Readonly<Record<string, string>>, clientId: string): Promise<AuthResponse> {
  return { ChallengeParameters: {}, AuthenticationResult: await ctx.tokens.refresh(param(params, 'REFRESH_TOKEN'), clientId) };
}

async function initiateAuth(ctx: SignInActionContext, body: WireBody): Promise<AuthResponse> {
  const flows = ctx.settings.definition.authFlows;
  const flow = readFlow(body);
  const clientId = requiredString(body, 'ClientId', RULE.CLIENT_ID);
  assertClientId(ctx.settings, clientId);
  const params = stringMap(body, 'AuthParameters');
  switch (flow) {
    case 'USER_SRP_AUTH':
      if (!flows.userSrp) throw flowNotEnabled();
      return startSrp(ctx, param(params, 'USERNAME'), param(params, 'SRP_A'), clientId);
    case 'USER_PASSWORD_AUTH':
      if (!flows.userPassword) throw flowNotEnabled();
      return passwordSignIn(ctx, param(params, 'USERNAME'), param(params, 'PASSWORD'), clientId);
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN':
      return refresh(ctx, params, clientId);
    case 'ADMIN_NO_SRP_AUTH':
    case 'ADMIN_USER_PASSWORD_AUTH':
      throw invalidParameter('Initiate Auth method not supported.');
    default:
      throw invalidParameter(`${flow} is not supported by the local user pool.`);
  }
}

async function adminInitiateAuth(ctx: SignInActionContext, body: WireBody): Promise<AuthResponse> {
  assertUserPoolId(ctx.settings, requiredString(body, 'UserPoolId', RULE.USER_POOL_ID));
  const flow = readFlow(body);
  const clientId = requiredString(body, 'ClientId', RULE.CLIENT_ID);
  assertClientId(ctx.settings, clientId);
  const params = stringMap(body, 'AuthParameters');
  switch (flow) {
    case 'ADMIN_USER_PASSWORD_AUTH':
    case 'ADMIN_NO_SRP_AUTH':
      if (!ctx.settings.definition.authFlows.adminUserPassword) throw flowNotEnabled();
      return passwordSignIn(ctx, param(params, 'USERNAME'), param(params, 'PASSWORD'), clientId);
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN':
      return refresh(ctx, params, clientId);
    default:
      throw invalidParameter(`${flow} is not supported by AdminInitiateAuth on the local user pool.`);
  }
}

async function respondToAuthChallenge(ctx: SignInActionContext, body: WireBody): Promise<AuthResponse> {
  const clientId = requiredString(body, 'ClientId', RULE.CLIENT_ID);
  assertClientId(ctx.settings, clientId);
  const challenge = requiredString(body, 'ChallengeName', { min: 1, max: 64 });
  const responses = stringMap(body, 'ChallengeResponses');
  const session = (): string => {
    const value = optionalString(body, 'Session', RULE.SESSION);
    if (value === undefined) throw missing('Session');
    return value;
  };
  switch (challenge) {
    case 'PASSWORD_VERIFIER':
      return answerPasswordVerifier(ctx, responses, clientId);
    case 'NEW_PASSWORD_REQUIRED':
      return answerNewPassword(ctx, session(), responses, clientId);
    case 'SOFTWARE_TOKEN_MFA':
      return answerSoftwareToken(ctx, session(), responses, clientId);
    case 'MFA_SETUP':
      return answerMfaSetup(ctx, session(), responses, clientId);
    default:
      throw invalidParameter(`ChallengeName ${challenge} is not supported by the local user pool.`);
  }
}

async function getTokensFromRefreshToken(ctx: SignInActionContext, body: WireBody): Promise<unknown> {
  const refreshToken = requiredString(body, 'RefreshToken', RULE.TOKEN);
  const clientId = requiredString(body, 'ClientId', RULE.CLIENT_ID);
  assertClientId(ctx.settings, clientId);
  return { AuthenticationResult: await ctx.tokens.refresh(refreshToken, clientId) };
}

export function createSignInActions(deps: SignInDeps): Record<string, CognitoAction> {
  const ctx: SignInActionContext = {
    settings: deps.settings,
    store: deps.store,
    sessions: deps.sessions,
    steps: deps.steps,
    tokens: deps.tokens,
    lockout: deps.lockout,
    now: deps.now ?? Date.now,
    poolName: poolNameOf(deps.settings.userPoolId),
    // Decoy salts for unknown names must not change between attempts, or a second try would tell.
    decoySecret: randomBytes(32),
  };
  return {
    InitiateAuth: (body) => initiateAuth(ctx, body),
    AdminInitiateAuth: (body) => adminInitiateAuth(ctx, body),
    RespondToAuthChallenge: (body) => respondToAuthChallenge(ctx, body),
    GetTokensFromRefreshToken: (body) => getTokensFromRefreshToken(ctx, body),
  };
}
