/**
 * The local APPSYNC_JS runtime: compile a resolver bundle once, evaluate its handlers in a sandbox,
 * and `evaluateCode`, the local twin of AWS `EvaluateCode`.
 */
import { readFileSync, statSync } from 'node:fs';
import { compileResolver, type LocalCompiledResolver } from './compile.ts';
import { createDiskCache, type DiskCache } from './disk-cache.ts';
import type { RuntimeOptions } from './options.ts';

export { AUTH_TYPE_NAMES, compileResolver, type CompileOptions, type LocalCompiledResolver, type ModuleState, type RawOutcome } from './compile.ts';
export { createDiskCache, DEFAULT_RUNTIME_CACHE_DIR, type DiskCache } from './disk-cache.ts';
export { CodeValidationError, isCodeValidationError, type CodeError, type CodeErrorLocation } from './errors.ts';
export { evaluateCode, type EvaluateCodeInput, type EvaluateCodeResult } from './evaluate-code.ts';
export * from './limits.ts';
export { FAST_PATHS_ENV, runtimeOptionsFromEnv, type RuntimeOptions } from './options.ts';
export { validateResolverCode, validationCacheName, type ValidatedCode } from './validate.ts';
export type * from './contract.ts';

export interface LoadResolverOptions extends RuntimeOptions {
  /** Validation cache; null validates on every load. @default the disk cache under `dist/.runtime-cache` */
  readonly cache?: DiskCache | null;
}

type FileCache = Map<string, { mtimeMs: number; size: number; compiled: LocalCompiledResolver }>;

/** Compilations by path, one map per mode (`fastPaths`), so both modes can be loaded side by side. */
const fileCaches: Readonly<Record<'fast' | 'plain', FileCache>> = { fast: new Map(), plain: new Map() };
let defaultCache: DiskCache | null = null;

/**
 * Reads and compiles a bundle; cached in memory by path and mtime, so an edited bundle is recompiled
 * (hot reload), and on disk by content (validate.ts), so a warm start skips ESLint.
 */
export function loadResolverFile(path: string, options: LoadResolverOptions = {}): LocalCompiledResolver {
  const fastPaths = options.fastPaths ?? true;
  const fileCache = fileCaches[fastPaths ? 'fast' : 'plain'];
  const stat = statSync(path);
  const cached = fileCache.get(path);
  if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.compiled;
  const cache = options.cache === undefined ? (defaultCache ??= createDiskCache()) : options.cache;
  const compiled = compileResolver(readFileSync(path, 'utf8'), path, { cache, fastPaths });
  fileCache.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, compiled });
  return compiled;
}
