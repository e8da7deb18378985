/**
 * Which requests write an object, and S3's conditional write with `If-None-Match: *`
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html): PutObject,
 * CopyObject and CompleteMultipartUpload with the header create the object only when no object has
 * the key; otherwise S3 answers 412 PreconditionFailed and the object, its metadata and the bucket's
 * events stay as they were. On these writes the header "Expects the '*' (asterisk) character"
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html); S3 answers any other value
 * with 501 NotImplemented. s3rver itself ignores the header on writes, so the front evaluates it.
 *
 * S3 checks for the object "during the WRITE operation": of two conditional writes to a new key,
 * the first to finish wins. The front runs the check and the write to s3rver under a lock per key,
 * which every write of that key (these three and DeleteObject) takes, so nothing creates or removes
 * the object between the check and the write: the first request to take the lock writes, the other
 * then finds the object and gets 412. (S3 may answer such a loser 409 ConditionalRequestConflict
 * instead; either way it writes nothing.)
 */
import { S3Error } from './s3-errors.ts';

/** An operation that creates, replaces or removes the object at a key. */
export type ObjectWrite = 'PutObject' | 'CopyObject' | 'CompleteMultipartUpload' | 'DeleteObject';

export interface KeyLocks {
  /** Runs `task` after every earlier task for the same key has settled; tasks for other keys do not wait. */
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

export function createKeyLocks(): KeyLocks {
  /** The last task queued per key, settled either way; removed once nothing waits behind it. */
  const tails = new Map<string, Promise<void>>();
  return {
    run: function runUnderKeyLock(key, task) {
      const result = (tails.get(key) ?? Promise.resolve()).then(task);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}

/**
 * The object write a verified, in-scope request makes, if any. Sub-resource requests (`?tagging`,
 * `?acl`, UploadPart's `?partNumber&uploadId`, AbortMultipartUpload's `?uploadId` …) write none;
 * the SDK's `x-id` and `x-amz-*` query parameters do not change the operation.
 */
export function objectWriteOf(method: string, query: readonly (readonly [string, string])[], headers: Readonly<Record<string, unknown>>): ObjectWrite | undefined {
  const keys = query.map(([key]) => key);
  if (method === 'POST') return keys.includes('uploadId') ? 'CompleteMultipartUpload' : undefined;
  if (!keys.every((key) => key === 'x-id' || key.toLowerCase().startsWith('x-amz-'))) return undefined;
  if (method === 'DELETE') return 'DeleteObject';
  if (method !== 'PUT') return undefined;
  return headers['x-amz-copy-source'] === undefined ? 'PutObject' : 'CopyObject';
}

/**
 * Whether `write` may only create its object (`If-None-Match: *`). Throws S3's answer to a value
 * other than `*`, quoted as S3 sends it for PutObject: NotImplemented "A header you provided implies
 * functionality that is not implemented" with `<Header>If-None-Match</Header>`.
 */
export function requiresAbsentObject(write: ObjectWrite | undefined, headers: Readonly<Record<string, readonly string[] | undefined>>): boolean {
  const values = headers['if-none-match'];
  if (values === undefined || write === undefined || write === 'DeleteObject') return false;
  if (values.length === 1 && values[0] === '*') return true;
  throw new S3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', [
    ['Header', 'If-None-Match'],
    ['additionalMessage', "We don't accept the provided value of If-None-Match header for this API"],
  ]);
}

/** S3's answer when `If-None-Match: *` finds an object at the key. */
export function preconditionFailed(): S3Error {
  return new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', [['Condition', 'If-None-Match']]);
}
