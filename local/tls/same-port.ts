/**
 * One TCP port, two protocols: the first byte of each connection decides. 0x16 opens a TLS
 * handshake (record type "handshake"), so the socket goes to the HTTPS server; anything else is
 * plain HTTP. Amplify JS v6 dials `wss://` even for an `http://` endpoint (spec §2.1), so the same
 * URL then works for `http://`, `https://`, `ws://` and `wss://`.
 */
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** First byte of a TLS record carrying a handshake message. */
const TLS_HANDSHAKE = 0x16;

export interface SamePortServer {
  readonly port: number;
  /** Stops listening and destroys every open connection. Safe to call twice. */
  close(): Promise<void>;
}

export interface SamePortOptions {
  readonly http: HttpServer;
  /** When absent, every connection is plain HTTP. */
  readonly https?: HttpsServer;
  readonly host: string;
  readonly port: number;
}

export async function listenSamePort(options: SamePortOptions): Promise<SamePortServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ pauseOnConnect: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const { https } = options;
    if (!https) {
      options.http.emit('connection', socket);
      socket.resume();
      return;
    }
    socket.once('readable', () => {
      const first: Buffer | null = socket.read(1) as Buffer | null;
      if (first === null) {
        socket.destroy();
        return;
      }
      socket.unshift(first);
      (first[0] === TLS_HANDSHAKE ? https : options.http).emit('connection', socket);
      socket.resume();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  let closing: Promise<void> | null = null;
  return {
    port: (server.address() as AddressInfo).port,
    close: function closeSamePort() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        options.http.closeAllConnections();
        options.https?.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
