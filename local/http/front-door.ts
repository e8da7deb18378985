/**
 * What the port's servers call: the S3 front under `/s3` (`path-mount.ts`), every other request
 * through the Web adapter (`node-adapter.ts`), and WebSocket upgrades. Until the API is served, requests are
 * answered 503 "The local server is starting." and upgrades 404, so the port can listen before the
 * stores and the executor exist.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HostVerdict } from './host-allow-list.ts';
import { AppSyncHttpError, formatHttpError, HTTP_ERROR_TYPE } from './http-error.ts';
import { createNodeListener, type WebHandler } from './node-adapter.ts';
import { createPathMount, type NodeRequestListener } from './path-mount.ts';

/** The answers of a ready API (`createLocalApi`). */
export interface ServedApi {
  readonly handle: WebHandler;
  readonly realtime: { handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean };
  /** The S3 front's listener; null without the embedded store. */
  readonly s3Front: NodeRequestListener | null;
}

export interface FrontDoorDeps {
  /** The API once it is ready; null while starting. */
  readonly api: () => ServedApi | null;
  /** Where the S3 front is mounted (`/s3`). */
  readonly s3Path: string;
  /** Judges the `Host` header (`host-allow-list.ts`). */
  readonly checkHost: (host: string | undefined, defaultPort: number) => HostVerdict;
  readonly onError: (error: unknown) => void;
}

export interface FrontDoor {
  readonly onRequest: NodeRequestListener;
  readonly onUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

/** The 503 of a server still starting. */
export function startingError(): AppSyncHttpError {
  return new AppSyncHttpError(503, HTTP_ERROR_TYPE.INTERNAL, 'The local server is starting.');
}

export function createFrontDoor(deps: FrontDoorDeps): FrontDoor {
  const { api } = deps;
  const handleWeb: WebHandler = async function handleWhenReady(request, connection) {
    const ready = api();
    if (ready === null) return formatHttpError(startingError());
    return ready.handle(request, connection);
  };
  const webListener = createNodeListener(handleWeb, deps.onError, { checkHost: deps.checkHost });
  return {
    onRequest: createPathMount({ prefix: deps.s3Path, mounted: () => api()?.s3Front ?? null, fallback: webListener }),
    onUpgrade: function upgradeWhenReady(request, socket, head) {
      const ready = api();
      if (ready === null || !ready.realtime.handleUpgrade(request, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    },
  };
}
