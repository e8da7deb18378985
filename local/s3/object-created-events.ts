/**
 * S3 "Object Created" events as S3 sends them to Amazon EventBridge, and their in-order delivery.
 * Shape from docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html ("Object created"):
 * `detail.object.etag` has no quotes; `version-id` appears only on versioned buckets (ours is not).
 */
import { randomUUID } from 'node:crypto';

export type ObjectCreatedReason = 'PutObject' | 'CopyObject' | 'CompleteMultipartUpload' | 'PostObject';

export interface ObjectCreatedEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Object Created';
  readonly source: 'aws.s3';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: {
    readonly version: '0';
    readonly bucket: { readonly name: string };
    readonly object: { readonly key: string; readonly size: number; readonly etag: string; readonly sequencer: string };
    readonly 'request-id': string;
    readonly requester: string;
    readonly 'source-ip-address': string;
    readonly reason: ObjectCreatedReason;
  };
}

export interface ObjectCreatedFacts {
  readonly accountId: string;
  readonly region: string;
  readonly bucketName: string;
  /** The object key, decoded (not URL-encoded). */
  readonly key: string;
  readonly size: number;
  /** The ETag with or without quotes. */
  readonly etag: string;
  readonly sequencer: string;
  readonly requestId: string;
  readonly sourceIp: string;
  readonly reason: ObjectCreatedReason;
  readonly time: Date;
}

export function createObjectCreatedEvent(facts: ObjectCreatedFacts): ObjectCreatedEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: facts.accountId,
    time: facts.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: facts.region,
    resources: [`arn:aws:s3:::${facts.bucketName}`],
    detail: {
      version: '0',
      bucket: { name: facts.bucketName },
      object: { key: facts.key, size: facts.size, etag: facts.etag.replace(/^"|"$/g, ''), sequencer: facts.sequencer },
      'request-id': facts.requestId,
      requester: facts.accountId,
      'source-ip-address': facts.sourceIp,
      reason: facts.reason,
    },
  };
}

/** S3 sequencers are hex strings that grow for later events on the same key. */
export function createSequencer(): () => string {
  let last = 0n;
  return function nextSequencer() {
    const candidate = BigInt(Date.now()) * 1_000_000n;
    last = candidate > last ? candidate : last + 1n;
    return last.toString(16).toUpperCase().padStart(18, '0');
  };
}

export interface EventDispatcherOptions {
  /** Attempts per event before it is reported as failed. @default 3 */
  readonly maxAttempts?: number;
  /** Delay before the second attempt; doubles after each. @default 100 */
  readonly retryDelayMs?: number;
  /**
   * Events delivered at the same time, as Lambda runs concurrent invocations for concurrent events
   * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html); events for the same key
   * still go one at a time, in order. @default 16
   */
  readonly concurrency?: number;
  /** Told about each failed attempt and whether the event is given up (event undefined: it could not be built). */
  readonly onDeliveryError: (error: unknown, event: ObjectCreatedEvent | undefined, attempt: number, givenUp: boolean) => void;
}

export interface EventDispatcher {
  /**
   * Queues an event for `key`, or a function that builds it (e.g. after a HEAD for the size). Up to
   * `concurrency` events are delivered at once; events of one key in queue order.
   */
  dispatch(event: ObjectCreatedEvent | (() => Promise<ObjectCreatedEvent>), key?: string): void;
  /** Resolves when every queued event has been delivered or given up. */
  drain(): Promise<void>;
}

type EventSource = ObjectCreatedEvent | (() => Promise<ObjectCreatedEvent>);

/** How one event is delivered: `deliver`, retried with backoff, each failure reported. */
interface DeliveryPolicy {
  readonly deliver: (event: ObjectCreatedEvent) => void | Promise<void>;
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
  readonly onDeliveryError: EventDispatcherOptions['onDeliveryError'];
}

export function createEventDispatcher(
  deliver: (event: ObjectCreatedEvent) => void | Promise<void>,
  options: EventDispatcherOptions,
): EventDispatcher {
  const policy: DeliveryPolicy = { deliver, maxAttempts: options.maxAttempts ?? 3, retryDelayMs: options.retryDelayMs ?? 100, onDeliveryError: options.onDeliveryError };
  const gate = createConcurrencyGate(Math.max(1, options.concurrency ?? 16));
  /** The last delivery queued per key; removed once nothing waits behind it. */
  const keyTails = new Map<string, Promise<void>>();
  const pending = new Set<Promise<void>>();
  return {
    dispatch: function dispatchObjectCreated(source, key = '') {
      const previous = keyTails.get(key) ?? Promise.resolve();
      const delivery = previous.then(async () => {
        await gate.acquire();
        try {
          await deliverWithRetries(policy, source);
        } finally {
          gate.release();
        }
      });
      keyTails.set(key, delivery);
      pending.add(delivery);
      void delivery.then(() => {
        pending.delete(delivery);
        if (keyTails.get(key) === delivery) keyTails.delete(key);
      });
    },
    drain: async function drainObjectCreated() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

/** At most `concurrency` holders at once; the others wait in arrival order. */
function createConcurrencyGate(concurrency: number): { acquire(): Promise<void>; release(): void } {
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    acquire: async function acquire() {
      if (running < concurrency) {
        running += 1;
        return;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    },
    release: function release() {
      const next = waiting.shift();
      if (next === undefined) running -= 1;
      else next();
    },
  };
}

function reportDeliveryError(policy: DeliveryPolicy, error: unknown, event: ObjectCreatedEvent | undefined, attempt: number, givenUp: boolean): void {
  try {
    policy.onDeliveryError(error, event, attempt, givenUp);
  } catch {
    // A failing reporter must not stop the queue.
  }
}

async function deliverWithRetries(policy: DeliveryPolicy, source: EventSource): Promise<void> {
  let event: ObjectCreatedEvent;
  try {
    event = typeof source === 'function' ? await source() : source;
  } catch (error) {
    reportDeliveryError(policy, error, undefined, 1, true);
    return;
  }
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt += 1) {
    try {
      await policy.deliver(event);
      return;
    } catch (error) {
      const givenUp = attempt === policy.maxAttempts;
      reportDeliveryError(policy, error, event, attempt, givenUp);
      if (!givenUp) await new Promise((resolve) => setTimeout(resolve, policy.retryDelayMs * 2 ** (attempt - 1)));
    }
  }
}
