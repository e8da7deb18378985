/**
 * The auth choice shared by the explorer and the demo page (browser code): the local API key, or a
 * user-pool token pasted by the user. Only the mode and the token are persisted (localStorage), so a
 * restarted server with another `API_KEY` is picked up on reload.
 */
import type { AuthorizationHeader } from './appsync-realtime-client.ts';

export const AUTH_MODE = {
  API_KEY: 'API_KEY',
  AMAZON_COGNITO_USER_POOLS: 'AMAZON_COGNITO_USER_POOLS',
} as const;
export type AuthMode = (typeof AUTH_MODE)[keyof typeof AUTH_MODE];

export interface AuthSettings {
  readonly mode: AuthMode;
  /** The local API key, from the page config. */
  readonly apiKey: string;
  /** A user-pool (JWT) token as pasted; empty when none. */
  readonly token: string;
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
    mode: mode === AUTH_MODE.AMAZON_COGNITO_USER_POOLS ? AUTH_MODE.AMAZON_COGNITO_USER_POOLS : AUTH_MODE.API_KEY,
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

/** HTTP headers for `POST /graphql` (`spec/appsync-protocol.md` §1): `x-api-key` or `Authorization`. */
export function httpAuthHeaders(settings: AuthSettings): Record<string, string> {
  if (settings.mode === AUTH_MODE.AMAZON_COGNITO_USER_POOLS) return { Authorization: settings.token.trim() };
  return { 'x-api-key': settings.apiKey };
}

/** `yyyymmddThhmmssZ`, as Amplify writes `x-amz-date` (§2.3). */
export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * The realtime header object of §2.3. `host` is the GraphQL endpoint's host (with port); for API
 * keys Amplify also sends `x-amz-date`.
 */
export function realtimeAuthorization(settings: AuthSettings, host: string, now: Date): AuthorizationHeader {
  if (settings.mode === AUTH_MODE.AMAZON_COGNITO_USER_POOLS) return { Authorization: settings.token.trim(), host };
  return { host, 'x-amz-date': formatAmzDate(now), 'x-api-key': settings.apiKey };
}
