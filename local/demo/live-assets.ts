/**
 * Keeps the asset list live over AppSync's realtime protocol (browser code, through
 * `appsync-realtime-client.ts`): `onAssetCreated` adds assets completed anywhere, and
 * `asset-watches.ts` follows the newest rows with `onAssetUpdated(id)`. Events carry only what the
 * triggering mutation selected (docs/APPSYNC-BEHAVIOUR.md#subscription-payloads), so a new or newly READY asset is
 * read again with `getAsset` for its download URL.
 */
import type { GraphQLTransport } from '../../client/upload.ts';
import { GetAssetDocument, OnAssetCreatedDocument } from '../../generated/operations.ts';
import { el, errorMessage } from '../explorer/dom.ts';
import type { AppSyncRealtimeClient, AuthorizationHeader, RealtimeResult, SubscriptionStatus } from '../explorer/appsync-realtime-client.ts';
import { firstErrorMessage } from '../explorer/graphql-http.ts';
import type { AssetStore } from './asset-store.ts';
import { createAssetWatches, eventAsset } from './asset-watches.ts';
import { documentText } from './graphql-transport.ts';

export interface LiveAssetsDeps {
  readonly graphql: GraphQLTransport;
  readonly realtime: AppSyncRealtimeClient;
  readonly store: AssetStore;
  /** The realtime header object for the current identity (docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake). */
  readonly authorization: () => Promise<AuthorizationHeader>;
  /** Lists again once the subscription is live: an asset completed before `start_ack` sent its event too early. */
  readonly reload: () => void;
  /** The tag filter: a created asset without that tag is not shown. */
  readonly tagFilter: () => string;
}

export interface LiveAssets {
  /** `connecting…`, `live` or `disconnected`, with `data-status`. */
  readonly statusElement: HTMLElement;
  /** (Re)starts every subscription with the current identity. */
  start(): Promise<void>;
  stop(): void;
}

export function createLiveAssets(deps: LiveAssetsDeps): LiveAssets {
  const { store } = deps;
  const statusElement = el('span', { 'data-testid': 'live-status', class: 'live' }, 'connecting…');
  /** Bumped on every (re)start and stop, so an ended generation's late answers are dropped. */
  let generation = 0;
  let created: AsyncIterableIterator<RealtimeResult> | undefined;

  function setStatus(status: SubscriptionStatus | 'error', detail = ''): void {
    statusElement.textContent = status === 'live' ? 'live' : status === 'connecting' ? 'connecting…' : `disconnected${detail ? `: ${detail}` : ''}`;
    statusElement.dataset['status'] = status;
  }

  /** Shows the asset as `getAsset` reads it now (with its download URL), if it passes the filter. */
  async function refresh(id: string): Promise<void> {
    const mine = generation;
    const { getAsset } = await deps.graphql(GetAssetDocument, { id });
    const filter = deps.tagFilter();
    if (mine === generation && getAsset && (filter === '' || (getAsset.tags ?? []).includes(filter))) store.remember(getAsset);
  }

  const watches = createAssetWatches({ realtime: deps.realtime, store, refresh });

  async function follow(iterator: AsyncIterableIterator<RealtimeResult>, mine: number): Promise<void> {
    try {
      for await (const result of iterator) {
        const error = firstErrorMessage(result);
        if (error !== undefined && mine === generation) setStatus('error', error);
        const asset = eventAsset(result, 'onAssetCreated');
        // A failed read leaves the list as it was; the subscription goes on.
        if (asset) await refresh(asset.id).catch(() => undefined);
      }
    } catch (error) {
      if (mine === generation) setStatus('error', errorMessage(error));
    }
  }

  function stop(): void {
    generation += 1;
    void created?.return?.();
    created = undefined;
    watches.stop();
  }

  return {
    statusElement,
    stop,
    start: async function startLiveAssets() {
      stop();
      const mine = generation;
      setStatus('connecting');
      const authorization = await deps.authorization();
      if (mine !== generation) return;
      created = deps.realtime.subscribe({
        query: documentText(OnAssetCreatedDocument),
        authorization,
        onStatusChange: (status) => {
          if (mine !== generation) return;
          setStatus(status);
          if (status === 'live') deps.reload();
        },
      });
      void follow(created, mine);
      watches.start(authorization);
    },
  };
}
