/**
 * `client/upload.ts` sending parts with the platform's own `fetch` to a real HTTP server on
 * 127.0.0.1: each part's bytes arrive whole with the URL's headers, and a redirect is not followed
 * (a presigned URL signs its host, so the target of a redirect could never accept the part).
 */
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createUploader, PartUploadError, type GraphQLTransport } from '../../../client/upload.ts';

const PART = 6;

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A 2-part multipart upload whose part URLs point at `origin`; finishUpload's parts are kept in `finished`. */
function transportFor(origin: string, finished: unknown[]): GraphQLTransport {
  return async (_document, variables) => {
    const v = variables as { input?: unknown; partNumbers?: number[]; parts?: unknown[] };
    if (v.input !== undefined) {
      const asset = { id: 'a1', owner: 'apikey', name: 'f', contentType: 'application/octet-stream', size: 2 * PART, checksumSha256: null, description: null, tags: null, status: 'PENDING', createdAt: '', updatedAt: '', version: 1, title: null };
      return { createUpload: { asset, upload: null, multipart: { partSize: PART, partCount: 2, expiresAt: '' } } } as never;
    }
    if (v.parts !== undefined) {
      finished.push(...v.parts);
      return { finishUpload: { id: 'a1' } } as never;
    }
    const urls = (v.partNumbers ?? []).map((partNumber) => ({ partNumber, url: `${origin}/part/${partNumber}`, method: 'PUT', headers: [{ name: 'x-amz-meta-part', value: String(partNumber) }], expiresAt: '' }));
    return { uploadPartUrls: urls } as never;
  };
}

async function listen(handler: (req: IncomingMessage, body: Buffer) => { status: number; headers: Record<string, string> }): Promise<string> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = handler(req, Buffer.concat(chunks));
      res.writeHead(answer.status, answer.headers).end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
}

describe('client upload: parts over fetch', () => {
  it('sends each part whole with its URL’s headers and finishes with the answered ETags', async () => {
    const received: { url: string | undefined; header: string | undefined; body: string }[] = [];
    const origin = await listen((req, body) => {
      received.push({ url: req.url, header: req.headers['x-amz-meta-part'] as string | undefined, body: body.toString() });
      return { status: 200, headers: { etag: `"etag-${req.url?.slice(-1) ?? ''}"` } };
    });
    const finished: unknown[] = [];

    const result = await createUploader({ graphql: transportFor(origin, finished) }).upload(new Blob(['abcdefghijkl']), { name: 'f', contentType: 'application/octet-stream' });

    expect({ result, received: received.sort((a, b) => String(a.url).localeCompare(String(b.url))), finished }).toEqual({
      result: { assetId: 'a1', multipart: true, bytesSent: 2 * PART },
      received: [
        { url: '/part/1', header: '1', body: 'abcdef' },
        { url: '/part/2', header: '2', body: 'ghijkl' },
      ],
      finished: [
        { partNumber: 1, etag: '"etag-1"' },
        { partNumber: 2, etag: '"etag-2"' },
      ],
    });
  });

  it('does not follow a redirect: the part fails with no answer, and the redirect target receives nothing', async () => {
    const hits: (string | undefined)[] = [];
    const origin = await listen((req) => {
      hits.push(req.url);
      return req.url?.startsWith('/part/') === true ? { status: 307, headers: { location: '/elsewhere' } } : { status: 200, headers: { etag: '"x"' } };
    });

    const outcome = await createUploader({ graphql: transportFor(origin, []) })
      .upload(new Blob(['abcdefghijkl']), { name: 'f', contentType: 'application/octet-stream' }, { maxAttempts: 1, concurrency: 1 })
      .catch((error: unknown) => error);

    expect({ error: outcome instanceof PartUploadError ? { partNumber: outcome.partNumber, status: outcome.status } : outcome, hits }).toEqual({
      error: { partNumber: 1, status: 0 },
      hits: ['/part/1'],
    });
  });
});
