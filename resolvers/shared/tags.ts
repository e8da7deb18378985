/**
 * Tag items of the `assetTags` table: one per (owner, tag, asset), so `listAssets(tag:)` reads one
 * partition, newest first. Key: `ownerTag` = `<owner>#<tag>` (an owner is a user-pool `sub` or
 * `apikey`, neither holds `#`, so the first `#` separates them) and `createdAtId` =
 * `<createdAt>#<assetId>` (ISO-8601 sorts as text). Tags are compared as plain strings with
 * `indexOf`, never used as object keys, so a tag such as `__proto__` is just text.
 */

/** What the tag functions of a pipeline do, set in `ctx.stash.tagChange` by the step before them. */
export interface TagChange {
  readonly owner: string;
  readonly assetId: string;
  readonly createdAt: string;
  /** Tag items to write (BatchPutItem: a whole item, so a rewrite also drops an `expiresAt`). */
  readonly put: string[];
  /** Tag items to delete. */
  readonly remove: string[];
  /** The asset's TTL while PENDING (epoch seconds); null for a READY asset. */
  readonly expiresAt: number | null;
}

/** The stash of every pipeline that runs `putAssetTags` / `removeAssetTags`. */
export interface TagStash {
  tagChange?: TagChange;
}

/** One stored tag item. */
export interface TagItem {
  readonly ownerTag: string;
  readonly createdAtId: string;
  readonly assetId: string;
  readonly expiresAt?: number;
}

export function tagPartition(owner: string, tag: string): string {
  return `${owner}#${tag}`;
}

export function tagSortKey(createdAt: string, assetId: string): string {
  return `${createdAt}#${assetId}`;
}

/** The key of the tag item for `tag` on the asset described by `change`. */
export function tagItemKey(change: TagChange, tag: string): { ownerTag: string; createdAtId: string } {
  return { ownerTag: tagPartition(change.owner, tag), createdAtId: tagSortKey(change.createdAt, change.assetId) };
}

/** The distinct tags in `next` that `previous` lacks (items stored before tags had to be distinct may repeat one). */
export function tagsMissingFrom(previous: string[] | null | undefined, next: string[] | null | undefined): string[] {
  const before = previous ?? [];
  const after = next ?? [];
  return after.filter((tag, index) => before.indexOf(tag) === -1 && after.indexOf(tag) === index);
}
