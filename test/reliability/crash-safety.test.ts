/**
 * Crash safety: the real `npm start` (`node scripts/start.mjs`, the command npm runs, through
 * `test/support/npm-start.ts`) on a `--data-dir`, killed with SIGKILL (sent to its whole process
 * group, so it reaches the server) in the middle of a createUpload load, then restarted on the same
 * folder. Every write acknowledged before the kill must be there and whole (every required attribute),
 * no half-written asset may be visible, and the restart must be clean. Prints counts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { api } from '../../api/definition.ts';
import { DEV_API_KEY } from '../../local/config.ts';
import { startDynamoStore } from '../../local/stores/dynamo-store.ts';
import { localTableNames } from '../../local/stores/tables.ts';
import { signalGroup, spawnNpmStart, waitForBanner, type NpmStart } from '../support/npm-start.ts';
import { reliabilityScale } from './harness.ts';
import { postGraphQL } from '../support/graphql-client.ts';
import { scanTable } from '../support/store-readers.ts';
import { TEST_CREDENTIALS } from '../support/credentials.ts';

const WRITERS = 8;
const KILL_AFTER_ACKS = Math.round(60 * reliabilityScale());
/** Attributes every stored asset item has (what createUpload writes). */
const REQUIRED_ATTRIBUTES = ['id', 'owner', 'name', 'contentType', 'size', 'status', 'createdAt', 'updatedAt', 'key', 'expiresAt'] as const;
const ASSET_FIELDS = 'id owner name contentType size checksumSha256 description tags status createdAt updatedAt';

