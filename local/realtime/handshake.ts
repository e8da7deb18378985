/**
 * Reads the connection-level auth "header object" from a WebSocket opening request, by any of the
 * three transports clients use (docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake): a `header-<base64url>` sub-protocol
 * (Amplify >= 6.6), the `header`/`payload` query parameters (Amplify <= 6.5, older links), or plain
 * HTTP headers. Keys come back lower-cased, as the authenticator wants them.
 */

export const GRAPHQL_WS_PROTOCOL = 'graphql-ws';
const HEADER_PROTOCOL_PREFIX = 'header-';

export interface UpgradeRequest {
  /** The request target as sent (path and raw query string). */
  readonly url: string;
  /** Lower-cased HTTP header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Sub-protocols offered in `Sec-WebSocket-Protocol`, in order. */
  readonly protocols: readonly string[];
}

export type HandshakeSource = 'subprotocol' | 'query' | 'headers';

export interface Handshake {
  readonly source: HandshakeSource;
  /** The header object, keys lower-cased; `{}` when it could not be decoded. */
  readonly headers: Readonly<Record<string, string>>;
}

/** The server always answers `graphql-ws`, never the `header-…` token (docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake). */
export function selectProtocol(offered: ReadonlySet<string>): string | false {
  return offered.has(GRAPHQL_WS_PROTOCOL) ? GRAPHQL_WS_PROTOCOL : false;
}

/** Lenient base64: standard or URL-safe alphabet, padding optional (Node's decoder accepts both). */
function decodeHeaderObject(encoded: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key.toLowerCase()] = v;
  return out;
}

/** The raw value of a query parameter; `+` stays `+` because clients write base64 unencoded. */
function rawQueryParam(url: string, name: string): string | null {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq) === name) {
      const value = pair.slice(eq + 1);
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return null;
}

/** Extracts the header object; sub-protocol first, then query string, then HTTP headers. */
export function readHandshake(upgrade: UpgradeRequest): Handshake {
  const offered = upgrade.protocols.find((p) => p.startsWith(HEADER_PROTOCOL_PREFIX));
  if (offered !== undefined) return { source: 'subprotocol', headers: decodeHeaderObject(offered.slice(HEADER_PROTOCOL_PREFIX.length)) };
  const header = rawQueryParam(upgrade.url, 'header');
  if (header !== null) return { source: 'query', headers: decodeHeaderObject(header) };
  const { headers } = upgrade;
  const own: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('sec-websocket-') || name === 'upgrade' || name === 'connection') continue;
    own[name] = value;
  }
  return { source: 'headers', headers: own };
}
