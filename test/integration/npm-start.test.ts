/**
 * `npm start` as a user runs it: `scripts/start.mjs` runs the bundled server (`dist/local/main.cjs`,
 * rebuilt by `scripts/bundle-server.ts` when an input is newer). Each test spawns the real command in
 * its own process group (`test/support/npm-start.ts`), so SIGINT reaches every process as Ctrl-C
 * would. npm itself re-raises the signal it got once its script has exited, so exit codes are checked
 * on `node scripts/start.mjs`, the command `npm start` runs.
 *
 * Tests that change a file's mtime (hot reload, bundle rebuild) run in a copy of the checkout, so the
 * checkout itself is never written; the copy starts cold the first time.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEV_API_KEY } from '../../local/config.ts';
import { NULL_BODY_CRASH, sendNullBody } from '../support/dynalite-crash.ts';
import { CAN_LIST_PORTS, listeningPorts } from '../support/listening-ports.ts';
import { COLD_START_TIMEOUT_MS, copyCheckout, signalGroup, spawnNpmStart, waitForBanner, type CheckoutCopy, type NpmStart, type NpmStartOptions } from '../support/npm-start.ts';

/** A warm start (bundles fresh) takes seconds; this leaves room for a rebuild after a source change. */
const START_TIMEOUT_MS = 60_000;
/** The user an unprivileged start runs as when the tests run as root. */
const NOBODY = { uid: 65534, gid: 65534 } as const;
const isRoot = process.getuid?.() === 0;

const running: NpmStart[] = [];
const dirs: string[] = [];

