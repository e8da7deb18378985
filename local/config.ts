/**
 * The local server's configuration, resolved once from the environment and the command line (STYLE 10).
 * Only the entry points (`local/main.ts`, `local/cli/token.ts`) call `loadConfig`; everything below them
 * receives the frozen `Config`.
 *
 * Command line: `--port N`, `--host H`, `--data-dir [DIR]`, `--verbose`, `--no-tls`,
 * `--no-introspection`, `--no-watch`, `--no-cache` (also accepted as `--flag=value`).
 * Environment: `PORT`, `API_KEY`, `DYNAMODB_ENDPOINT`, `S3_ENDPOINT`, `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`, `LOCAL_ACCOUNT_ID`.
 * Browser access and host names: `--cors-origin URL` (repeatable) / `CORS_ORIGINS`, `--public-host NAME` / `PUBLIC_HOST`.
 * Local user pool: `--mfa off|optional|required`, `--auto-confirm`.
 * Devices and apps: `--public-url URL` / `PUBLIC_URL`, `--outputs PATH`, `--no-outputs` (docs/devices.md).
 * The command line is split in `config-args.ts`; single values are parsed in `config-values.ts`.
 */
import { isIPv6 } from 'node:net';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../api/config-error.ts';
import { assertConnectionLimits, DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './http/connection-limits.ts';
import { parseArgs, takeRepeatableArgs, type ParsedArgs } from './config-args.ts';
import { hostOfUrl, parseCorsOrigin, parseEndpoint, parseMfa, parsePort, parsePublicUrl } from './config-values.ts';

/** A documented development API key, in AppSync's format (`da2-` + 26 lowercase alphanumerics). */
export const DEV_API_KEY = 'da2-localdevelopmentapikey0000';

/** The account id reported in IAM identities and ARNs of the local API. */
export const DEV_ACCOUNT_ID = '123456789012';

/**
 * The per-user folder for the issuer key, the local CA and other local identities when no data folder
 * is given: the platform's per-user cache folder, so it survives reboots (a phone that trusts the CA
 * keeps trusting it) and is never shared with other users of the machine.
 */
export function userStateDir(platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'asset-api-local');
  if (platform === 'win32') return join(home, 'AppData', 'Local', 'asset-api-local');
  return join(home, '.cache', 'asset-api-local');
}

/** The file name Amplify Gen 2 clients read (https://docs.amplify.aws/react/reference/amplify_outputs/). */
export const AMPLIFY_OUTPUTS_FILE = 'amplify_outputs.json';

