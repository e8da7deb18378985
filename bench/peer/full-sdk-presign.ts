/**
 * The Lambda baseline for figure 4: the same upload ticket as `resolvers/lambda/asset-urls.ts`
 * (`mintUploadUrl`: a presigned PUT signing Content-Type, Content-Length and, when given, the SHA-256
 * checksum) minted the way the AWS documentation shows it: an `S3Client` from the full
 * `@aws-sdk/client-s3` with `PutObjectCommand` and `getSignedUrl` from `@aws-sdk/s3-request-presigner`.
 * `bench/lambda.ts` bundles this file with the very esbuild options of our Lambdas
 * (`LAMBDA_BUILD_OPTIONS`), so only the code differs.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

const env = process.env;
const endpoint = env['S3_ENDPOINT'];
const client = new S3Client({
  region: env['AWS_REGION'] ?? 'us-east-1',
  ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: env['S3_FORCE_PATH_STYLE'] === 'true' }),
});
const bucket = env['ASSET_BUCKET'] ?? '';
const expiresIn = Number(env['UPLOAD_URL_EXPIRY_SECONDS'] ?? '900');

interface MintUploadPayload {
  readonly key: string;
  readonly contentType: string;
  readonly size: number;
  readonly checksumSha256?: string | null;
}

export async function handler(event: MintUploadPayload): Promise<unknown> {
  const checksum = event.checksumSha256 ?? undefined;
  const command = new PutObjectCommand({
    Bucket: bucket,
    Key: event.key,
    ContentType: event.contentType,
    ContentLength: event.size,
    ...(checksum === undefined ? {} : { ChecksumSHA256: checksum }),
  });
  const signed = ['content-type', 'content-length', ...(checksum === undefined ? [] : ['x-amz-checksum-sha256'])];
  const url = await getSignedUrl(client, command, { expiresIn, signableHeaders: new Set(signed) });
  return {
    url,
    method: 'PUT',
    headers: [
      { name: 'content-type', value: event.contentType },
      { name: 'content-length', value: String(event.size) },
      ...(checksum === undefined ? [] : [{ name: 'x-amz-checksum-sha256', value: checksum }]),
    ],
    expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString(),
  };
}
