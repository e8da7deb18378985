/**
 * The HTTP side of `upload.ts`: presigned PUTs with `fetch`, bounded retries with backoff, and S3's
 * error text. Only `fetch`, `Blob`, `AbortController` and Web Crypto: it runs in browsers and Node
 * alike. https://docs.aws.amazon.com/AmazonS3/latest/userguide/PresignedUrlUploadObject.html
 */
import type { GraphQLTransport, UploadOptions } from './upload.ts';

/** What the uploader's functions share: the caller's transport, `fetch` and `sleep`. */
export interface UploadContext {
  readonly graphql: GraphQLTransport;
  readonly fetchImpl: typeof fetch;
  readonly sleep: (ms: number) => Promise<void>;
}

/** A PUT S3 refused or that could not be sent; `status` 0 when no answer arrived. */
export class PartUploadError extends Error {
  override readonly name = 'PartUploadError';
  constructor(
    readonly partNumber: number,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Headers a browser sets itself (`content-length` from the body); setting them by hand fails. */
const FORBIDDEN_HEADERS = new Set(['content-length', 'host', 'connection']);

export function sendableHeaders(headers: readonly { readonly name: string; readonly value: string }[]): Record<string, string> {
  return Object.fromEntries(headers.filter((h) => !FORBIDDEN_HEADERS.has(h.name.toLowerCase())).map((h) => [h.name, h.value]));
}

export async function sha256Base64(blob: Blob): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function s3ErrorText(status: number, body: string): string {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
  return code === undefined ? `S3 answered ${status}` : `S3 ${status} ${code}${message === undefined ? '' : `: ${message}`}`;
}

/**
 * An AbortController that also aborts (with the same reason) when `parent` does; `unlink` stops
 * listening to the parent. (`AbortSignal.any` would do, but Safari has it only since 17.4.)
 */
export function linkedAbortController(parent: AbortSignal | undefined): AbortController & { unlink(): void } {
  const controller = new AbortController();
  const forward = (): void => controller.abort(parent?.reason);
  if (parent?.aborted === true) forward();
  else parent?.addEventListener('abort', forward, { once: true });
  return Object.assign(controller, { unlink: () => parent?.removeEventListener('abort', forward) });
}

/** Runs `attempt` up to `maxAttempts` times, waiting `retryDelayMs`, ×2, … between; a pause stops at once. */
export async function withRetries<T>(sleep: UploadContext['sleep'], options: UploadOptions, attempt: (n: number) => Promise<T>): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 4;
  const delay = options.retryDelayMs ?? 500;
  for (let n = 1; ; n += 1) {
    options.signal?.throwIfAborted();
    try {
      return await attempt(n);
    } catch (error) {
      if (options.signal?.aborted === true || n >= maxAttempts) throw error;
      await sleep(delay * 2 ** (n - 1));
    }
  }
}

/**
 * A presigned URL signs its host, so a redirect could never be followed anyway; saying so (and that
 * no window is involved) lets fetch send the request as given. With the defaults, the Fetch
 * standard has fetch clone the request before sending it, in case it must be sent again after a
 * redirect: the body stream is teed and every chunk copied, which took half of Node's CPU time per
 * uploaded byte (https://fetch.spec.whatwg.org/#concept-http-network-or-cache-fetch, step 2).
 */
const NO_BODY_COPY = { redirect: 'error', window: null } as const satisfies RequestInit;

/** One PUT of `body`; a failure to send or a non-2xx answer is a PartUploadError, a pause rethrows the abort. */
export async function putBlob(
  fetchImpl: UploadContext['fetchImpl'],
  url: string,
  method: string,
  headers: Record<string, string>,
  body: Blob,
  partNumber: number,
  signal: AbortSignal | undefined,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetchImpl(url, { method, headers, body, ...NO_BODY_COPY, ...(signal === undefined ? {} : { signal }) });
  } catch (error) {
    if (signal?.aborted === true) throw error;
    throw new PartUploadError(partNumber, 0, `part ${partNumber}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw new PartUploadError(partNumber, response.status, `part ${partNumber}: ${s3ErrorText(response.status, await response.text())}`);
  return response;
}
