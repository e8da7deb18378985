/**
 * The `npm-start` contract target: the real `npm start -- --port 0` in a checkout (a copy, for cold
 * and warm starts), as a user runs it, hot-reload watcher included. One running process gives two
 * targets: `http` (http:// and ws://) and `tls` (https:// and wss:// on the same port, trusting the
 * CA whose path the banner prints). Users are tokens from `npm run token -- --sub <name>` run in the
 * same checkout, which signs with the key in the state folder the server reads.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { spawnNpmStart, stopNpmStart, waitForBanner, type Banner, type NpmStart } from '../../support/npm-start.ts';
import type { AwsCredentials, ContractTarget, ContractUser } from '../target.ts';

const run = promisify(execFile);

/**
 * The backend's IAM credentials, generated once per installation: read from the file the banner's
 * `IAM keys:` line names, as a user would (the suite imports nothing from the server).
 */
function readBackendCredentials(banner: Banner, lines: readonly string[]): AwsCredentials {
  if (banner.iamKeys === null) throw new Error(`npm start printed no "IAM keys:" line:\n${lines.join('\n')}`);
  const value = JSON.parse(readFileSync(banner.iamKeys, 'utf8')) as { accessKeyId?: unknown; secretAccessKey?: unknown };
  if (typeof value.accessKeyId !== 'string' || typeof value.secretAccessKey !== 'string') throw new Error(`${banner.iamKeys}: not {"accessKeyId", "secretAccessKey"}`);
  return { accessKeyId: value.accessKeyId, secretAccessKey: value.secretAccessKey };
}
/** The local server's region (its default; no AWS_REGION is passed). */
const LOCAL_REGION = 'us-east-1';

export interface NpmStartTargets {
  readonly started: NpmStart;
  readonly banner: Banner;
  /** http:// and ws:// */
  readonly http: ContractTarget;
  /** https:// and wss:// on the same port */
  readonly tls: ContractTarget;
  /** Ctrl-C to the process group; resolves with npm's exit. Safe to call twice. */
  stop(): Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
}

export interface NpmStartTargetOptions {
  /** The checkout to run in (a `copyCheckout()` root). */
  readonly cwd: string;
  /** Shown in test names, e.g. `cold`. */
  readonly label: string;
  /** Extra `npm start` arguments after `--port 0`. @default [] */
  readonly args?: readonly string[];
}

/** `npm run --silent token -- --sub <sub>` in `cwd`: only the token goes to stdout. */
async function mintToken(cwd: string, sub: string): Promise<string> {
  const { stdout } = await run('npm', ['run', '--silent', 'token', '--', '--sub', sub], { cwd, timeout: 60_000 });
  const token = stdout.trim();
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) throw new Error(`npm run token -- --sub ${sub} printed no JWT: ${JSON.stringify(stdout)}`);
  return token;
}

/** Starts `npm start -- --port 0` in `options.cwd` and resolves once its banner is printed. */
export async function startNpmStartTargets(options: NpmStartTargetOptions): Promise<NpmStartTargets> {
  const started = spawnNpmStart(['--port', '0', ...(options.args ?? [])], { cwd: options.cwd });
  let banner: Banner;
  try {
    banner = await waitForBanner(started);
    if (banner.caCert === null) throw new Error(`npm start printed no "TLS CA:" line:\n${started.lines.join('\n')}`);
  } catch (error) {
    await stopNpmStart(started);
    throw error;
  }
  const caCertPem = readFileSync(banner.caCert, 'utf8');
  const backendCredentials = readBackendCredentials(banner, started.lines);
  // One token per user for the whole process, shared by both variants.
  const users = new Map<string, Promise<ContractUser>>();
  const user = (name: 'alice' | 'bob'): Promise<ContractUser> => {
    let found = users.get(name);
    if (found === undefined) {
      found = mintToken(options.cwd, name).then((token) => ({ sub: name, token }));
      users.set(name, found);
    }
    return found;
  };
  const variant = (kind: 'http' | 'tls'): ContractTarget => ({
    label: `npm start (${options.label}, ${kind})`,
    graphqlUrl: kind === 'http' ? banner.graphql : banner.graphql.replace(/^http:/, 'https:'),
    realtimeUrl: kind === 'http' ? banner.realtime : banner.realtime.replace(/^ws:/, 'wss:'),
    apiKey: banner.apiKey,
    region: LOCAL_REGION,
    // Both variants: Amplify dials wss:// even for an http:// endpoint.
    caCertPem,
    user,
    backendCredentials,
    // The process belongs to `stop()`, shared by both variants.
    close: async () => {},
  });
  return { started, banner, http: variant('http'), tls: variant('tls'), stop: () => stopNpmStart(started) };
}
