/**
 * Shared parts of the reliability suite: the scale of its bounded counts, the leak check run on every
 * error body, and the health probe run after every hostile case. Servers, callers and realtime
 * clients come from `test/support/` (`test-server.ts`, `graphql-client.ts`, `realtime-client.ts`).
 */
import type { LocalServer } from '../../local/server.ts';
import { postGraphQL } from '../support/graphql-client.ts';

/** Multiplies the bounded counts of the suite (`RELIABILITY_SCALE=10 npm run test:reliability`). @default 1 */
export function reliabilityScale(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env['RELIABILITY_SCALE'];
  if (raw === undefined || raw === '') return 1;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`RELIABILITY_SCALE must be a positive number. Received: ${raw}`);
  return value;
}

/**
 * What must never reach a client: stack frames, source or dependency paths, Node internals. The
 * patterns are written against what Node prints (`    at fn (/path/file.ts:1:2)`).
 */
const LEAK_PATTERNS: readonly RegExp[] = [
  /\bat [^\s]+ \(/,
  /\n\s+at /,
  /\/work\//,
  /node_modules/,
  /\.ts:\d+/,
  /\.m?js:\d+:\d+/,
  /file:\/\//,
  /node:internal/,
  /\/(?:home|tmp|usr|var)\//,
];

/** The patterns of `LEAK_PATTERNS` found in `text` (empty when it leaks nothing). */
export function findLeaks(text: string): string[] {
  return LEAK_PATTERNS.filter((pattern) => pattern.test(text)).map((pattern) => `${pattern.source} in ${text.slice(0, 300)}`);
}

/** The health probe: `/health` answers ok and `/graphql` still runs a query. */
export async function checkHealth(server: LocalServer): Promise<{ health: number; graphql: unknown }> {
  const health = await fetch(new URL('/health', server.url));
  await health.arrayBuffer();
  const graphql = await postGraphQL(server.url, { query: '{ __typename }', variables: {} }, { apiKey: server.apiKey });
  return { health: health.status, graphql: graphql.body };
}

export const HEALTHY = { health: 200, graphql: { data: { __typename: 'Query' } } } as const;
