/**
 * `npm start` as a user runs it: `scripts/start.mjs` runs the bundled server (`dist/local/main.cjs`,
 * rebuilt by `scripts/bundle-server.ts` when an input is newer). Each test spawns the real command in
 * its own process group (as a terminal does), so SIGINT reaches every process as Ctrl-C would. npm
 * itself re-raises the signal it got once its script has exited, so exit codes are checked on
 * `node scripts/start.mjs`, the command `npm start` runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { PROJECT_ROOT } from '../../api/paths.ts';
import { DEV_API_KEY } from '../../local/config.ts';
import { SERVER_BUNDLE_PATH, SERVER_INPUTS_PATH } from '../../scripts/bundle-server.ts';

/** A cold start rebuilds the server bundle (and maybe the resolver and explorer bundles) first. */
const START_TIMEOUT_MS = 60_000;

interface NpmStart {
  readonly child: ChildProcess;
  /** Every stdout and stderr line so far. */
  readonly lines: string[];
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: NpmStart[] = [];
const dirs: string[] = [];

/** `npm start -- <args>`, or with `direct`, `node scripts/start.mjs <args>` (the script npm runs). */
function spawnNpmStart(args: readonly string[], options: { readonly direct?: boolean } = {}): NpmStart {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['API_KEY'];
  delete env['PORT'];
  const [command, commandArgs] = options.direct === true ? [process.execPath, ['scripts/start.mjs', ...args]] : ['npm', ['start', '--', ...args]];
  const child = spawn(command, commandArgs, { cwd: PROJECT_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const collect = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const started = { child, lines, exit };
  running.push(started);
  return started;
}

/** Sends `signal` to npm and everything it started, as a terminal's Ctrl-C does. */
function signalGroup(started: NpmStart, signal: NodeJS.Signals): void {
  if (started.child.pid === undefined) return;
  try {
    process.kill(-started.child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** The printed banner, once the server is ready. */
async function waitForBanner(started: NpmStart): Promise<{ graphql: string; realtime: string; explorer: string; apiKey: string; data: string; caCert: string | null }> {
  await vi.waitFor(
    () => {
      if (started.child.exitCode !== null) throw new Error(`npm start exited with ${started.child.exitCode}:\n${started.lines.join('\n')}`);
      expect(started.lines.some((line) => line.startsWith('  Data:'))).toBe(true);
    },
    { timeout: START_TIMEOUT_MS, interval: 50 },
  );
  const field = (label: string): string => {
    const line = started.lines.find((l) => l.startsWith(`  ${label}:`));
    if (line === undefined) throw new Error(`no "${label}:" line in:\n${started.lines.join('\n')}`);
    return line.slice(label.length + 3).trim();
  };
  const caLine = started.lines.find((l) => l.startsWith('  TLS CA:'));
  return {
    graphql: field('GraphQL'),
    realtime: field('Realtime'),
    explorer: field('Explorer'),
    apiKey: field('API key'),
    data: field('Data'),
    caCert: caLine === undefined ? null : caLine.slice('  TLS CA:'.length).trim(),
  };
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
    const started = spawnNpmStart(['--port', '0']);
    const banner = await waitForBanner(started);
    const port = new URL(banner.graphql).port;
    expect(banner).toEqual({
      graphql: `http://127.0.0.1:${port}/graphql`,
      realtime: `ws://127.0.0.1:${port}/graphql/realtime  (wss:// on the same port)`,
      explorer: `http://127.0.0.1:${port}/`,
      apiKey: DEV_API_KEY,
      data: 'in memory (use --data-dir to keep it)',
      caCert: expect.stringMatching(/local-ca\.pem$/),
    });
    expect(started.lines.find((line) => line.startsWith('Asset API'))).toMatch(/^Asset API \(local AppSync\) ready in \d+ ms \(server \d+ ms\)$/);

    expect(await postQuery(banner.graphql, '{ listAssets(limit: 1) { items { id } nextToken } }')).toEqual({ status: 200, body: { data: { listAssets: { items: [], nextToken: null } } } });

    signalGroup(started, 'SIGINT');
    await started.exit;
    expect(started.lines).toContain('SIGINT: shutting down');
    // No warning at start: the AWS SDK's Node 20 notice is switched off, and so is Node's note on the loader start.mjs uses.
    expect(started.lines.filter((line) => /warning/i.test(line))).toEqual([]);
  });

  it('keeps data in --data-dir across a restart, and exits 0 on SIGTERM and on SIGINT', { timeout: 2 * START_TIMEOUT_MS }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'asset-api-npm-start-'));
    dirs.push(dataDir);
    const first = spawnNpmStart(['--port', '0', '--data-dir', dataDir, '--no-watch'], { direct: true });
    const firstBanner = await waitForBanner(first);
    expect({ data: firstBanner.data, caCert: firstBanner.caCert }).toEqual({ data: dataDir, caCert: join(dataDir, 'local-ca.pem') });
    // createUpload runs the asset-urls Lambda, which the bundled server loads with import().
    const created = await postQuery(firstBanner.graphql, 'mutation { createUpload(input: { name: "kept.txt", contentType: "text/plain", size: 4 }) { asset { id } upload { method } } }');
    const id = (created.body as { data?: { createUpload?: { asset?: { id?: unknown } } } }).data?.createUpload?.asset?.id;
    expect(created).toEqual({ status: 200, body: { data: { createUpload: { asset: { id: expect.any(String) }, upload: { method: 'PUT' } } } } });
    signalGroup(first, 'SIGTERM');
    expect(await first.exit).toEqual({ code: 0, signal: null });
    expect(first.lines).toContain('SIGTERM: shutting down');

    const second = spawnNpmStart(['--port', '0', '--data-dir', dataDir, '--no-watch'], { direct: true });
    const secondBanner = await waitForBanner(second);
    expect(await postQuery(secondBanner.graphql, 'query ($id: ID!) { getAsset(id: $id) { id name owner status } }', { id })).toEqual({
      status: 200,
      body: { data: { getAsset: { id, name: 'kept.txt', owner: 'apikey', status: 'PENDING' } } },
    });
    signalGroup(second, 'SIGINT');
    expect(await second.exit).toEqual({ code: 0, signal: null });
  });

  it('applies a resolver change without a restart (hot reload from the bundle)', { timeout: START_TIMEOUT_MS + 30_000 }, async () => {
    const started = spawnNpmStart(['--port', '0'], { direct: true });
    const banner = await waitForBanner(started);
    const file = join(PROJECT_ROOT, 'resolvers', 'Query.getAsset.ts');
    const now = new Date();
    utimesSync(file, now, now);
    await vi.waitFor(() => expect(started.lines.some((line) => /^\[reload\] \d+ change\(s\) applied in \d+ ms$/.test(line))).toBe(true), { timeout: 20_000, interval: 100 });
    expect(await postQuery(banner.graphql, '{ getAsset(id: "missing") { id } }')).toEqual({ status: 200, body: { data: { getAsset: null } } });
    signalGroup(started, 'SIGINT');
    expect(await started.exit).toEqual({ code: 0, signal: null });
  });

  it('rebuilds the server bundle when it is older than an input, and reuses it otherwise', { timeout: 2 * START_TIMEOUT_MS }, async () => {
    // Marking the bundle's build as old makes every source look newer, without touching a source.
    const past = new Date(Date.UTC(2000, 0, 1));
    utimesSync(SERVER_INPUTS_PATH, past, past);
    const rebuilt = spawnNpmStart(['--port', '0', '--no-watch'], { direct: true });
    await waitForBanner(rebuilt);
    const builtAt = statSync(SERVER_INPUTS_PATH).mtimeMs;
    expect(builtAt).toBeGreaterThan(past.getTime());
    signalGroup(rebuilt, 'SIGINT');
    expect(await rebuilt.exit).toEqual({ code: 0, signal: null });

    const reused = spawnNpmStart(['--port', '0', '--no-watch'], { direct: true });
    await waitForBanner(reused);
    expect(statSync(SERVER_INPUTS_PATH).mtimeMs).toBe(builtAt);
    expect(existsSync(SERVER_BUNDLE_PATH)).toBe(true);
    signalGroup(reused, 'SIGINT');
    expect(await reused.exit).toEqual({ code: 0, signal: null });
  });
});
