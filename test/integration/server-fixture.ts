/**
 * Starts the local server for integration tests: in memory, port 0, no file watching. The state
 * folder (issuer key, local CA) is the default one, so keys are created once per machine.
 */
import { test as base } from 'vitest';
import { createLocalIssuer, type LocalIssuer } from '../../local/auth/local-issuer.ts';
import { loadConfig, type Config } from '../../local/config.ts';
import { startLocalServer, type LocalServer } from '../../local/server.ts';
import { TEST_CREDENTIALS } from '../support/credentials.ts';

export interface ServerFixture {
  readonly server: LocalServer;
  readonly config: Config;
  /** Mints tokens the server accepts (same key file). */
  readonly issuer: LocalIssuer;
  /** Server log lines (resolver console.log, errors). */
  readonly logs: string[];
}

export async function startTestServer(argv: readonly string[] = [], options: { readonly watch?: boolean } = {}): Promise<ServerFixture> {
  // The backend credentials are the tests' own, so they can sign IAM calls (a real start generates them).
  const config: Config = { ...loadConfig({}, ['--port', '0', ...(options.watch === true ? [] : ['--no-watch']), ...argv]), localCredentials: TEST_CREDENTIALS };
  const logs: string[] = [];
  const server = await startLocalServer(config, { log: (line) => logs.push(line) });
  const issuer = createLocalIssuer({ stateDir: config.stateDir, issuer: config.userPoolIssuer, clientId: config.userPoolClientId });
  return { server, config, issuer, logs };
}

/** One server per test file, closed when the file is done (STYLE 17). */
export const test = base.extend<{ local: ServerFixture }>({
  local: [
    async ({}, use) => {
      const fixture = await startTestServer();
      await use(fixture);
      await fixture.server.close();
    },
    { scope: 'file' },
  ],
});
