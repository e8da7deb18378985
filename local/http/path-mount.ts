/**
 * A Node request listener mounted under a path of the API's port, ahead of the Web adapter: the
 * embedded S3 front at `/s3` (`local/s3/s3-store.ts` `mount`), which needs the raw request (SigV4
 * covers the request target as sent, and bodies stream to disk) and judges the Host itself with the
 * server's allow-list. Another path, or a mount not started yet, goes to the fallback listener.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type NodeRequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface PathMountDeps {
  /** `/s3`: the mount serves `/s3/…` and `/s3?…` (origin-form request targets only). */
  readonly prefix: string;
  /** The mounted listener; null while it is not ready. */
  readonly mounted: () => NodeRequestListener | null;
  readonly fallback: NodeRequestListener;
}

export function isUnderPath(target: string, prefix: string): boolean {
  return target === prefix || target.startsWith(`${prefix}/`) || target.startsWith(`${prefix}?`);
}

export function createPathMount(deps: PathMountDeps): NodeRequestListener {
  return function routeMountedPath(req, res) {
    const mounted = deps.mounted();
    if (mounted !== null && isUnderPath(req.url ?? '', deps.prefix)) {
      mounted(req, res);
      return;
    }
    deps.fallback(req, res);
  };
}
