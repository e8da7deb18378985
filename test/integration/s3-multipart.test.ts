/**
 * The local S3 front's multipart uploads and ranges, driven by the AWS SDK and presigned requests:
 * CreateMultipartUpload, UploadPart (checksum and Content-MD5 checks), ListParts, CompleteMultipartUpload
 * (order, ETags, EntityTooSmall, the multipart ETag, one event on completion), AbortMultipartUpload,
 * presigned UploadPart expiry,
 * and Range GETs (206, suffix ranges, 416 InvalidRange, malformed ranges ignored).
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe } from 'vitest';
import { BUCKET, KEY_PREFIX, readS3Error, test } from './fixtures/s3-fixtures.ts';

const MIB = 1024 * 1024;

function md5Hex(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** S3's multipart ETag: the MD5 of the concatenated binary part MD5s, then `-<parts>`. */
function multipartEtag(parts: readonly Uint8Array[]): string {
  const digest = createHash('md5');
  for (const part of parts) digest.update(createHash('md5').update(part).digest());
  return `"${digest.digest('hex')}-${parts.length}"`;
}

async function s3ErrorOf(promise: Promise<unknown>): Promise<{ status: number | undefined; code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3ServiceException) return { status: error.$metadata.httpStatusCode, code: error.name, message: error.message };
    throw error;
  }
  throw new Error('expected S3 to refuse the request');
}

