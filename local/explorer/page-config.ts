/**
 * The settings the server hands to the explorer and demo pages, embedded in the HTML as a JSON
 * script element (no extra request, no globals). Read in the browser with `readPageConfig`.
 */

export interface PageConfig {
  /** The local API key, preset in both pages. */
  readonly apiKey: string;
  /** Path of the GraphQL endpoint, on the page's own origin. */
  readonly graphqlPath: string;
  /** Path of the realtime endpoint, on the page's own origin. */
  readonly realtimePath: string;
  /** A hint shown next to the token field (e.g. how to mint a dev token). */
  readonly tokenHint: string;
  /** Content types `createUpload` accepts; the demo falls back to `application/octet-stream`. */
  readonly allowedContentTypes: readonly string[];
  /** The local Cognito user pool the pages sign in with; null hides their sign-in panel. */
  readonly userPool: PageUserPool | null;
}

/**
 * What Amplify's `Auth.Cognito` needs (`userPoolId`, `userPoolClientId`, `userPoolEndpoint` built
 * from `path` on the page's own origin) and what the sign-in panel shows (README.md, "Sign-in
 * (local user pool)").
 */
export interface PageUserPool {
  /** Path of the pool's endpoint on the page's own origin, e.g. `/cognito-idp/`. */
  readonly path: string;
  readonly userPoolId: string;
  readonly clientId: string;
  /** 'self' shows a sign-up form; 'admin-only' points at `npm run user`. */
  readonly signUp: 'admin-only' | 'self';
  /** What users type to sign in. */
  readonly signInWith: 'email' | 'username';
  /** Sign-ups are confirmed at once (`--auto-confirm`); otherwise the code is in the server log. */
  readonly autoConfirm: boolean;
}

export const PAGE_CONFIG_ELEMENT_ID = 'asset-api-config';

/** The config as a `<script type="application/json">` body; `<` is escaped so it cannot end the element. */
export function serializePageConfig(config: PageConfig): string {
  return JSON.stringify(config).replace(/</g, '\\u003c');
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** Parses the embedded config; throws naming the field that is wrong. */
export function parsePageConfig(text: string): PageConfig {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null) throw new Error('page config: expected an object');
  const v = value as Record<string, unknown>;
  for (const key of ['apiKey', 'graphqlPath', 'realtimePath', 'tokenHint'] as const) {
    if (typeof v[key] !== 'string') throw new Error(`page config: ${key} must be a string, got ${typeof v[key]}`);
  }
  if (!isStringArray(v['allowedContentTypes'])) throw new Error('page config: allowedContentTypes must be a string array');
  const userPool = v['userPool'] === undefined || v['userPool'] === null ? null : parseUserPool(v['userPool']);
  return {
    apiKey: v['apiKey'] as string,
    graphqlPath: v['graphqlPath'] as string,
    realtimePath: v['realtimePath'] as string,
    tokenHint: v['tokenHint'] as string,
    allowedContentTypes: v['allowedContentTypes'],
    userPool,
  };
}

function parseUserPool(value: unknown): PageUserPool {
  if (typeof value !== 'object' || value === null) throw new Error(`page config: userPool must be an object or null, got ${typeof value}`);
  const v = value as Record<string, unknown>;
  for (const key of ['path', 'userPoolId', 'clientId'] as const) {
    if (typeof v[key] !== 'string') throw new Error(`page config: userPool.${key} must be a string, got ${typeof v[key]}`);
  }
  const { signUp, signInWith, autoConfirm } = v;
  if (signUp !== 'self' && signUp !== 'admin-only') throw new Error(`page config: userPool.signUp must be 'self' or 'admin-only', got ${JSON.stringify(signUp)}`);
  if (signInWith !== 'email' && signInWith !== 'username') throw new Error(`page config: userPool.signInWith must be 'email' or 'username', got ${JSON.stringify(signInWith)}`);
  if (typeof autoConfirm !== 'boolean') throw new Error(`page config: userPool.autoConfirm must be a boolean, got ${typeof autoConfirm}`);
  return { path: v['path'] as string, userPoolId: v['userPoolId'] as string, clientId: v['clientId'] as string, signUp, signInWith, autoConfirm };
}

/** Browser only: the config embedded in the current document. */
export function readPageConfig(doc: Document): PageConfig {
  const element = doc.getElementById(PAGE_CONFIG_ELEMENT_ID);
  if (!element?.textContent) throw new Error(`page config: element #${PAGE_CONFIG_ELEMENT_ID} missing`);
  return parsePageConfig(element.textContent);
}

/** `ws://` or `wss://` URL of a path on the page's own origin. */
export function websocketUrl(location: { readonly protocol: string; readonly host: string }, path: string): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
}
