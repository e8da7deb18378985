/**
 * Live subscriptions of every connection, indexed by the mutation fields that feed them
 * (`@aws_subscribe`). The executor announces each mutation field result (`onMutation`); matching
 * subscriptions receive the result projected through their own selection set
 * (docs/APPSYNC-BEHAVIOUR.md#subscription-payloads and the sections after it).
 * Filters are compiled once at `start`, so a publish costs one index lookup plus one filter and one
 * projection per candidate subscriber.
 */
import type { MutationEvent, PreparedSubscription } from '../graphql/contract.ts';
import { compileArgumentFilter, compileEnhancedFilter, type CompiledFilter } from './filter.ts';

/** What a connection registers for one accepted `start`. */
export interface SubscriptionSink {
  readonly subscription: PreparedSubscription;
  /**
   * Subscriptions with the same key get the same projection (the `start` payload.data: query and
   * variables), so one event is projected and serialized once per distinct key, not once per socket.
   * @default no sharing
   */
  readonly projectionKey?: string;
  /** Sends one `data` frame; `json` is `JSON.stringify(payload)`, computed once for all sharers. */
  deliver(payload: Record<string, unknown>, json: string): void;
  /** Ends the subscription after a matching `invalidateSubscriptions` call. */
  invalidate(): void;
}

export interface InvalidationRequest {
  readonly subscriptionField: string;
  readonly payload: unknown;
}

export interface SubscriptionRegistry {
  /** Registers a subscription; the returned function removes it (safe to call twice). */
  add(sink: SubscriptionSink): () => void;
  /** Fans one mutation result out to the matching subscriptions. Returns how many received it. */
  publish(event: MutationEvent): number;
  /** Ends subscriptions of `subscriptionField` whose invalidation filter matches. Returns how many. */
  invalidate(request: InvalidationRequest): number;
  /** Number of live subscriptions. */
  size(): number;
}

export interface SubscriptionRegistryDeps {
  /** A subscriber's projection or delivery threw; the others still receive the event. */
  readonly onError?: (error: unknown) => void;
}

interface Entry {
  readonly sink: SubscriptionSink;
  readonly matches: CompiledFilter;
  readonly invalidationMatches: CompiledFilter | null;
}

function index(map: Map<string, Set<Entry>>, key: string, entry: Entry): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(entry);
}

function unindex(map: Map<string, Set<Entry>>, key: string, entry: Entry): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(entry);
  if (set.size === 0) map.delete(key);
}

/** Delivers one mutation result to each matching candidate, projecting once per projection key. */
function deliverToMatching(candidates: ReadonlySet<Entry> | undefined, event: MutationEvent, onError: ((error: unknown) => void) | undefined): number {
  // A mutation field that resolved to null publishes nothing (docs/APPSYNC-BEHAVIOUR.md#subscription-payloads).
  if (!candidates || event.payload === null || event.payload === undefined) return 0;
  let delivered = 0;
  const projections = new Map<string, { readonly payload: Record<string, unknown>; readonly json: string }>();
  // Iterating the live set is safe: deleting during iteration skips nothing that is still present.
  for (const entry of candidates) {
    try {
      if (!entry.matches(event.payload)) continue;
      const key = entry.sink.projectionKey;
      let projection = key === undefined ? undefined : projections.get(key);
      if (projection === undefined) {
        const payload = entry.sink.subscription.project(event.payload);
        projection = { payload, json: JSON.stringify(payload) };
        if (key !== undefined) projections.set(key, projection);
      }
      entry.sink.deliver(projection.payload, projection.json);
      delivered++;
    } catch (error) {
      onError?.(error);
    }
  }
  return delivered;
}

export function createSubscriptionRegistry(deps: SubscriptionRegistryDeps = {}): SubscriptionRegistry {
  const byMutation = new Map<string, Set<Entry>>();
  const bySubscriptionField = new Map<string, Set<Entry>>();
  let count = 0;

  return {
    add: function addSubscription(sink) {
      const { subscription } = sink;
      // Enhanced filters replace argument filtering; the two are never combined (docs/APPSYNC-BEHAVIOUR.md#enhanced-subscription-filters).
      const entry: Entry = {
        sink,
        matches: compileEnhancedFilter(subscription.filter) ?? compileArgumentFilter(subscription.arguments),
        invalidationMatches: compileEnhancedFilter(subscription.invalidationFilter),
      };
      for (const mutation of new Set(subscription.mutations)) index(byMutation, mutation, entry);
      index(bySubscriptionField, subscription.fieldName, entry);
      count++;
      let removed = false;
      return function removeSubscription() {
        if (removed) return;
        removed = true;
        count--;
        for (const mutation of new Set(subscription.mutations)) unindex(byMutation, mutation, entry);
        unindex(bySubscriptionField, subscription.fieldName, entry);
      };
    },

    publish: function publishMutation(event) {
      return deliverToMatching(byMutation.get(event.fieldName), event, deps.onError);
    },

    invalidate: function invalidateSubscriptions(request) {
      const candidates = bySubscriptionField.get(request.subscriptionField);
      if (!candidates) return 0;
      let ended = 0;
      for (const entry of [...candidates]) {
        if (entry.invalidationMatches === null || !entry.invalidationMatches(request.payload)) continue;
        try {
          entry.sink.invalidate();
          ended++;
        } catch (error) {
          deps.onError?.(error);
        }
      }
      return ended;
    },

    size: () => count,
  };
}
