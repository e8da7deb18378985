/**
 * `npm start`: the local AppSync endpoint. Reads the configuration once (STYLE 10), checks the folders
 * it will write, starts the server, prints where everything is, and closes cleanly on Ctrl-C / SIGTERM.
 * A start-up failure is one line on stderr and exit code 1 (`local/host/startup-failure.ts`).
 */
import { join } from 'node:path';
import { isConfigError } from '../api/config-error.ts';
import { loadConfig, type Config } from './config.ts';
import { findUnwritableFolder } from './host/data-dir.ts';
import { describeFatalError, describeStartupFailure, describeUnwritableFolder } from './host/startup-failure.ts';
import { startLocalServer, type LocalServer } from './server.ts';
import { writeAmplifyOutputsFile } from './host/write-outputs.ts';
import { isWildcardHost, localInterfaceAddresses } from './http/host-allow-list.ts';
import { lanAddresses } from './host/public-endpoints.ts';

/** After this long without being ready, say so once on stderr: start-up is never silent for long. */
const SLOW_START_NOTICE_MS = 60_000;

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fail(line: string, code: number): never {
  process.stderr.write(`${line}\n`);
  process.exit(code);
}

/** The folders the server writes: the data folder and the stores' subfolders, else the default state folder. */
function foldersToWrite(config: Config): string[] {
  if (config.dataDir === null) return [config.stateDir];
  return [
    config.dataDir,
    ...(config.dynamodbEndpoint === null ? [join(config.dataDir, 'dynamodb')] : []),
    ...(config.s3Endpoint === null ? [join(config.dataDir, 's3')] : []),
  ];
}

/** The app configuration for the announced address (docs/devices.md); a failed write does not stop the server. */
function writeOutputs(config: Config, server: LocalServer): string | null {
  if (config.outputsPath === null) return null;
  try {
    writeAmplifyOutputsFile(config.outputsPath, server.amplifyOutputs);
    return `  App config:  ${config.outputsPath}  (amplify_outputs, for ${server.announced.graphqlUrl}; --outputs PATH to write it elsewhere)`;
  } catch (error) {
    return `  App config:  not written to ${config.outputsPath}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The ready banner: where everything is. */
function formatBanner(config: Config, server: LocalServer, outputsLine: string | null): string {
  const caHint =
    server.caCertPath === null
      ? ''
      : `\n  TLS CA:      ${server.caCertPath}\n               (same port speaks TLS; Node clients: NODE_EXTRA_CA_CERTS=${server.caCertPath}; devices: ${server.announced.caCrtUrl}, docs/devices.md)`;
  // With --public-url every URL printed is the public one; else the local address, and on a wildcard bind the LAN addresses too.
  const { announced } = server;
  const shown =
    config.publicUrl === null
      ? { graphql: server.url, realtime: server.realtimeUrl, explorer: server.explorerUrl, userPool: server.userPool.endpoint }
      : { graphql: announced.graphqlUrl, realtime: announced.realtimeUrl, explorer: announced.explorerUrl, userPool: announced.userPoolEndpoint };
  const lanScheme = server.caCertPath === null ? 'http' : 'https';
  const lan = config.publicUrl === null && isWildcardHost(config.host) ? lanAddresses(localInterfaceAddresses()) : [];
  return [
    `Asset API (local AppSync) ready in ${Math.round(performance.now())} ms (server ${server.startupMs} ms)`,
    `  GraphQL:     ${shown.graphql}`,
    `  Realtime:    ${shown.realtime}  (${config.publicUrl === null ? 'wss:// on the same port' : 'the same port speaks ws:// and wss://'})`,
    `  Explorer:    ${shown.explorer}`,
    ...lan.map((address) => `  On the LAN:  ${lanScheme}://${address}:${server.port}/graphql`),
    ...(config.publicUrl === null ? [] : [`  Listening:   ${server.url.replace(/\/graphql$/, '')}  (--public-url ${config.publicUrl} must lead here, Host header kept)`]),
    `  API key:     ${server.apiKey}`,
    `  User tokens: npm run token -- --sub alice --groups admin${config.dataDir === null ? '' : ` --data-dir ${config.dataDir}`}`,
    `  User pool:   ${shown.userPool}  (${server.userPool.userPoolId}, client ${server.userPool.clientId}, MFA ${server.userPool.mfa}${config.userPoolMfa === null ? '' : ' set by --mfa'}; users: npm run user -- add <email>)`,
    ...(server.backendCredentialsPath === null ? [] : [`  IAM keys:    ${server.backendCredentialsPath}  (the backend's SigV4 credentials; keep private)`]),
    `  Data:        ${config.dataDir ?? 'in memory (use --data-dir to keep it)'}${caHint}`,
    ...(outputsLine === null ? [] : [outputsLine]),
  ].join('\n');
}

// An async function rather than top-level await: `scripts/bundle-server.ts` bundles this file as
// CommonJS, which `scripts/start.mjs` loads with `require`.
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (error) {
    fail(isConfigError(error) ? error.message : String(error), 2);
  }

  const unwritable = findUnwritableFolder(foldersToWrite(config));
  if (unwritable !== null) fail(describeUnwritableFolder(unwritable, config.dataDir), 1);

  const context = { host: config.host, port: config.port, verbose: config.verbose };
  // Until the server is ready, an error thrown outside the start-up promise (an emulator's event
  // emitter, a timer) is a start-up failure too: one line, not a stack trace.
  const onStartupCrash = (error: unknown): void => fail(describeStartupFailure(error, context), 1);
  process.on('uncaughtException', onStartupCrash);
  const slowStart = setTimeout(() => {
    process.stderr.write(`npm start: not ready after ${SLOW_START_NOTICE_MS / 1000} s; still starting (run with --verbose to see each start-up phase)\n`);
  }, SLOW_START_NOTICE_MS);
  slowStart.unref();

  // The embedded DynamoDB store's worker died, before or after "ready": one line and exit code 1,
  // without waiting for a shutdown whose queued S3 events would only fail against the dead store.
  const onFatal = (error: Error): void => fail(describeFatalError(error, config.verbose), 1);
  let server: LocalServer;
  try {
    server = await startLocalServer(config, { log: print, onFatal });
  } catch (error) {
    fail(describeStartupFailure(error, context), 1);
  } finally {
    clearTimeout(slowStart);
    process.off('uncaughtException', onStartupCrash);
  }

  print(formatBanner(config, server, writeOutputs(config, server)));

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
      (error: unknown) => fail(`shutdown failed: ${String(error)}`, 1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
