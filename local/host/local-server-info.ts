/**
 * What `startLocalServer` tells its caller once ready: the local URLs (on the bound address), the
 * announced ones (`public-endpoints.ts`), the app configuration for them and the local identities.
 */
import { createAmplifyOutputs, type AmplifyOutputs } from '../../api/amplify-outputs.ts';
import type { ApiDefinition } from '../../api/types.ts';
import type { LocalUserPool } from '../cognito/index.ts';
import type { AwsCredentials } from '../config.ts';
import { GRAPHQL_PATH } from '../http/router.ts';
import { REALTIME_PATH } from '../realtime/ws-adapter.ts';
import { publicEndpoints, type PublicEndpoints } from './public-endpoints.ts';

export interface LocalServer {
  /** `http://<host>:<port>/graphql` (the same port also answers `https://`). */
  readonly url: string;
  /** `ws://<host>:<port>/graphql/realtime` (also `wss://`). */
  readonly realtimeUrl: string;
  readonly explorerUrl: string;
  readonly apiKey: string;
  /** The local CA certificate that signs the TLS side; null with `--no-tls`. */
  readonly caCertPath: string | null;
  /** The backend's IAM credentials (SigV4 callers of IAM-only fields, object access on the embedded S3). */
  readonly backendCredentials: AwsCredentials;
  /** Where they are kept when generated per installation; null when configured. */
  readonly backendCredentialsPath: string | null;
  /** The local Cognito user pool: Amplify's `Auth.Cognito` `userPoolEndpoint`, `userPoolId`, `userPoolClientId`. */
  readonly userPool: {
    readonly endpoint: string;
    readonly userPoolId: string;
    readonly clientId: string;
    readonly mfa: 'OFF' | 'OPTIONAL' | 'REQUIRED';
    /** `cognito-users.json` with --data-dir; null in memory. */
    readonly storePath: string | null;
  };
  readonly port: number;
  /**
   * The URLs announced to clients (banner, `amplify_outputs.json`): on `--public-url`, else on the
   * bound address (a wildcard bind: the first LAN address), `https` while TLS is on
   * (local/host/public-endpoints.ts). Answers to requests name the address each request used.
   */
  readonly announced: PublicEndpoints;
  /** `amplify_outputs.json` for `announced` (api/amplify-outputs.ts); `npm start` writes it. */
  readonly amplifyOutputs: AmplifyOutputs;
  /** Milliseconds from the call to ready. */
  readonly startupMs: number;
  /** Stops everything it started, in order. Safe to call twice. */
  close(): Promise<void>;
}

export interface LocalServerFacts {
  readonly boundHost: string;
  readonly port: number;
  readonly apiKey: string;
  readonly region: string;
  /** The origin of `announced` (`announcedOrigin`). */
  readonly announcedOrigin: string;
  /** The CA certificate's path; null with `--no-tls`. */
  readonly caCertPath: string | null;
  readonly userPool: Pick<LocalUserPool, 'path' | 'settings' | 'storePath'>;
  readonly backendCredentials: AwsCredentials;
  readonly backendCredentialsPath: string | null;
  readonly startupMs: number;
}

/** `host:port` for local URLs: a wildcard bind is reached on loopback, IPv6 in brackets. */
function displayAddress(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '::') return `127.0.0.1:${port}`;
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** `http://<bound address>:<port>/graphql`, the URL the Lambdas call back. */
export function localGraphqlUrl(boundHost: string, port: number): string {
  return `http://${displayAddress(boundHost, port)}${GRAPHQL_PATH}`;
}

export function describeLocalServer(definition: ApiDefinition, facts: LocalServerFacts, close: () => Promise<void>): LocalServer {
  const base = displayAddress(facts.boundHost, facts.port);
  const { settings } = facts.userPool;
  const announced = publicEndpoints(facts.announcedOrigin, facts.userPool.path);
  const amplifyOutputs = createAmplifyOutputs(definition, {
    graphqlUrl: announced.graphqlUrl,
    region: facts.region,
    apiKey: facts.apiKey,
    userPool: { userPoolId: settings.userPoolId, clientId: settings.clientId, mfa: settings.mfa },
    local: { userPoolEndpoint: announced.userPoolEndpoint, ...(facts.caCertPath === null ? {} : { caCertificateUrl: announced.caCrtUrl }) },
  });
  return {
    url: `http://${base}${GRAPHQL_PATH}`,
    realtimeUrl: `ws://${base}${REALTIME_PATH}`,
    explorerUrl: `http://${base}/`,
    apiKey: facts.apiKey,
    caCertPath: facts.caCertPath,
    backendCredentials: facts.backendCredentials,
    backendCredentialsPath: facts.backendCredentialsPath,
    userPool: { endpoint: `http://${base}${facts.userPool.path}`, userPoolId: settings.userPoolId, clientId: settings.clientId, mfa: settings.mfa, storePath: facts.userPool.storePath },
    port: facts.port,
    announced,
    amplifyOutputs,
    startupMs: facts.startupMs,
    close,
  };
}
