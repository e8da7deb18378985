/**
 * `POST /graphql` from the browser, as any web app calls AppSync: JSON body, auth header, the
 * response body returned as the GraphQL result (AppSync answers 401 with a GraphQL-shaped body too,
 * docs/APPSYNC-BEHAVIOUR.md#graphql-error-object, so the user sees `errorType` either way).
 */

export interface GraphQLRequestBody {
  readonly query: string;
  readonly variables?: unknown;
  readonly operationName?: string;
}

export interface GraphQLResult {
  readonly data?: unknown;
  readonly errors?: readonly unknown[];
}

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export async function postGraphQL(
  fetchFn: FetchFunction,
  url: string,
  headers: Readonly<Record<string, string>>,
  body: GraphQLRequestBody,
): Promise<GraphQLResult> {
  const response = await fetchFn(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null) return value as GraphQLResult;
  } catch {
    // Not JSON: reported below with the status, which is what a user needs to see.
  }
  return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 500)}` }] };
}

/** The first error message of a result, or undefined when it has none. */
export function firstErrorMessage(result: GraphQLResult): string | undefined {
  const first: unknown = result.errors?.[0];
  if (first === undefined) return undefined;
  if (typeof first === 'object' && first !== null) {
    const { message, errorType } = first as { message?: unknown; errorType?: unknown };
    const text = typeof message === 'string' ? message : JSON.stringify(first);
    return typeof errorType === 'string' ? `${errorType}: ${text}` : text;
  }
  return String(first);
}
