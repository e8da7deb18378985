/** Whether an S3 object exists, by HeadObject: 404 is false, any other failure is thrown. */
import { HeadObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';

export async function objectExists(client: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return false;
    throw error;
  }
}
