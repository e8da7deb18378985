/**
 * Child process: our local AppSync server (`startLocalServer`), configured as `npm start` would be
 * with `--port 0 --no-watch` (no rebuilds when files change mid-run), on the bench's shared store
 * (`DYNAMODB_ENDPOINT`) when `--store <endpoint>` is given. Reports its URLs; answers `stats` with
 * this process's RSS and CPU time.
 */
import { loadConfig, type Config } from '../../local/config.ts';
import { startLocalServer } from '../../local/server.ts';
import { runAsChildHost } from '../lib/child-host.ts';
import { TEST_CREDENTIALS } from '../../test/support/credentials.ts';

export interface OursHostInfo {
  readonly url: string;
  readonly realtimeUrl: string;
  readonly apiKey: string;
  readonly port: number;
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

runAsChildHost<OursHostInfo>(async () => {
  const store = argValue('--store');
  const env: Record<string, string | undefined> = { ...(store === undefined ? {} : { DYNAMODB_ENDPOINT: store }) };
  // The bench signs completeUpload with these (a real start generates its own per installation).
  const config: Config = { ...loadConfig(env, ['--port', '0', '--no-watch']), localCredentials: TEST_CREDENTIALS };
  const server = await startLocalServer(config);
  return {
    info: { url: server.url, realtimeUrl: server.realtimeUrl, apiKey: server.apiKey, port: server.port },
    close: () => server.close(),
  };
});
