/**
 * What the sign-in panel shows (plain DOM, browser code): the name and password fields with
 * "Sign in" (and "Sign up" for self sign-up pools), one code field for whatever the pool asks next
 * (confirmation code, new password, TOTP setup or code), the signed-in user with "Sign out", and a
 * status line. `sign-in-panel.ts` drives it.
 */
import { el } from './dom.ts';
import type { PageUserPool } from './page-config.ts';
import './sign-in.css';
import type { SignedInUser, SignInStep } from './user-pool-client.ts';

/** A step the code field answers. */
export type CodeStep = Exclude<SignInStep, { readonly kind: 'done' } | { readonly kind: 'unsupported' }>;

const CODE_PROMPTS: Readonly<Record<CodeStep['kind'], { readonly label: string; readonly button: string }>> = {
  'confirm-sign-up': { label: 'Confirmation code (printed in the server log)', button: 'Confirm' },
  'new-password': { label: 'New password', button: 'Set password' },
  'totp-setup': { label: 'Code from your authenticator app', button: 'Verify' },
  'totp-code': { label: 'Code from your authenticator app', button: 'Verify' },
};

export interface SignInView {
  readonly form: HTMLFormElement;
  readonly signUpButton: HTMLButtonElement;
  readonly signOutButton: HTMLButtonElement;
  /** Name and password as typed (the name trimmed). */
  credentials(): { readonly name: string; readonly password: string };
  /** The code field's value (a new password is not trimmed). */
  answer(): string;
  clearPassword(): void;
  setStatus(text: string, kind?: 'info' | 'error'): void;
  setBusy(busy: boolean): void;
  showUser(user: SignedInUser | undefined): void;
  showCodeStep(step: CodeStep): void;
}

export function createSignInView(pool: PageUserPool): SignInView {
  const byEmail = pool.signInWith === 'email';
  const nameInput = el('input', { 'data-testid': 'sign-in-name', type: byEmail ? 'email' : 'text', placeholder: byEmail ? 'E-mail address' : 'Username', autocomplete: 'username' });
  const passwordInput = el('input', { 'data-testid': 'sign-in-password', type: 'password', placeholder: 'Password', autocomplete: 'current-password' });
  const signInButton = el('button', { type: 'submit', 'data-testid': 'sign-in-button' }, 'Sign in');
  const signUpButton = el('button', { type: 'button', 'data-testid': 'sign-up-button', class: 'secondary' }, 'Sign up');
  const credentialsRow = el('div', { class: 'sign-in-row' }, nameInput, passwordInput, signInButton, pool.signUp === 'self' ? signUpButton : null);

  const codeLabel = el('span', {});
  const codeInput = el('input', { 'data-testid': 'sign-in-code', autocomplete: 'one-time-code' });
  const codeButton = el('button', { type: 'submit', 'data-testid': 'sign-in-confirm' }, 'Confirm');
  const totpSecret = el('code', { 'data-testid': 'totp-secret' });
  const codeRow = el('div', { class: 'sign-in-row', hidden: '' }, el('label', {}, codeLabel, ' ', codeInput), codeButton, totpSecret);

  const userLabel = el('strong', { 'data-testid': 'signed-in-user' });
  const signOutButton = el('button', { type: 'button', 'data-testid': 'sign-out-button', class: 'secondary' }, 'Sign out');
  const signedInRow = el('div', { class: 'sign-in-row', hidden: '' }, el('span', {}, 'Signed in as ', userLabel), signOutButton);

  const status = el('span', { 'data-testid': 'sign-in-status', class: 'sign-in-status', role: 'status' });
  const adminHint = pool.signUp === 'admin-only' ? el('span', { class: 'sign-in-hint' }, 'Accounts are made with ', el('code', {}, 'npm run user -- add <e-mail>'), '.') : null;
  // A form, because browsers warn about password fields outside one.
  const form = el('form', { class: 'sign-in-panel', 'aria-label': 'Sign in', 'data-testid': 'sign-in-panel' }, credentialsRow, codeRow, signedInRow, status, adminHint);

  return {
    form,
    signUpButton,
    signOutButton,
    credentials: () => ({ name: nameInput.value.trim(), password: passwordInput.value }),
    answer: () => (codeInput.type === 'password' ? codeInput.value : codeInput.value.trim()),
    clearPassword: () => {
      passwordInput.value = '';
    },
    setStatus: function setSignInStatus(text, kind = 'info') {
      status.textContent = text;
      status.dataset['kind'] = kind;
    },
    setBusy: function setSignInBusy(busy) {
      for (const button of [signInButton, signUpButton, codeButton, signOutButton]) button.disabled = busy;
    },
    showUser: function showSignedInUser(user) {
      credentialsRow.hidden = user !== undefined;
      codeRow.hidden = true;
      signedInRow.hidden = user === undefined;
      userLabel.textContent = user?.signInName ?? '';
      userLabel.dataset['sub'] = user?.sub ?? '';
      if (adminHint) adminHint.hidden = user !== undefined;
    },
    showCodeStep: function showCodeStep(step) {
      const prompt = CODE_PROMPTS[step.kind];
      codeLabel.textContent = prompt.label;
      codeButton.textContent = prompt.button;
      codeInput.value = '';
      codeInput.type = step.kind === 'new-password' ? 'password' : 'text';
      codeInput.autocomplete = step.kind === 'new-password' ? 'new-password' : 'one-time-code';
      totpSecret.textContent = step.kind === 'totp-setup' ? `Secret: ${step.sharedSecret}` : '';
      totpSecret.title = step.kind === 'totp-setup' ? step.setupUri : '';
      credentialsRow.hidden = true;
      codeRow.hidden = false;
      codeInput.focus();
    },
  };
}
