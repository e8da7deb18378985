/**
 * Child process for the media figure: our local server as `npm start` runs it (`--port 0
 * --no-watch`, embedded dynalite and S3 front, no outputs file), optionally on a bench-only copy of
 * the definition whose multipart threshold is `--multipart-threshold <bytes>` (the single-PUT
 * comparison). Its own process, so the figure reads the server's RSS alone and the client's work
 * does not share its event loop.
 */
import { api } from '../../api/definition.ts';
import type { ApiDefinition } from '../../api/types.ts';
import { loadConfig } from '../../local/config.ts';
import { startLocalServer } from '../../local/server.ts';
import { runAsChildHost } from '../lib/child-host.ts';

export interface MediaHostInfo {
  readonly url: string;
  readonly realtimeUrl: string;
  readonly apiKey: string;
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

runAsChildHost<MediaHostInfo>(async () => {
  const threshold = argValue('--multipart-threshold');
  const definition: ApiDefinition = threshold === undefined ? api : { ...api, assets: { ...api.assets, multipartThresholdBytes: Number(threshold) } };
  const config = loadConfig({}, ['--port', '0', '--no-watch', '--no-outputs']);
  const server = await startLocalServer(config, { api: definition, log: () => undefined });
  return {
    info: { url: server.url, realtimeUrl: server.realtimeUrl, apiKey: server.apiKey },
    close: () => server.close(),
  };
});
