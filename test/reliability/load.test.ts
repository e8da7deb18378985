/**
 * Reliability (docs/ARCHITECTURE.md#tests), load without loss: concurrent clients create uploads, PUT the bytes to the presigned URLs,
 * and the real completion path runs (S3 object-created event -> uploadCompleted Lambda -> IAM
 * completeUpload) while WebSocket subscribers listen. Every acknowledged asset must end READY exactly
 * once in the table, every subscriber must receive each event it may see exactly once (and none of
 * another owner's), and after the TTL window the sweeper must leave no PENDING asset. Prints counts.
 */
import { afterAll, beforeAll, describe, it, vi } from 'vitest';
import { api } from '../../api/definition.ts';
import { createTtlSweeper } from '../../local/stores/ttl-sweeper.ts';
import { reliabilityScale } from './harness.ts';
import { postGraphQL } from '../support/graphql-client.ts';
import { base64UrlJson, openRealtimeSocket, type RealtimeSocket } from '../support/realtime-client.ts';
import { scanTable } from '../support/store-readers.ts';
import { startTestServer, type StoreBackedTestServer } from '../support/test-server.ts';

const CLIENTS = Math.min(32, Math.max(16, Math.round(24 * Math.min(reliabilityScale(), 1.33))));
const UPLOADS_PER_CLIENT = Math.max(1, Math.round(5 * reliabilityScale()));
const ABANDONED = 8;

interface Ticket {
  readonly url: string;
  readonly method: string;
  readonly headers: readonly { readonly name: string; readonly value: string }[];
}

let fixture: StoreBackedTestServer;

beforeAll(async () => {
  fixture = await startTestServer({ store: 'dynalite', argv: ['--no-tls'] });
});

afterAll(async () => {
  await fixture?.close();
});

function body(size: number, seed: number): string {
  return `${seed}:`.padEnd(size, 'x');
}

