/** Sequential latencies of one `listAssets` page request, after a warm-up; each answer must hold a full page of 20. */
import { queryData, type GraphQLRequest } from './graphql-client.ts';

export async function pageLatencies(url: string, apiKey: string, request: GraphQLRequest, warmup: number, count: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await queryData(url, request, { apiKey });
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const data = await queryData(url, request, { apiKey });
    latencies.push(performance.now() - start);
    const items = (data['listAssets'] as { items?: unknown[] } | null)?.items;
    if (!Array.isArray(items) || items.length !== 20) throw new Error(`listAssets returned ${JSON.stringify(data).slice(0, 300)}`);
  }
  return latencies;
}
