/**
 * TOTP software-token MFA: AssociateSoftwareToken and VerifySoftwareToken (with an access token, or
 * with the Session of an MFA_SETUP challenge during sign-in), and SetUserMFAPreference.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AssociateSoftwareToken.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifySoftwareToken.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserMFAPreference.html
 */
import type { ChallengeSessions } from './challenge-sessions.ts';
import { CognitoError, COGNITO_ERROR_TYPE, invalidParameter, notAuthorized, COGNITO_ERROR_MESSAGE } from './cognito-error.ts';
import type { PoolSettings } from './pool-settings.ts';
import type { CognitoAction } from './sign-in.ts';
import type { SignInState } from './sign-in-steps.ts';
import type { TokenService } from './token-service.ts';
import { createTotpSecret, decodeBase32, matchTotpStep } from './totp.ts';
import type { StoredUser, UserStore } from './user-store.ts';
import { optionalBoolean, optionalObject, optionalString, requiredString, RULE, type WireBody } from './wire.ts';

export interface MfaDeps {
  readonly settings: PoolSettings;
  readonly store: UserStore;
  readonly sessions: ChallengeSessions<SignInState>;
  readonly tokens: TokenService;
  /** @default Date.now */
  readonly now?: () => number;
}

function codeMismatch(): CognitoError {
  return new CognitoError(COGNITO_ERROR_TYPE.ENABLE_SOFTWARE_TOKEN_MFA, 'Code mismatch');
}

/** The MFA actions' dependencies, resolved once by `createMfaActions`. */
type MfaContext = Required<MfaDeps>;

/** Exactly one of AccessToken and Session. */
function readCaller(body: WireBody): { readonly accessToken: string } | { readonly session: string } {
  const accessToken = optionalString(body, 'AccessToken', RULE.TOKEN);
  const session = optionalString(body, 'Session', RULE.SESSION);
  if ((accessToken === undefined) === (session === undefined)) throw invalidParameter('Exactly one of AccessToken and Session must be given.');
  return accessToken !== undefined ? { accessToken } : { session: session ?? '' };
}

function setupState(ctx: MfaContext, session: string): Extract<SignInState, { kind: 'MFA_SETUP' }> {
  const { sessions } = ctx;
  const state = sessions.peek(session);
  if (state.kind !== 'MFA_SETUP') throw notAuthorized(COGNITO_ERROR_MESSAGE.INVALID_SESSION);
  return state;
}

function sessionUser(ctx: MfaContext, username: string): StoredUser {
  const { store } = ctx;
  const user = store.getUser(username);
  if (user === null) throw notAuthorized(COGNITO_ERROR_MESSAGE.INVALID_SESSION);
  return user;
}

async function associateSoftwareToken(ctx: MfaContext, body: WireBody): Promise<unknown> {
  const { settings, store, sessions, tokens, now } = ctx;
  if (settings.mfa === 'OFF') throw invalidParameter('MFA is not enabled for this user pool.');
  const caller = readCaller(body);
  const SecretCode = createTotpSecret();
  if ('accessToken' in caller) {
    const user = await tokens.verifyAccessToken(caller.accessToken);
    store.putUser({ ...user, pendingSoftwareTokenSecret: SecretCode, updatedAt: now() });
    return { SecretCode };
  }
  const state = setupState(ctx, caller.session);
  sessions.take(caller.session);
  return { SecretCode, Session: sessions.open({ ...state, secret: SecretCode, verified: false }) };
}

async function verifySoftwareToken(ctx: MfaContext, body: WireBody): Promise<unknown> {
  const { store, sessions, tokens, now } = ctx;
  const caller = readCaller(body);
  const code = requiredString(body, 'UserCode', RULE.USER_CODE);
  optionalString(body, 'FriendlyDeviceName', RULE.DEVICE_NAME);
  const at = now() / 1000;
  if ('accessToken' in caller) {
    const user = await tokens.verifyAccessToken(caller.accessToken);
    const secret = user.pendingSoftwareTokenSecret;
    if (secret === null) throw invalidParameter('Call AssociateSoftwareToken before VerifySoftwareToken.');
    const step = matchTotpStep(decodeBase32(secret) ?? Buffer.alloc(0), code, at);
    if (step === null) throw codeMismatch();
    store.putUser({
      ...user,
      softwareToken: { secret, lastStep: step, verified: true, enabled: user.softwareToken?.enabled ?? false },
      pendingSoftwareTokenSecret: null,
      updatedAt: now(),
    });
    return { Status: 'SUCCESS' };
  }
  const state = setupState(ctx, caller.session);
  if (state.secret === null) throw invalidParameter('Call AssociateSoftwareToken with this Session before VerifySoftwareToken.');
  const step = matchTotpStep(decodeBase32(state.secret) ?? Buffer.alloc(0), code, at);
  if (step === null) throw codeMismatch();
  const user = sessionUser(ctx, state.username);
  store.putUser({ ...user, softwareToken: { secret: state.secret, lastStep: step, verified: true, enabled: true }, updatedAt: now() });
  sessions.take(caller.session);
  return { Status: 'SUCCESS', Session: sessions.open({ ...state, verified: true }) };
}

async function setUserMfaPreference(ctx: MfaContext, body: WireBody): Promise<unknown> {
  const { settings, store, tokens, now } = ctx;
  const user = await tokens.verifyAccessToken(requiredString(body, 'AccessToken', RULE.TOKEN));
  const totp = optionalObject(body, 'SoftwareTokenMfaSettings');
  for (const other of ['SMSMfaSettings', 'EmailMfaSettings'] as const) {
    const settingsOf = optionalObject(body, other);
    if (settingsOf !== undefined && (optionalBoolean(settingsOf, 'Enabled') === true || optionalBoolean(settingsOf, 'PreferredMfa') === true)) {
      throw invalidParameter(`${other}: the pool offers TOTP software tokens only.`);
    }
  }
  if (totp === undefined) return {};
  const enabled = optionalBoolean(totp, 'Enabled');
  const preferred = optionalBoolean(totp, 'PreferredMfa');
  if (settings.mfa === 'OFF' && (enabled === true || preferred === true)) throw invalidParameter('MFA is not enabled for this user pool.');
  if ((enabled === true || preferred === true) && user.softwareToken?.verified !== true) throw invalidParameter('User has not verified software token mfa');
  if (user.softwareToken !== null && enabled !== undefined) {
    store.putUser({ ...user, softwareToken: { ...user.softwareToken, enabled }, updatedAt: now() });
  }
  return {};
}

export function createMfaActions(deps: MfaDeps): Record<string, CognitoAction> {
  const ctx: MfaContext = { ...deps, now: deps.now ?? Date.now };
  return {
    AssociateSoftwareToken: (body) => associateSoftwareToken(ctx, body),
    VerifySoftwareToken: (body) => verifySoftwareToken(ctx, body),
    SetUserMFAPreference: (body) => setUserMfaPreference(ctx, body),
  };
}
