import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { DEFAULT_STATE_DIR } from './local/config.ts';
import { CA_CERT_FILE } from './local/tls/local-ca.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Amplify JS v6 always dials wss:// (test/integration/clients-amplify.test.ts). Node reads
    // NODE_EXTRA_CA_CERTS once, at process start, so it goes into the workers' spawn environment
    // here; test/global-setup.ts creates the local CA (the test servers' default state folder) first.
    env: { NODE_EXTRA_CA_CERTS: join(DEFAULT_STATE_DIR, CA_CERT_FILE) },
  },
});
