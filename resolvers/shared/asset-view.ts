/** The one mapping from a stored item to what the API returns. */
import type { AssetItem, AssetView } from './asset.ts';

/**
 * Items written before `version` existed have none: they read as version 1 (and updateAsset accepts
 * 1 for them). An item that has one is already the view: it is returned as is, without a copy.
 */
export function toAsset(item: AssetItem): AssetView {
  if (item.version !== undefined && item.version !== null) {
    return item as AssetView;
  }
  return { ...item, version: 1 };
}

/** `toAsset` for a possibly absent item. */
export function toAssetOrNull(item: AssetItem | null | undefined): AssetView | null {
  return item === null || item === undefined ? null : toAsset(item);
}
