/** A raw AppSync realtime client for tests: a `ws` socket plus the frames it received, in order. */
import WebSocket from 'ws';

export interface RawRealtimeClient {
  readonly socket: WebSocket;
  /** Every frame received, parsed. */
  readonly frames: Record<string, unknown>[];
  /** Resolves with the first frame (after those already taken) that matches. */
  next(match?: (frame: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  send(frame: unknown): void;
  /** Resolves with the close code once the socket is closed. */
  closed: Promise<number>;
  close(): Promise<void>;
}

export function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export async function connectRealtime(url: string, protocols: string[], options: WebSocket.ClientOptions = {}): Promise<RawRealtimeClient> {
  const socket = new WebSocket(url, protocols, options);
  const frames: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  let taken = 0;
  socket.on('message', (data) => {
    frames.push(JSON.parse(String(data)) as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    frames,
    closed,
    send: (frame) => socket.send(JSON.stringify(frame)),
    next: async (match = () => true) => {
      for (;;) {
        while (taken < frames.length) {
          const frame = frames[taken++] as Record<string, unknown>;
          if (match(frame)) return frame;
        }
        await new Promise<void>((resolve, reject) => {
          waiters.push(resolve);
          void closed.then(() => reject(new Error(`socket closed; frames so far: ${JSON.stringify(frames)}`)));
        });
      }
    },
    close: async () => {
      if (socket.readyState !== WebSocket.CLOSED) socket.close(1000);
      await closed;
    },
  };
}
