/** Values pushed by a client callback (a subscription's `next`), taken one by one by a test. */
export interface EventQueue<T> {
  /** Everything received so far, in order. */
  readonly items: readonly T[];
  push(value: T): void;
  /** Makes every pending and later `next()` reject (a subscription's `error`). */
  fail(error: unknown): void;
  /** Resolves with the next value not taken yet. */
  next(): Promise<T>;
}

export function createEventQueue<T>(): EventQueue<T> {
  const items: T[] = [];
  const waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  let failure: { readonly error: unknown } | null = null;
  let taken = 0;
  return {
    items,
    push: function pushEvent(value) {
      items.push(value);
      for (const waiter of waiters.splice(0)) waiter.resolve();
    },
    fail: function failQueue(error) {
      failure = { error };
      for (const waiter of waiters.splice(0)) waiter.reject(error);
    },
    next: async function nextEvent() {
      while (taken >= items.length) {
        if (failure) throw failure.error instanceof Error ? failure.error : new Error(`subscription failed: ${JSON.stringify(failure.error)}`);
        await new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      }
      return items[taken++] as T;
    },
  };
}