describe('s3 front: multipart upload', () => {
  test('assembles parts in order with the multipart ETag and announces the object once', async ({ s3, expect }) => {
    const key = `${KEY_PREFIX}/u/1/movie.mp4`;
    const parts = [randomBytes(5 * MIB), randomBytes(5 * MIB), randomBytes(MIB + 7)];
    const { UploadId } = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ContentType: 'video/mp4' }));
    expect(UploadId).toMatch(/^[0-9a-f]{32}$/);
    const uploaded = await Promise.all(
      parts.map((body, index) => s3.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: index + 1, Body: body }))),
    );
    expect(uploaded.map((u) => u.ETag)).toEqual(parts.map((p) => `"${md5Hex(p)}"`));
    const listed = await s3.client.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId }));
    expect(listed.Parts?.map((p) => ({ PartNumber: p.PartNumber, ETag: p.ETag, Size: p.Size }))).toEqual(parts.map((p, i) => ({ PartNumber: i + 1, ETag: `"${md5Hex(p)}"`, Size: p.length })));
    expect(s3.log.events.filter((e) => e.detail.object.key === key)).toEqual([]);

    const completed = await s3.client.send(
      new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: uploaded.map((u, i) => ({ PartNumber: i + 1, ETag: u.ETag ?? '' })) } }),
    );
    expect({ Bucket: completed.Bucket, Key: completed.Key, ETag: completed.ETag }).toEqual({ Bucket: BUCKET, Key: key, ETag: multipartEtag(parts) });
    const event = await s3.log.next(key);
    expect(event.detail).toEqual(expect.objectContaining({ reason: 'CompleteMultipartUpload', object: expect.objectContaining({ key, size: 11 * MIB + 7, etag: multipartEtag(parts).replace(/"/g, '') }) }));
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect({ ContentType: head.ContentType, ContentLength: head.ContentLength, ETag: head.ETag }).toEqual({ ContentType: 'video/mp4', ContentLength: 11 * MIB + 7, ETag: multipartEtag(parts) });
    const object = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(Buffer.from(await object.Body?.transformToByteArray() ?? []).equals(Buffer.concat(parts))).toBe(true);

    // Completed: the upload is gone.
    expect(await s3ErrorOf(s3.client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: uploaded[0]?.ETag ?? '' }] } })))).toEqual({
      status: 404,
      code: 'NoSuchUpload',
      message: 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    });
    expect(s3.log.events.filter((e) => e.detail.object.key === key)).toHaveLength(1);
  });

  test('refuses out-of-order, unknown and too-small parts with S3 errors, and stores nothing', async ({ s3, expect }) => {
    const key = `${KEY_PREFIX}/u/2/bad.bin`;
    const { UploadId } = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const small = randomBytes(MIB);
    const last = randomBytes(10);
    const one = await s3.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: small }));
    const two = await s3.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 2, Body: last }));
    const complete = (Parts: { PartNumber: number; ETag: string }[]): Promise<unknown> =>
      s3.client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts } }));
    expect(await s3ErrorOf(complete([{ PartNumber: 2, ETag: two.ETag ?? '' }, { PartNumber: 1, ETag: one.ETag ?? '' }]))).toEqual({
      status: 400,
      code: 'InvalidPartOrder',
      message: 'The list of parts was not in ascending order. The parts list must be specified in order by part number.',
    });
    expect(await s3ErrorOf(complete([{ PartNumber: 1, ETag: one.ETag ?? '' }, { PartNumber: 3, ETag: two.ETag ?? '' }]))).toEqual({
      status: 400,
      code: 'InvalidPart',
      message: "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    });
    expect(await s3ErrorOf(complete([{ PartNumber: 1, ETag: one.ETag ?? '' }, { PartNumber: 2, ETag: two.ETag ?? '' }]))).toEqual({
      status: 400,
      code: 'EntityTooSmall',
      message: 'Your proposed upload is smaller than the minimum allowed object size.',
    });
    expect(await s3ErrorOf(s3.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 10001, Body: last })))).toEqual({
      status: 400,
      code: 'InvalidArgument',
      message: 'Part number must be an integer between 1 and 10000, inclusive',
    });
    expect(await s3ErrorOf(s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })))).toEqual(expect.objectContaining({ status: 404 }));

    await s3.client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId }));
    expect(await s3ErrorOf(s3.client.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId })))).toEqual(expect.objectContaining({ status: 404, code: 'NoSuchUpload' }));
    expect(s3.log.events.filter((e) => e.detail.object.key === key)).toEqual([]);
  });

  test('checks each part against its x-amz-checksum-sha256 and Content-MD5, answers the MD5 ETag, and keeps the stored part on a mismatch', async ({ s3, expect }) => {
    const key = `${KEY_PREFIX}/u/4/checked.bin`;
    const { UploadId } = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ChecksumAlgorithm: 'SHA256' }));
    const body = randomBytes(5 * MIB + 3);
    const sha256 = createHash('sha256').update(body).digest('base64');
    const signedPart = (checksum: string, contentMd5?: string): Promise<string> =>
      getSignedUrl(s3.client, new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, ChecksumSHA256: checksum, ...(contentMd5 === undefined ? {} : { ContentMD5: contentMd5 }) }), {
        expiresIn: 60,
        // Signed headers the client must send, as the API's part URLs have them.
        unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
        signableHeaders: new Set(['x-amz-checksum-sha256', ...(contentMd5 === undefined ? [] : ['content-md5'])]),
      });
    const send = async (url: string, headers: Record<string, string>): Promise<{ status: number; etag: string | null; checksum: string | null; error: unknown }> => {
      const response = await fetch(url, { method: 'PUT', body, headers });
      const text = await response.text();
      return { status: response.status, etag: response.headers.get('etag'), checksum: response.headers.get('x-amz-checksum-sha256'), error: text === '' ? null : readS3Error(text) };
    };

    const stored = await send(await signedPart(sha256), { 'x-amz-checksum-sha256': sha256 });
    const otherSha256 = createHash('sha256').update('other').digest('base64');
    const wrongChecksum = await send(await signedPart(otherSha256), { 'x-amz-checksum-sha256': otherSha256 });
    const otherMd5 = createHash('md5').update('other').digest('base64');
    const wrongMd5 = await send(await signedPart(sha256, otherMd5), { 'x-amz-checksum-sha256': sha256, 'content-md5': otherMd5 });
    const listed = await s3.client.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId }));

    expect({ stored, wrongChecksum, wrongMd5, listed: listed.Parts?.map((p) => ({ PartNumber: p.PartNumber, ETag: p.ETag, Size: p.Size, ChecksumSHA256: p.ChecksumSHA256 })) }).toEqual({
      stored: { status: 200, etag: `"${md5Hex(body)}"`, checksum: sha256, error: null },
      wrongChecksum: { status: 400, etag: null, checksum: null, error: expect.objectContaining({ Code: 'BadDigest', Message: 'The SHA256 you specified did not match the calculated checksum.' }) },
      wrongMd5: { status: 400, etag: null, checksum: null, error: expect.objectContaining({ Code: 'BadDigest', Message: 'The Content-MD5 you specified did not match what we received.' }) },
      listed: [{ PartNumber: 1, ETag: `"${md5Hex(body)}"`, Size: body.length, ChecksumSHA256: sha256 }],
    });
    await s3.client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId }));
  });

  test('a presigned UploadPart URL works once signed and not after it expires', async ({ s3, expect }) => {
    const key = `${KEY_PREFIX}/u/3/p.bin`;
    const { UploadId } = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const body = randomBytes(64 * 1024);
    const fresh = await getSignedUrl(s3.client, new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1 }), { expiresIn: 60 });
    const ok = await fetch(fresh, { method: 'PUT', body });
    expect({ status: ok.status, etag: ok.headers.get('etag') }).toEqual({ status: 200, etag: `"${md5Hex(body)}"` });
    const stale = await getSignedUrl(s3.client, new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 2 }), { expiresIn: 1, signingDate: new Date(Date.now() - 10_000) });
    const expired = await fetch(stale, { method: 'PUT', body });
    expect({ status: expired.status, error: readS3Error(await expired.text()) }).toEqual({
      status: 403,
      error: expect.objectContaining({ Code: 'AccessDenied', Message: 'Request has expired' }),
    });
    await s3.client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId }));
  });
});

