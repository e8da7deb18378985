/**
 * The `WebSocket` global that AppSync's browser-first clients (Amplify JS v6,
 * aws-appsync-subscription-link) expect, for Node 20, which has none: the `ws` client, unchanged,
 * plus a record of the URLs dialled and the frames received, so a test can wait for the server's
 * `start_ack` before it triggers an event. The tap's listener is added in the constructor, before
 * the library sets `onmessage`, so when `nextFrame` resolves the library has seen that frame too.
 */
import WebSocket from 'ws';
import { createFrameQueue } from './frame-queue.ts';

export interface WebSocketTap {
  /** Every URL a client dialled, in order. */
  readonly dialed: readonly string[];
  /** The first received frame not taken yet that matches; rejects after `timeoutMs`. */
  nextFrame(match: (frame: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Puts back the previous global. */
  restore(): void;
}

export function installWebSocketTap(): WebSocketTap {
  const dialed: string[] = [];
  const frames = createFrameQueue<Record<string, unknown>>();
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
    nextFrame: frames.take,
    restore: function restoreWebSocket() {
      if (previous) Object.defineProperty(globalThis, 'WebSocket', previous);
      else Reflect.deleteProperty(globalThis, 'WebSocket');
    },
  };
}

/** Values pushed by a subscription's `next`, taken one by one by a test. */
export interface EventQueue<T> {
  push(value: T): void;
  /** A subscription's `error`: every later `next()` with nothing left rejects. */
  fail(error: unknown): void;
  /** The next value not taken yet; rejects after `timeoutMs` or when the subscription failed. */
  next(timeoutMs?: number): Promise<T>;
}

export function createEventQueue<T>(): EventQueue<T> {
  const queue = createFrameQueue<T>();
  return {
    push: queue.push,
    fail: function failQueue(error) {
      queue.end(new Error(`subscription failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`));
    },
    next: function nextEvent(timeoutMs) {
      return queue.take(undefined, timeoutMs);
    },
  };
}
