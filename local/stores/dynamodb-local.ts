/**
 * DynamoDB Local (AWS's jar, shipped inside the npm package `amplify-dynamodb-simulator`) as a child
 * process: the second store the integration tests run against in CI. Needs Java 17 on PATH.
 *
 * The jar has no bind-address option (Jetty listens on every interface) and no port 0, so a free
 * port is found by binding 127.0.0.1:0 first; a lost race with another process is retried.
 * Telemetry is disabled (`-disableTelemetry`): nothing may reach the network at run time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

export interface DynamoDbLocalOptions {
  /** Folder for the SQLite file (`-dbPath`); in memory (`-inMemory`) when absent. @default undefined */
  readonly dataDir?: string;
  /** The `java` executable. @default 'java' */
  readonly javaPath?: string;
  /** How long to wait for the first answer (the JVM is slow to start on a loaded machine). @default 120000 */
  readonly startTimeoutMs?: number;
}

export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Stops the Java process (SIGTERM, then SIGKILL after 5 s). Safe to call twice. */
  close(): Promise<void>;
}

const MAX_ATTEMPTS = 3;

/** The folder that holds `DynamoDBLocal.jar` and `DynamoDBLocal_lib/` inside the npm package. */
export function dynamoDbLocalDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
  let lastError: unknown;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const port = await findFreeLoopbackPort();
    try {
      return await launch(port, dataDir, options);
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`DynamoDB Local did not start after ${MAX_ATTEMPTS} attempts`, { cause: lastError });
}

async function launch(port: number, dataDir: string | undefined, options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const args = [
    // C1-only JIT and the serial collector halve the JVM's start-up on a busy 2-core machine.
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    '-Djava.library.path=./DynamoDBLocal_lib',
    '-jar',
    'DynamoDBLocal.jar',
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
    ...(dataDir === undefined ? ['-inMemory'] : ['-dbPath', dataDir]),
  ];
  const child = spawn(options.javaPath ?? 'java', args, {
    cwd: dynamoDbLocalDirectory(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  // 'close' also follows a failed spawn (e.g. no `java` on PATH), where 'exit' may never come.
  const exited = new Promise<void>((resolveExit) => child.once('close', () => resolveExit()));
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(endpoint, () => spawnError ?? exitReason(child), options.startTimeoutMs ?? 120_000);
  } catch (error) {
    await stopChild(child, exited);
    throw new Error(`DynamoDB Local on port ${port} did not answer: ${stderr.trim()}`, { cause: error });
  }
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    close: function closeDynamoDbLocal() {
      closing ??= stopChild(child, exited);
      return closing;
    },
  };
}

function exitReason(child: ChildProcess): Error | undefined {
  if (child.exitCode === null && child.signalCode === null) return undefined;
  return new Error(`java exited (${child.exitCode ?? child.signalCode})`);
}

async function waitUntilAnswering(endpoint: string, failure: () => Error | undefined, timeoutMs: number): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const failed = failure();
      if (failed !== undefined) throw failed;
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      await delay(100);
    }
  } finally {
    client.destroy();
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid === undefined) return;
  if (child.exitCode !== null || child.signalCode !== null) {
    await exited;
    return;
  }
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function findFreeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
