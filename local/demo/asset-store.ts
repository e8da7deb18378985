/**
 * The assets the demo shows, by id (browser code). Answers arrive out of order (a listing sent
 * before a completion may land after its event), so a known asset never goes back to PENDING, and
 * a field an answer does not carry (an event has no `downloadUrl`) keeps its known value.
 */
import type { AssetFieldsFragment } from '../../generated/operations.ts';

/** An asset as listed: every `AssetFields` field, plus its download URL once read. */
export type AssetView = AssetFieldsFragment & { readonly downloadUrl?: string | null };

export interface AssetStore {
  /** Newest first. */
  list(): readonly AssetView[];
  get(id: string): AssetView | undefined;
  /** Merges an answer into the known asset; returns the asset as now shown. */
  remember(asset: AssetView): AssetView;
  forget(id: string): void;
  clear(): void;
  /** Called after every change. */
  onChange(listener: () => void): void;
}

export function createAssetStore(): AssetStore {
  const assets = new Map<string, AssetView>();
  const listeners: Array<() => void> = [];
  const changed = (): void => {
    for (const listener of listeners) listener();
  };
  return {
    list: () => [...assets.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    get: (id) => assets.get(id),
    remember: function rememberAsset(asset) {
      const known = assets.get(asset.id);
      if (known && known.status !== 'PENDING' && asset.status === 'PENDING') return known;
      // An older version (a late listing) does not undo a newer one (an update event).
      if (known && asset.version < known.version) return known;
      const merged: AssetView = { ...known, ...asset, ...(asset.downloadUrl === undefined && known ? { downloadUrl: known.downloadUrl } : {}) };
      assets.set(asset.id, merged);
      changed();
      return merged;
    },
    forget: function forgetAsset(id) {
      if (assets.delete(id)) changed();
    },
    clear: function clearAssets() {
      assets.clear();
      changed();
    },
    onChange: (listener) => void listeners.push(listener),
  };
}
