import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createDocumentCache, MAX_DOCUMENT_TOKENS } from '../../../local/graphql/document-cache.ts';

const schema = buildSchema('type Query { a: Int, b: Int, c(x: [Int]): Int }');
const OPTIONS = { queryDepthLimit: 10, introspection: true } as const;

/** A valid query of about `chars` characters (an alias makes the text distinct). */
function queryOf(chars: number, alias: string): string {
  return `{ ${alias}: a ${' '.repeat(Math.max(0, chars - alias.length - 8))}}`;
}

describe('document cache: bounds', () => {
  it('answers the same text from the cache (the same prepared object)', () => {
    const getDocument = createDocumentCache(schema, OPTIONS);
    expect(getDocument('{ a }')).toBe(getDocument('{ a }'));
  });

  it('never caches a text above maxCachedQueryLength: each request prepares it again', () => {
    const getDocument = createDocumentCache(schema, { ...OPTIONS, maxCachedQueryLength: 100 });
    const big = queryOf(200, 'big');
    const first = getDocument(big);
    expect({ ok: first.ok, cachedAgain: getDocument(big) === first }).toEqual({ ok: true, cachedAgain: false });
  });

  it('evicts the oldest texts when the cached characters would pass maxCachedChars', () => {
    const getDocument = createDocumentCache(schema, { ...OPTIONS, maxCachedChars: 1_000, maxCachedQueryLength: 1_000 });
    const [one, two, three] = ['one', 'two', 'three'].map((alias) => queryOf(400, alias)) as [string, string, string];
    const firstOne = getDocument(one);
    const firstTwo = getDocument(two);
    getDocument(three); // 1,200 characters in all: `one` must go.
    expect({ one: getDocument(one) === firstOne, two: getDocument(two) === firstTwo }).toEqual({ one: false, two: false });
  });

  it('evicts the oldest entry at maxEntries', () => {
    const getDocument = createDocumentCache(schema, { ...OPTIONS, maxEntries: 2 });
    const a = getDocument('{ a }');
    const b = getDocument('{ b }');
    getDocument('{ x: a }');
    // `b` is read first: re-preparing `a` would evict it.
    expect({ b: getDocument('{ b }') === b, a: getDocument('{ a }') === a }).toEqual({ b: true, a: false });
  });
});

describe('document cache: token limit', () => {
  it(`refuses a document of more than ${MAX_DOCUMENT_TOKENS} tokens with graphql-java's syntax error, and parses one at the limit`, () => {
    const getDocument = createDocumentCache(schema, OPTIONS);
    // `{ c ( x : [` and `] ) }` are 9 tokens; each list item is one more.
    const withItems = (n: number): string => `{ c(x: [${' 1'.repeat(n)} ]) }`;
    const atLimit = withItems(MAX_DOCUMENT_TOKENS - 9);
    const overLimit = withItems(MAX_DOCUMENT_TOKENS - 8);
    const refused = getDocument(overLimit);
    const parsed = getDocument(atLimit);
    expect({ atLimit: parsed.ok ? true : parsed.errors.map((e) => e.message), refused: refused.ok ? 'parsed' : refused.errors.map((e) => e.message) }).toEqual({
      atLimit: true,
      refused: [`Invalid Syntax : More than ${MAX_DOCUMENT_TOKENS} 'grammar' tokens have been presented. To prevent Denial Of Service attacks, parsing has been cancelled.`],
    });
  });
});
