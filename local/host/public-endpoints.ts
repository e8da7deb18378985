/**
 * The addresses `npm start` hands to clients (docs/devices.md): the origin announced in the banner
 * and `amplify_outputs.json`, the URLs built on an origin, and the names the TLS certificate carries.
 *
 * The announced origin is `--public-url` when given; else the bound address, or for a wildcard bind
 * (`--host 0.0.0.0`) the machine's first private IPv4 address, so a phone on the same network can
 * use the file as written. Its scheme is `https` while TLS is on: Amplify dials `wss://` anyway, iOS
 * (App Transport Security) and Android 9+ (cleartext off by default) refuse plain HTTP, so one trusted
 * CA serves every client.
 */
import { isIP } from 'node:net';
import { formatHostname, isWildcardHost } from '../http/host-allow-list.ts';
import { GRAPHQL_PATH } from '../http/router.ts';
import { REALTIME_PATH } from '../realtime/ws-adapter.ts';
import { CA_CRT_PATH, CA_PEM_PATH } from '../tls/ca-routes.ts';
import { isPermittedName } from '../tls/local-ca.ts';

/** Where the embedded S3 front is served on the API's port: presigned URLs are `<origin>/s3/<bucket>/<key>`. */
export const S3_PATH = '/s3';

export interface PublicEndpoints {
  readonly origin: string;
  readonly graphqlUrl: string;
  /** `wss://` (or `ws://` for an `http` origin) `…/graphql/realtime`. */
  readonly realtimeUrl: string;
  readonly explorerUrl: string;
  /** The local user pool (Amplify's `Auth.Cognito.userPoolEndpoint`). */
  readonly userPoolEndpoint: string;
  /** The embedded S3 front, path style (what presigned URLs name). */
  readonly s3Endpoint: string;
  readonly caPemUrl: string;
  readonly caCrtUrl: string;
}

/** The URLs of the API on `origin` (`http(s)://host[:port]`). */
export function publicEndpoints(origin: string, userPoolPath: string): PublicEndpoints {
  // http -> ws, https -> wss.
  const realtimeOrigin = origin.replace(/^http/, 'ws');
  return {
    origin,
    graphqlUrl: `${origin}${GRAPHQL_PATH}`,
    realtimeUrl: `${realtimeOrigin}${REALTIME_PATH}`,
    explorerUrl: `${origin}/`,
    userPoolEndpoint: `${origin}${userPoolPath}`,
    s3Endpoint: `${origin}${S3_PATH}`,
    caPemUrl: `${origin}${CA_PEM_PATH}`,
    caCrtUrl: `${origin}${CA_CRT_PATH}`,
  };
}

export interface AnnouncedOriginOptions {
  readonly publicUrl: string | null;
  readonly boundHost: string;
  readonly port: number;
  readonly tls: boolean;
  /** The machine's interface addresses (`localInterfaceAddresses`). */
  readonly interfaceAddresses: readonly string[];
}

/** A private, non-loopback IPv4 address of this machine (what a phone on the LAN dials), if any. */
export function lanAddresses(interfaceAddresses: readonly string[]): string[] {
  return interfaceAddresses.filter((address) => isIP(address) === 4 && !address.startsWith('127.') && isPermittedName(address));
}

export function announcedOrigin(options: AnnouncedOriginOptions): string {
  if (options.publicUrl !== null) return options.publicUrl;
  const host = isWildcardHost(options.boundHost) ? (lanAddresses(options.interfaceAddresses)[0] ?? '127.0.0.1') : options.boundHost;
  return `${options.tls ? 'https' : 'http'}://${formatHostname(host)}:${options.port}`;
}

export interface CertificateNamesOptions {
  readonly boundHost: string;
  /** `--public-host` (or the host of `--public-url`). */
  readonly publicHost: string | null;
  readonly interfaceAddresses: readonly string[];
}

/**
 * The names the server certificate carries: loopback, the bound host, the public host and, for a
 * wildcard bind, every interface address. Names outside the CA's constraints are left out (one would
 * make the whole certificate fail, `local/tls/local-ca.ts`) and returned so the host can say so.
 */
export function certificateNames(options: CertificateNamesOptions): { readonly names: string[]; readonly refused: string[] } {
  const wanted = [
    'localhost',
    '127.0.0.1',
    '::1',
    ...(isWildcardHost(options.boundHost) ? options.interfaceAddresses : [options.boundHost]),
    ...(options.publicHost === null ? [] : [options.publicHost]),
  ].map((name) => name.toLowerCase());
  const unique = [...new Set(wanted)];
  return { names: unique.filter(isPermittedName), refused: unique.filter((name) => !isPermittedName(name)) };
}
