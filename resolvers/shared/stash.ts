/** What each pipeline passes along in `ctx.stash`, one type per pipeline resolver. */
import type { AssetItem, UploadTicket } from './asset.ts';

/** Mutation.createUpload: mintUploadUrl -> putAsset. */
export interface CreateUploadStash {
  /** The item to write, without `expiresAt` (known once the ticket exists). */
  asset: AssetItem;
  /** Set by mintUploadUrl. */
  upload?: UploadTicket;
}

/** Mutation.completeUpload: getAssetForCompletion -> completeAsset. */
export interface CompleteUploadStash {
  /** Parsed from the object key. */
  id: string;
  owner: string;
  key: string;
  /** What S3 reports for the object. */
  size: number;
  contentType: string | null;
}

/** Mutation.deleteAsset: markDeleting -> deleteObject -> deleteAssetItem. */
export interface DeleteAssetStash {
  id: string;
  owner: string;
}
