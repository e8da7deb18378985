/**
 * The mutation the upload-completed Lambda sends: every Asset field except `downloadUrl` (which
 * would cost a Lambda call and means nothing to the backend). Kept as text so the bundle carries no
 * GraphQL library; test/unit/lambda checks it against `client/operations/complete-upload.graphql`.
 */
export const COMPLETE_UPLOAD_MUTATION = `mutation CompleteUpload($input: CompleteUploadInput!) {
  completeUpload(input: $input) {
    ...AssetFields
  }
}

fragment AssetFields on Asset {
  id
  owner
  name
  contentType
  size
  checksumSha256
  description
  tags
  status
  createdAt
  updatedAt
  version
  title
}`;

/** The `completeUpload` result as selected above. */
export interface CompletedAsset {
  readonly id: string;
  readonly owner: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  readonly checksumSha256: string | null;
  readonly description: string | null;
  readonly tags: readonly string[] | null;
  readonly status: 'PENDING' | 'READY' | 'REJECTED' | 'DELETING';
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
  readonly title: string | null;
}
