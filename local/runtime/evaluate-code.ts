/**
 * `evaluateCode`: the local twin of AWS AppSync `EvaluateCode` (runtime APPSYNC_JS 1.0.0). Same input
 * (code, function, a JSON context) and the same response members (API_EvaluateCode.html):
 * `evaluationResult` (JSON string), `error` (`message`, `codeErrors`), `logs`, `stash`, `outErrors`.
 */
import { isRecord } from '../../api/guards.ts';
import type { ResolverContextInput } from './contract.ts';
import { compileResolver, type LocalCompiledResolver } from './compile.ts';
import { isCodeValidationError, type CodeError } from './errors.ts';
import { EVALUATE_CONTEXT_SIZE_LIMIT } from './limits.ts';
import type { RuntimeOptions } from './options.ts';

export interface EvaluateCodeInput {
  readonly code: string;
  readonly function: 'request' | 'response';
  /** The mock context: a JSON string (as the API takes it) or the parsed object. */
  readonly context: unknown;
}

export interface EvaluateCodeResult {
  readonly evaluationResult?: string;
  readonly error?: { readonly message: string; readonly codeErrors?: readonly CodeError[] };
  readonly logs: readonly string[];
  readonly stash?: string;
  readonly outErrors?: string;
}

const has = (o: Record<string, unknown>, k: string): boolean => Object.hasOwn(o, k);

/**
 * `util.authType()` as EvaluateCode derives it from the mock identity's shape; any incomplete shape
 * falls back to API key (recorded EvaluateCode behaviour; docs/APPSYNC-BEHAVIOUR.md#resolver-identity-and-request).
 */
export function authTypeFromIdentity(identity: unknown): string {
  if (!isRecord(identity)) return 'API Key Authorization';
  const keys = Object.keys(identity);
  if (keys.length === 0 || has(identity, 'resolverContext')) return 'Lambda Authorization';
  if (has(identity, 'userArn') && has(identity, 'accountId') && Array.isArray(identity['sourceIp'])) return 'IAM Authorization';
  if (has(identity, 'sub') && has(identity, 'issuer') && has(identity, 'claims')) {
    if (has(identity, 'defaultAuthStrategy') && Array.isArray(identity['sourceIp'])) return 'User Pool Authorization';
    if (!has(identity, 'username') && !has(identity, 'sourceIp')) return 'Open ID Connect Authorization';
  }
  return 'API Key Authorization';
}

function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** Builds the runtime input from a mock context; `args` is synthesised from `arguments` (docs/APPSYNC-BEHAVIOUR.md#js-evaluatecode-and-logs). */
function contextInput(mock: Record<string, unknown>): Omit<ResolverContextInput, 'authType'> {
  const info = isRecord(mock['info']) ? mock['info'] : {};
  const request = isRecord(mock['request']) ? mock['request'] : {};
  const error = isRecord(mock['error']) ? { message: String(mock['error']['message'] ?? ''), type: String(mock['error']['type'] ?? '') } : undefined;
  return {
    arguments: isRecord(mock['arguments']) ? mock['arguments'] : isRecord(mock['args']) ? mock['args'] : {},
    identity: isRecord(mock['identity']) ? mock['identity'] : null,
    source: isRecord(mock['source']) ? mock['source'] : null,
    stash: isRecord(mock['stash']) ? { ...mock['stash'] } : {},
    ...(isRecord(mock['prev']) ? { prev: { result: mock['prev']['result'] } } : {}),
    ...(has(mock, 'result') ? { result: mock['result'] } : {}),
    ...(error ? { error } : {}),
    request: { headers: stringRecord(request['headers']), domainName: typeof request['domainName'] === 'string' ? request['domainName'] : null },
    info: {
      fieldName: String(info['fieldName'] ?? ''),
      parentTypeName: String(info['parentTypeName'] ?? ''),
      variables: isRecord(info['variables']) ? info['variables'] : {},
      selectionSetList: Array.isArray(info['selectionSetList']) ? info['selectionSetList'].map(String) : [],
      selectionSetGraphQL: typeof info['selectionSetGraphQL'] === 'string' ? info['selectionSetGraphQL'] : '',
    },
    env: stringRecord(mock['env']),
  };
}

/** Recent compilations, one map per mode (`fastPaths`). */
const compiledByCode: Readonly<Record<'fast' | 'plain', Map<string, LocalCompiledResolver>>> = { fast: new Map(), plain: new Map() };
const COMPILED_CACHE_SIZE = 64;

function compileCached(code: string, fastPaths: boolean): LocalCompiledResolver {
  const byCode = compiledByCode[fastPaths ? 'fast' : 'plain'];
  const cached = byCode.get(code);
  if (cached) return cached;
  const compiled = compileResolver(code, 'code.js', { fastPaths });
  if (byCode.size >= COMPILED_CACHE_SIZE) byCode.delete(byCode.keys().next().value as string);
  byCode.set(code, compiled);
  return compiled;
}

export function evaluateCode(input: EvaluateCodeInput, options: RuntimeOptions = {}): EvaluateCodeResult {
  let mock: unknown = input.context;
  if (typeof mock === 'string') {
    if (mock.length > EVALUATE_CONTEXT_SIZE_LIMIT) {
      return { error: { message: `context: length ${mock.length} exceeds the ${EVALUATE_CONTEXT_SIZE_LIMIT} characters EvaluateCode accepts` }, logs: [] };
    }
    try {
      mock = JSON.parse(mock);
    } catch (e) {
      return { error: { message: `context: not valid JSON (${(e as Error).message})` }, logs: [] };
    }
  }
  if (!isRecord(mock)) return { error: { message: 'context: must be a JSON object' }, logs: [] };
  let compiled: LocalCompiledResolver;
  try {
    compiled = compileCached(input.code, options.fastPaths ?? true);
  } catch (e) {
    if (isCodeValidationError(e)) return { error: { message: 'The code contains one or more errors', codeErrors: e.codeErrors }, logs: [] };
    throw e;
  }
  const ctx = contextInput(mock);
  const raw = compiled.evaluateRaw(input.function, ctx, authTypeFromIdentity(ctx.identity));
  // Members in the order of the API reference: evaluationResult, error, logs, stash, outErrors.
  const rest = {
    logs: raw.logs,
    // No stash in the outcome: the handler could not see it (context-usage.ts), so it is the mock's.
    stash: JSON.stringify(raw.stash ?? ctx.stash),
    ...(raw.appendedErrors.length > 0 ? { outErrors: JSON.stringify(raw.appendedErrors) } : {}),
  };
  if (raw.codeError) return { error: { message: raw.codeError.message }, ...rest };
  if (raw.error) return { error: { message: raw.error.message }, ...rest };
  const value = raw.earlyReturn ? raw.earlyReturn.value : raw.value;
  return { evaluationResult: JSON.stringify(value ?? null), ...rest };
}
