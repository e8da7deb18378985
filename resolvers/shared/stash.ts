/** What each pipeline passes along in `ctx.stash`, one type per pipeline resolver. */
import type { AssetItem, UploadTicket } from './asset.ts';
import type { MultipartUpload } from '../../generated/schema-types.ts';
import type { TagChange } from './tags.ts';

/** Mutation.createUpload: mintUploadUrl -> putAsset. */
export interface CreateUploadStash {
  /** The item to write, without `expiresAt` (known once the ticket exists). */
  asset: AssetItem;
  /** Set by mintUploadUrl for a single PUT. */
  upload?: UploadTicket;
  /** Set by mintUploadUrl for a multipart upload (the item's `uploadId` too). */
  multipart?: MultipartUploadView;
  /** Set by putAsset for putAssetTags. */
  tagChange?: TagChange;
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
  /** Set by completeAsset (READY with tags) for putAssetTags. */
  tagChange?: TagChange;
}

/** Mutation.deleteAsset: markDeleting -> deleteObject -> deleteAssetItem. */
export interface DeleteAssetStash {
  id: string;
  owner: string;
  /** Set by markDeleting for removeAssetTags. */
  tagChange?: TagChange;
}

/** Mutation.updateAsset: getAssetForUpdate -> updateAssetItem -> removeAssetTags -> putAssetTags -> checkTagExpiry -> rewriteAssetTags. */
export interface UpdateAssetStash {
  id: string;
  owner: string;
  /** Set by updateAssetItem for the tag functions. */
  tagChange?: TagChange;
}

/** What batchGetAssets and retryUnprocessedAssets read and fill (Query.getAssets, Query.listAssets). */
export interface AssetBatch {
  /** Distinct ids to read (BatchGetItem refuses a key named twice). */
  ids: string[];
  /** Items found so far, in no particular order. */
  items: AssetItem[];
  /** Ids DynamoDB left unprocessed in the last BatchGetItem. */
  unprocessedIds: string[];
}

/** Query.getAssets: batchGetAssets -> retryUnprocessedAssets. */
export interface GetAssetsStash {
  owner: string;
  batch?: AssetBatch;
}

/** Query.listAssets: queryAssetsByOwner | (queryAssetTags -> batchGetAssets -> retryUnprocessedAssets). */
export interface ListAssetsStash {
  owner: string;
  /** Page size after defaults and the cap. */
  limit: number;
  /** With a tag: the asset ids of the tag items read, newest first, and the tag page's token. */
  taggedIds?: string[];
  tagNextToken?: string | null;
  batch?: AssetBatch;
}

/** `MultipartUpload` as the API returns it. */
export type MultipartUploadView = MultipartUpload;

/** uploadPartUrls, uploadedParts, finishUpload, abortUpload: getMultipartAsset -> one Lambda call (-> tag and item removal). */
export interface MultipartStash {
  id: string;
  owner: string;
  /** Set by getMultipartAsset: the PENDING multipart asset. */
  item?: AssetItem;
  /** Set by getMultipartAsset for abortUpload's removeAssetTags. */
  tagChange?: TagChange;
}
