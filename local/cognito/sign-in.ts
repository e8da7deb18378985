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
import { createHmac, randomBytes } from 'node:crypto';
import type { ChallengeSessions } from './challenge-sessions.ts';
import { CognitoError, COGNITO_ERROR_MESSAGE, COGNITO_ERROR_TYPE, invalidParameter, notAuthorized } from './cognito-error.ts';
import type { Lockout } from './lockout.ts';
import { assertClientId, assertPasswordPolicy, assertUserPoolId, type PoolSettings } from './pool-settings.ts';
import type { AuthResponse, SignInState, SignInSteps } from './sign-in-steps.ts';
import {
  createPasswordVerifier,
  createServerEphemeral,
  deriveSessionKey,
  padHex,
  parseSrpTimestamp,
  passwordClaimSignature,
  passwordMatches,
  poolNameOf,
  sameSignature,
  SrpParameterError,
} from './srp.ts';
import type { TokenService } from './token-service.ts';
import { decodeBase32, matchTotpStep } from './totp.ts';
import type { StoredUser, UserStore } from './user-store.ts';
import { RULE, optionalString, requiredString, stringMap, type WireBody } from './wire.ts';

export type CognitoAction = (body: WireBody) => Promise<unknown>;

export interface SignInDeps {
  readonly settings: PoolSettings;
  readonly store: UserStore;
  readonly sessions: ChallengeSessions<SignInState>;
  readonly steps: SignInSteps;
  readonly tokens: TokenService;
  readonly lockout: Lockout;
  /** @default Date.now */
  readonly now?: () => number;
}

const USER_FLOWS = ['USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN', 'CUSTOM_AUTH', 'ADMIN_NO_SRP_AUTH', 'USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH', 'USER_AUTH'] as const;
const SRP_A_HEX = /^[0-9a-fA-F]{1,1600}$/;

function missing(name: string): CognitoError {
  return invalidParameter(`Missing required parameter ${name}`);
}

function flowNotEnabled(): CognitoError {
  return invalidParameter('Auth flow not enabled for this client');
}

function param(params: Readonly<Record<string, string>>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw missing(name);
  return value;
}

