/**
 * Values that arrive on their own (socket frames, a subscription's events), awaited by a test as they
 * come. Two ways to take one, each value taken once:
 * - `take(match)`: the first value not taken yet, anywhere in the list, so waiting for one
 *   subscription's frame never skips another's;
 * - `next(match)`: the first value after the one `next` returned last, as a reader of a stream sees
 *   them (values it passes over stay behind for `take` only).
 * A wait that finds nothing rejects after `timeoutMs`, or at once when the queue has ended.
 */

/** How long to wait for one expected value before failing with everything received so far. */
export const FRAME_TIMEOUT_MS = 20_000;

export interface FrameQueue<T> {
  /** Everything received so far, in order. */
  readonly items: readonly T[];
  push(value: T): void;
  /** No more values will come (the socket closed, the subscription failed): a wait that finds no match rejects with `error`. */
  end(error: Error): void;
  take(match?: (value: T) => boolean, timeoutMs?: number): Promise<T>;
  next(match?: (value: T) => boolean, timeoutMs?: number): Promise<T>;
}

const always = (): boolean => true;

export function createFrameQueue<T>(): FrameQueue<T> {
  const items: T[] = [];
  const taken = new Set<number>();
  const waiters = new Set<() => void>();
  let ended: Error | null = null;
  let cursor = 0;

  const wakeAll = (): void => {
    for (const wake of [...waiters]) wake();
  };

  async function waitFor(find: () => number, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = find();
      if (index >= 0) {
        taken.add(index);
        return items[index] as T;
      }
      if (ended !== null) throw ended;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`nothing matching within ${timeoutMs} ms; received: ${JSON.stringify(items)}`);
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
  }

  return {
    items,
    push: function pushValue(value) {
      items.push(value);
      wakeAll();
    },
    end: function endQueue(error) {
      ended ??= error;
      wakeAll();
    },
    take: function takeValue(match = always, timeoutMs = FRAME_TIMEOUT_MS) {
      return waitFor(() => items.findIndex((value, index) => !taken.has(index) && match(value)), timeoutMs);
    },
    next: function nextValue(match = always, timeoutMs = FRAME_TIMEOUT_MS) {
      return waitFor(() => {
        for (; cursor < items.length; cursor++) {
          if (!taken.has(cursor) && match(items[cursor] as T)) return cursor++;
        }
        return -1;
      }, timeoutMs);
    },
  };
}
