/**
 * The runtime mode of this test run. vitest.config.ts provides `runtimeFastPaths` per project: the
 * `tests` project runs with the fast paths (or as ASSET_API_RUNTIME_FAST_PATHS says), the
 * `runtime-plain` project runs the runtime and resolver suites again on the plain path
 * (local/runtime/options.ts). Every test that evaluates code passes `RUNTIME` on.
 */
import { inject } from 'vitest';
import type { RuntimeOptions } from '../../../local/runtime/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `RuntimeOptions.fastPaths` for the runtime and resolver suites of this project. */
    readonly runtimeFastPaths: boolean;
  }
}

export const RUNTIME: RuntimeOptions = Object.freeze({ fastPaths: inject('runtimeFastPaths') });

/** Both modes, for tests that compare them directly. */
export const BOTH_MODES: readonly (readonly [string, RuntimeOptions])[] = [['fast paths', { fastPaths: true }], ['plain path', { fastPaths: false }]];
