/**
 * AppSync's per-resolver caching, emulated (https://docs.aws.amazon.com/appsync/latest/devguide/enabling-caching.html):
 * a resolver that declares `caching` keeps its result (the value its response handler returned, before
 * nested fields resolve) under the resolver's name and the values of its caching keys, and serves it
 * until the TTL passes, even when the data changed meanwhile, as AppSync does. Only resolutions that
 * ended without an error are stored. Differences from AppSync: the cache lives in the server process
 * (no instance, no encryption, emptied by a restart or a reload), and it holds at most `maxEntries`
 * results (the oldest go first), where AppSync evicts by the instance's memory.
 */
import type { ApiCacheDefinition, ResolverCachingDefinition } from '../../api/types.ts';

/** What a caching key may read (`$context.arguments.id`, `$context.identity.sub`, `$context.source.id`). */
export interface CachingScope {
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly identity: unknown;
  readonly source: unknown;
}

export interface ResolverCacheOptions {
  /** The clock, in milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Most results kept at once. @default 10000 */
  readonly maxEntries?: number;
}

export interface ResolverCache {
  /** The cached result for `resolver` in `scope`, if one is fresh. */
  get(resolver: string, caching: ResolverCachingDefinition, scope: CachingScope): { readonly hit: true; readonly value: unknown } | { readonly hit: false; readonly key: string };
  /** Keeps `value` under `key` (from a miss) for the resolver's TTL. */
  set(key: string, caching: ResolverCachingDefinition, value: unknown): void;
}

const ROOTS: Readonly<Record<string, keyof CachingScope>> = { arguments: 'arguments', args: 'arguments', identity: 'identity', source: 'source' };

/** The value a caching key such as `$context.identity.sub` names; undefined when a step is missing. */
export function readCachingKey(key: string, scope: CachingScope): unknown {
  const [, root, ...path] = key.split('.');
  const start = root === undefined ? undefined : ROOTS[root];
  let value: unknown = start === undefined ? undefined : scope[start];
  for (const name of path) {
    if (typeof value !== 'object' || value === null || !Object.prototype.hasOwnProperty.call(value, name)) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

export function createResolverCache(cache: ApiCacheDefinition, options: ResolverCacheOptions = {}): ResolverCache {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  // A Map keyed by the serialized key: values such as `__proto__` are only text here.
  const entries = new Map<string, { readonly value: unknown; readonly expiresAt: number }>();

  return {
    get: function getCachedResult(resolver, caching, scope) {
      const key = JSON.stringify([resolver, ...caching.keys.map((k) => readCachingKey(k, scope) ?? null)]);
      const entry = entries.get(key);
      if (entry !== undefined && entry.expiresAt > now()) return { hit: true, value: entry.value };
      if (entry !== undefined) entries.delete(key);
      return { hit: false, key };
    },
    set: function setCachedResult(key, caching, value) {
      entries.delete(key);
      entries.set(key, { value, expiresAt: now() + (caching.ttlSeconds ?? cache.ttlSeconds) * 1000 });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
    },
  };
}
