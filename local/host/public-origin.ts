/**
 * Which origin the URLs in an answer name (docs/devices.md): `--public-url` when configured, else
 * the origin the request was sent to (its scheme, and its Host as the allow-list accepted it,
 * `local/http/host-allow-list.ts`). A phone that called `https://192.168.1.20:4000/graphql` gets
 * upload URLs on `https://192.168.1.20:4000/s3/…`, a browser on the same machine gets
 * `http://localhost:4000/s3/…`, each from the same server.
 *
 * The request's origin travels with its async work (`AsyncLocalStorage`), so the GraphQL core and the
 * resolver runtime stay unaware of it: only the host's Lambda invoker reads it
 * (`local/lambda/per-origin-invoker.ts`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface PublicOriginOptions {
  /** `--public-url`: the origin of every answer when set. @default null */
  readonly publicUrl?: string | null;
}

export interface PublicOrigin {
  /** Runs `fn` with `requestOrigin` (`http(s)://<checked host>:<port>`) as the origin of the request being answered. */
  run<T>(requestOrigin: string, fn: () => T): T;
  /** The public URL when configured, else the origin of the request being answered; undefined outside any request (S3 events, timers). */
  current(): string | undefined;
}

export function createPublicOrigin(options: PublicOriginOptions = {}): PublicOrigin {
  const publicUrl = options.publicUrl ?? null;
  const storage = new AsyncLocalStorage<string>();
  return {
    run: function runWithRequestOrigin(requestOrigin, fn) {
      // With a public URL the request's own origin is never read: no need to carry it.
      return publicUrl === null ? storage.run(requestOrigin, fn) : fn();
    },
    current: function currentPublicOrigin() {
      return publicUrl ?? storage.getStore();
    },
  };
}