/** Folder used for the issuer key and the local CA when no data folder is given. */
export const DEFAULT_STATE_DIR = userStateDir();

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface Config {
  /** TCP port for HTTP, WebSocket and TLS (one port). 0 picks a free port. @default 4000 */
  readonly port: number;
  /** Interface to bind. @default '127.0.0.1' */
  readonly host: string;
  /** The API key accepted in `x-api-key`. @default DEV_API_KEY (`API_KEY` env overrides) */
  readonly apiKey: string;
  /** Absolute folder that keeps tables and objects across restarts; null keeps data in memory. @default null (`--data-dir` alone: `.data/`) */
  readonly dataDir: string | null;
  /** Absolute folder for the issuer key and the local CA: the data folder, else the per-user folder. @default DEFAULT_STATE_DIR */
  readonly stateDir: string;
  /** DynamoDB endpoint to use instead of the embedded store (DynamoDB Local, or real AWS). @default null */
  readonly dynamodbEndpoint: string | null;
  /** S3 endpoint to use instead of the embedded store. @default null */
  readonly s3Endpoint: string | null;
  /** AWS region used for signing and ARNs. @default 'us-east-1' */
  readonly region: string;
  /** Credentials for the configured external endpoints (`AWS_*` env); null uses `localCredentials`. @default null */
  readonly storeCredentials: AwsCredentials | null;
  /**
   * Credentials the local API accepts for SigV4 (and the embedded S3 front for object access) and gives
   * its Lambdas; null generates them once per installation in the state folder (`local-credentials.json`,
   * see local/auth/local-credentials.ts). @default null
   */
  readonly localCredentials: AwsCredentials | null;
  /** Account id in IAM identities. @default DEV_ACCOUNT_ID */
  readonly accountId: string;
  /** Log one line per resolver evaluation. @default false */
  readonly verbose: boolean;
  /** Answer introspection queries (AppSync `introspectionConfig`). @default true */
  readonly introspection: boolean;
  /** Also speak TLS on the same port (Amplify JS v6 always dials `wss://`). @default true */
  readonly tls: boolean;
  /** Rebuild and reload on changes to `resolvers/` and the schema. @default true */
  readonly watch: boolean;
  /** Emulate AppSync's per-resolver caching when the definition has a `cache` (`--no-cache` turns it off). @default true */
  readonly cache: boolean;
  /** Local Cognito user pool: the `iss` of minted tokens. @default `https://cognito-idp.<region>.amazonaws.com/<region>_localpool` */
  readonly userPoolIssuer: string;
  /** Local Cognito app client id (`aud`/`client_id` of minted tokens). @default 'localappclient' */
  readonly userPoolClientId: string;
  /** Realtime keep-alive cadence; AppSync sends `ka` about every 60 s. @default 60000 */
  readonly keepAliveMs: number;
  /** `connection_ack.payload.connectionTimeoutMs`. @default 300000 */
  readonly connectionTimeoutMs: number;
  /**
   * Browser origins allowed to call the API (CORS) and to open realtime connections, besides the
   * server's own origins: `--cors-origin URL` (repeatable) or `CORS_ORIGINS` (comma list); `*` allows
   * any origin, as AppSync does. null allows local dev servers, `http://localhost:<any port>` and
   * `http://127.0.0.1:<any port>` (local/http/cors.ts). @default null
   */
  readonly corsOrigins: readonly string[] | null;
  /**
   * One more host name (or address) the server answers to besides `localhost`, `127.0.0.1`, `[::1]`,
   * `--host` and, when bound to 0.0.0.0 or ::, the machine's interface addresses: `--public-host NAME`
   * or `PUBLIC_HOST` (local/http/host-allow-list.ts). @default null
   */
  readonly publicHost: string | null;
  /** Connection timeouts and the connection cap of the port (local/http/connection-limits.ts). @default DEFAULT_CONNECTION_LIMITS */
  readonly connectionLimits: ConnectionLimits;
  /**
   * Local user pool (`/cognito-idp/`): the MFA rule instead of the definition's `userPool.mfa`
   * (`--mfa off|optional|required`), so a local stage can sign in without TOTP. @default null (the definition's)
   */
  readonly userPoolMfa: 'OFF' | 'OPTIONAL' | 'REQUIRED' | null;
  /** Local user pool: SignUp confirms at once instead of waiting for ConfirmSignUp (`--auto-confirm`). @default false */
  readonly userPoolAutoConfirm: boolean;
  /**
   * The origin (`http(s)://host[:port]`, no path) every URL handed to clients is built on: upload and
   * download URLs, the realtime URL, the user-pool endpoint, the banner and `amplify_outputs.json`
   * (`--public-url URL` or `PUBLIC_URL`). Its host is also the public host of the Host allow-list
   * unless `--public-host` names one. null builds each answer's URLs on the address that request was
   * sent to (its checked Host and scheme). See docs/devices.md. @default null
   */
  readonly publicUrl: string | null;
  /**
   * Where `npm start` writes `amplify_outputs.json` for the local endpoint (`--outputs PATH`, relative
   * to the current folder; a `.dart` path gets Amplify Flutter's `amplify_outputs.dart` form); null
   * with `--no-outputs`. @default `<stateDir>/amplify_outputs.json` (outside the checkout)
   */
  readonly outputsPath: string | null;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the options from `env` and `argv` (arguments after the script name), validates them and
 * returns a frozen `Config`. Throws a `ConfigError` naming the option and the value received.
 */
export function loadConfig(env: Env, argv: readonly string[], cwd: string = process.cwd()): Config {
  const { repeated, rest } = takeRepeatableArgs(argv);
  const { values } = parseArgs(rest);
  // Checked in this order: the first invalid option is the one reported.
  const { port, host } = resolveListenAddress(values, env);
  const apiKey = resolveApiKey(env);
  const dataDir = resolveDataDir(values, cwd);
  const region = resolveRegion(env);
  const { dynamodbEndpoint, s3Endpoint, storeCredentials } = resolveExternalStores(env);
  const corsOrigins = resolveCorsOrigins(repeated.get('--cors-origin'), env['CORS_ORIGINS']);
  const { publicUrl, publicHost } = resolvePublicAddress(values, env);
  const stateDir = dataDir ?? DEFAULT_STATE_DIR;
  const outputsPath = resolveOutputsPath(values, stateDir, cwd);
  const mfaArg = values.get('--mfa');
  const userPoolMfa = typeof mfaArg === 'string' ? parseMfa(mfaArg) : null;
  const accountId = env['LOCAL_ACCOUNT_ID'] || DEV_ACCOUNT_ID;
  if (!/^\d{12}$/.test(accountId)) throw new ConfigError(`LOCAL_ACCOUNT_ID: must be 12 digits. Received: ${accountId}`);

  return Object.freeze({
    port,
    host,
    apiKey,
    dataDir,
    stateDir,
    dynamodbEndpoint,
    s3Endpoint,
    region,
    storeCredentials,
    localCredentials: null,
    accountId,
    verbose: values.get('--verbose') === true,
    introspection: values.get('--no-introspection') !== true,
    tls: values.get('--no-tls') !== true,
    watch: values.get('--no-watch') !== true,
    cache: values.get('--no-cache') !== true,
    userPoolIssuer: `https://cognito-idp.${region}.amazonaws.com/${region}_localpool`,
    userPoolClientId: 'localappclient',
    keepAliveMs: 60_000,
    connectionTimeoutMs: 300_000,
    corsOrigins,
    publicHost,
    connectionLimits: assertConnectionLimits(DEFAULT_CONNECTION_LIMITS),
    userPoolMfa,
    userPoolAutoConfirm: values.get('--auto-confirm') === true,
    publicUrl,
    outputsPath,
  });
}

type ArgValues = ParsedArgs['values'];

function resolveListenAddress(values: ArgValues, env: Env): { port: number; host: string } {
  const portArg = values.get('--port');
  const port = typeof portArg === 'string' ? parsePort('--port', portArg) : env['PORT'] ? parsePort('PORT', env['PORT']) : 4000;
  const hostArg = values.get('--host');
  const host = typeof hostArg === 'string' ? hostArg : '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) throw new ConfigError(`--host: must be a host name or IP address. Received: ${host}`);
  return { port, host };
}

function resolveApiKey(env: Env): string {
  const apiKey = env['API_KEY'] || DEV_API_KEY;
  if (!/^[\x21-\x7e]{8,128}$/.test(apiKey)) throw new ConfigError('API_KEY: must be 8-128 printable characters without spaces. Received: a value of another shape');
  return apiKey;
}

/** `--data-dir` alone is `<cwd>/.data`; a relative folder is taken from `cwd`. */
function resolveDataDir(values: ArgValues, cwd: string): string | null {
  const dataArg = values.get('--data-dir');
  const dataDir = dataArg === undefined ? null : dataArg === true ? resolve(cwd, '.data') : isAbsolute(dataArg) ? dataArg : resolve(cwd, dataArg);
  if (dataDir !== null && dataArg === '') throw new ConfigError('--data-dir: must not be empty. Received: ""');
  return dataDir;
}

function resolveRegion(env: Env): string {
  const region = env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new ConfigError(`AWS_REGION: must be a region name like us-east-1. Received: ${region}`);
  return region;
}

/** External DynamoDB and S3 endpoints, and the `AWS_*` credentials used only for them. */
function resolveExternalStores(env: Env): Pick<Config, 'dynamodbEndpoint' | 's3Endpoint' | 'storeCredentials'> {
  const dynamodbEndpoint = parseEndpoint('DYNAMODB_ENDPOINT', env['DYNAMODB_ENDPOINT']);
  const s3Endpoint = parseEndpoint('S3_ENDPOINT', env['S3_ENDPOINT']);
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new ConfigError('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: give both or neither. Received: only one');
  }
  const sessionToken = env['AWS_SESSION_TOKEN'];
  const storeCredentials: AwsCredentials | null =
    accessKeyId !== undefined && secretAccessKey !== undefined && (dynamodbEndpoint !== null || s3Endpoint !== null)
      ? Object.freeze({ accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) })
      : null;
  return { dynamodbEndpoint, s3Endpoint, storeCredentials };
}

