/**
 * The auth choice shared by the explorer and the demo page (browser code): the local API key, a
 * user-pool token pasted by the user, or the ID token of the user signed in through the local pool
 * (`user-pool-client.ts`). Only the mode and the pasted token are persisted (localStorage), so a
 * restarted server with another `API_KEY` is picked up on reload; Amplify keeps its own session.
 */
import type { AuthorizationHeader } from './appsync-realtime-client.ts';

export const AUTH_MODE = {
  API_KEY: 'API_KEY',
  /** A pasted token. */
  AMAZON_COGNITO_USER_POOLS: 'AMAZON_COGNITO_USER_POOLS',
  /** AMAZON_COGNITO_USER_POOLS with the signed-in user's ID token, read before every call. */
  SIGNED_IN_USER: 'SIGNED_IN_USER',
} as const;
export type AuthMode = (typeof AUTH_MODE)[keyof typeof AUTH_MODE];

export interface AuthSettings {
  readonly mode: AuthMode;
  /** The local API key, from the page config. */
  readonly apiKey: string;
  /** A user-pool (JWT) token as pasted (or, once resolved, the signed-in user's); empty when none. */
  readonly token: string;
}

/** A persisted mode name, or the API key for anything else. */
export function parseAuthMode(value: unknown): AuthMode {
  return value === AUTH_MODE.AMAZON_COGNITO_USER_POOLS || value === AUTH_MODE.SIGNED_IN_USER ? value : AUTH_MODE.API_KEY;
}

/** The localStorage key; both pages use it, so a token pasted in one applies to the other. */
export const AUTH_STORAGE_KEY = 'asset-api:auth';

/** The part of `Storage` used here (absent when storage is blocked). */
export interface SettingsStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Reads the persisted choice; anything unreadable falls back to the API key. */
export function loadAuthSettings(storage: SettingsStorage | undefined, apiKey: string): AuthSettings {
  const fallback: AuthSettings = { mode: AUTH_MODE.API_KEY, apiKey, token: '' };
  let raw: string | null = null;
  try {
    raw = storage?.getItem(AUTH_STORAGE_KEY) ?? null;
  } catch {
    return fallback;
  }
  if (raw === null) return fallback;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return fallback;
  }
  if (typeof value !== 'object' || value === null) return fallback;
  const { mode, token } = value as { mode?: unknown; token?: unknown };
  return {
    mode: parseAuthMode(mode),
    apiKey,
    token: typeof token === 'string' ? token : '',
  };
}

export function saveAuthSettings(storage: SettingsStorage | undefined, settings: AuthSettings): void {
  try {
    storage?.setItem(AUTH_STORAGE_KEY, JSON.stringify({ mode: settings.mode, token: settings.token }));
  } catch {
    // Storage full or blocked: the choice then lasts until reload, which is acceptable for a dev tool.
  }
}

/**
 * The settings a call is made with: for the signed-in user, the user-pool mode with the current ID
 * token (`idToken` refreshes it when it has expired; empty when nobody is signed in, which AppSync
 * answers with its 401 body); other modes as they are.
 */
export async function resolveAuthSettings(settings: AuthSettings, idToken: () => Promise<string | undefined>): Promise<AuthSettings> {
  if (settings.mode !== AUTH_MODE.SIGNED_IN_USER) return settings;
  return { ...settings, token: (await idToken()) ?? '' };
}

/** HTTP headers for `POST /graphql` (docs/APPSYNC-BEHAVIOUR.md#auth-mode-detection): `x-api-key` or `Authorization`. */
export function httpAuthHeaders(settings: AuthSettings): Record<string, string> {
  if (settings.mode !== AUTH_MODE.API_KEY) return { Authorization: settings.token.trim() };
  return { 'x-api-key': settings.apiKey };
}

/** `yyyymmddThhmmssZ`, as Amplify writes `x-amz-date` (docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake). */
export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * The realtime header object (docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake). `host` is the GraphQL endpoint's host (with port); for API
 * keys Amplify also sends `x-amz-date`.
 */
export function realtimeAuthorization(settings: AuthSettings, host: string, now: Date): AuthorizationHeader {
  if (settings.mode !== AUTH_MODE.API_KEY) return { Authorization: settings.token.trim(), host };
  return { host, 'x-amz-date': formatAmzDate(now), 'x-api-key': settings.apiKey };
}

/**
 * The choice after the sign-in panel reports a user. Signing in here switches to that user; a
 * session restored on load keeps the stored choice. Without a user (signed out, no stored session)
 * the signed-in mode falls back to the API key; other choices stay.
 */
export function settingsForUser(settings: AuthSettings, signedIn: boolean, cause: 'restored' | 'changed'): AuthSettings {
  if (signedIn) return cause === 'changed' ? { ...settings, mode: AUTH_MODE.SIGNED_IN_USER } : settings;
  return settings.mode === AUTH_MODE.SIGNED_IN_USER ? { ...settings, mode: AUTH_MODE.API_KEY } : settings;
}
