/**
 * The local APPSYNC_JS runtime: compile a resolver bundle once, evaluate its handlers in a sandbox,
 * and `evaluateCode`, the local twin of AWS `EvaluateCode`.
 */
import { readFileSync, statSync } from 'node:fs';
import { compileResolver, type LocalCompiledResolver } from './compile.ts';

export { AUTH_TYPE_NAMES, compileResolver, validateResolverCode, type LocalCompiledResolver, type RawOutcome } from './compile.ts';
export { CodeValidationError, isCodeValidationError, type CodeError, type CodeErrorLocation } from './errors.ts';
export { evaluateCode, type EvaluateCodeInput, type EvaluateCodeResult } from './evaluate-code.ts';
export * from './limits.ts';
export type * from './contract.ts';

const fileCache = new Map<string, { mtimeMs: number; size: number; compiled: LocalCompiledResolver }>();

/** Reads and compiles a bundle; cached by path and mtime, so an edited bundle is recompiled (hot reload). */
export function loadResolverFile(path: string): LocalCompiledResolver {
  const stat = statSync(path);
  const cached = fileCache.get(path);
  if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.compiled;
  const compiled = compileResolver(readFileSync(path, 'utf8'), path);
  fileCache.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, compiled });
  return compiled;
}
