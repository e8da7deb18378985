/**
 * The pieces of S3's conditional writes that need no sockets: which requests write an object, how
 * `If-None-Match` is read on them, and the per-key lock that makes check-then-write atomic
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
 */
import { describe, expect, test } from 'vitest';
import { createKeyLocks, objectWriteOf, requiresAbsentObject } from '../../../local/s3/conditional-writes.ts';

describe('conditional writes: which requests write an object', () => {
  test('names PutObject, CopyObject, CompleteMultipartUpload and DeleteObject, and no sub-resource or read request', () => {
    const cases = [
      objectWriteOf('PUT', [['x-id', 'PutObject']], {}),
      objectWriteOf('PUT', [], { 'x-amz-copy-source': '/bucket/assets/a' }),
      objectWriteOf('POST', [['uploadId', '0123456789abcdef0123456789abcdef']], {}),
      objectWriteOf('DELETE', [['x-id', 'DeleteObject']], {}),
      objectWriteOf('PUT', [['partNumber', '1'], ['uploadId', '0123456789abcdef0123456789abcdef']], {}),
      objectWriteOf('PUT', [['tagging', '']], {}),
      objectWriteOf('POST', [['uploads', '']], {}),
      objectWriteOf('DELETE', [['uploadId', '0123456789abcdef0123456789abcdef']], {}),
      objectWriteOf('GET', [], {}),
    ];
    expect(cases).toEqual(['PutObject', 'CopyObject', 'CompleteMultipartUpload', 'DeleteObject', undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('conditional writes: If-None-Match', () => {
  test('requires a free key for `*` on a write, and ignores the header elsewhere', () => {
    expect([
      requiresAbsentObject('PutObject', { 'if-none-match': ['*'] }),
      requiresAbsentObject('CompleteMultipartUpload', { 'if-none-match': ['*'] }),
      requiresAbsentObject('PutObject', {}),
      requiresAbsentObject(undefined, { 'if-none-match': ['"etag"'] }),
      requiresAbsentObject('DeleteObject', { 'if-none-match': ['*'] }),
    ]).toEqual([true, true, false, false, false]);
  });

  test('refuses another value on a write with 501 NotImplemented naming the header', () => {
    expect(() => requiresAbsentObject('PutObject', { 'if-none-match': ['"0123"'] })).toThrow(
      expect.objectContaining({
        code: 'NotImplemented',
        status: 501,
        message: 'A header you provided implies functionality that is not implemented',
        detail: [
          ['Header', 'If-None-Match'],
          ['additionalMessage', "We don't accept the provided value of If-None-Match header for this API"],
        ],
      }),
    );
  });
});

describe('conditional writes: key locks', () => {
  test('runs tasks for one key one after another, in order, even after a failure, and lets other keys through', async () => {
    const locks = createKeyLocks();
    const order: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const first = locks.run('a', async () => {
      order.push('a1 start');
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      order.push('a1 end');
      throw new Error('a1 failed');
    });
    const second = locks.run('a', async () => {
      order.push('a2');
      return 'a2 done';
    });
    const other = await locks.run('b', async () => {
      order.push('b1');
      return 'b1 done';
    });
    releaseFirst();

    expect({ first: await first.catch((e: Error) => e.message), second: await second, other, order }).toEqual({
      first: 'a1 failed',
      second: 'a2 done',
      other: 'b1 done',
      order: ['a1 start', 'b1', 'a1 end', 'a2'],
    });
  });
});
