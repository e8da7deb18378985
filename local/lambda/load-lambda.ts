/**
 * Runs the Lambda bundles in-process: imports `dist/lambda/<name>/index.mjs` (the file CDK deploys)
 * and calls its handler with the event and a Lambda-like context. A bundle exporting
 * `createHandler(env)` gets the Lambda environment passed in (we never write `process.env`); otherwise
 * the export named in the definition is used. A rebuilt bundle is picked up on the next call: the
 * import URL carries the file's mtime, so Node loads the new version.
 */
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { lambdaBundlePath } from '../../api/paths.ts';
import type { ApiDefinition } from '../../api/types.ts';
import { ConfigError } from '../../api/config-error.ts';
import { DEV_ACCOUNT_ID } from '../config.ts';

export type LambdaHandler = (event: unknown, context: LambdaContext) => unknown;

/** The members of the Lambda context object handlers commonly read. */
export interface LambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

export interface LambdaInvokerDeps {
  readonly api: ApiDefinition;
  /** The Lambda environment (`lambdaEnvironment(api, targets)`), passed to `createHandler(env)`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where a Lambda's bundle is. @default lambdaBundlePath */
  readonly bundlePath?: (lambdaName: string) => string;
  /** The account in `context.invokedFunctionArn`. @default DEV_ACCOUNT_ID */
  readonly accountId?: string;
}

export interface LambdaInvoker {
  /** Invokes a Lambda by its name in the definition; rejects with what the handler threw. */
  invoke(lambdaName: string, event: unknown): Promise<unknown>;
}

interface LoadedHandler {
  readonly version: number;
  readonly handler: Promise<LambdaHandler>;
}

function isFunction(v: unknown): v is (...args: unknown[]) => unknown {
  return typeof v === 'function';
}

/** `Task timed out after 10.00 seconds`, as Lambda reports a timeout. */
function timeoutError(seconds: number): Error {
  const error = new Error(`Task timed out after ${seconds.toFixed(2)} seconds`);
  error.name = 'TimeoutError';
  return error;
}

export function createLambdaInvoker(deps: LambdaInvokerDeps): LambdaInvoker {
  const bundlePath = deps.bundlePath ?? lambdaBundlePath;
  const accountId = deps.accountId ?? DEV_ACCOUNT_ID;
  const loaded = new Map<string, LoadedHandler>();

  async function importHandler(lambdaName: string, file: string, version: number): Promise<LambdaHandler> {
    const definition = deps.api.lambdas[lambdaName];
    const mod = (await import(`${pathToFileURL(file).href}?v=${version}`)) as Record<string, unknown>;
    const createHandler = mod['createHandler'];
    if (isFunction(createHandler)) {
      const handler = await createHandler({ ...deps.env });
      if (!isFunction(handler)) throw new ConfigError(`lambdas.${lambdaName}: createHandler(env) must return a function. Received: ${typeof handler}`);
      return handler as LambdaHandler;
    }
    const exportName = definition?.handler ?? 'handler';
    const handler = mod[exportName];
    if (!isFunction(handler)) throw new ConfigError(`lambdas.${lambdaName}: ${file} exports no function '${exportName}' or 'createHandler'`);
    return handler as LambdaHandler;
  }

  async function handlerFor(lambdaName: string): Promise<LambdaHandler> {
    if (!deps.api.lambdas[lambdaName]) throw new ConfigError(`No such lambda in the definition. Received: ${lambdaName}`);
    const file = bundlePath(lambdaName);
    const version = Math.trunc((await stat(file)).mtimeMs);
    const current = loaded.get(lambdaName);
    if (current && current.version === version) return current.handler;
    const handler = importHandler(lambdaName, file, version);
    loaded.set(lambdaName, { version, handler });
    handler.catch(() => {
      if (loaded.get(lambdaName)?.handler === handler) loaded.delete(lambdaName);
    });
    return handler;
  }

  return {
    invoke: async function invokeLambda(lambdaName, event) {
      const handler = await handlerFor(lambdaName);
      const definition = deps.api.lambdas[lambdaName];
      const timeoutSeconds = definition?.timeoutSeconds ?? 3;
      const deadline = Date.now() + timeoutSeconds * 1000;
      const context: LambdaContext = {
        functionName: lambdaName,
        functionVersion: '$LATEST',
        invokedFunctionArn: `arn:aws:lambda:local:${accountId}:function:${lambdaName}`,
        memoryLimitInMB: String(definition?.memorySize ?? 128),
        awsRequestId: randomUUID(),
        logGroupName: `/aws/lambda/${lambdaName}`,
        logStreamName: 'local',
        callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(timeoutError(timeoutSeconds)), timeoutSeconds * 1000);
        timer.unref();
      });
      try {
        return await Promise.race([Promise.resolve().then(() => handler(event, context)), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