const dirs: string[] = [];
const started: NpmStart[] = [];
afterAll(async () => {
  for (const server of started) {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      signalGroup(server, 'SIGKILL');
      await server.exit;
    }
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface RunningServer {
  readonly process: NpmStart;
  readonly url: string;
}

/** Starts `npm start` on `dataDir` and resolves with its GraphQL URL once it prints the banner. */
async function startServerProcess(dataDir: string): Promise<RunningServer> {
  const server = spawnNpmStart(['--port', '0', '--data-dir', dataDir, '--no-watch', '--no-tls'], { direct: true, env: { API_KEY: DEV_API_KEY } });
  started.push(server);
  const banner = await waitForBanner(server);
  return { process: server, url: banner.graphql };
}

describe('crash safety: SIGKILL during a write load, then restart on the same data folder', () => {
  it('keeps every acknowledged createUpload whole, shows no half-written asset, and restarts cleanly', { timeout: 120_000 }, async ({ expect }) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'asset-api-crash-'));
    dirs.push(dataDir);
    const first = await startServerProcess(dataDir);
    const headers = { 'x-api-key': DEV_API_KEY };
    const acknowledged = new Map<string, string>();
    let sent = 0;
    let killed = false;

    // Writers keep creating uploads; the test kills the server once enough have been acknowledged.
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      for (let n = 0; !killed; n++) {
        sent++;
        const name = `crash-${w}-${n}.txt`;
        try {
          const result = await postGraphQL(first.url, { query: 'mutation ($name: String!) { createUpload(input: { name: $name, contentType: "text/plain", size: 5, tags: ["crash"] }) { asset { id } } }', variables: { name } }, { headers });
          const id = (result.body as { data?: { createUpload?: { asset?: { id?: string } } } }).data?.createUpload?.asset?.id;
          if (result.status === 200 && typeof id === 'string') acknowledged.set(id, name);
          if (acknowledged.size >= KILL_AFTER_ACKS && !killed) {
            killed = true;
            signalGroup(first.process, 'SIGKILL');
          }
        } catch {
          // The connection died with the server: this write was never acknowledged.
        }
      }
    });
    await Promise.all(writers);
    expect(await first.process.exit).toEqual({ code: null, signal: 'SIGKILL' });

    // Restart on the same folder: it must come up and serve every acknowledged write, whole.
    const second = await startServerProcess(dataDir);
    const missing: string[] = [];
    const incomplete: unknown[] = [];
    for (const [id, name] of acknowledged) {
      const read = await postGraphQL(second.url, { query: `query ($id: ID!) { getAsset(id: $id) { ${ASSET_FIELDS} } }`, variables: { id } }, { headers });
      const asset = (read.body as { data?: { getAsset?: Record<string, unknown> | null } }).data?.getAsset;
      if (!asset) missing.push(id);
      else if (asset['name'] !== name || asset['owner'] !== 'apikey' || asset['status'] !== 'PENDING' || asset['size'] !== 5 || asset['contentType'] !== 'text/plain' || JSON.stringify(asset['tags']) !== '["crash"]') incomplete.push(asset);
    }
    // Whatever the owner's listing shows (it reads the byOwner index) must be a whole, readable asset.
    const listed: Record<string, unknown>[] = [];
    let nextToken: string | null = null;
    do {
      const page = await postGraphQL(second.url, { query: `query ($nextToken: String) { listAssets(limit: 100, nextToken: $nextToken) { items { ${ASSET_FIELDS} } nextToken } }`, variables: { nextToken } }, { headers });
      const connection = (page.body as { data?: { listAssets?: { items: Record<string, unknown>[]; nextToken: string | null } } }).data?.listAssets;
      expect(page.body).toEqual({ data: { listAssets: { items: expect.any(Array), nextToken: expect.toBeOneOf([null, expect.any(String)]) } } });
      listed.push(...(connection?.items ?? []));
      nextToken = connection?.nextToken ?? null;
    } while (nextToken !== null);
    const halfListed = listed.filter((item) => ['id', 'owner', 'name', 'contentType', 'size', 'status', 'createdAt', 'updatedAt'].some((field) => item[field] === null || item[field] === undefined));
    const restartOutput = [...second.process.lines];
    const repaired = Number(/removed (\d+) index entr/.exec(restartOutput.join('\n'))?.[1] ?? 0);
    signalGroup(second.process, 'SIGTERM');
    const secondExit = await second.process.exit;

    // The table itself, read from the data folder: every item has every attribute createUpload writes.
    const store = await startDynamoStore({ dataDir: join(dataDir, 'dynamodb') });
    const client = new DynamoDBClient({ endpoint: store.endpoint, region: 'us-east-1', credentials: { ...TEST_CREDENTIALS } });
    let items: Awaited<ReturnType<typeof scanTable>>;
    try {
      items = await scanTable(client, localTableNames(api)['assets'] as string);
    } finally {
      client.destroy();
      await store.close();
    }
    const halfWritten = items.filter((item) => REQUIRED_ATTRIBUTES.some((name) => item[name] === undefined)).map((item) => item['id']?.S);
    const stored = new Set(items.map((item) => item['id']?.S));

    console.log(
      `[reliability] crash safety: ${sent} createUpload requests sent by ${WRITERS} writers, ${acknowledged.size} acknowledged before SIGKILL, ` +
        `${acknowledged.size - missing.length} verified after restart (${missing.length} lost, ${incomplete.length} inconsistent), ${items.length} items in the table ` +
        `(${items.length - acknowledged.size} written but unacknowledged), ${halfWritten.length} half-written, ${listed.length} listed, ${repaired} orphan index entries removed at restart`,
    );
    expect({ missing, incomplete, halfWritten, halfListed }).toEqual({ missing: [], incomplete: [], halfWritten: [], halfListed: [] });
    expect([...acknowledged.keys()].filter((id) => !stored.has(id))).toEqual([]);
    expect(listed.map((item) => item['id']).filter((id) => !stored.has(String(id)))).toEqual([]);
    expect(restartOutput.filter((line) => /\[error\]|Error|shutdown failed/.test(line))).toEqual([]);
    expect(secondExit).toEqual({ code: 0, signal: null });
  });
});
