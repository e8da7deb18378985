/**
 * One Lambda invoker per public origin: each is built with its own
 * environment, so the Lambda presigns URLs for the address the client used (`S3_PRESIGN_ENDPOINT`,
 * api/environment.ts) while its own S3 calls keep the internal endpoint. The deployed Lambda never
 * sees a client-supplied host: in the cloud the variable is absent and URLs name the bucket's S3 host.
 *
 * The origin comes with each call: the GraphQL request's (`http(s)://<checked host>:<port>`), passed
 * down by the executor, or none outside requests (S3 events). With `--public-url` every URL names it
 * instead. Origins come only from Host headers the allow-list accepted (the server's own names and
 * interface addresses) or from `--public-url`, so there are few; `maxOrigins` still bounds the cache,
 * dropping the least recently used invoker.
 */
import type { LambdaInvoker } from './load-lambda.ts';

/** Invokes a Lambda for a request sent to `origin` (undefined outside any request). */
export interface OriginLambdaInvoker {
  invoke(lambdaName: string, event: unknown, origin?: string): Promise<unknown>;
}

export interface PerOriginInvokerDeps {
  /** `--public-url`: the origin of every URL when set, whatever the request's. */
  readonly publicUrl: string | null;
  /** Builds the invoker for one origin. */
  readonly createInvoker: (origin: string | undefined) => LambdaInvoker;
}

export interface PerOriginInvokerOptions {
  /** Invokers kept at once. @default 16 */
  readonly maxOrigins?: number;
}

export function createPerOriginInvoker(deps: PerOriginInvokerDeps, options: PerOriginInvokerOptions = {}): OriginLambdaInvoker {
  const maxOrigins = options.maxOrigins ?? 16;
  const outsideRequests = deps.createInvoker(undefined);
  const byOrigin = new Map<string, LambdaInvoker>();

  function invokerFor(origin: string | undefined): LambdaInvoker {
    if (origin === undefined) return outsideRequests;
    let invoker = byOrigin.get(origin);
    if (invoker === undefined) {
      invoker = deps.createInvoker(origin);
      if (byOrigin.size >= maxOrigins) {
        const [oldest] = byOrigin.keys();
        if (oldest !== undefined) byOrigin.delete(oldest);
      }
    } else {
      byOrigin.delete(origin);
    }
    byOrigin.set(origin, invoker);
    return invoker;
  }

  return {
    invoke: function invokeForOrigin(lambdaName, event, origin) {
      return invokerFor(deps.publicUrl ?? origin).invoke(lambdaName, event);
    },
  };
}
