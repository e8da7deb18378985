/**
 * The `endpoint` contract target: an API that is already running, described by the environment.
 *
 * | variable | required | meaning |
 * | --- | --- | --- |
 * | `ENDPOINT` | yes | the GraphQL URL, `http(s)://…/graphql` |
 * | `API_KEY` | yes | an API key the endpoint accepts |
 * | `REALTIME_ENDPOINT` | no | `ws(s)://…`; @default ENDPOINT with ws(s):// and `/realtime` appended (as the local server serves it) |
 * | `CONTRACT_TOKEN_ALICE`, `CONTRACT_TOKEN_BOB` | no | user-pool tokens for the two users (both, or neither) |
 * | `TOKEN_COMMAND` | no | a shell command printing a token for `{sub}`; @default `npm run --silent token -- --sub {sub}` (the local issuer of this checkout) |
 * | `CA_CERT` | no | path of a PEM CA to trust for https/wss (the local CA) |
 * | `AWS_REGION` | no | @default us-east-1 |
 * | `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` | no | IAM credentials for the backend-only checks |
 */
import { exec } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { AwsCredentials, ContractTarget, ContractUser } from '../target.ts';

const run = promisify(exec);

export const DEFAULT_TOKEN_COMMAND = 'npm run --silent token -- --sub {sub}';

/** A sub that a shell can take unquoted (the command is run through a shell). */
const SAFE_SUB = /^[A-Za-z0-9._@-]+$/;

function required(env: NodeJS.ProcessEnv, name: string, hint: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`ASSET_API_TARGET=endpoint: ${name} is not set (${hint})`);
  return value;
}

/** The realtime URL the local server serves for a GraphQL URL: same host, ws(s)://, `/realtime` appended. */
export function deriveRealtimeUrl(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/$/, '')}/realtime`;
  return url.toString();
}

/** Reads and checks the environment; throws naming the first variable that is missing or wrong. */
export function createEndpointTarget(env: NodeJS.ProcessEnv = process.env): ContractTarget {
  const graphqlUrl = required(env, 'ENDPOINT', 'the GraphQL URL, e.g. http://127.0.0.1:4000/graphql');
  if (!/^https?:\/\//.test(graphqlUrl)) throw new Error(`ASSET_API_TARGET=endpoint: ENDPOINT must be an http:// or https:// URL. Received: ${graphqlUrl}`);
  const apiKey = required(env, 'API_KEY', 'the API key the endpoint accepts');
  const realtimeUrl = env['REALTIME_ENDPOINT'] || deriveRealtimeUrl(graphqlUrl);
  if (!/^wss?:\/\//.test(realtimeUrl)) throw new Error(`ASSET_API_TARGET=endpoint: REALTIME_ENDPOINT must be a ws:// or wss:// URL. Received: ${realtimeUrl}`);
  const caPath = env['CA_CERT'];
  let caCertPem: string | null = null;
  if (caPath !== undefined && caPath !== '') {
    try {
      caCertPem = readFileSync(caPath, 'utf8');
    } catch (error) {
      throw new Error(`ASSET_API_TARGET=endpoint: CA_CERT cannot be read (${caPath}): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const given = { alice: env['CONTRACT_TOKEN_ALICE'], bob: env['CONTRACT_TOKEN_BOB'] };
  if ((given.alice === undefined) !== (given.bob === undefined)) {
    throw new Error(`ASSET_API_TARGET=endpoint: ${given.alice === undefined ? 'CONTRACT_TOKEN_ALICE' : 'CONTRACT_TOKEN_BOB'} is not set (give both tokens, or neither and a TOKEN_COMMAND)`);
  }
  const tokenCommand = env['TOKEN_COMMAND'] || DEFAULT_TOKEN_COMMAND;
  if (given.alice === undefined && !tokenCommand.includes('{sub}')) throw new Error(`ASSET_API_TARGET=endpoint: TOKEN_COMMAND must contain {sub}. Received: ${tokenCommand}`);
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new Error(`ASSET_API_TARGET=endpoint: ${accessKeyId === undefined ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY'} is not set (give both, or neither)`);
  }
  const sessionToken = env['AWS_SESSION_TOKEN'];
  const backendCredentials: AwsCredentials | null =
    accessKeyId === undefined || secretAccessKey === undefined ? null : { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };

  const users = new Map<string, Promise<ContractUser>>();
  async function userFor(name: 'alice' | 'bob'): Promise<ContractUser> {
    const token = given[name];
    if (token !== undefined) return { sub: subOf(token, name === 'alice' ? 'CONTRACT_TOKEN_ALICE' : 'CONTRACT_TOKEN_BOB'), token };
    if (!SAFE_SUB.test(name)) throw new Error(`unsafe sub for a shell command: ${name}`);
    const { stdout } = await run(tokenCommand.replaceAll('{sub}', name), { timeout: 60_000 });
    const minted = stdout.trim();
    return { sub: subOf(minted, `TOKEN_COMMAND (${tokenCommand})`), token: minted };
  }
  return {
    label: `endpoint ${graphqlUrl}`,
    graphqlUrl,
    realtimeUrl,
    apiKey,
    region: env['AWS_REGION'] || 'us-east-1',
    caCertPem,
    user: (name) => {
      let found = users.get(name);
      if (found === undefined) {
        found = userFor(name);
        users.set(name, found);
      }
      return found;
    },
    backendCredentials,
    close: async () => {},
  };
}

/** The `sub` claim of a JWT (not verified: the endpoint does that). */
function subOf(token: string, source: string): string {
  const payload = token.split('.')[1];
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    if (typeof claims === 'object' && claims !== null && 'sub' in claims && typeof claims.sub === 'string') return claims.sub;
  } catch {
    // Reported below.
  }
  throw new Error(`${source}: not a JWT with a sub claim`);
}
