/**
 * The browser side of a presigned upload (browser code): the optional SHA-256 the ticket can bind,
 * and the one PUT the ticket describes, with progress.
 */

export interface HttpHeader {
  readonly name: string;
  readonly value: string;
}

/** The `UploadTicket` of `schema.graphql`. */
export interface UploadTicket {
  readonly url: string;
  readonly method: string;
  readonly headers: readonly HttpHeader[];
  readonly expiresAt: string;
}

export interface UploadOutcome {
  readonly status: number;
  /** S3's response body (an XML error document when status is not 2xx). */
  readonly body: string;
}

/**
 * Headers a page may not set (the Fetch standard's forbidden request headers). The browser sends
 * them itself: `Content-Length` comes from the body, whose size is the one the ticket signed, and
 * setting it by hand only logs "Refused to set unsafe header" to the console.
 */
const FORBIDDEN_HEADERS = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'connection',
  'content-length',
  'cookie',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
]);

export function isForbiddenRequestHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return FORBIDDEN_HEADERS.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-');
}

/** Base64 SHA-256 of the bytes, as `x-amz-checksum-sha256` wants it; undefined outside a secure context. */
export async function sha256Base64(blob: Blob): Promise<string | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return undefined;
  const digest = new Uint8Array(await subtle.digest('SHA-256', await blob.arrayBuffer()));
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * Sends the file exactly as the ticket says: its method, its URL, each of its headers (the signed
 * ones must match byte for byte). XMLHttpRequest rather than fetch, because only XHR reports upload
 * progress.
 */
export function putWithTicket(
  ticket: UploadTicket,
  body: Blob,
  onProgress: (loaded: number, total: number) => void,
): Promise<UploadOutcome> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(ticket.method, ticket.url);
    for (const header of ticket.headers) {
      if (!isForbiddenRequestHeader(header.name)) xhr.setRequestHeader(header.name, header.value);
    }
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    xhr.addEventListener('load', () => resolve({ status: xhr.status, body: xhr.responseText }));
    xhr.addEventListener('error', () => reject(new Error(`upload: network error (CORS or connection) sending to ${new URL(ticket.url).host}`)));
    xhr.addEventListener('abort', () => reject(new Error('upload: aborted')));
    xhr.send(body);
  });
}

/** `1.2 MB`-style sizes for the list. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'] as const;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit] ?? 'GB'}`;
}
