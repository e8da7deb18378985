/**
 * The request body of a Node `IncomingMessage`, for the adapter (`node-adapter.ts`): as a Web stream
 * the handler reads with its own limit, and, when the handler answered without reading all of it,
 * drained (read and thrown away) for a bounded time so the client can read the answer.
 *
 * Why drain: a server that closes a socket while the client is still sending makes the kernel answer
 * the next bytes with a TCP reset, and a reset discards whatever the client had received but not yet
 * read, the answer included. So a 413 for an oversized body reached Node's fetch only about two runs
 * in three (`fetch failed` otherwise). A client must always be able to read why it was refused, so
 * the answer goes out first, the body is drained, and only then is the socket closed: cleanly (FIN,
 * no reset) when the body was complete. The drain is bounded (`DRAIN_LIMITS`): a client that is
 * still sending past the bound is cut off, and only a client that reads nothing until it has sent
 * everything can then miss the answer (Node's fetch and curl read it while they send).
 */
import type { IncomingMessage } from 'node:http';

export interface DrainLimits {
  /** Body bytes read and thrown away after the answer, at most. @default 16 MiB */
  readonly bytes: number;
  /** How long to wait for the rest of the body after the answer, at most. @default 5000 */
  readonly ms: number;
  /**
   * When a bound is reached: how long reading stays paused before the socket is closed. The client's
   * writes then block on TCP flow control, so even a busy client gets to read the answer before the
   * close (whose reset would discard it). @default 1000
   */
  readonly graceMs?: number;
}

/** The drain bound: about three times the 5 MiB body limit, arriving within a few seconds on a local network. */
export const DRAIN_LIMITS: DrainLimits = Object.freeze({ bytes: 16 * 1024 * 1024, ms: 5_000, graceMs: 1_000 });

/** How a drain ended: the body was complete, the client went away, or a bound was reached. */
export type DrainOutcome = 'complete' | 'closed' | 'bytes-limit' | 'time-limit';

/**
 * The body as a Web stream that reads only when the handler pulls. Unlike `Readable.toWeb`, it
 * neither reads ahead nor destroys the request (and so the socket) when the handler cancels it: the
 * adapter still has to answer on that socket.
 */
export function streamNodeBody(req: IncomingMessage): ReadableStream<Uint8Array> {
  let detach: (() => void) | null = null;
  return new ReadableStream<Uint8Array>(
    {
      pull: function pullNodeBody(controller) {
        return new Promise<void>((resolve) => {
          const settle = (action: () => void): void => {
            detach?.();
            detach = null;
            action();
            resolve();
          };
          const tryRead = (): void => {
            const chunk = req.read() as Buffer | null;
            if (chunk !== null) settle(() => controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
            else if (req.readableEnded) settle(() => controller.close());
            else if (req.destroyed) settle(() => controller.error(new Error('The client closed the connection before the request body was complete.')));
          };
          const onEnd = (): void => settle(() => controller.close());
          const onClose = (): void => tryRead();
          const onError = (error: Error): void => settle(() => controller.error(error));
          req.on('readable', tryRead);
          req.once('end', onEnd);
          req.once('close', onClose);
          req.once('error', onError);
          detach = () => {
            req.off('readable', tryRead);
            req.off('end', onEnd);
            req.off('close', onClose);
            req.off('error', onError);
          };
          tryRead();
        });
      },
      cancel: function cancelNodeBody() {
        detach?.();
        detach = null;
      },
    },
    { highWaterMark: 0 },
  );
}

/** Reads and throws away the rest of the body until it ends, the client goes away, or a bound in `limits` is reached. */
export function drainNodeBody(req: IncomingMessage, limits: DrainLimits = DRAIN_LIMITS): Promise<DrainOutcome> {
  return new Promise((resolve) => {
    let drained = 0;
    const finish = (outcome: DrainOutcome): void => {
      clearTimeout(timer);
      req.off('readable', onReadable);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
      if (outcome === 'bytes-limit' || outcome === 'time-limit') {
        // Stop reading, then close after the grace (see DrainLimits.graceMs).
        req.pause();
        setTimeout(() => resolve(outcome), limits.graceMs ?? 1_000).unref();
        return;
      }
      resolve(outcome);
    };
    const onReadable = (): void => {
      for (let chunk = req.read() as Buffer | null; chunk !== null; chunk = req.read() as Buffer | null) {
        drained += chunk.byteLength;
        if (drained > limits.bytes) {
          finish('bytes-limit');
          return;
        }
      }
    };
    const onEnd = (): void => finish('complete');
    const onClose = (): void => finish(req.readableEnded ? 'complete' : 'closed');
    const timer = setTimeout(() => finish('time-limit'), limits.ms);
    if (req.readableEnded) {
      finish('complete');
      return;
    }
    if (req.destroyed) {
      finish('closed');
      return;
    }
    req.on('readable', onReadable);
    req.once('end', onEnd);
    req.once('close', onClose);
    req.once('error', onClose);
    onReadable();
  });
}
