/**
 * The `WebSocket` global that AppSync's browser-first clients (Amplify JS v6, aws-appsync-subscription-link)
 * expect, for Node 20, which has none (Node 22 has one). It is the `ws` client, unchanged, plus a
 * record of the URLs dialled and the frames received, so a test can wait for the server's `start_ack`
 * before it triggers an event, and can check which URL the client derived.
 *
 * Ordering: the tap's `message` listener is added in the constructor, before the client library sets
 * `onmessage`, and a waiter resumes in a microtask after both ran; so when `nextFrame` resolves, the
 * library has already handled that frame.
 */
import WebSocket from 'ws';
import { createEventQueue } from './event-queue.ts';

export interface WebSocketTap {
  /** Every URL a client dialled, in order. */
  readonly dialed: readonly string[];
  /** Resolves with the next received frame (after those already taken) that matches. */
  nextFrame(match: (frame: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Puts back the previous global. */
  restore(): void;
}

export function installWebSocketTap(): WebSocketTap {
  const dialed: string[] = [];
  const frames = createEventQueue<Record<string, unknown>>();
  class TappedWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      dialed.push(String(url));
      this.on('message', (data) => {
        try {
          frames.push(JSON.parse(String(data)) as Record<string, unknown>);
        } catch {
          frames.push({ unparsed: String(data) });
        }
      });
    }
  }
  const previous = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket');
  Object.defineProperty(globalThis, 'WebSocket', { value: TappedWebSocket, configurable: true, writable: true });
  return {
    dialed,
    nextFrame: async function nextTappedFrame(match) {
      for (;;) {
        const frame = await frames.next();
        if (match(frame)) return frame;
      }
    },
    restore: function restoreWebSocket() {
      if (previous) Object.defineProperty(globalThis, 'WebSocket', previous);
      else Reflect.deleteProperty(globalThis, 'WebSocket');
    },
  };
}