function start(args: readonly string[], options: NpmStartOptions = {}): NpmStart {
  const started = spawnNpmStart(args, options);
  running.push(started);
  return started;
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function postQuery(url: string, query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': DEV_API_KEY }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: await response.json() };
}

afterEach(async () => {
  for (const started of running.splice(0)) {
    if (started.child.exitCode === null && started.child.signalCode === null) {
      signalGroup(started, 'SIGKILL');
      await started.exit;
    }
  }
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm start: the bundled local server', () => {
  it('npm start prints the URLs and the API key, answers the first query, and shuts down on Ctrl-C', { timeout: START_TIMEOUT_MS + 20_000 }, async () => {
    const started = start(['--port', '0']);
    const banner = await waitForBanner(started, START_TIMEOUT_MS);
    const port = new URL(banner.graphql).port;
    expect(banner).toEqual({
      graphql: `http://127.0.0.1:${port}/graphql`,
      realtime: `ws://127.0.0.1:${port}/graphql/realtime`,
      explorer: `http://127.0.0.1:${port}/`,
      apiKey: DEV_API_KEY,
      data: 'in memory (use --data-dir to keep it)',
      caCert: expect.stringMatching(/local-ca\.pem$/),
      iamKeys: expect.stringMatching(/local-credentials\.json$/),
    });
    expect(started.lines.find((line) => line.startsWith('  Realtime:'))).toEqual(`  Realtime:    ws://127.0.0.1:${port}/graphql/realtime  (wss:// on the same port)`);
    expect(started.lines.find((line) => line.startsWith('Asset API'))).toMatch(/^Asset API \(local AppSync\) ready in \d+ ms \(server \d+ ms\)$/);

    expect(await postQuery(banner.graphql, '{ listAssets(limit: 1) { items { id } nextToken } }')).toEqual({ status: 200, body: { data: { listAssets: { items: [], nextToken: null } } } });

    signalGroup(started, 'SIGINT');
    await started.exit;
    expect(started.lines).toContain('SIGINT: shutting down');
    // No warning at start: the AWS SDK's Node 20 notice is switched off, and so is Node's note on the loader start.mjs uses.
    expect(started.lines.filter((line) => /warning/i.test(line))).toEqual([]);
  });

  it('keeps data in --data-dir across a restart, and exits 0 on SIGTERM and on SIGINT', { timeout: 2 * START_TIMEOUT_MS }, async () => {
    const dataDir = tempDir('asset-api-npm-start-');
    const first = start(['--port', '0', '--data-dir', dataDir, '--no-watch'], { direct: true });
    const firstBanner = await waitForBanner(first, START_TIMEOUT_MS);
    expect({ data: firstBanner.data, caCert: firstBanner.caCert }).toEqual({ data: dataDir, caCert: join(dataDir, 'local-ca.pem') });
    // createUpload runs the asset-urls Lambda, which the bundled server loads with import().
    const created = await postQuery(firstBanner.graphql, 'mutation { createUpload(input: { name: "kept.txt", contentType: "text/plain", size: 4 }) { asset { id } upload { method } } }');
    const id = (created.body as { data?: { createUpload?: { asset?: { id?: unknown } } } }).data?.createUpload?.asset?.id;
    expect(created).toEqual({ status: 200, body: { data: { createUpload: { asset: { id: expect.any(String) }, upload: { method: 'PUT' } } } } });
    signalGroup(first, 'SIGTERM');
    expect(await first.exit).toEqual({ code: 0, signal: null });
    expect(first.lines).toContain('SIGTERM: shutting down');

    const second = start(['--port', '0', '--data-dir', dataDir, '--no-watch'], { direct: true });
    const secondBanner = await waitForBanner(second, START_TIMEOUT_MS);
    expect(await postQuery(secondBanner.graphql, 'query ($id: ID!) { getAsset(id: $id) { id name owner status } }', { id })).toEqual({
      status: 200,
      body: { data: { getAsset: { id, name: 'kept.txt', owner: 'apikey', status: 'PENDING' } } },
    });
    signalGroup(second, 'SIGINT');
    expect(await second.exit).toEqual({ code: 0, signal: null });
  });
});

describe('npm start: changes to sources, in a copy of the checkout', () => {
  let copy: CheckoutCopy | undefined;
  const root = (): string => {
    if (copy === undefined) throw new Error('no checkout copy');
    return copy.root;
  };
  beforeAll(() => {
    copy = copyCheckout('asset-api-npm-start-');
  });
  afterAll(() => copy?.remove());

  it('applies a resolver change without a restart (hot reload from the bundle)', { timeout: COLD_START_TIMEOUT_MS + 30_000 }, async () => {
    // The copy's first start is cold: it builds every bundle.
    const started = start(['--port', '0'], { cwd: root(), direct: true });
    const banner = await waitForBanner(started, COLD_START_TIMEOUT_MS);
    const file = join(root(), 'resolvers', 'Query.getAsset.ts');
    const now = new Date();
    utimesSync(file, now, now);
    await vi.waitFor(() => expect(started.lines.some((line) => /^\[reload\] \d+ change\(s\) applied in \d+ ms$/.test(line))).toBe(true), { timeout: 20_000, interval: 100 });
    expect(await postQuery(banner.graphql, '{ getAsset(id: "missing") { id } }')).toEqual({ status: 200, body: { data: { getAsset: null } } });
    signalGroup(started, 'SIGINT');
    expect(await started.exit).toEqual({ code: 0, signal: null });
  });

  it('rebuilds the server bundle when it is older than an input, and reuses it otherwise', { timeout: COLD_START_TIMEOUT_MS + 2 * START_TIMEOUT_MS }, async () => {
    const record = join(root(), 'dist', 'local', 'main.build.json');
    const bundle = join(root(), 'dist', 'local', 'main.cjs');
    if (!existsSync(record)) {
      // Run alone (-t), the copy has not started yet: build it once first.
      const cold = start(['--port', '0', '--no-watch'], { cwd: root(), direct: true });
      await waitForBanner(cold, COLD_START_TIMEOUT_MS);
      signalGroup(cold, 'SIGINT');
      expect(await cold.exit).toEqual({ code: 0, signal: null });
    }
    // Marking the bundle's build as old makes every source look newer, without touching a source.
    const past = new Date(Date.UTC(2000, 0, 1));
    utimesSync(record, past, past);
    const rebuilt = start(['--port', '0', '--no-watch'], { cwd: root(), direct: true });
    await waitForBanner(rebuilt, START_TIMEOUT_MS);
    const builtAt = statSync(record).mtimeMs;
    expect(builtAt).toBeGreaterThan(past.getTime());
    signalGroup(rebuilt, 'SIGINT');
    expect(await rebuilt.exit).toEqual({ code: 0, signal: null });

    const reused = start(['--port', '0', '--no-watch'], { cwd: root(), direct: true });
    await waitForBanner(reused, START_TIMEOUT_MS);
    expect(statSync(record).mtimeMs).toBe(builtAt);
    expect(existsSync(bundle)).toBe(true);
    signalGroup(reused, 'SIGINT');
    expect(await reused.exit).toEqual({ code: 0, signal: null });
  });
});

/** Runs `node scripts/start.mjs <args>` to its end; a start-up failure must end it on its own. */
async function startUntilExit(args: readonly string[], options: NpmStartOptions = {}): Promise<{ exit: { code: number | null; signal: NodeJS.Signals | null }; stderr: string[] }> {
  const started = start(args, { direct: true, ...options });
  const exit = await started.exit;
  return { exit, stderr: started.stderr };
}

function listenOnFreePort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Options to start as an unprivileged user: as `nobody` (with a state folder it may write) when the tests run as root. */
function unprivileged(): NpmStartOptions {
  if (!isRoot) return {};
  const home = tempDir('asset-api-nobody-');
  chmodSync(home, 0o777);
  return { user: NOBODY, env: { TMPDIR: home, HOME: home } };
}

/** The first port that needs privileges here (Linux: `net.ipv4.ip_unprivileged_port_start`); 0 when every port is free to bind. */
function firstUnprivilegedPort(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim());
  } catch {
    return 1024;
  }
}

