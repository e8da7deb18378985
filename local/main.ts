/**
 * `npm start`: the local AppSync endpoint. Reads the configuration once (STYLE 10), starts the
 * server, prints where everything is, and closes cleanly on Ctrl-C / SIGTERM.
 */
import { isConfigError } from '../api/config-error.ts';
import { loadConfig, type Config } from './config.ts';
import { startLocalServer } from './server.ts';

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

// An async function rather than top-level await: `scripts/bundle-server.ts` bundles this file as
// CommonJS, which `scripts/start.mjs` loads with `require`.
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${isConfigError(error) ? error.message : String(error)}\n`);
    process.exit(2);
  }

  try {
    const server = await startLocalServer(config, { log: print });
    const caHint = server.caCertPath === null ? '' : `\n  TLS CA:      ${server.caCertPath}\n               (same port speaks TLS; Node clients: NODE_EXTRA_CA_CERTS=${server.caCertPath})`;
    print(
      [
        `Asset API (local AppSync) ready in ${Math.round(performance.now())} ms (server ${server.startupMs} ms)`,
        `  GraphQL:     ${server.url}`,
        `  Realtime:    ${server.realtimeUrl}  (wss:// on the same port)`,
        `  Explorer:    ${server.explorerUrl}`,
        `  API key:     ${server.apiKey}`,
        `  User tokens: npm run token -- --sub alice --groups admin${config.dataDir === null ? '' : ` --data-dir ${config.dataDir}`}`,
        `  Data:        ${config.dataDir ?? 'in memory (use --data-dir to keep it)'}${caHint}`,
      ].join('\n'),
    );

    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        print(`${signal} again: exiting without waiting`);
        process.exit(1);
      }
      stopping = true;
      print(`${signal}: shutting down`);
      server.close().then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`shutdown failed: ${String(error)}\n`);
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (error) {
    process.stderr.write(`${isConfigError(error) ? `Configuration error: ${error.message}` : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  }
}

void main();
