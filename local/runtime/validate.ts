/**
 * Save-time validation of a resolver bundle (what AppSync checks when the code is saved) plus the
 * load-time facts the runtime needs: the factory source, the export table and the module-state plan.
 * `validateResolverCodeCached` keeps results in the runtime's disk cache, keyed by a SHA-256 of the
 * bundle text and `VALIDATOR_VERSION` (the validator's own sources and the ESLint and plugin
 * versions), so a warm start never loads ESLint and any change to the bundle or to the rules is a
 * miss that validates afresh.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { sha256, type DiskCache } from './disk-cache.ts';
import type { CodeError } from './errors.ts';
import { CODE_SIZE_LIMIT } from './limits.ts';
import { analyzeContextUsage } from './context-usage.ts';
import { findLogCallSites, type LogCallSites } from './log-call-sites.ts';
import { analyzeModuleState, type ModuleStatePlan } from './module-analysis.ts';
import { rewriteModule } from './module-rewrite.ts';
import { checkSyntax, codeError } from './static-checks.ts';

export interface ValidatedCode {
  readonly codeErrors: readonly CodeError[];
  /** The factory (module-rewrite.ts); null when the code has errors that stop the rewrite. */
  readonly factorySource: string | null;
  /** Exported name → local binding. */
  readonly exports: ReadonlyMap<string, string>;
  /** Whether the top level may be shared between evaluations (module-analysis.ts); null without a factory. */
  readonly modulePlan: ModuleStatePlan | null;
  /** Per exported handler, the `ctx` members it can observe; null = all (context-usage.ts). */
  readonly contextUsage: Readonly<Record<string, readonly string[] | null>>;
  /** Where each `console.*` call starts, by the position V8 reports for it (log-call-sites.ts). */
  readonly logCallSites: LogCallSites;
}

/** Static checks only: the AWS-shaped errors AppSync would report when saving `source`. */
export function validateResolverCode(source: string): ValidatedCode {
  if (source.length > CODE_SIZE_LIMIT) {
    return { codeErrors: [codeError('VALIDATION_ERROR', `The code is ${source.length} characters; AppSync accepts at most ${CODE_SIZE_LIMIT}`, 1, 1, source.length)], factorySource: null, exports: new Map(), modulePlan: null, contextUsage: {}, logCallSites: {} };
  }
  const checked = checkSyntax(source);
  if (checked.ast === null || checked.scopeManager === null) return { codeErrors: checked.codeErrors, factorySource: null, exports: new Map(), modulePlan: null, contextUsage: {}, logCallSites: {} };
  const modulePlan = analyzeModuleState(checked.ast, checked.scopeManager);
  const rewritten = rewriteModule(source, checked.ast, modulePlan.bindings);
  const codeErrors = [...checked.codeErrors, ...rewritten.codeErrors];
  for (const handler of ['request', 'response']) {
    if (!rewritten.exports.has(handler)) codeErrors.push(codeError('VALIDATION_ERROR', `The code must export a ${handler} function`, 1, 1, 0));
  }
  const contextUsage = analyzeContextUsage(rewritten.exports, checked.scopeManager);
  return { codeErrors, factorySource: rewritten.factorySource, exports: rewritten.exports, modulePlan, contextUsage, logCallSites: findLogCallSites(checked.ast) };
}

/** The files whose text decides a validation result; with the ESLint and plugin versions, they form the cache key. */
const VALIDATOR_FILES = ['validate.ts', 'static-checks.ts', 'no-recursion.ts', 'module-rewrite.ts', 'module-analysis.ts', 'context-usage.ts', 'log-call-sites.ts', 'limits.ts'];

let validatorVersion: string | null = null;

/** A hash of everything besides the bundle that decides a validation result. */
export function validatorVersionHash(): string {
  if (validatorVersion !== null) return validatorVersion;
  const require = createRequire(import.meta.url);
  const parts: string[] = [];
  for (const file of VALIDATOR_FILES) parts.push(file, readFileSync(fileURLToPath(new URL(`./${file}`, import.meta.url)), 'utf8'));
  for (const pkg of ['eslint', '@aws-appsync/eslint-plugin']) {
    try {
      parts.push(pkg, String((JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version?: unknown }).version));
    } catch {
      parts.push(pkg, '?');
    }
  }
  validatorVersion = sha256(parts);
  return validatorVersion;
}

interface CacheEntry {
  readonly codeErrors: CodeError[];
  readonly factorySource: string | null;
  readonly exports: [string, string][];
  readonly modulePlan: ModuleStatePlan | null;
  readonly contextUsage: Record<string, readonly string[] | null>;
  readonly logCallSites: Record<string, readonly [number, number]>;
}

function isCacheEntry(v: unknown): v is CacheEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return Array.isArray(e['codeErrors']) && (typeof e['factorySource'] === 'string' || e['factorySource'] === null) && Array.isArray(e['exports'])
    && (e['modulePlan'] === null || (typeof e['modulePlan'] === 'object' && Array.isArray((e['modulePlan'] as Record<string, unknown>)['bindings'])))
    && typeof e['contextUsage'] === 'object' && e['contextUsage'] !== null
    && typeof e['logCallSites'] === 'object' && e['logCallSites'] !== null && !Array.isArray(e['logCallSites']);
}

/** Cache entry name for `source`: `<sha256>.json`. */
export function validationCacheName(source: string): string {
  return `${sha256([validatorVersionHash(), source])}.json`;
}

/** `validateResolverCode`, answered from `cache` when the same bundle was validated by the same validator. */
export function validateResolverCodeCached(source: string, cache: DiskCache): ValidatedCode {
  const name = validationCacheName(source);
  const text = cache.read(name);
  if (text !== null) {
    try {
      const entry: unknown = JSON.parse(text);
      if (isCacheEntry(entry)) return { codeErrors: entry.codeErrors, factorySource: entry.factorySource, exports: new Map(entry.exports), modulePlan: entry.modulePlan, contextUsage: entry.contextUsage, logCallSites: entry.logCallSites };
    } catch {
      // A corrupt entry is a miss.
    }
  }
  const validated = validateResolverCode(source);
  const entry: CacheEntry = { codeErrors: [...validated.codeErrors], factorySource: validated.factorySource, exports: [...validated.exports], modulePlan: validated.modulePlan, contextUsage: { ...validated.contextUsage }, logCallSites: { ...validated.logCallSites } };
  cache.write(name, JSON.stringify(entry));
  return validated;
}
