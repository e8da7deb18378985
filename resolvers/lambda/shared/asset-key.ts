/** Asset object keys: `<prefix>/<owner>/<id>/<file name>`, as the createUpload resolver makes them. */

// Own brand, not api/branded-error.ts: the Lambda bundle is built on its own and stays free of host modules.
const BRAND = Symbol.for('asset-api.RefusedError');

/** A request the Lambda will not carry out (defence in depth behind the resolvers' validation). */
export class RefusedError extends Error {
  readonly [BRAND] = true;
  override readonly name = 'RefusedError';
  /** `errorType` of a refused BatchInvoke item. */
  readonly errorType = 'AssetUrls:Refused';
}

export function isRefusedError(e: unknown): e is RefusedError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

export interface AssetKey {
  readonly owner: string;
  readonly id: string;
  readonly fileName: string;
}

/** The parts of an asset key, or null when `key` is not one under `prefix`. */
export function parseAssetKey(key: unknown, prefix: string): AssetKey | null {
  if (typeof key !== 'string' || !key.startsWith(`${prefix}/`) || key.length > 1024) {
    return null;
  }
  const parts = key.slice(prefix.length + 1).split('/');
  if (parts.length !== 3 || parts.some((part) => part === '' || part === '.' || part === '..')) {
    return null;
  }
  const [owner = '', id = '', fileName = ''] = parts;
  return { owner, id, fileName };
}

/** The key itself, or a RefusedError that says why it is not an asset key. */
export function assertAssetKey(key: unknown, prefix: string): string {
  if (parseAssetKey(key, prefix) === null) {
    throw new RefusedError(`key must look like "${prefix}/<owner>/<id>/<name>", got ${JSON.stringify(key)}`);
  }
  return key as string;
}
