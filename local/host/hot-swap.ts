/**
 * Owns the one current instance of something that is replaced while the server runs (the GraphQL
 * executor after a resolver or schema edit). Callers read `current()` per request, so a request in
 * flight finishes on the instance it started with; `swap` installs the next one, then closes the
 * previous one (STYLE 11: one owner, one close).
 */

export interface Closable {
  close(): Promise<void>;
}

export interface HotSwap<T extends Closable> {
  /** The instance new requests use. */
  current(): T;
  /** Makes `next` current and closes the previous instance. After `close()`, closes `next` instead. */
  swap(next: T): Promise<void>;
  /** Closes the current instance. Safe to call twice. */
  close(): Promise<void>;
}

export function createHotSwap<T extends Closable>(initial: T): HotSwap<T> {
  let active = initial;
  let closing: Promise<void> | null = null;
  return {
    current: function currentInstance() {
      return active;
    },
    swap: async function swapInstance(next) {
      if (closing !== null) {
        await next.close();
        return;
      }
      const previous = active;
      active = next;
      await previous.close();
    },
    close: function closeHotSwap() {
      closing ??= active.close();
      return closing;
    },
  };
}
