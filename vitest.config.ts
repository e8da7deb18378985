import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { DEFAULT_STATE_DIR } from './local/config.ts';
import { runtimeOptionsFromEnv } from './local/runtime/options.ts';
import { CA_CERT_FILE } from './local/tls/local-ca.ts';

/**
 * Amplify JS v6 always dials wss://, so its test must trust the local CA. Node reads
 * NODE_EXTRA_CA_CERTS once, at process start, so it goes into the spawn environment of that file's
 * workers only (a project of its own); other tests check what a client without that trust sees.
 * test/global-setup.ts creates the CA (in the test servers' default state folder) first.
 */
const TRUSTS_LOCAL_CA = ['test/integration/clients-amplify.test.ts', 'test/integration/amplify-sign-in.test.ts', 'test/integration/public-url.test.ts'];

/**
 * The black-box contract suite against `npm start` and a running endpoint: its clients (Amplify,
 * Apollo, fetch) use Node's own TLS, so the workers trust the CA of the endpoint under test:
 * `CA_CERT` when the endpoint target names one, else the local CA that `npm start` uses.
 */
const CONTRACT = ['test/contract/npm-start.contract.test.ts', 'test/contract/endpoint.contract.test.ts'];
const CONTRACT_CA = process.env['CA_CERT'] || join(DEFAULT_STATE_DIR, CA_CERT_FILE);

/**
 * The AWS SDK prints a notice in every process on Node 20 (its releases after January 2027 need Node 22;
 * deployed Lambdas already run Node 22). Its own documented switch silences that notice only, as
 * `npm start` does; every other warning still shows.
 */
const QUIET_SDK = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } as const;

/**
 * The runtime's fast paths rest on static proofs, so the runtime and resolver suites run twice, as
 * graphql-js runs its suites sync and async: in `tests` with the fast paths (unless
 * ASSET_API_RUNTIME_FAST_PATHS=0 says otherwise), and in `runtime-plain` on the plain path
 * (local/runtime/options.ts). The tests read the mode with `inject('runtimeFastPaths')`.
 */
const RUNTIME_FAST_PATHS = runtimeOptionsFromEnv(process.env).fastPaths ?? true;
const RUNTIME_SUITES = ['test/unit/runtime/**/*.test.ts', 'test/unit/resolvers/**/*.test.ts'];

/** What every project shares. Not `extends: true`: that would run the global setup once per project. */
const shared = { testTimeout: 20_000, hookTimeout: 30_000, pool: 'forks', env: QUIET_SDK } as const;

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    projects: [
      { test: { ...shared, name: 'tests', include: ['test/**/*.test.ts'], exclude: [...TRUSTS_LOCAL_CA, ...CONTRACT], provide: { runtimeFastPaths: RUNTIME_FAST_PATHS } } },
      { test: { ...shared, name: 'runtime-plain', include: RUNTIME_SUITES, provide: { runtimeFastPaths: false } } },
      { test: { ...shared, name: 'trusts-local-ca', include: TRUSTS_LOCAL_CA, env: { ...QUIET_SDK, NODE_EXTRA_CA_CERTS: join(DEFAULT_STATE_DIR, CA_CERT_FILE) } } },
      { test: { ...shared, name: 'contract', include: CONTRACT, env: { ...QUIET_SDK, NODE_EXTRA_CA_CERTS: CONTRACT_CA } } },
    ],
  },
});
