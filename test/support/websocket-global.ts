/**
 * The `WebSocket` global that AppSync's browser-first clients (Amplify JS v6,
 * aws-appsync-subscription-link) expect, for Node 20, which has none: the `ws` client, unchanged,
 * plus a record of the URLs dialled and the frames received, so a test can wait for the server's
 * `start_ack` before it triggers an event. The tap's listener is added in the constructor, before
 * the library sets `onmessage`, so when `nextFrame` resolves the library has seen that frame too.
 */
import WebSocket from 'ws';

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
  const frames: Record<string, unknown>[] = [];
  const taken = new Set<Record<string, unknown>>();
  const waiters = new Set<() => void>();
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
        for (const wake of waiters) wake();
      });
    }
  }
  const previous = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket');
  Object.defineProperty(globalThis, 'WebSocket', { value: TappedWebSocket, configurable: true, writable: true });
  return {
    dialed,
    nextFrame: async function nextTappedFrame(match, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = frames.find((f) => !taken.has(f) && match(f));
        if (found !== undefined) {
          taken.add(found);
          return found;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching frame within ${timeoutMs} ms; frames: ${JSON.stringify(frames)}`);
        await new Promise<void>((resolve) => {
          const wake = (): void => {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, left);
          waiters.add(wake);
        });
      }
    },
    restore: function restoreWebSocket() {
      if (previous) Object.defineProperty(globalThis, 'WebSocket', previous);
      else Reflect.deleteProperty(globalThis, 'WebSocket');
    },
  };
}

/** Values pushed by a subscription's `next`, taken one by one by a test. */
export interface EventQueue<T> {
  push(value: T): void;
  fail(error: unknown): void;
  /** The next value not taken yet; rejects after `timeoutMs` or when the subscription failed. */
  next(timeoutMs?: number): Promise<T>;
}

export function createEventQueue<T>(): EventQueue<T> {
  const items: T[] = [];
  const waiters = new Set<() => void>();
  let failure: { readonly error: unknown } | null = null;
  let taken = 0;
  return {
    push: function pushEvent(value) {
      items.push(value);
      for (const wake of waiters) wake();
    },
    fail: function failQueue(error) {
      failure = { error };
      for (const wake of waiters) wake();
    },
    next: async function nextEvent(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (taken >= items.length) {
        if (failure !== null) throw new Error(`subscription failed: ${failure.error instanceof Error ? failure.error.message : JSON.stringify(failure.error)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const wake = (): void => {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, left);
          waiters.add(wake);
        });
      }
      return items[taken++] as T;
    },
  };
}
