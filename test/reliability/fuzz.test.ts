/**
 * Reliability (docs/ARCHITECTURE.md#tests), schema-aware fuzzing: seeded, reproducible operations generated from the schema (valid
 * shapes, broken values, damaged text) sent with every auth mode. Every answer must be AppSync-shaped
 * JSON below 500, leak nothing, and the server must log no internal failure. 1,000 iterations by
 * default; `RELIABILITY_SCALE` multiplies them, `FUZZ_SEED` picks another seed.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { api } from '../../api/definition.ts';
import { validateDefinition } from '../../api/validate.ts';
import { createOperationGenerator, type FuzzRequest } from './fuzz-operations.ts';
import { checkHealth, findLeaks, HEALTHY, reliabilityScale } from './harness.ts';
import { TEST_CREDENTIALS } from '../support/credentials.ts';
import { postGraphQL, signAppSyncRequest, summarizeAnswer, type GraphQLAnswer } from '../support/graphql-client.ts';
import { startTestServer, type StoreBackedTestServer } from '../support/test-server.ts';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20_240_607);
const ITERATIONS = Math.round(1000 * reliabilityScale());
const CONCURRENCY = 4;

let fixture: StoreBackedTestServer;
let callers: (() => Promise<Record<string, string>>)[] = [];

beforeAll(async () => {
  fixture = await startTestServer({ store: 'dynalite', argv: ['--no-tls'] });
  const alice = await fixture.issuer.mintToken({ sub: 'alice' });
  const bob = await fixture.issuer.mintToken({ sub: 'bob', tokenUse: 'access' });
  callers = [
    async () => ({ 'x-api-key': fixture.server.apiKey }),
    async () => ({ authorization: alice }),
    async () => ({ authorization: bob }),
    async () => ({}),
  ];
});

afterAll(async () => {
  await fixture?.close();
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What is wrong with a response's shape (empty when it is AppSync-shaped). */
function describeShapeProblems(answer: GraphQLAnswer): string[] {
  const result = summarizeAnswer(answer);
  const problems: string[] = [];
  if (result.status >= 500) problems.push(`status ${result.status}`);
  if (!isRecord(result.body)) return [...problems, 'body is not a JSON object'];
  const { body } = result;
  const errors = body['errors'];
  if (errors !== undefined && (!Array.isArray(errors) || errors.some((e) => !isRecord(e) || typeof e['message'] !== 'string'))) problems.push('errors is not a list of objects with a message');
  if (result.status === 200) {
    const extra = Object.keys(body).filter((k) => k !== 'data' && k !== 'errors');
    if (extra.length > 0) problems.push(`unexpected keys ${extra.join(', ')}`);
    if (!('data' in body)) problems.push('no data key');
    if ('data' in body && body['data'] !== null && !isRecord(body['data'])) problems.push('data is neither null nor an object');
  } else {
    const first = Array.isArray(errors) && isRecord(errors[0]) ? errors[0] : undefined;
    if (Object.keys(body).join() !== 'errors' || !Array.isArray(errors) || errors.length !== 1) problems.push('non-200 body is not {errors:[one]}');
    if (first?.['errorType'] === undefined || first['errorType'] !== result.errorType) problems.push(`x-amzn-ErrorType ${String(result.errorType)} does not match errorType ${String(first?.['errorType'])}`);
  }
  return problems;
}

describe('fuzz: generated operations against the schema', () => {
  it(`answers ${ITERATIONS} seeded operations (seed ${SEED}) with AppSync-shaped JSON, no 5xx, no leak and no internal failure`, { timeout: 120_000 + ITERATIONS * 200 }, async ({ expect }) => {
    const next = createOperationGenerator(validateDefinition(api), SEED);
    const requests: FuzzRequest[] = Array.from({ length: ITERATIONS }, () => next());
    const failures: { request: FuzzRequest; status: number; problems: string[]; body: string }[] = [];
    const byStatus = new Map<number, number>();
    let mutated = 0;
    let cursor = 0;

    async function worker(): Promise<void> {
      while (cursor < requests.length) {
        const index = cursor++;
        const request = requests[index] as FuzzRequest;
        if (request.mutations.length > 0) mutated++;
        const body = JSON.stringify({ query: request.query, variables: request.variables });
        // Every fifth request is an IAM call (signed over the exact body), the others rotate through the callers.
        const headers = index % 5 === 4 ? await signAppSyncRequest(fixture.server.url, body, { credentials: TEST_CREDENTIALS, region: 'us-east-1' }) : await (callers[index % callers.length] as () => Promise<Record<string, string>>)();
        const result = await postGraphQL(fixture.server.url, body, { headers });
        byStatus.set(result.status, (byStatus.get(result.status) ?? 0) + 1);
        const problems = [...describeShapeProblems(result), ...findLeaks(result.text)];
        if (problems.length > 0) failures.push({ request, status: result.status, problems, body: result.text.slice(0, 500) });
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, () => worker()));

    const internal = fixture.logs.filter((line) => line.startsWith('[error]'));
    const statuses = [...byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(', ');
    console.log(`[reliability] fuzz: ${ITERATIONS} iterations (seed ${SEED}; ${mutated} mutated, ${ITERATIONS - mutated} valid-shaped), statuses {${statuses}}, ${failures.length} malformed answers, ${internal.length} internal failures`);
    expect(failures.slice(0, 5)).toEqual([]);
    expect(internal.map((line) => line.slice(0, 500))).toEqual([]);
    expect(await checkHealth(fixture.server)).toEqual(HEALTHY);
  });
});
