/** Slow clients for timeout tests: bytes written one at a time on a raw socket. */
import type { Socket } from 'node:net';

/** Sends `text` a byte at a time, `everyMs` apart, until the socket closes. */
export function drip(socket: Socket, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) clearInterval(timer);
    else socket.write(text[i++] ?? '');
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}
