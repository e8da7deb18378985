/** When updateAsset may change an asset; shared by the read and the conditional write. */
import { util } from '@aws-appsync/utils';
import { CONFLICT_ERROR, INVALID_STATUS_ERROR, type AssetItem, type AssetStatus } from './asset.ts';
import { toAsset } from './asset-view.ts';

/** Statuses whose metadata may change: a DELETING asset is on its way out, a REJECTED one expires. */
export const UPDATABLE_STATUSES: readonly AssetStatus[] = ['READY', 'PENDING'];

/**
 * Raises AppSync's `Unauthorized` for another owner's asset, `InvalidStatusError` for a status
 * outside UPDATABLE_STATUSES and `ConflictError` (with `errorInfo.currentVersion` and the stored asset
 * as `data`, so the client can merge) when `expectedVersion` is not the stored version.
 */
export function assertUpdatable(item: AssetItem, owner: string, expectedVersion: number): void {
  if (item.owner !== owner) {
    util.unauthorized();
  }
  if (UPDATABLE_STATUSES.indexOf(item.status) === -1) {
    util.error(`Asset ${item.id} is ${item.status}; only READY or PENDING assets can be updated`, INVALID_STATUS_ERROR, null, { status: item.status });
  }
  const currentVersion = item.version ?? 1;
  if (currentVersion !== expectedVersion) {
    util.error(`Asset ${item.id} is at version ${currentVersion}, not ${expectedVersion}; read it again and retry`, CONFLICT_ERROR, toAsset(item), { currentVersion });
  }
}
