/**
 * Large media end to end on the local endpoint, through the client helper (`client/upload.ts`):
 * a 40 MiB multipart upload in parallel parts with one part failing once, READY announced once,
 * a Range read of the middle MiB through an inline download URL; a paused upload resumed from
 * `uploadedParts`; an aborted upload that leaves no object, no parts and no item; and the bad inputs
 * of finishUpload / uploadPartUrls with their AppSync and S3 error shapes.
 */
import { randomBytes } from 'node:crypto';
import { ListPartsCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { describe, test as base } from 'vitest';
import { createUploader, type GraphQLTransport } from '../../client/upload.ts';
import {
  AbortUploadDocument,
  CreateUploadDocument,
  FinishUploadDocument,
  GetAssetDownloadUrlDocument,
  OnAssetCreatedDocument,
  UploadPartUrlsDocument,
  UploadedPartsDocument,
} from '../../generated/operations.ts';
import { LOCAL_BUCKET_NAME } from '../../local/server.ts';
import { TEST_CREDENTIALS } from '../support/credentials.ts';
import { readS3Error } from './fixtures/s3-fixtures.ts';
import { storeBackedFixture, type StoreBackedTestServer } from '../support/test-server.ts';
import { createGraphQLCall, type GraphQLCall } from '../support/graphql-client.ts';
import { connectRealtime } from '../support/realtime-client.ts';

const test = base.extend<{ assets: StoreBackedTestServer }>({ assets: storeBackedFixture() });

const MIB = 1024 * 1024;
const PART = 8 * MIB;

/** A transport over the test caller: `data`, or a rejection carrying the GraphQL errors. */
function transportOf(call: GraphQLCall): GraphQLTransport {
  return async (document, variables) => {
    const body = await call(document, variables);
    if (body.errors !== undefined && body.errors.length > 0) throw Object.assign(new Error(JSON.stringify(body.errors)), { errors: body.errors });
    return body.data as never;
  };
}

async function waitForStatus(assets: StoreBackedTestServer, id: string, status: string): Promise<Record<string, unknown> | null> {
  for (let i = 0; i < 200; i += 1) {
    const item = await assets.table.get(id);
    if (item?.['status'] === status) return item;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return assets.table.get(id);
}

/** An SDK client for the S3 endpoint a presigned URL names (everything before `/<bucket>/`, so a path prefix is kept). */
function s3ClientFor(url: string): S3Client {
  const endpoint = url.slice(0, url.indexOf(`/${LOCAL_BUCKET_NAME}/`));
  return new S3Client({ endpoint, region: 'us-east-1', credentials: { ...TEST_CREDENTIALS }, forcePathStyle: true });
}

describe('multipart upload through the client helper', () => {
  test('sends 40 MiB in parallel parts, retries the part that failed once, announces READY once, and serves the middle MiB by Range', async ({ assets, expect }) => {
    const token = await assets.tokenFor('alice');
    const call = createGraphQLCall(assets.server.url, { token });
    const alice = await connectRealtime({ realtimeUrl: assets.server.realtimeUrl, graphqlUrl: assets.server.url, authorization: { Authorization: token } });
    expect(await alice.start('created', OnAssetCreatedDocument, {})).toEqual({ type: 'start_ack', id: 'created' });

    const bytes = randomBytes(40 * MIB);
    const sentParts: number[] = [];
    let failedOnce = false;
    // The network drops part 3's first PUT: the helper must send it again.
    const flakyFetch: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      const partNumber = Number(url.searchParams.get('partNumber') ?? '0');
      if (partNumber === 3 && !failedOnce) {
        failedOnce = true;
        throw new TypeError('fetch failed');
      }
      if (partNumber > 0) sentParts.push(partNumber);
      return fetch(input, init);
    };
    const progress: number[] = [];
    const uploader = createUploader({ graphql: transportOf(call), fetch: flakyFetch, sleep: () => Promise.resolve() });

    const result = await uploader.upload(new Blob([bytes]), { name: 'clip.mp4', contentType: 'video/mp4' }, { concurrency: 3, onProgress: (p) => progress.push(p.sentBytes) });

    expect(result).toEqual({ assetId: expect.any(String), multipart: true, bytesSent: bytes.length });
    expect({ failedOnce, parts: [...sentParts].sort((a, b) => a - b) }).toEqual({ failedOnce: true, parts: [1, 2, 3, 4, 5] });
    expect(progress.at(-1)).toBe(bytes.length);
    const announced = await alice.nextData('created');
    expect(announced).toEqual({
      type: 'data',
      id: 'created',
      payload: { data: { onAssetCreated: expect.objectContaining({ id: result.assetId, status: 'READY', size: bytes.length, contentType: 'video/mp4' }) } },
    });
    const item = await assets.table.get(result.assetId);
    expect(item).toEqual(expect.objectContaining({ status: 'READY', size: bytes.length, partSize: PART, partCount: 5 }));
    expect(item).not.toHaveProperty('expiresAt');

    const { data } = await call(GetAssetDownloadUrlDocument, { id: result.assetId, disposition: 'INLINE' });
    const url = data?.getAsset?.downloadUrl ?? '';
    const start = 20 * MIB - MIB / 2;
    const end = start + MIB - 1;
    const ranged = await fetch(url, { headers: { range: `bytes=${start}-${end}` } });
    expect({
      status: ranged.status,
      contentRange: ranged.headers.get('content-range'),
      contentLength: ranged.headers.get('content-length'),
      contentType: ranged.headers.get('content-type'),
      disposition: ranged.headers.get('content-disposition'),
      etag: ranged.headers.get('etag'),
      same: Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(start, end + 1)),
    }).toEqual({
      status: 206,
      contentRange: `bytes ${start}-${end}/${bytes.length}`,
      contentLength: String(MIB),
      contentType: 'video/mp4',
      disposition: `inline; filename="clip.mp4"; filename*=UTF-8''clip.mp4`,
      etag: expect.stringMatching(/^"[0-9a-f]{32}-5"$/),
      same: true,
    });
    const past = await fetch(url, { headers: { range: `bytes=${bytes.length}-` } });
    expect({ status: past.status, error: readS3Error(await past.text()) }).toEqual({
      status: 416,
      error: expect.objectContaining({ Code: 'InvalidRange', Message: 'The requested range is not satisfiable', RangeRequested: `bytes=${bytes.length}-`, ActualObjectSize: String(bytes.length) }),
    });
    const malformed = await fetch(url, { headers: { range: 'bytes=5-2' } });
    expect({ status: malformed.status, length: (await malformed.arrayBuffer()).byteLength }).toEqual({ status: 200, length: bytes.length });
    // Nothing else arrives: one event, on completion, not one per part.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await alice.stopAndCollect('created')).toEqual([announced]);
    await alice.close();
  });

  test('a paused upload resumes from uploadedParts and sends only the missing parts', async ({ assets, expect }) => {
    const call = createGraphQLCall(assets.server.url, { token: await assets.tokenFor('alice') });
    const bytes = randomBytes(6 * PART + MIB);
    const pause = new AbortController();
    const first = createUploader({ graphql: transportOf(call) });
    let assetId = '';
    const paused = await first
      .upload(new Blob([bytes]), { name: 'talk.webm', contentType: 'video/webm' }, {
        concurrency: 1,
        signal: pause.signal,
        onStarted: (asset) => (assetId = asset.id),
        onProgress: (p) => {
          if (p.partsDone === 3) pause.abort(new Error('paused'));
        },
      })
      .then(
        () => 'finished',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
    expect(paused).toBe('paused');
    const held = await call(UploadedPartsDocument, { assetId });
    expect(held.data?.uploadedParts.parts.map((p) => ({ partNumber: p.partNumber, size: p.size }))).toEqual([
      { partNumber: 1, size: PART },
      { partNumber: 2, size: PART },
      { partNumber: 3, size: PART },
    ]);

    // A reload: a new helper that knows only the asset id and the file.
    const second = createUploader({ graphql: transportOf(call) });
    const resumed = await second.resume(assetId, new Blob([bytes]));
    expect(resumed).toEqual({ assetId, multipart: true, bytesSent: 3 * PART + MIB });
    expect(await waitForStatus(assets, assetId, 'READY')).toEqual(expect.objectContaining({ status: 'READY', size: bytes.length }));
    const { data } = await call(GetAssetDownloadUrlDocument, { id: assetId, disposition: 'ATTACHMENT' });
    const download = await fetch(data?.getAsset?.downloadUrl ?? '');
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  test('an aborted upload leaves no object, no parts and no item', async ({ assets, expect }) => {
    const call = createGraphQLCall(assets.server.url, { token: await assets.tokenFor('alice') });
    const bytes = randomBytes(3 * PART);
    const created = await call(CreateUploadDocument, { input: { name: 'gone.mp4', contentType: 'video/mp4', size: bytes.length, tags: ['draft'] } });
    const asset = created.data?.createUpload.asset;
    expect(created.data?.createUpload).toEqual({ asset: expect.objectContaining({ status: 'PENDING' }), upload: null, multipart: { partSize: PART, partCount: 3, expiresAt: expect.any(String) } });
    const id = asset?.id ?? '';
    const urls = await call(UploadPartUrlsDocument, { assetId: id, partNumbers: [1] });
    const part = urls.data?.uploadPartUrls[0];
    const put = await fetch(part?.url ?? '', { method: 'PUT', body: bytes.subarray(0, PART) });
    expect(put.status).toBe(200);
    const item = await assets.table.get(id);
    const uploadId = String(item?.['uploadId']);
    const key = String(item?.['key']);

    const aborted = await call(AbortUploadDocument, { assetId: id });
    expect(aborted).toEqual({ data: { abortUpload: expect.objectContaining({ id, status: 'PENDING' }) } });
    expect(await assets.table.get(id)).toBeNull();
    const s3 = s3ClientFor(part?.url ?? '');
    const listed = await s3.send(new ListPartsCommand({ Bucket: LOCAL_BUCKET_NAME, Key: key, UploadId: uploadId })).then(
      () => 'listed',
      (error: unknown) => (error instanceof S3ServiceException ? `${error.$metadata.httpStatusCode} ${error.name}` : String(error)),
    );
    expect(listed).toBe('404 NoSuchUpload');
    expect((await fetch(part?.url ?? '', { method: 'PUT', body: bytes.subarray(0, PART) })).status).toBe(404);
    expect(await call(AbortUploadDocument, { assetId: id })).toEqual({ data: { abortUpload: null } });
    s3.destroy();
  });
});

describe('multipart upload: bad input', () => {
  test('finishUpload and uploadPartUrls refuse what S3 or the API would, and write nothing', async ({ assets, expect }) => {
    const call = createGraphQLCall(assets.server.url, { token: await assets.tokenFor('alice') });
    const asBob = createGraphQLCall(assets.server.url, { token: await assets.tokenFor('bob') });
    const bytes = randomBytes(2 * PART + MIB);
    const created = await call(CreateUploadDocument, { input: { name: 'bad.mp4', contentType: 'video/mp4', size: bytes.length } });
    const id = created.data?.createUpload.asset.id ?? '';
    const urls = (await call(UploadPartUrlsDocument, { assetId: id, partNumbers: [1, 2, 3] })).data?.uploadPartUrls ?? [];
    expect(urls.map((u) => ({ partNumber: u.partNumber, method: u.method, headers: u.headers }))).toEqual([
      { partNumber: 1, method: 'PUT', headers: [{ name: 'content-length', value: String(PART) }] },
      { partNumber: 2, method: 'PUT', headers: [{ name: 'content-length', value: String(PART) }] },
      { partNumber: 3, method: 'PUT', headers: [{ name: 'content-length', value: String(MIB) }] },
    ]);
    const etags: string[] = [];
    for (const [index, url] of urls.entries()) {
      const response = await fetch(url.url, { method: 'PUT', body: bytes.subarray(index * PART, Math.min(bytes.length, (index + 1) * PART)) });
      etags.push(response.headers.get('etag') ?? '');
    }
    const part = (n: number, etag = etags[n - 1] ?? ''): { partNumber: number; etag: string } => ({ partNumber: n, etag });
    const failure = (errorType: string, message: string, errorInfo: unknown = null): unknown => ({
      data: { finishUpload: null },
      errors: [{ path: ['finishUpload'], data: null, errorType, errorInfo, locations: [{ line: 2, column: 3, sourceName: null }], message }],
    });

    // A URL for part 1 used as part 2 (the part number is signed).
    const swapped = new URL(urls[0]?.url ?? '');
    swapped.searchParams.set('partNumber', '2');
    const wrongPart = await fetch(swapped, { method: 'PUT', body: bytes.subarray(0, PART) });
    expect({ status: wrongPart.status, code: readS3Error(await wrongPart.text())['Code'] }).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
    // More bytes than the URL allows (its content-length is signed).
    const tooLong = await fetch(urls[2]?.url ?? '', { method: 'PUT', body: bytes.subarray(0, MIB + 1) });
    expect({ status: tooLong.status, code: readS3Error(await tooLong.text())['Code'] }).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });

    expect(await call(FinishUploadDocument, { assetId: id, parts: [part(2), part(1), part(3)] })).toEqual(
      // The first part out of order is reported.
      failure('InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.', { partNumber: 1 }),
    );
    expect(await call(FinishUploadDocument, { assetId: id, parts: [part(1), part(2, '"0123456789abcdef0123456789abcdef"'), part(3)] })).toEqual(
      failure('InvalidPart', "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.", { partNumber: 2 }),
    );
    expect(await call(FinishUploadDocument, { assetId: id, parts: [part(1), part(2)] })).toEqual(failure('ValidationError', 'parts: this upload has 3 parts; give each of them, got 2'));
    expect(await call(FinishUploadDocument, { assetId: id, parts: [part(0), part(1), part(2)] })).toEqual(failure('ValidationError', 'parts: each partNumber must be an integer from 1 to 10000, got 0'));
    const partUrlFailure = (message: string, errorType = 'ValidationError'): unknown => ({
      data: null,
      errors: [{ path: ['uploadPartUrls'], data: null, errorType, errorInfo: null, locations: [{ line: 2, column: 3, sourceName: null }], message }],
    });
    expect(await call(UploadPartUrlsDocument, { assetId: id, partNumbers: [10001] })).toEqual(partUrlFailure('partNumbers: each must be an integer from 1 to 10000, got 10001'));
    expect(await call(UploadPartUrlsDocument, { assetId: id, partNumbers: [4] })).toEqual(partUrlFailure('partNumbers: this upload has 3 parts, got part 4'));
    expect(await asBob(UploadPartUrlsDocument, { assetId: id, partNumbers: [1] })).toEqual(partUrlFailure('Not Authorized to access uploadPartUrls on type Query', 'Unauthorized'));
    expect(await asBob(FinishUploadDocument, { assetId: id, parts: [part(1), part(2), part(3)] })).toEqual(failure('Unauthorized', 'Not Authorized to access finishUpload on type Mutation'));
    expect(await assets.table.get(id)).toEqual(expect.objectContaining({ status: 'PENDING' }));

    expect(await call(FinishUploadDocument, { assetId: id, parts: [part(1), part(2), part(3)] })).toEqual({ data: { finishUpload: expect.objectContaining({ id, status: 'PENDING' }) } });
    expect(await waitForStatus(assets, id, 'READY')).toEqual(expect.objectContaining({ status: 'READY', size: bytes.length }));
    expect(await call(FinishUploadDocument, { assetId: id, parts: [part(1), part(2), part(3)] })).toEqual(
      failure('InvalidStatusError', `Asset ${id} is not a PENDING multipart upload (status READY)`, { status: 'READY' }),
    );
  });
});
