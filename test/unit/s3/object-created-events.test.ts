/**
 * Delivery of "Object Created" events (`local/s3/object-created-events.ts`): up to `concurrency`
 * events at once, events of one key one at a time in queue order, retries, and `drain`.
 */
import { describe, expect, test } from 'vitest';
import { createEventDispatcher, createObjectCreatedEvent, type ObjectCreatedEvent } from '../../../local/s3/object-created-events.ts';

function eventFor(key: string, size: number): ObjectCreatedEvent {
  return createObjectCreatedEvent({
    accountId: '000000000000',
    region: 'us-east-1',
    bucketName: 'bucket',
    key,
    size,
    etag: '"abc"',
    sequencer: '0',
    requestId: 'r',
    sourceIp: '127.0.0.1',
    reason: 'PutObject',
    time: new Date(0),
  });
}

/** A delivery that holds each event until the test releases it. */
function createHeldDelivery() {
  const started: string[] = [];
  const held: (() => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    started,
    get maxInFlight() {
      return maxInFlight;
    },
    deliver: (event: ObjectCreatedEvent): Promise<void> => {
      started.push(`${event.detail.object.key}#${event.detail.object.size}`);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise<void>((resolve) =>
        held.push(() => {
          inFlight -= 1;
          resolve();
        }),
      );
    },
    releaseAll: () => held.splice(0).forEach((release) => release()),
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('object-created events: delivery', () => {
  test('delivers events of different keys concurrently, never more than `concurrency` at once', async () => {
    const delivery = createHeldDelivery();
    const dispatcher = createEventDispatcher(delivery.deliver, { concurrency: 3, onDeliveryError: () => undefined });
    for (let i = 0; i < 7; i += 1) dispatcher.dispatch(eventFor(`k${i}`, 1), `k${i}`);
    await settle();
    expect(delivery.started).toEqual(['k0#1', 'k1#1', 'k2#1']);
    while (delivery.started.length < 7) {
      delivery.releaseAll();
      await settle();
    }
    delivery.releaseAll();
    await dispatcher.drain();
    expect(delivery.started).toEqual(['k0#1', 'k1#1', 'k2#1', 'k3#1', 'k4#1', 'k5#1', 'k6#1']);
    expect(delivery.maxInFlight).toBe(3);
  });

  test('delivers the events of one key one at a time, in queue order, while other keys pass them', async () => {
    const delivery = createHeldDelivery();
    const dispatcher = createEventDispatcher(delivery.deliver, { concurrency: 4, onDeliveryError: () => undefined });
    dispatcher.dispatch(eventFor('a', 1), 'a');
    dispatcher.dispatch(eventFor('a', 2), 'a');
    dispatcher.dispatch(eventFor('b', 1), 'b');
    dispatcher.dispatch(eventFor('a', 3), 'a');
    await settle();
    expect(delivery.started).toEqual(['a#1', 'b#1']);
    delivery.releaseAll();
    await settle();
    expect(delivery.started).toEqual(['a#1', 'b#1', 'a#2']);
    delivery.releaseAll();
    await settle();
    delivery.releaseAll();
    await dispatcher.drain();
    expect(delivery.started).toEqual(['a#1', 'b#1', 'a#2', 'a#3']);
  });

  test('retries a failed delivery, reports each failure, and drain waits for the last attempt', async () => {
    const failures: { attempt: number; givenUp: boolean }[] = [];
    let calls = 0;
    const dispatcher = createEventDispatcher(
      () => {
        calls += 1;
        if (calls < 3) throw new Error(`attempt ${calls}`);
      },
      { maxAttempts: 3, retryDelayMs: 1, onDeliveryError: (_error, _event, attempt, givenUp) => failures.push({ attempt, givenUp }) },
    );
    dispatcher.dispatch(eventFor('a', 1), 'a');
    await dispatcher.drain();
    expect({ calls, failures }).toEqual({ calls: 3, failures: [{ attempt: 1, givenUp: false }, { attempt: 2, givenUp: false }] });
  });
});
