/**
 * Small helpers for the files the demo uploads (browser code): the content type it declares, the
 * optional SHA-256 `createUpload` can bind, and sizes as people read them.
 */

/** The file's type when the API allows it; `application/octet-stream` (always allowed) otherwise. */
export function uploadContentType(file: Pick<File, 'type'>, allowed: readonly string[]): string {
  return allowed.includes(file.type) ? file.type : 'application/octet-stream';
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
