/**
 * Listening on the one port: node `http` and, with TLS, node `https` behind the first-byte sniffer
 * (`local/tls/same-port.ts`), which also applies the connection limits. Both servers share one
 * request listener and one upgrade handler; what Node's parser refuses gets AppSync's error envelope
 * (`answerClientError`).
 */
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { ConnectionLimits } from '../http/connection-limits.ts';
import { answerClientError } from '../http/node-adapter.ts';
import type { NodeRequestListener } from '../http/path-mount.ts';
import { listenSamePort, type SamePortServer } from '../tls/same-port.ts';

export type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface OnePortDeps {
  readonly onRequest: NodeRequestListener;
  readonly onUpgrade: UpgradeListener;
}

export interface OnePortOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly limits: ConnectionLimits;
  /** The server certificate; null serves plain HTTP only. */
  readonly tls: { readonly cert: string; readonly key: string } | null;
}

/** Listens; `close()` stops listening and destroys every open connection (safe to call twice). */
export function listenOnePort(deps: OnePortDeps, options: OnePortOptions): Promise<SamePortServer> {
  const http = createHttpServer(deps.onRequest).on('upgrade', deps.onUpgrade).on('clientError', answerClientError);
  const { tls } = options;
  const https =
    tls === null
      ? undefined
      : createHttpsServer({ cert: tls.cert, key: tls.key, handshakeTimeout: options.limits.tlsHandshakeTimeoutMs }, deps.onRequest)
          .on('upgrade', deps.onUpgrade)
          // A failed or timed-out handshake: the socket is of no further use.
          .on('tlsClientError', (_error, socket) => socket.destroy())
          .on('clientError', answerClientError);
  return listenSamePort({ http, ...(https ? { https } : {}), host: options.host, port: options.port, limits: options.limits });
}