/** `--cors-origin` flags win over `CORS_ORIGINS`; neither is null (local dev servers). */
function resolveCorsOrigins(corsArgs: readonly string[] | undefined, corsEnv: string | undefined): readonly string[] | null {
  if (corsArgs !== undefined) return Object.freeze(corsArgs.map((raw) => parseCorsOrigin('--cors-origin', raw)));
  if (corsEnv !== undefined && corsEnv.trim() !== '') {
    return Object.freeze(corsEnv.split(',').filter((raw) => raw.trim() !== '').map((raw) => parseCorsOrigin('CORS_ORIGINS', raw)));
  }
  return null;
}

function resolvePublicAddress(values: ArgValues, env: Env): Pick<Config, 'publicUrl' | 'publicHost'> {
  const publicUrlArg = values.get('--public-url');
  const publicUrlSource = typeof publicUrlArg === 'string' ? '--public-url' : 'PUBLIC_URL';
  const publicUrlRaw = typeof publicUrlArg === 'string' ? publicUrlArg : env['PUBLIC_URL'] || null;
  const publicUrl = publicUrlRaw === null ? null : parsePublicUrl(publicUrlSource, publicUrlRaw);

  const publicHostArg = values.get('--public-host');
  // --public-url names the public host too, unless --public-host names one.
  const publicHost = typeof publicHostArg === 'string' ? publicHostArg : env['PUBLIC_HOST'] || (publicUrl === null ? null : hostOfUrl(publicUrl));
  if (publicHost !== null && !/^[A-Za-z0-9._-]+$/.test(publicHost) && !isIPv6(publicHost)) {
    throw new ConfigError(`${typeof publicHostArg === 'string' ? '--public-host' : 'PUBLIC_HOST'}: must be a host name or IP address without port. Received: ${publicHost}`);
  }
  if (publicUrl !== null && publicHost !== null && publicHost.toLowerCase() !== hostOfUrl(publicUrl)) {
    throw new ConfigError(`${publicUrlSource}: its host must be the public host (${publicHost}), or leave --public-host out. Received: ${publicUrl}`);
  }
  return { publicUrl, publicHost };
}

function resolveOutputsPath(values: ArgValues, stateDir: string, cwd: string): string | null {
  const outputsArg = values.get('--outputs');
  if (outputsArg !== undefined && values.get('--no-outputs') === true) throw new ConfigError('--outputs and --no-outputs: give one or neither. Received: both');
  if (values.get('--no-outputs') === true) return null;
  return typeof outputsArg === 'string' ? (isAbsolute(outputsArg) ? outputsArg : resolve(cwd, outputsArg)) : join(stateDir, AMPLIFY_OUTPUTS_FILE);
}