describe('s3 front: Range GET', () => {
  test('answers 206 for a range, a suffix and an open end; 416 past the end; ignores a malformed range', async ({ s3, expect }) => {
    const key = `${KEY_PREFIX}/u/4/r.bin`;
    const { UploadId } = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ContentType: 'audio/mpeg' }));
    const bytes = randomBytes(1000);
    const part = await s3.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: bytes }));
    await s3.client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag ?? '' }] } }));
    const url = await getSignedUrl(s3.client, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 60 });
    const get = async (range: string): Promise<{ status: number; contentRange: string | null; body: Buffer }> => {
      const response = await fetch(url, { headers: { range } });
      return { status: response.status, contentRange: response.headers.get('content-range'), body: Buffer.from(await response.arrayBuffer()) };
    };
    expect(await get('bytes=10-19')).toEqual({ status: 206, contentRange: 'bytes 10-19/1000', body: bytes.subarray(10, 20) });
    expect(await get('bytes=-100')).toEqual({ status: 206, contentRange: 'bytes 900-999/1000', body: bytes.subarray(900) });
    expect(await get('bytes=990-')).toEqual({ status: 206, contentRange: 'bytes 990-999/1000', body: bytes.subarray(990) });
    expect(await get('bytes=995-5000')).toEqual({ status: 206, contentRange: 'bytes 995-999/1000', body: bytes.subarray(995) });
    expect(await get('bytes=abc')).toEqual({ status: 200, contentRange: null, body: bytes });
    const past = await get('bytes=1000-1005');
    expect({ status: past.status, error: readS3Error(past.body.toString('utf8')) }).toEqual({
      status: 416,
      error: { Code: 'InvalidRange', Message: 'The requested range is not satisfiable', RangeRequested: 'bytes=1000-1005', ActualObjectSize: '1000', RequestId: expect.any(String), HostId: expect.any(String) },
    });
  });
});
