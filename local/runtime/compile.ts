/**
 * `compileResolver`: checks a bundle as AppSync does at save time, compiles it once into the
 * sandbox and returns a `CompiledResolver` whose `evaluate` only runs code. Each evaluation runs the
 * module's top level afresh (a few closures), so module-level variables never carry state from one
 * request to the next — as on AppSync, where every handler run starts from the uploaded code.
 */
import type { AuthType } from '../../api/types.ts';
import type { CompiledResolver, HandlerName, HandlerOutcome, ResolverContextInput, ResolverErrorValue } from './contract.ts';
import { CodeValidationError } from './errors.ts';
import { CODE_SIZE_LIMIT } from './limits.ts';
import { rewriteModule } from './module-rewrite.ts';
import { sharedSandbox } from './sandbox.ts';
import { checkSyntax, codeError } from './static-checks.ts';

/** `util.authType()` strings per auth mode (spec §2.2 [T][E]). */
export const AUTH_TYPE_NAMES: Readonly<Record<AuthType, string>> = {
  API_KEY: 'API Key Authorization',
  AWS_IAM: 'IAM Authorization',
  AMAZON_COGNITO_USER_POOLS: 'User Pool Authorization',
  OPENID_CONNECT: 'Open ID Connect Authorization',
  AWS_LAMBDA: 'Lambda Authorization',
};

/** The outcome as the sandbox reports it, before it is shaped for the executor or EvaluateCode. */
export interface RawOutcome {
  readonly value?: unknown;
  readonly error: (ResolverErrorValue & { readonly unauthorized: boolean }) | null;
  readonly earlyReturn: { readonly value: unknown; readonly skipTo: 'END' | 'NEXT'; readonly skipToDefaulted: boolean } | null;
  readonly codeError: { readonly message: string; readonly line: number | null; readonly column: number | null } | null;
  readonly appendedErrors: readonly ResolverErrorValue[];
  readonly logs: readonly string[];
  readonly invalidations: readonly { readonly subscriptionField: string; readonly payload: unknown }[];
  readonly cacheEvictions: readonly { readonly typeName: string; readonly fieldName: string; readonly keys: unknown }[];
  readonly subscriptionFilter?: unknown;
  readonly subscriptionInvalidationFilter?: unknown;
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly stash?: Record<string, unknown>;
}

/** A compiled resolver plus the raw entry point `evaluateCode` uses. */
export interface LocalCompiledResolver extends CompiledResolver {
  /** Runs a handler with `authTypeName` as `util.authType()` returns it; the stash is NOT written back. */
  evaluateRaw(name: HandlerName, ctx: Omit<ResolverContextInput, 'authType'>, authTypeName: string): RawOutcome;
}

function replaceContents(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, source);
}

function toHandlerOutcome(raw: RawOutcome, ctx: ResolverContextInput): HandlerOutcome {
  let error: ResolverErrorValue | null = null;
  if (raw.codeError) {
    error = { message: raw.codeError.message, errorType: 'Code', data: null, errorInfo: null };
  } else if (raw.error) {
    // Live responses name the field (spec §3.3 [O]); EvaluateCode shows plain "Unauthorized".
    const message = raw.error.unauthorized ? `Not Authorized to access ${ctx.info.fieldName} on type ${ctx.info.parentTypeName}` : raw.error.message;
    error = { message, errorType: raw.error.errorType, data: raw.error.data, errorInfo: raw.error.errorInfo };
  }
  const extensions = {
    invalidations: raw.invalidations,
    cacheEvictions: raw.cacheEvictions,
    ...(raw.subscriptionFilter !== undefined ? { subscriptionFilter: raw.subscriptionFilter } : {}),
    ...(raw.subscriptionInvalidationFilter !== undefined ? { subscriptionInvalidationFilter: raw.subscriptionInvalidationFilter } : {}),
  };
  return {
    value: raw.value ?? null,
    error,
    appendedErrors: raw.appendedErrors,
    earlyReturn: raw.earlyReturn,
    extensions,
    logs: raw.logs,
    responseHeaders: raw.responseHeaders,
    ...(raw.codeError ? { codeError: { line: raw.codeError.line, column: raw.codeError.column } } : {}),
  };
}

/** Static checks only: the AWS-shaped errors AppSync would report when saving `source`. */
export function validateResolverCode(source: string): { codeErrors: ReturnType<typeof checkSyntax>['codeErrors']; factorySource: string | null; exports: ReadonlyMap<string, string> } {
  if (source.length > CODE_SIZE_LIMIT) {
    return { codeErrors: [codeError('VALIDATION_ERROR', `The code is ${source.length} characters; AppSync accepts at most ${CODE_SIZE_LIMIT}`, 1, 1, source.length)], factorySource: null, exports: new Map() };
  }
  const checked = checkSyntax(source);
  if (checked.ast === null) return { codeErrors: checked.codeErrors, factorySource: null, exports: new Map() };
  const rewritten = rewriteModule(source, checked.ast);
  const codeErrors = [...checked.codeErrors, ...rewritten.codeErrors];
  for (const handler of ['request', 'response']) {
    if (!rewritten.exports.has(handler)) codeErrors.push(codeError('VALIDATION_ERROR', `The code must export a ${handler} function`, 1, 1, 0));
  }
  return { codeErrors, factorySource: rewritten.factorySource, exports: rewritten.exports };
}

/**
 * Checks and compiles one resolver bundle. Throws `CodeValidationError` (with AWS-shaped
 * `codeErrors`) for code AppSync would reject at save time.
 */
export function compileResolver(source: string, filename: string): LocalCompiledResolver {
  const validated = validateResolverCode(source);
  if (validated.codeErrors.length > 0 || validated.factorySource === null) throw new CodeValidationError(filename, validated.codeErrors);
  const sandbox = sharedSandbox();
  const factory = sandbox.compileFactory(validated.factorySource, filename);
  const handlers = new Set(validated.exports.keys());

  const evaluateRaw = function evaluateRaw(name: HandlerName, ctx: Omit<ResolverContextInput, 'authType'>, authTypeName: string): RawOutcome {
    // `authType` rides along in ctx but is not copied into the sandbox's ctx (buildContext picks members).
    const json = sandbox.api.run(factory, name, { ctx: ctx as unknown as Record<string, unknown>, authType: authTypeName }, filename);
    return JSON.parse(json) as RawOutcome;
  };

  return {
    filename,
    hasHandler: function hasHandler(name: HandlerName): boolean {
      return handlers.has(name);
    },
    evaluate: function evaluate(name: HandlerName, ctx: ResolverContextInput): HandlerOutcome {
      const raw = evaluateRaw(name, ctx, AUTH_TYPE_NAMES[ctx.authType]);
      if (raw.stash) replaceContents(ctx.stash, raw.stash);
      return toHandlerOutcome(raw, ctx);
    },
    evaluateRaw,
  };
}