describe('npm start: start-up failures are one line on stderr and exit code 1', () => {
  it('says the port is already in use', { timeout: START_TIMEOUT_MS }, async () => {
    const blocker = await listenOnFreePort();
    const { port } = blocker.address() as AddressInfo;
    try {
      expect(await startUntilExit(['--port', String(port), '--no-watch'])).toEqual({
        exit: { code: 1, signal: null },
        stderr: [`npm start: port ${port} on 127.0.0.1 is already in use; stop the other process or choose another port with --port N (or PORT=N).`],
      });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it.skipIf(firstUnprivilegedPort() <= 80)('says a privileged port needs privileges', { timeout: START_TIMEOUT_MS }, async () => {
    expect(await startUntilExit(['--port', '80', '--no-watch', '--no-tls'], unprivileged())).toEqual({
      exit: { code: 1, signal: null },
      stderr: ['npm start: no permission to listen on port 80 on 127.0.0.1 (ports below 1024 need privileges); choose another port with --port N (or PORT=N).'],
    });
  });

  it('says --host is not an address of this machine', { timeout: START_TIMEOUT_MS }, async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a real interface.
    expect(await startUntilExit(['--port', '0', '--host', '192.0.2.1', '--no-watch'])).toEqual({
      exit: { code: 1, signal: null },
      stderr: ['npm start: cannot listen on 192.0.2.1: no network interface of this machine has that address; choose one that does with --host H (default 127.0.0.1, 0.0.0.0 for all).'],
    });
  });

  it('says a --data-dir the file system refuses to create cannot be created, instead of hanging', { timeout: START_TIMEOUT_MS }, async () => {
    expect(await startUntilExit(['--port', '0', '--data-dir', '/proc/x', '--no-watch'])).toEqual({
      exit: { code: 1, signal: null },
      stderr: ['npm start: the data folder /proc/x cannot be created (ENOENT: no such file or directory); choose a folder you can write with --data-dir DIR.'],
    });
  });

  it('says a --data-dir under a regular file cannot be created', { timeout: START_TIMEOUT_MS }, async () => {
    const file = join(tempDir('asset-api-file-'), 'a-file');
    writeFileSync(file, 'not a folder');
    expect(await startUntilExit(['--port', '0', '--data-dir', join(file, 'data'), '--no-watch'])).toEqual({
      exit: { code: 1, signal: null },
      stderr: [`npm start: the data folder ${join(file, 'data')} cannot be created (ENOTDIR: not a directory); choose a folder you can write with --data-dir DIR.`],
    });
  });

  it('says a read-only --data-dir cannot be written', { timeout: START_TIMEOUT_MS }, async () => {
    const readOnly = tempDir('asset-api-read-only-');
    chmodSync(readOnly, 0o555);
    expect(await startUntilExit(['--port', '0', '--data-dir', readOnly, '--no-watch', '--no-tls'], unprivileged())).toEqual({
      exit: { code: 1, signal: null },
      stderr: [`npm start: the data folder ${readOnly} cannot be written (EACCES: permission denied); choose a folder you can write with --data-dir DIR.`],
    });
  });

  it('says when another server already uses the same --data-dir', { timeout: 2 * START_TIMEOUT_MS }, async () => {
    const dataDir = tempDir('asset-api-shared-');
    const first = start(['--port', '0', '--data-dir', dataDir, '--no-watch', '--no-tls'], { direct: true });
    await waitForBanner(first, START_TIMEOUT_MS);
    const second = await startUntilExit(['--port', '0', '--data-dir', dataDir, '--no-watch', '--no-tls']);
    expect(second).toEqual({
      exit: { code: 1, signal: null },
      stderr: [
        `Configuration error: --data-dir: the table store ${join(dataDir, 'dynamodb')} is in use by another process (another npm start on the same folder?). Received: IO error: lock ${join(dataDir, 'dynamodb', 'LOCK')}: Resource temporarily unavailable`,
      ],
    });
    signalGroup(first, 'SIGINT');
    expect(await first.exit).toEqual({ code: 0, signal: null });
  });
});

/** The embedded DynamoDB store of the server `pid`: its one listening port besides `serverPort` that answers as dynalite does. */
async function findStoreEndpoint(pid: number, serverPort: number): Promise<string> {
  for (const port of listeningPorts(pid).filter((p) => p !== serverPort)) {
    const answer = await fetch(`http://127.0.0.1:${port}/`).then((response) => response.text(), () => '');
    if (answer.startsWith('healthy: dynamodb')) return `http://127.0.0.1:${port}`;
  }
  throw new Error(`no port of process ${pid} answers as dynalite`);
}

describe('npm start: a crash of the embedded DynamoDB store (its own thread)', () => {
  it.skipIf(!CAN_LIST_PORTS)('ends the server with one line on stderr and exit code 1', { timeout: START_TIMEOUT_MS }, async () => {
    const started = start(['--port', '0', '--no-watch', '--no-tls'], { direct: true });
    const banner = await waitForBanner(started, START_TIMEOUT_MS);
    await sendNullBody(await findStoreEndpoint(started.child.pid ?? 0, Number(new URL(banner.graphql).port)));
    expect({ exit: await started.exit, stderr: started.stderr }).toEqual({
      exit: { code: 1, signal: null },
      stderr: [`npm start: the embedded DynamoDB store (dynalite) crashed: ${NULL_BODY_CRASH}; the server stopped (run with --verbose for the stack)`],
    });
  });
});
