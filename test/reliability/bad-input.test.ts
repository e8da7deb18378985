/**
 * Reliability (docs/ARCHITECTURE.md#tests), bad input: every case of `test/fixtures/bad-input/*.ndjson` is sent to the running local
 * endpoint and must come back AppSync-shaped (HTTP status, `x-amzn-ErrorType` and body; or the
 * realtime frames), leak no stack trace or internal path, and leave the server answering its health
 * probe. Prints the number of cases tried.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { mintTokenVariants } from './auth-variants.ts';
import { loadCorpus } from './corpus.ts';
import { expectedHttp, runHttpCase, runWsCase } from './corpus-runner.ts';
import { checkHealth, findLeaks, HEALTHY } from './harness.ts';
import { postGraphQL } from '../support/graphql-client.ts';
import { startTestServer, type StoreBackedTestServer } from '../support/test-server.ts';

const cases = loadCorpus();
let fixture: StoreBackedTestServer;
let vars: Record<string, unknown> = {};
let callers: Record<string, Record<string, string>> = {};
const tally = { tried: 0, http: 0, ws: 0, healthChecks: 0, leaks: 0 };

async function createAsset(headers: Record<string, string>, name: string): Promise<string> {
  const created = await postGraphQL(fixture.server.url, { query: 'mutation ($name: String!) { createUpload(input: { name: $name, contentType: "text/plain", size: 5 }) { asset { id } } }', variables: { name } }, { headers });
  const id = (created.body as { data?: { createUpload?: { asset?: { id?: unknown } } } }).data?.createUpload?.asset?.id;
  if (typeof id !== 'string') throw new Error(`createUpload failed: ${created.text}`);
  return id;
}

beforeAll(async () => {
  fixture = await startTestServer({ store: 'dynalite', argv: ['--no-tls'] });
  const { server } = fixture;
  const tokens = await mintTokenVariants(fixture.issuer);
  const host = new URL(server.url).host;
  callers = { apikey: { 'x-api-key': server.apiKey }, alice: { authorization: tokens['alice'] ?? '' }, bob: { authorization: tokens['bob'] ?? '' } };
  vars = {
    host,
    apiKey: server.apiKey,
    ...Object.fromEntries(Object.entries(tokens).map(([name, token]) => [`jwt.${name}`, token])),
    'auth.apiKey': { host, 'x-api-key': server.apiKey },
    'auth.alice': { host, Authorization: tokens['alice'] },
    'auth.bob': { host, Authorization: tokens['bob'] },
    'auth.badKey': { host, 'x-api-key': 'da2-wrongwrongwrongwrongwrong00' },
    'auth.expired': { host, Authorization: tokens['expired'] },
    'auth.algNone': { host, Authorization: tokens['algNone'] },
    'auth.otherKey': { host, Authorization: tokens['otherKey'] },
    'auth.hostOnly': { host },
    'asset.alice': await createAsset(callers['alice'] ?? {}, 'alice.txt'),
    'asset.bob': await createAsset(callers['bob'] ?? {}, 'bob.txt'),
    'asset.apikey': await createAsset(callers['apikey'] ?? {}, 'shared.txt'),
  };
});

afterAll(async () => {
  console.log(`[reliability] bad input: ${tally.tried} cases tried (${tally.http} HTTP, ${tally.ws} WebSocket), ${tally.healthChecks} health checks passed, ${tally.leaks} leaks`);
  await fixture?.close();
});

describe('bad input: every corpus case gets its AppSync-shaped error and the server stays healthy', () => {
  it('has at least 200 cases, with unique names', ({ expect }) => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.for(cases)('[$file:$line] $name', async (c, { expect }) => {
    tally.tried++;
    let leaks: string[];
    if (c.kind === 'http') {
      tally.http++;
      const outcome = await runHttpCase(c, fixture.server, vars);
      expect({ status: outcome.status, errorType: outcome.errorType, body: outcome.body }).toEqual(expectedHttp(c, vars));
      leaks = findLeaks(outcome.text);
    } else {
      tally.ws++;
      const outcome = await runWsCase(c, fixture.server, vars, callers);
      expect(outcome.transcript.map((t) => t.actual)).toEqual(outcome.transcript.map((t) => t.expected));
      expect(outcome.unexpected).toEqual([]);
      leaks = outcome.frames.flatMap(findLeaks);
    }
    tally.leaks += leaks.length;
    expect(leaks).toEqual([]);
    expect(await checkHealth(fixture.server)).toEqual(HEALTHY);
    tally.healthChecks++;
  });
});
