/**
 * The demo's GraphQL transport (browser code): the typed documents of `generated/operations.ts`
 * (from `client/operations/*.graphql`), printed once each, sent with `POST /graphql` and the auth
 * headers of the moment. It is the `GraphQLTransport` `client/upload.ts` takes: it resolves with
 * `data` and rejects when the answer has `errors`, naming AppSync's `errorType`
 * (docs/APPSYNC-BEHAVIOUR.md#graphql-error-object).
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { DocumentNode } from 'graphql';
import { print } from 'graphql';
import type { GraphQLTransport } from '../../client/upload.ts';
import { firstErrorMessage, postGraphQL, type FetchFunction } from '../explorer/graphql-http.ts';

/** An answer with `errors`: `message` is the first one's, prefixed with its `errorType`. */
export class GraphQLOperationError extends Error {
  override readonly name = 'GraphQLOperationError';
  constructor(
    message: string,
    readonly errors: readonly unknown[],
  ) {
    super(message);
  }
}

export interface GraphQLTransportDeps {
  readonly fetch: FetchFunction;
  /** Path (or URL) of the GraphQL endpoint. */
  readonly url: string;
  /** The auth headers for the next call (the signed-in user's token may have been refreshed). */
  readonly authHeaders: () => Promise<Record<string, string>>;
}

const printed = new WeakMap<object, string>();

/** The document's text, printed once. */
export function documentText(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

export function createGraphQLTransport(deps: GraphQLTransportDeps): GraphQLTransport {
  return async function sendOperation<TData, TVariables extends Record<string, unknown>>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables): Promise<TData> {
    const result = await postGraphQL(deps.fetch, deps.url, await deps.authHeaders(), { query: documentText(document), variables });
    const error = firstErrorMessage(result);
    if (error !== undefined) throw new GraphQLOperationError(error, result.errors ?? []);
    if (typeof result.data !== 'object' || result.data === null) throw new GraphQLOperationError('the answer has no data', []);
    // `data` is what the typed document selects: the server executed exactly this document.
    return result.data as TData;
  };
}
