/** The one mapping from a stored item to what the API returns. */
import type { AssetItem, AssetView } from './asset.ts';

/** Items written before `version` existed have none: they read as version 1 (and updateAsset accepts 1 for them). */
export function toAsset(item: AssetItem): AssetView {
  return { ...item, version: item.version ?? 1 };
}

/** `toAsset` for a possibly absent item. */
export function toAssetOrNull(item: AssetItem | null | undefined): AssetView | null {
  return item === null || item === undefined ? null : toAsset(item);
}
