/**
 * Parsed and validated documents by query text. Clients send the same few documents over and over, so
 * parsing and validation run once per text. The cache is bounded twice: by entries and by the total
 * length of the cached texts (a parsed document costs memory in proportion to its text), and a text
 * above `maxCachedQueryLength` is prepared every time instead of cached, so distinct large documents
 * cannot fill the heap. Oldest entries go first.
 */
import { GraphQLError, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { validateDocument, type ValidateOptions } from './validation.ts';

export type PreparedDocument = { readonly ok: true; readonly document: DocumentNode } | { readonly ok: false; readonly errors: readonly GraphQLError[] };

/**
 * Most tokens a document may hold. AWS does not publish AppSync's parser limit; AppSync runs
 * graphql-java, whose parser stops at 15,000 grammar tokens by default, and we apply the same number
 * (chosen by us, see docs/APPSYNC-BEHAVIOUR.md#request-limits). Parsing cost grows with tokens, not bytes.
 */
export const MAX_DOCUMENT_TOKENS = 15_000;

export interface DocumentCacheOptions extends ValidateOptions {
  /** @default 1000 */
  readonly maxEntries?: number;
  /** Total characters of cached query texts. @default 8 MiB */
  readonly maxCachedChars?: number;
  /** Longer texts are never cached. @default 64 KiB */
  readonly maxCachedQueryLength?: number;
  /** @default MAX_DOCUMENT_TOKENS */
  readonly maxTokens?: number;
}

export function createDocumentCache(schema: GraphQLSchema, options: DocumentCacheOptions) {
  const maxEntries = options.maxEntries ?? 1000;
  const maxCachedChars = options.maxCachedChars ?? 8 * 1024 * 1024;
  const maxCachedQueryLength = options.maxCachedQueryLength ?? 64 * 1024;
  const maxTokens = options.maxTokens ?? MAX_DOCUMENT_TOKENS;
  const cache = new Map<string, PreparedDocument>();
  let cachedChars = 0;

  function prepare(query: string): PreparedDocument {
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens });
    } catch (e) {
      if (e instanceof GraphQLError) {
        // graphql-java's wording for the same limit (its parser's "more than N tokens" cancellation).
        if (/Document contains more th(?:an|at) \d+ tokens/.test(e.message)) {
          return { ok: false, errors: [new GraphQLError(`Invalid Syntax : More than ${maxTokens} 'grammar' tokens have been presented. To prevent Denial Of Service attacks, parsing has been cancelled.`)] };
        }
        return { ok: false, errors: [e] };
      }
      // Nesting deeper than the recursive parser can follow is a syntax error, not an internal failure
      // (graphql-java, which AppSync runs, also stops parsing at a maximum rule depth).
      if (e instanceof RangeError) return { ok: false, errors: [new GraphQLError('Invalid Syntax : the document is nested too deeply')] };
      throw e;
    }
    const errors = validateDocument(schema, document, options);
    return errors.length > 0 ? { ok: false, errors } : { ok: true, document };
  }

  function evictOldest(): void {
    const oldest = cache.keys().next();
    if (oldest.done) return;
    cache.delete(oldest.value);
    cachedChars -= oldest.value.length;
  }

  return function getDocument(query: string): PreparedDocument {
    const cached = cache.get(query);
    if (cached) return cached;
    const prepared = prepare(query);
    if (query.length > maxCachedQueryLength) return prepared;
    while (cache.size > 0 && (cache.size >= maxEntries || cachedChars + query.length > maxCachedChars)) evictOldest();
    cache.set(query, prepared);
    cachedChars += query.length;
    return prepared;
  };
}