describe('load: concurrent uploads with subscribers', () => {
  it('ends every acknowledged upload READY exactly once, delivers each event exactly once to its owner, and sweeps abandoned tickets', { timeout: 180_000 }, async ({ expect }) => {
    const { server } = fixture;
    const host = new URL(server.url).host;
    // Client i is user-<i>; clients 0..3 use the API key instead (they share the owner `apikey`).
    const identities = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) =>
        i < 4 ? { owner: 'apikey', headers: { 'x-api-key': server.apiKey } as Record<string, string> } : { owner: `user-${i}`, headers: { authorization: await fixture.issuer.mintToken({ sub: `user-${i}` }) } as Record<string, string> },
      ),
    );
    const owners = [...new Set(identities.map((c) => c.owner))];

    // One subscriber per owner, plus a second one for the API key owner.
    const subscribers: { owner: string; client: RealtimeSocket }[] = [];
    for (const [index, owner] of [...owners, 'apikey'].entries()) {
      const headers = (identities.find((c) => c.owner === owner) as { headers: Record<string, string> }).headers;
      const auth = { host, ...(headers['x-api-key'] ? { 'x-api-key': headers['x-api-key'] } : { Authorization: headers['authorization'] }) };
      const client = await openRealtimeSocket(server.realtimeUrl, ['graphql-ws', `header-${base64UrlJson(auth)}`]);
      client.send({ type: 'connection_init' });
      client.send({ id: `created-${index}`, type: 'start', payload: { data: JSON.stringify({ query: 'subscription { onAssetCreated { id owner status } }', variables: {} }), extensions: { authorization: auth } } });
      await client.next((f) => f['type'] === 'start_ack');
      subscribers.push({ owner, client });
    }

    let requests = 0;
    const acknowledged: { id: string; owner: string }[] = [];
    const failures: string[] = [];
    await Promise.all(
      identities.map(async ({ owner, headers }, c) => {
        for (let n = 0; n < UPLOADS_PER_CLIENT; n++) {
          const content = body(16 + ((c * 7 + n) % 50), c * 1000 + n);
          requests++;
          const created = await postGraphQL(server.url, { query: 'mutation ($input: CreateUploadInput!) { createUpload(input: $input) { asset { id owner status } upload { url method headers { name value } } } }', variables: {
            input: { name: `load-${c}-${n}.txt`, contentType: 'text/plain', size: Buffer.byteLength(content) },
          } }, { headers });
          const payload = (created.body as { data?: { createUpload?: { asset: { id: string; owner: string; status: string }; upload: Ticket } } }).data?.createUpload;
          if (created.status !== 200 || !payload) {
            failures.push(`createUpload ${c}/${n}: ${created.status} ${created.text.slice(0, 200)}`);
            continue;
          }
          acknowledged.push({ id: payload.asset.id, owner });
          requests++;
          const put = await fetch(payload.upload.url, { method: payload.upload.method, headers: Object.fromEntries(payload.upload.headers.map((h) => [h.name, h.value])), body: content });
          await put.arrayBuffer();
          if (put.status !== 200) failures.push(`PUT ${c}/${n}: ${put.status}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(acknowledged.length).toBe(CLIENTS * UPLOADS_PER_CLIENT);

    // The completions run asynchronously (S3 event -> Lambda -> completeUpload): wait for the table.
    const table = fixture.tableNames['assets'] as string;
    await vi.waitFor(
      async () => {
        const items = await scanTable(fixture.dynamodb, table);
        expect(items.filter((item) => item['status']?.S === 'READY').length).toBe(acknowledged.length);
      },
      { timeout: 120_000, interval: 250 },
    );
    const items = await scanTable(fixture.dynamodb, table);
    const byId = new Map(items.map((item) => [item['id']?.S ?? '', item]));
    expect(items.length).toBe(acknowledged.length);
    expect(acknowledged.filter(({ id, owner }) => byId.get(id)?.['status']?.S !== 'READY' || byId.get(id)?.['owner']?.S !== owner)).toEqual([]);
    expect(items.filter((item) => item['expiresAt'] !== undefined).map((item) => item['id']?.S)).toEqual([]);

    // Every subscriber: exactly the READY events of its own owner, each once.
    const expectedIds = (owner: string): string[] => acknowledged.filter((a) => a.owner === owner).map((a) => a.id).sort();
    await vi.waitFor(
      () => {
        for (const { owner, client } of subscribers) expect(client.frames.filter((f) => f['type'] === 'data').length).toBeGreaterThanOrEqual(expectedIds(owner).length);
      },
      { timeout: 60_000, interval: 100 },
    );
    let delivered = 0;
    for (const { owner, client } of subscribers) {
      // A stop is answered after every frame already queued, so nothing late is missed.
      const startId = client.frames.find((f) => f['type'] === 'start_ack')?.['id'];
      client.send({ type: 'stop', id: startId });
      await client.next((f) => f['type'] === 'complete');
      const events = client.frames.filter((f) => f['type'] === 'data').map((f) => (f['payload'] as { data: { onAssetCreated: { id: string; owner: string; status: string } } }).data.onAssetCreated);
      delivered += events.length;
      expect({ owner, ids: events.map((e) => e.id).sort(), owners: [...new Set(events.map((e) => e.owner))], statuses: [...new Set(events.map((e) => e.status))] }).toEqual({
        owner,
        ids: expectedIds(owner),
        owners: [owner],
        statuses: ['READY'],
      });
      await client.close();
    }

    // Abandoned tickets (no PUT) stay PENDING until the TTL window has passed, then the sweeper removes them.
    const abandoned: string[] = [];
    for (let i = 0; i < ABANDONED; i++) {
      const created = await postGraphQL(server.url, { query: 'mutation { createUpload(input: { name: "never.txt", contentType: "text/plain", size: 5 }) { asset { id } } }', variables: {} }, { headers: { 'x-api-key': server.apiKey } });
      abandoned.push((created.body as { data: { createUpload: { asset: { id: string } } } }).data.createUpload.asset.id);
    }
    const windowSeconds = api.assets.uploadUrlExpirySeconds + api.assets.pendingGraceSeconds;
    const sweepAt = async (offsetSeconds: number): Promise<{ deleted: Readonly<Record<string, number>> }> => {
      const sweeper = createTtlSweeper({ client: fixture.dynamodb, api, tableNames: fixture.tableNames, intervalMs: 3_600_000, now: () => new Date(Date.now() + offsetSeconds * 1000) });
      try {
        return await sweeper.sweepOnce();
      } finally {
        await sweeper.close();
      }
    };
    expect(await sweepAt(windowSeconds - 60)).toEqual({ deleted: { assets: 0, assetTags: 0 } });
    expect(await sweepAt(windowSeconds + 60)).toEqual({ deleted: { assets: ABANDONED, assetTags: 0 } });
    const after = await scanTable(fixture.dynamodb, table);
    expect({ pending: after.filter((item) => item['status']?.S === 'PENDING').length, ready: after.filter((item) => item['status']?.S === 'READY').length }).toEqual({ pending: 0, ready: acknowledged.length });

    console.log(
      `[reliability] load: ${CLIENTS} clients, ${requests} requests (createUpload + PUT), ${acknowledged.length} uploads acknowledged, ${acknowledged.length} READY exactly once, ` +
        `${subscribers.length} subscribers received ${delivered} events (0 lost, 0 duplicated, 0 foreign), ${ABANDONED} abandoned PENDING swept after the TTL window, 0 PENDING left`,
    );
  });
});
