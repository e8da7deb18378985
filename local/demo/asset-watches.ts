/**
 * `onAssetUpdated(id)` for the newest rows of the list (browser code): status, metadata and
 * deletion of assets changed anywhere show up live. The realtime client opens one connection per
 * subscription, so only the newest `MAX_WATCHED` rows are followed; the others are let go.
 */
import type { AppSyncRealtimeClient, AuthorizationHeader, RealtimeResult } from '../explorer/appsync-realtime-client.ts';
import { OnAssetUpdatedDocument, type AssetFieldsFragment } from '../../generated/operations.ts';
import type { AssetStore } from './asset-store.ts';
import { documentText } from './graphql-transport.ts';

/** Rows followed with `onAssetUpdated`, newest first. */
export const MAX_WATCHED = 10;

export interface AssetWatchesDeps {
  readonly realtime: AppSyncRealtimeClient;
  readonly store: AssetStore;
  /** Reads the asset again with its download URL (a row that became READY). */
  readonly refresh: (id: string) => Promise<void>;
}

export interface AssetWatches {
  /** Follows the newest rows with this identity's authorization (docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake), and keeps following as rows change. */
  start(authorization: AuthorizationHeader): void;
  stop(): void;
}

/** The asset a subscription event carries under `field`, as the subscription's document selects it. */
export function eventAsset(result: RealtimeResult, field: string): AssetFieldsFragment | null | undefined {
  if (typeof result.data !== 'object' || result.data === null) return undefined;
  // Our subscription documents select AssetFields on this field.
  return (result.data as Record<string, AssetFieldsFragment | null | undefined>)[field];
}

export function createAssetWatches(deps: AssetWatchesDeps): AssetWatches {
  const { store } = deps;
  const watches = new Map<string, AsyncIterableIterator<RealtimeResult>>();
  let authorization: AuthorizationHeader | undefined;

  async function onUpdated(result: RealtimeResult): Promise<void> {
    const updated = eventAsset(result, 'onAssetUpdated');
    if (!updated) return;
    if (updated.status === 'DELETING') return store.forget(updated.id);
    // Only READY assets have a download URL: read it when a row becomes READY.
    if (updated.status === 'READY' && store.get(updated.id)?.status !== 'READY') return deps.refresh(updated.id);
    store.remember(updated);
  }

  async function follow(id: string, iterator: AsyncIterableIterator<RealtimeResult>): Promise<void> {
    try {
      // A failed read leaves the row as it was; the subscription goes on.
      for await (const result of iterator) await onUpdated(result).catch(() => undefined);
    } catch {
      // The connection ended (server stopped, identity refused): the row stays as last seen.
    } finally {
      if (watches.get(id) === iterator) watches.delete(id);
    }
  }

  function sync(): void {
    if (authorization === undefined) return;
    const wanted = new Set(store.list().slice(0, MAX_WATCHED).map((asset) => asset.id));
    for (const [id, iterator] of watches) {
      if (wanted.has(id)) continue;
      watches.delete(id);
      void iterator.return?.();
    }
    for (const id of wanted) {
      if (watches.has(id)) continue;
      const iterator = deps.realtime.subscribe({ query: documentText(OnAssetUpdatedDocument), variables: { id }, authorization });
      watches.set(id, iterator);
      void follow(id, iterator);
    }
  }

  store.onChange(sync);

  return {
    start: function startWatches(auth) {
      authorization = auth;
      sync();
    },
    stop: function stopWatches() {
      authorization = undefined;
      for (const iterator of watches.values()) void iterator.return?.();
      watches.clear();
    },
  };
}
