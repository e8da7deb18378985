/**
 * Which `Host` header values the local server answers (DNS-rebinding protection). A page on
 * `http://evil.example` whose name is re-pointed at 127.0.0.1 reaches this server with
 * `Host: evil.example`; only the server's own names and addresses, with its port, are accepted.
 * A request whose Host is malformed is a 400, one naming another host a 403 (`http-error.ts`).
 *
 * The parsed Host is also the only part of the header that ever reaches a request URL
 * (`node-adapter.ts`): routing uses the request target alone.
 */
import { isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';

/** A `Host` header split into a lower-cased name (IPv6 without brackets) and an optional port. */
export interface ParsedHost {
  readonly hostname: string;
  readonly port: number | null;
}

/** `name`, `name:port`, `[v6]` or `[v6]:port`: nothing else (no user info, path, query or spaces). */
const HOST_PATTERN = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252}[A-Za-z0-9_.])?))(?::(\d{1,5}))?$/;

/** Parses a `Host` header value (RFC 9110 §7.2: `uri-host [ ":" port ]`); null when it is not one. */
export function parseHostHeader(raw: string): ParsedHost | null {
  const match = HOST_PATTERN.exec(raw);
  if (match === null) return null;
  const [, v6, name, portText] = match;
  if (v6 !== undefined && !isIPv6(v6)) return null;
  const port = portText === undefined ? null : Number(portText);
  if (port !== null && (port < 1 || port > 65535)) return null;
  return { hostname: normalizeHostname(v6 ?? name ?? ''), port };
}

function normalizeHostname(hostname: string): string {
  const lower = hostname.toLowerCase().replace(/\.$/, '');
  // `::0001` and `::1` are the same address: compare the canonical spelling.
  return isIPv6(lower) ? new URL(`http://[${lower}]/`).hostname.slice(1, -1) : lower;
}

/** Writes a host name for a URL authority: IPv6 addresses in brackets. */
export function formatHostname(hostname: string): string {
  return hostname.includes(':') ? `[${hostname}]` : hostname;
}

/** Every address of this machine's interfaces (what a wildcard bind answers on). */
export function localInterfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address));
}

/** How a `Host` header was judged: the accepted `host[:port]`, or the status and message of the refusal. */
export type HostVerdict =
  | { readonly ok: true; readonly authority: string }
  | { readonly ok: false; readonly status: 400 | 403; readonly message: string };

export interface HostAllowListOptions {
  /** The address the server is bound to (`--host`); `0.0.0.0` and `::` add every interface address. */
  readonly boundHost: string;
  /** The port the server listens on. */
  readonly port: number;
  /** One more name the server answers to (`--public-host`), e.g. the machine's LAN name. @default null */
  readonly publicHost?: string | null;
  /**
   * The port of the public URL (`--public-url`), when it differs from `port`: a reverse proxy or
   * tunnel forwards `Host: <publicHost>[:<publicPort>]` unchanged, and a TLS-terminating one sends
   * the name without a port over plain HTTP. The public host is then also accepted with this port or
   * without one; other names still need `port`. @default null
   */
  readonly publicPort?: number | null;
  /** The machine's interface addresses, read on a miss so a new DHCP lease counts. @default localInterfaceAddresses */
  readonly interfaceAddresses?: () => readonly string[];
}

export interface HostAllowList {
  /** The server's own names (lower case, IPv6 without brackets), interface addresses excluded. */
  readonly names: readonly string[];
  readonly port: number;
  /** Judges a `Host` header; `defaultPort` is the scheme's (80 for http, 443 for https) for a Host without a port. */
  check(raw: string | undefined, defaultPort: number): HostVerdict;
  /** True when `hostname` (as `parseHostHeader` returns it) is one of the server's own. */
  isOwnHostname(hostname: string): boolean;
  /** True when a browser origin is one of the server's own (any of its names, its port, http or https). */
  isOwnOrigin(origin: URL): boolean;
}

/** Verdicts kept per allow-list (each request is judged by its Host; clients send few distinct ones). */
const MAX_CACHED_VERDICTS = 64;

/** Loopback names a local server always answers to. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'] as const;

export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

export function createHostAllowList(options: HostAllowListOptions): HostAllowList {
  const interfaceAddresses = options.interfaceAddresses ?? localInterfaceAddresses;
  const wildcard = isWildcardHost(options.boundHost);
  const names = [...new Set([...LOOPBACK_NAMES, ...(wildcard ? [] : [normalizeHostname(options.boundHost)]), ...(options.publicHost ? [normalizeHostname(options.publicHost)] : [])])];

  function isOwnHostname(hostname: string): boolean {
    if (names.includes(hostname)) return true;
    return wildcard && interfaceAddresses().some((address) => normalizeHostname(address) === hostname);
  }
  /** True when judging `hostname` reads the interface addresses, which may change (a new DHCP lease). */
  const dependsOnInterfaces = (hostname: string): boolean => wildcard && !names.includes(hostname);

  const publicHostname = options.publicHost ? normalizeHostname(options.publicHost) : null;
  function isPublicHostThroughProxy(parsed: ParsedHost): boolean {
    const publicPort = options.publicPort ?? null;
    return publicPort !== null && parsed.hostname === publicHostname && (parsed.port === null || parsed.port === publicPort);
  }

  /** The verdict on a present Host, and whether it may be kept (it did not read the interface addresses). */
  function judgeHost(raw: string, defaultPort: number): { readonly verdict: HostVerdict; readonly keep: boolean } {
    const parsed = parseHostHeader(raw);
    if (parsed === null) return { verdict: { ok: false, status: 400, message: 'The Host header is not a valid host name and port.' }, keep: true };
    const port = parsed.port ?? defaultPort;
    if (isPublicHostThroughProxy(parsed)) return { verdict: { ok: true, authority: `${formatHostname(parsed.hostname)}:${port}` }, keep: true };
    const keep = port !== options.port || !dependsOnInterfaces(parsed.hostname);
    if (port !== options.port || !isOwnHostname(parsed.hostname)) {
      return { verdict: { ok: false, status: 403, message: 'The Host header names a host this server does not serve.' }, keep };
    }
    return { verdict: { ok: true, authority: `${formatHostname(parsed.hostname)}:${port}` }, keep };
  }

  // Verdicts that depend only on the Host and the scheme's port, so each request does one lookup.
  const verdicts = new Map<string, HostVerdict>();
  function checkHost(raw: string | undefined, defaultPort: number): HostVerdict {
    if (raw === undefined || raw === '') return { ok: false, status: 400, message: 'The Host header is missing.' };
    const id = `${defaultPort} ${raw}`;
    const known = verdicts.get(id);
    if (known !== undefined) return known;
    const { verdict, keep } = judgeHost(raw, defaultPort);
    if (keep && verdicts.size < MAX_CACHED_VERDICTS) verdicts.set(id, Object.freeze(verdict));
    return verdict;
  }

  return {
    names,
    port: options.port,
    isOwnHostname,
    check: checkHost,
    isOwnOrigin: (origin) => (origin.protocol === 'http:' || origin.protocol === 'https:') && checkHost(origin.host, origin.protocol === 'https:' ? 443 : 80).ok,
  };
}
