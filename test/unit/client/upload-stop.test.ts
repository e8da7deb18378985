/**
 * `client/upload.ts` when a part fails for good: the parts still in flight are stopped, so nothing
 * goes on sending (or reporting progress) after `upload` has rejected. The GraphQL transport and
 * `fetch` are the uploader's injected dependencies, answering as the API and S3 would.
 */
import { describe, expect, it } from 'vitest';
import { createUploader, PartUploadError, type GraphQLTransport, type UploadProgress } from '../../../client/upload.ts';

const PART = 8;

/** Answers createUpload with a 3-part multipart upload and uploadPartUrls with one URL per part. */
const transport: GraphQLTransport = async (_document, variables) => {
  const v = variables as { input?: unknown; partNumbers?: number[] };
  if (v.input !== undefined) {
    const asset = { id: 'a1', owner: 'apikey', name: 'f', contentType: 'application/octet-stream', size: 3 * PART, checksumSha256: null, description: null, tags: null, status: 'PENDING', createdAt: '', updatedAt: '', version: 1, title: null };
    return { createUpload: { asset, upload: null, multipart: { partSize: PART, partCount: 3, expiresAt: '' } } } as never;
  }
  const urls = (v.partNumbers ?? []).map((partNumber) => ({ partNumber, url: `https://s3.test/part/${partNumber}`, method: 'PUT', headers: [], expiresAt: '' }));
  return { uploadPartUrls: urls } as never;
};

describe('client upload: a part that fails for good', () => {
  it('rejects with that part’s error and aborts the other parts in flight', async () => {
    const aborted: string[] = [];
    const progress: UploadProgress[] = [];
    const fetchParts: typeof fetch = (input, init) => {
      const url = String(input);
      if (url.endsWith('/1')) return Promise.resolve(new Response('<Error><Code>InternalError</Code></Error>', { status: 500 }));
      // Parts 2 and 3 hang until their signal aborts.
      return new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => {
          aborted.push(url);
          reject(init.signal?.reason);
        });
      });
    };
    const uploader = createUploader({ graphql: transport, fetch: fetchParts, sleep: () => Promise.resolve() });

    const outcome = await uploader.upload(new Blob([new Uint8Array(3 * PART)]), { name: 'f', contentType: 'application/octet-stream' }, { maxAttempts: 1, onProgress: (p) => progress.push(p) }).catch((error: unknown) => error);

    expect({
      error: outcome instanceof PartUploadError ? { partNumber: outcome.partNumber, status: outcome.status, message: outcome.message } : outcome,
      aborted: aborted.sort(),
      progress,
    }).toEqual({
      error: { partNumber: 1, status: 500, message: 'part 1: S3 500 InternalError' },
      aborted: ['https://s3.test/part/2', 'https://s3.test/part/3'],
      progress: [{ sentBytes: 0, totalBytes: 3 * PART, partsDone: 0, partCount: 3 }],
    });
  });
});
