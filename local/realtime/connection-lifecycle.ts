/**
 * A realtime connection's lifecycle: its phase, the timers it owns (connection-init wait, keep-alive,
 * maximum lifetime) and closing (STYLE 11). The session decides when to ack and what to send; this
 * module makes sure nothing is sent after closing started and every timer stops with the socket.
 */
import { connectionAckFrame, KA_FRAME } from './frames.ts';

/** A WebSocket reduced to what the session needs (STYLE 1). */
export interface Channel {
  send(text: string): void;
  close(code: number, reason: string): void;
  onMessage(listener: (text: string) => void): void;
  /** Called once when the underlying connection has closed, whoever closed it. */
  onClose(listener: () => void): void;
}

/** Close code used after `connection_error` and on invalidation / server shutdown. */
export const NORMAL_CLOSURE = 1000;

/** `new` until `connection_ack`, then `acked`; `closing` from the first close on. */
export type ConnectionPhase = 'new' | 'acked' | 'closing';

export interface LifecycleOptions {
  /** Advertised in `connection_ack`. */
  readonly connectionTimeoutMs: number;
  /** `ka` cadence. */
  readonly keepAliveMs: number;
  /** The connection closes after this long, whatever it does. */
  readonly maxLifetimeMs: number;
  /** A connection still `new` after this long is closed. */
  readonly connectionInitTimeoutMs: number;
}

export interface ConnectionLifecycle {
  readonly phase: ConnectionPhase;
  /** Resolves once the channel has closed and `onClosed` has run. */
  readonly closed: Promise<void>;
  /** Sends unless the connection is closing. */
  send(text: string): void;
  /** Closes the channel (normal closure) once; resolves like `closed`. */
  close(): Promise<void>;
  /** Stops waiting for `connection_init` (a frame that ends the wait has arrived). */
  stopInitTimer(): void;
  /** Enters `acked`: sends `connection_ack` and a first `ka`, then one every `keepAliveMs`. */
  ack(): void;
}

/**
 * Starts the connection's timers and watches the channel close. `onClosed` runs once, when the
 * channel has closed, after every timer has stopped and before `closed` resolves.
 */
export function createConnectionLifecycle(channel: Channel, options: LifecycleOptions, onClosed: () => void): ConnectionLifecycle {
  let phase: ConnectionPhase = 'new';
  let keepAlive: ReturnType<typeof setInterval> | null = null;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  const lifetime = setTimeout(() => void close(), options.maxLifetimeMs);
  lifetime.unref();
  // `connection_init` is optional in AWS's protocol description (a `start` may come first), so either
  // one ends the wait (https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html).
  let initTimer: ReturnType<typeof setTimeout> | null = setTimeout(() => {
    initTimer = null;
    if (phase === 'new') void close();
  }, options.connectionInitTimeoutMs);
  initTimer.unref();

  function stopInitTimer(): void {
    if (initTimer !== null) clearTimeout(initTimer);
    initTimer = null;
  }

  function send(text: string): void {
    if (phase !== 'closing') channel.send(text);
  }

  function close(): Promise<void> {
    if (phase !== 'closing') {
      phase = 'closing';
      channel.close(NORMAL_CLOSURE, '');
    }
    return closed;
  }

  function ack(): void {
    phase = 'acked';
    send(connectionAckFrame(options.connectionTimeoutMs));
    send(KA_FRAME);
    keepAlive = setInterval(() => send(KA_FRAME), options.keepAliveMs);
  }

  channel.onClose(function cleanUp() {
    phase = 'closing';
    if (keepAlive !== null) clearInterval(keepAlive);
    keepAlive = null;
    clearTimeout(lifetime);
    stopInitTimer();
    onClosed();
    resolveClosed();
  });

  return {
    get phase() {
      return phase;
    },
    closed,
    send,
    close,
    stopInitTimer,
    ack,
  };
}
