/**
 * The "Sign in" panel of the explorer and the demo (plain DOM, browser code): sign in, sign up
 * (self sign-up pools) with its confirmation code, the challenges the pool may send next (new
 * password, TOTP setup and codes), and sign out. Calls go through `user-pool-client.ts`, the fields
 * are `sign-in-view.ts`; the page learns the signed-in user from `onUser`.
 */
import { errorMessage } from './dom.ts';
import type { PageUserPool } from './page-config.ts';
import { createSignInView, type CodeStep } from './sign-in-view.ts';
import type { SignedInUser, SignInStep, UserPoolClient } from './user-pool-client.ts';

export interface SignInPanelDeps {
  readonly client: UserPoolClient;
  readonly pool: PageUserPool;
  /**
   * Told the user (undefined when signed out): `restored` after `refresh` read the stored session,
   * `changed` after the user signed in or out here.
   */
  readonly onUser: (user: SignedInUser | undefined, cause: 'restored' | 'changed') => void;
}

export interface SignInPanel {
  readonly element: HTMLElement;
  /** Reads Amplify's stored session, so a reload shows who is signed in. */
  refresh(): Promise<void>;
}

export function createSignInPanel(deps: SignInPanelDeps): SignInPanel {
  const { client } = deps;
  const view = createSignInView(deps.pool);
  /** The step the code field answers, and the credentials a confirmed sign-up signs in with. */
  let codeStep: CodeStep | undefined;
  let pending = { name: '', password: '' };

  function showUser(user: SignedInUser | undefined, cause: 'restored' | 'changed'): void {
    codeStep = undefined;
    view.showUser(user);
    deps.onUser(user, cause);
  }

  async function follow(step: SignInStep): Promise<void> {
    if (step.kind === 'done') {
      view.setStatus('');
      return showUser(await client.currentUser(), 'changed');
    }
    if (step.kind === 'unsupported') return view.setStatus(`The pool asks for ${step.name}, which this page does not handle.`, 'error');
    codeStep = step;
    view.showCodeStep(step);
    view.setStatus(step.kind === 'totp-setup' ? 'Add this secret to an authenticator app, then enter its code.' : '');
  }

  async function answerCode(): Promise<void> {
    if (codeStep?.kind === 'confirm-sign-up') {
      await client.confirmSignUp(pending.name, view.answer());
      return follow(await client.signIn(pending.name, pending.password));
    }
    return follow(await client.confirmSignIn(view.answer()));
  }

  /** Runs one user action with the buttons disabled; a failure is shown in the status line. */
  async function act(action: () => Promise<void>, busy: string): Promise<void> {
    view.setBusy(true);
    view.setStatus(busy);
    try {
      await action();
    } catch (error) {
      view.setStatus(errorMessage(error), 'error');
    } finally {
      view.setBusy(false);
    }
  }

  view.form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (codeStep !== undefined) {
      void act(answerCode, 'Checking…');
      return;
    }
    pending = view.credentials();
    void act(async () => follow(await client.signIn(pending.name, pending.password)), 'Signing in…');
  });
  view.signUpButton.addEventListener('click', () => {
    pending = view.credentials();
    void act(async () => {
      const step = await client.signUp(pending.name, pending.password);
      // A pool that confirms at once (`--auto-confirm`) needs no code: sign in right away.
      await follow(step.kind === 'done' ? await client.signIn(pending.name, pending.password) : step);
    }, 'Signing up…');
  });
  view.signOutButton.addEventListener('click', () => {
    void act(async () => {
      await client.signOut();
      view.clearPassword();
      view.setStatus('Signed out.');
      showUser(undefined, 'changed');
    }, 'Signing out…');
  });

  return {
    element: view.form,
    refresh: async function refreshSignIn() {
      showUser(await client.currentUser(), 'restored');
    },
  };
}
