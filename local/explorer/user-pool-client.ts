/**
 * Sign-in for the pages through the local Cognito user pool (browser code), with Amplify JS v6's own
 * Auth: SRP sign-in, sign-up and its confirmation, the `confirmSignIn` challenges the pool sends
 * (new password, TOTP setup and codes), sign-out, and the current ID token (refreshed by
 * `fetchAuthSession` when it has expired). Amplify keeps the session in localStorage, so the explorer
 * and the demo (same origin) share it. README.md, "Sign-in (local user pool)", lists what the pool
 * supports; https://docs.amplify.aws/gen1/javascript/build-a-backend/auth/ describes the calls.
 */
import { Amplify } from 'aws-amplify';
import {
  confirmSignIn,
  confirmSignUp,
  fetchAuthSession,
  getCurrentUser,
  signIn,
  signOut,
  signUp,
  type SignInOutput,
} from 'aws-amplify/auth';
import { ConsoleLogger } from 'aws-amplify/utils';
import type { PageUserPool } from './page-config.ts';

/** Where a sign-in stands after a call, reduced to what the panel asks the user for. */
export type SignInStep =
  | { readonly kind: 'done' }
  | { readonly kind: 'confirm-sign-up' }
  | { readonly kind: 'new-password' }
  | { readonly kind: 'totp-setup'; readonly sharedSecret: string; readonly setupUri: string }
  | { readonly kind: 'totp-code' }
  /** A step the panel does not handle (Amplify's `signInStep` name). */
  | { readonly kind: 'unsupported'; readonly name: string };

export interface SignedInUser {
  /** What the user typed to sign in (e-mail address or username). */
  readonly signInName: string;
  /** The `sub` claim: the owner of the assets this user creates. */
  readonly sub: string;
}

export interface UserPoolClient {
  /** `SignUp`; `confirm-sign-up` unless the pool confirms at once (then `done`: sign in next). */
  signUp(name: string, password: string): Promise<SignInStep>;
  /** `ConfirmSignUp` with the code from the server log. */
  confirmSignUp(name: string, code: string): Promise<void>;
  signIn(name: string, password: string): Promise<SignInStep>;
  /** Answers the current challenge (a new password or a TOTP code). */
  confirmSignIn(answer: string): Promise<SignInStep>;
  signOut(): Promise<void>;
  /** The signed-in user, or undefined. */
  currentUser(): Promise<SignedInUser | undefined>;
  /** The ID token (the `Authorization` value AppSync takes for user pools), or undefined. */
  idToken(): Promise<string | undefined>;
}

/** The account name Amplify shows for a TOTP setup URI. */
const TOTP_APP_NAME = 'Asset API (local)';

function stepOf(output: SignInOutput, signInName: string): SignInStep {
  const { nextStep } = output;
  switch (nextStep.signInStep) {
    case 'DONE':
      return { kind: 'done' };
    case 'CONFIRM_SIGN_UP':
      return { kind: 'confirm-sign-up' };
    case 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED':
      return { kind: 'new-password' };
    case 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP':
      return {
        kind: 'totp-setup',
        sharedSecret: nextStep.totpSetupDetails.sharedSecret,
        setupUri: nextStep.totpSetupDetails.getSetupUri(TOTP_APP_NAME, signInName).toString(),
      };
    case 'CONFIRM_SIGN_IN_WITH_TOTP_CODE':
      return { kind: 'totp-code' };
    default:
      return { kind: 'unsupported', name: nextStep.signInStep };
  }
}

/** The `sub` claim of a JWT's payload (base64url JSON), or undefined. */
function subOf(payload: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const sub = payload?.['sub'];
  return typeof sub === 'string' ? sub : undefined;
}

/**
 * Configures Amplify for the pool at `pool.path` on `origin` (Amplify then POSTs every Cognito call
 * there, `Auth.Cognito.userPoolEndpoint`) and returns the calls the sign-in panel makes.
 */
export function createUserPoolClient(pool: PageUserPool, origin: string): UserPoolClient {
  // Amplify warns on every call that a custom `userPoolEndpoint` is in use, which here is the point.
  ConsoleLogger.LOG_LEVEL = 'ERROR';
  Amplify.configure({
    Auth: { Cognito: { userPoolId: pool.userPoolId, userPoolClientId: pool.clientId, userPoolEndpoint: new URL(pool.path, origin).href } },
  });
  /** The name of the sign-in under way, for the TOTP setup URI. */
  let pendingName = '';

  return {
    signUp: async function signUpUser(name, password) {
      const output = await signUp({ username: name, password, ...(pool.signInWith === 'email' ? { options: { userAttributes: { email: name } } } : {}) });
      return output.nextStep.signUpStep === 'CONFIRM_SIGN_UP' ? { kind: 'confirm-sign-up' } : { kind: 'done' };
    },
    confirmSignUp: async function confirmSignUpUser(name, code) {
      await confirmSignUp({ username: name, confirmationCode: code });
    },
    signIn: async function signInUser(name, password) {
      pendingName = name;
      return stepOf(await signIn({ username: name, password }), name);
    },
    confirmSignIn: async function confirmSignInUser(answer) {
      return stepOf(await confirmSignIn({ challengeResponse: answer }), pendingName);
    },
    signOut: function signOutUser() {
      return signOut();
    },
    currentUser: async function readCurrentUser() {
      try {
        const user = await getCurrentUser();
        const { tokens } = await fetchAuthSession();
        const sub = subOf(tokens?.idToken?.payload) ?? user.userId;
        return { signInName: user.signInDetails?.loginId ?? user.username, sub };
      } catch {
        // UserUnAuthenticatedException: nobody is signed in.
        return undefined;
      }
    },
    idToken: async function readIdToken() {
      try {
        const { tokens } = await fetchAuthSession();
        return tokens?.idToken?.toString();
      } catch {
        return undefined;
      }
    },
  };
}
