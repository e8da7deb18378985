/**
 * A local user pool for in-process tests: the real modules, a real issuer key in a temporary state
 * folder, a clock the test moves, and calls made through the HTTP handler with a Web `Request`.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_USER_POOL } from '../../../api/user-pool.ts';
import type { UserPoolDefinition } from '../../../api/types.ts';
import { createLocalIssuer } from '../../../local/auth/local-issuer.ts';
import { createLocalUserPool, type LocalUserPool, type LocalUserPoolOptions } from '../../../local/cognito/index.ts';
import { TEST_CREDENTIALS } from '../../support/credentials.ts';

export const ENDPOINT = 'http://127.0.0.1:4000/cognito-idp/';
export const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_localpool';
export const POOL_ID = 'us-east-1_localpool';
export const CLIENT_ID = 'localappclient';

export interface CallResult {
  readonly status: number;
  /** `x-amzn-ErrorType`, or null on success. */
  readonly errorType: string | null;
  readonly body: Record<string, unknown>;
}

export interface PoolFixture {
  readonly pool: LocalUserPool;
  readonly logs: string[];
  /** Moves the pool's clock. */
  advance(ms: number): void;
  /** POSTs `body` (an object, or raw text) as `AWSCognitoIdentityProviderService.<action>`. */
  call(action: string, body: unknown, init?: { readonly headers?: Record<string, string>; readonly signed?: boolean }): Promise<CallResult>;
  /** Drops the pool and its temporary folder. */
  dispose(): void;
}

export function createPoolFixture(definition: Partial<UserPoolDefinition> = {}, options: Partial<LocalUserPoolOptions> = {}, dataDir?: string): PoolFixture {
  const stateDir = dataDir ?? mkdtempSync(join(tmpdir(), 'cognito-pool-'));
  const issuer = createLocalIssuer({ stateDir, issuer: ISSUER, clientId: CLIENT_ID });
  let clock = Date.UTC(2025, 2, 4, 9, 0, 0);
  const logs: string[] = [];
  const pool = createLocalUserPool(
    { issuer, definition: { ...DEFAULT_USER_POOL, ...definition }, adminCredentials: [TEST_CREDENTIALS], log: (line) => logs.push(line), onError: (e) => logs.push(`[error] ${String(e)}`), now: () => clock },
    { dataDir: options.dataDir ?? null, ...options },
  );
  const signer = new SignatureV4({ service: 'cognito-idp', region: 'us-east-1', credentials: TEST_CREDENTIALS, sha256: Sha256 });
  return {
    pool,
    logs,
    advance: (ms) => {
      clock += ms;
    },
    call: async function call(action, body, init = {}) {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      let headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${action}`, ...init.headers };
      if (init.signed === true) {
        const url = new URL(ENDPOINT);
        const signed = await signer.sign(
          { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { ...headers, host: url.host }, body: text },
          { signingDate: new Date(clock) },
        );
        headers = signed.headers;
      }
      const response = (await pool.handle(new Request(ENDPOINT, { method: 'POST', headers, body: text }))) ?? new Response('not routed', { status: 599 });
      const raw = await response.text();
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        parsed = { raw };
      }
      return { status: response.status, errorType: response.headers.get('x-amzn-errortype'), body: parsed };
    },
    dispose: () => {
      if (dataDir === undefined) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
