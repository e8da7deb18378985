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
  // The same object as `{ ...item, version: 1 }`, built by Object.assign: V8 copies an item of a
  // dozen members by spread several times slower (getAssets and listAssets convert up to 100).
  // Only an own `__proto__` member tells the two apart (assign sets the prototype, spread defines it).
  if (Object.hasOwn(item, '__proto__')) {
    return { ...item, version: 1 };
  }
  return Object.assign({}, item, { version: 1 });
}

/** `toAsset` for a possibly absent item. */
export function toAssetOrNull(item: AssetItem | null | undefined): AssetView | null {
  return item === null || item === undefined ? null : toAsset(item);
}
