/**
 * The password steps of sign-in: USER_PASSWORD_AUTH / ADMIN_USER_PASSWORD_AUTH (the password sent
 * as is), and USER_SRP_AUTH with its PASSWORD_VERIFIER answer. Unknown names get a decoy SRP
 * challenge when PreventUserExistenceErrors is on.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
 */
import { createHmac } from 'node:crypto';
import { invalidParameter, notAuthorized, COGNITO_ERROR_MESSAGE } from './cognito-error.ts';
import type { AuthResponse } from './sign-in-steps.ts';
import { expectKind, challengeUser } from './sign-in-challenges.ts';
import { param, unknownUser, type SignInActionContext } from './sign-in-context.ts';
import {
  createPasswordVerifier,
  createServerEphemeral,
  deriveSessionKey,
  padHex,
  parseSrpTimestamp,
  passwordClaimSignature,
  passwordMatches,
  sameSignature,
  SrpParameterError,
} from './srp.ts';

const SRP_A_HEX = /^[0-9a-fA-F]{1,1600}$/;

export async function passwordSignIn(ctx: SignInActionContext, login: string, password: string, clientId: string): Promise<AuthResponse> {
  const { store, steps, lockout } = ctx;
  const user = store.findUser(login);
  if (user === null) throw unknownUser(ctx.settings);
  steps.assertMaySignIn(user);
  lockout.assertNotLockedOut(user.username);
  if (!passwordMatches(ctx.poolName, user.username, password, user.password)) {
    lockout.recordFailure(user.username);
    throw notAuthorized(COGNITO_ERROR_MESSAGE.INCORRECT_CREDENTIALS);
  }
  lockout.recordSuccess(user.username);
  return steps.afterPassword(user, clientId);
}

/** A stable salt and verifier for a name no user has, so its challenge looks like a real one. */
function decoyVerifier(ctx: SignInActionContext, login: string): { salt: string; verifier: string } {
  const seed = createHmac('sha256', ctx.decoySecret).update(login).digest();
  return createPasswordVerifier(ctx.poolName, login, seed.toString('hex'), padHex(BigInt(`0x${seed.subarray(0, 16).toString('hex')}`)));
}

export function startSrp(ctx: SignInActionContext, login: string, srpA: string, clientId: string): AuthResponse {
  const { settings, store, steps, sessions } = ctx;
  if (!SRP_A_HEX.test(srpA)) throw invalidParameter('SRP_A must be a hexadecimal number.');
  const A = BigInt(`0x${srpA}`);
  const user = store.findUser(login);
  if (user === null && !settings.definition.preventUserExistenceErrors) throw unknownUser(settings);
  if (user !== null) steps.assertMaySignIn(user);
  const stored = user?.password ?? decoyVerifier(ctx, login);
  const ephemeral = createServerEphemeral(stored.verifier);
  const userId = user?.username ?? login;
  const secretBlock = sessions.open({ kind: 'PASSWORD_VERIFIER', username: user?.username ?? null, clientId, ephemeral, A });
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: { SALT: stored.salt, SECRET_BLOCK: secretBlock, SRP_B: ephemeral.B.toString(16), USERNAME: userId, USER_ID_FOR_SRP: userId },
  };
}

export async function answerPasswordVerifier(ctx: SignInActionContext, responses: Readonly<Record<string, string>>, clientId: string): Promise<AuthResponse> {
  const { sessions, steps, lockout } = ctx;
  const secretBlock = param(responses, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const signature = param(responses, 'PASSWORD_CLAIM_SIGNATURE');
  const timestamp = param(responses, 'TIMESTAMP');
  const state = expectKind(sessions.take(secretBlock), 'PASSWORD_VERIFIER', clientId);
  if (state.username === null) throw notAuthorized(COGNITO_ERROR_MESSAGE.INCORRECT_CREDENTIALS);
  const user = challengeUser(ctx, state.username, responses);
  lockout.assertNotLockedOut(user.username);
  if (parseSrpTimestamp(timestamp) === null) throw invalidParameter('TIMESTAMP must look like "Tue Mar 4 09:05:00 UTC 2025".');
  let key: Buffer;
  try {
    key = deriveSessionKey(state.A, state.ephemeral, user.password.verifier);
  } catch (e) {
    if (e instanceof SrpParameterError) throw notAuthorized(COGNITO_ERROR_MESSAGE.INCORRECT_CREDENTIALS);
    throw e;
  }
  if (!sameSignature(signature, passwordClaimSignature(key, ctx.poolName, user.username, secretBlock, timestamp))) {
    lockout.recordFailure(user.username);
    throw notAuthorized(COGNITO_ERROR_MESSAGE.INCORRECT_CREDENTIALS);
  }
  lockout.recordSuccess(user.username);
  steps.assertMaySignIn(user);
  return steps.afterPassword(user, clientId);
}
