/**
 * Parsed and validated documents by query text. Clients send the same few documents over and over, so
 * parsing and validation run once per text; the cache is bounded and drops the oldest entries.
 */
import { GraphQLError, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { validateDocument, type ValidateOptions } from './validation.ts';

export type PreparedDocument = { readonly ok: true; readonly document: DocumentNode } | { readonly ok: false; readonly errors: readonly GraphQLError[] };

export interface DocumentCacheOptions extends ValidateOptions {
  /** @default 1000 */
  readonly maxEntries?: number;
}

export function createDocumentCache(schema: GraphQLSchema, options: DocumentCacheOptions) {
  const maxEntries = options.maxEntries ?? 1000;
  const cache = new Map<string, PreparedDocument>();

  function prepare(query: string): PreparedDocument {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (e) {
      if (e instanceof GraphQLError) return { ok: false, errors: [e] };
      // Nesting deeper than the recursive parser can follow is a syntax error, not an internal failure
      // (graphql-java, which AppSync runs, also stops parsing at a maximum rule depth).
      if (e instanceof RangeError) return { ok: false, errors: [new GraphQLError('Invalid Syntax : the document is nested too deeply')] };
      throw e;
    }
    const errors = validateDocument(schema, document, options);
    return errors.length > 0 ? { ok: false, errors } : { ok: true, document };
  }

  return function getDocument(query: string): PreparedDocument {
    let prepared = cache.get(query);
    if (!prepared) {
      prepared = prepare(query);
      if (cache.size >= maxEntries) {
        const oldest = cache.keys().next();
        if (!oldest.done) cache.delete(oldest.value);
      }
      cache.set(query, prepared);
    }
    return prepared;
  };
}
