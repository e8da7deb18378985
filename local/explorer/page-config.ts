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
  return {
    apiKey: v['apiKey'] as string,
    graphqlPath: v['graphqlPath'] as string,
    realtimePath: v['realtimePath'] as string,
    tokenHint: v['tokenHint'] as string,
    allowedContentTypes: v['allowedContentTypes'],
  };
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