export function createSignInActions(deps: SignInDeps): Record<string, CognitoAction> {
  const { settings, store, sessions, steps, tokens, lockout } = deps;
  const now = deps.now ?? Date.now;
  const poolName = poolNameOf(settings.userPoolId);
  const flows = settings.definition.authFlows;
  // Decoy salts for unknown names must not change between attempts, or a second try would tell.
  const decoySecret = randomBytes(32);

  function unknownUser(): CognitoError {
    return settings.definition.preventUserExistenceErrors
      ? notAuthorized(COGNITO_ERROR_MESSAGE.INCORRECT_CREDENTIALS)
      : new CognitoError(COGNITO_ERROR_TYPE.USER_NOT_FOUND, COGNITO_ERROR_MESSAGE.USER_NOT_FOUND);
  }

  async function passwordSignIn(login: string, password: string, clientId: string): Promise<AuthResponse> {
    const user = store.findUser(login);
    if (user === null) throw unknownUser();
    steps.assertMaySignIn(user);
    lockout.assertNotLockedOut(user.username);
    if (!passwordMatches(poolName, user.username, password, user.password)) {
      lockout.recordFailure(user.username);
      throw notAuthorized(COGNITO_ERROR_MESSAGE.INCORRECT_CREDENTIALS);
    }
    lockout.recordSuccess(user.username);
    return steps.afterPassword(user, clientId);
  }

  function startSrp(login: string, srpA: string, clientId: string): AuthResponse {
    if (!SRP_A_HEX.test(srpA)) throw invalidParameter('SRP_A must be a hexadecimal number.');
    const A = BigInt(`0x${srpA}`);
    const user = store.findUser(login);
    if (user === null && !settings.definition.preventUserExistenceErrors) throw unknownUser();
    if (user !== null) steps.assertMaySignIn(user);
    const decoy = (): { salt: string; verifier: string } => {
      const seed = createHmac('sha256', decoySecret).update(login).digest();
      return createPasswordVerifier(poolName, login, seed.toString('hex'), padHex(BigInt(`0x${seed.subarray(0, 16).toString('hex')}`)));
    };
    const stored = user?.password ?? decoy();
    const ephemeral = createServerEphemeral(stored.verifier);
    const userId = user?.username ?? login;
    const secretBlock = sessions.open({ kind: 'PASSWORD_VERIFIER', username: user?.username ?? null, clientId, ephemeral, A });
    return {
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeParameters: { SALT: stored.salt, SECRET_BLOCK: secretBlock, SRP_B: ephemeral.B.toString(16), USERNAME: userId, USER_ID_FOR_SRP: userId },
    };
  }

  async function refresh(params: Readonly<Record<string, string>>, clientId: string): Promise<AuthResponse> {
    return { ChallengeParameters: {}, AuthenticationResult: await tokens.refresh(param(params, 'REFRESH_TOKEN'), clientId) };
  }

  function readFlow(body: WireBody): (typeof USER_FLOWS)[number] {
    const flow = requiredString(body, 'AuthFlow', { min: 1, max: 64 });
    if (!(USER_FLOWS as readonly string[]).includes(flow)) {
      throw invalidParameter(`1 validation error detected: Value '${flow}' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [${USER_FLOWS.join(', ')}]`);
    }
    return flow as (typeof USER_FLOWS)[number];
  }

  /** The user a challenge answer is for; the USERNAME sent must name the same user. */
  function challengeUser(username: string, responses: Readonly<Record<string, string>>): StoredUser {
    const user = store.getUser(username);
    const named = responses['USERNAME'];
    if (user === null || (named !== undefined && store.findUser(named)?.username !== user.username)) throw notAuthorized(COGNITO_ERROR_MESSAGE.INCORRECT_CREDENTIALS);
    return user;
  }

  function expectKind<K extends SignInState['kind']>(state: SignInState, kind: K, clientId: string): Extract<SignInState, { kind: K }> {
    if (state.kind !== kind || state.clientId !== clientId) throw notAuthorized(COGNITO_ERROR_MESSAGE.INVALID_SESSION);
    return state as Extract<SignInState, { kind: K }>;
  }

  async function answerPasswordVerifier(responses: Readonly<Record<string, string>>, clientId: string): Promise<AuthResponse> {
    const secretBlock = param(responses, 'PASSWORD_CLAIM_SECRET_BLOCK');
    const signature = param(responses, 'PASSWORD_CLAIM_SIGNATURE');
    const timestamp = param(responses, 'TIMESTAMP');
    const state = expectKind(sessions.take(secretBlock), 'PASSWORD_VERIFIER', clientId);
    if (state.username === null) throw notAuthorized(COGNITO_ERROR_MESSAGE.INCORRECT_CREDENTIALS);
    const user = challengeUser(state.username, responses);
    lockout.assertNotLockedOut(user.username);
    if (parseSrpTimestamp(timestamp) === null) throw invalidParameter('TIMESTAMP must look like "Tue Mar 4 09:05:00 UTC 2025".');
    let key: Buffer;
    try {
      key = deriveSessionKey(state.A, state.ephemeral, user.password.verifier);
    } catch (e) {
      if (e instanceof SrpParameterError) throw notAuthorized(COGNITO_ERROR_MESSAGE.INCORRECT_CREDENTIALS);
      throw e;
    }
    if (!sameSignature(signature, passwordClaimSignature(key, poolName, user.username, secretBlock, timestamp))) {
      lockout.recordFailure(user.username);
      throw notAuthorized(COGNITO_ERROR_MESSAGE.INCORRECT_CREDENTIALS);
    }
    lockout.recordSuccess(user.username);
    steps.assertMaySignIn(user);
    return steps.afterPassword(user, clientId);
  }

  async function answerNewPassword(session: string, responses: Readonly<Record<string, string>>, clientId: string): Promise<AuthResponse> {
    const state = expectKind(sessions.peek(session), 'NEW_PASSWORD_REQUIRED', clientId);
    const user = challengeUser(state.username, responses);
    const password = param(responses, 'NEW_PASSWORD');
    if (password.length > RULE.PASSWORD.max) throw invalidParameter(`NEW_PASSWORD must have length less than or equal to ${RULE.PASSWORD.max}`);
    // Checked before the session is used up, so a rejected password can be corrected and sent again.
    assertPasswordPolicy(settings.definition.passwordPolicy, password);
    sessions.take(session);
    const attributes: Record<string, string> = { ...user.attributes };
    for (const [name, value] of Object.entries(responses)) {
      if (!name.startsWith('userAttributes.')) continue;
      const attribute = name.slice('userAttributes.'.length);
      if (attribute === 'sub' || attribute === 'email_verified' || (attribute === 'email' && settings.definition.signInWith === 'email')) {
        throw invalidParameter(`Cannot modify the non-mutable attribute ${attribute}`);
      }
      attributes[attribute] = value;
    }
    const updated: StoredUser = {
      ...user,
      attributes,
      status: 'CONFIRMED',
      temporaryPasswordExpiresAt: null,
      password: createPasswordVerifier(poolName, user.username, password),
      updatedAt: now(),
    };
    store.putUser(updated);
    return steps.afterNewPassword(updated, clientId);
  }

  async function answerSoftwareToken(session: string, responses: Readonly<Record<string, string>>, clientId: string): Promise<AuthResponse> {
    const state = expectKind(sessions.peek(session), 'SOFTWARE_TOKEN_MFA', clientId);
    const user = challengeUser(state.username, responses);
    const code = param(responses, 'SOFTWARE_TOKEN_MFA_CODE');
    lockout.assertNotLockedOut(user.username);
    const token = user.softwareToken;
    const secret = token === null ? null : decodeBase32(token.secret);
    const step = token === null || secret === null ? null : matchTotpStep(secret, code, now() / 1000, token.lastStep);
    if (step === null || token === null) {
      // Counts toward the lockout; the session stays, so the user can type the code again.
      lockout.recordFailure(user.username);
      throw new CognitoError(COGNITO_ERROR_TYPE.CODE_MISMATCH, COGNITO_ERROR_MESSAGE.MFA_CODE_MISMATCH);
    }
    sessions.take(session);
    lockout.recordSuccess(user.username);
    const updated: StoredUser = { ...user, softwareToken: { ...token, lastStep: step } };
    store.putUser(updated);
    return steps.complete(updated, clientId);
  }

  async function answerMfaSetup(session: string, responses: Readonly<Record<string, string>>, clientId: string): Promise<AuthResponse> {
    const state = expectKind(sessions.peek(session), 'MFA_SETUP', clientId);
    const user = challengeUser(state.username, responses);
    if (!state.verified) throw invalidParameter('Software token MFA has not been verified for this session: call AssociateSoftwareToken and VerifySoftwareToken with it first.');
    sessions.take(session);
    return steps.complete(user, clientId);
  }

  return {
    InitiateAuth: async function initiateAuth(body) {
      const flow = readFlow(body);
      const clientId = requiredString(body, 'ClientId', RULE.CLIENT_ID);
      assertClientId(settings, clientId);
      const params = stringMap(body, 'AuthParameters');
      switch (flow) {
        case 'USER_SRP_AUTH':
          if (!flows.userSrp) throw flowNotEnabled();
          return startSrp(param(params, 'USERNAME'), param(params, 'SRP_A'), clientId);
        case 'USER_PASSWORD_AUTH':
          if (!flows.userPassword) throw flowNotEnabled();
          return passwordSignIn(param(params, 'USERNAME'), param(params, 'PASSWORD'), clientId);
        case 'REFRESH_TOKEN_AUTH':
        case 'REFRESH_TOKEN':
          return refresh(params, clientId);
        case 'ADMIN_NO_SRP_AUTH':
        case 'ADMIN_USER_PASSWORD_AUTH':
          throw invalidParameter('Initiate Auth method not supported.');
        default:
          throw invalidParameter(`${flow} is not supported by the local user pool.`);
      }
    },
    AdminInitiateAuth: async function adminInitiateAuth(body) {
      assertUserPoolId(settings, requiredString(body, 'UserPoolId', RULE.USER_POOL_ID));
      const flow = readFlow(body);
      const clientId = requiredString(body, 'ClientId', RULE.CLIENT_ID);
      assertClientId(settings, clientId);
      const params = stringMap(body, 'AuthParameters');
      switch (flow) {
        case 'ADMIN_USER_PASSWORD_AUTH':
        case 'ADMIN_NO_SRP_AUTH':
          if (!flows.adminUserPassword) throw flowNotEnabled();
          return passwordSignIn(param(params, 'USERNAME'), param(params, 'PASSWORD'), clientId);
        case 'REFRESH_TOKEN_AUTH':
        case 'REFRESH_TOKEN':
          return refresh(params, clientId);
        default:
          throw invalidParameter(`${flow} is not supported by AdminInitiateAuth on the local user pool.`);
      }
    },
    RespondToAuthChallenge: async function respondToAuthChallenge(body) {
      const clientId = requiredString(body, 'ClientId', RULE.CLIENT_ID);
      assertClientId(settings, clientId);
      const challenge = requiredString(body, 'ChallengeName', { min: 1, max: 64 });
      const responses = stringMap(body, 'ChallengeResponses');
      const session = (): string => {
        const value = optionalString(body, 'Session', RULE.SESSION);
        if (value === undefined) throw missing('Session');
        return value;
      };
      switch (challenge) {
        case 'PASSWORD_VERIFIER':
          return answerPasswordVerifier(responses, clientId);
        case 'NEW_PASSWORD_REQUIRED':
          return answerNewPassword(session(), responses, clientId);
        case 'SOFTWARE_TOKEN_MFA':
          return answerSoftwareToken(session(), responses, clientId);
        case 'MFA_SETUP':
          return answerMfaSetup(session(), responses, clientId);
        default:
          throw invalidParameter(`ChallengeName ${challenge} is not supported by the local user pool.`);
      }
    },
    GetTokensFromRefreshToken: async function getTokensFromRefreshToken(body) {
      const refreshToken = requiredString(body, 'RefreshToken', RULE.TOKEN);
      const clientId = requiredString(body, 'ClientId', RULE.CLIENT_ID);
      assertClientId(settings, clientId);
      return { AuthenticationResult: await tokens.refresh(refreshToken, clientId) };
    },
  };
}
