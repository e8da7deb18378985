import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../../api/config-error.ts';
import { runtimeOptionsFromEnv } from '../../../local/runtime/index.ts';

function optionsOrMessage(value: string | undefined): unknown {
  try {
    return runtimeOptionsFromEnv({ ASSET_API_RUNTIME_FAST_PATHS: value });
  } catch (e) {
    return isConfigError(e) ? e.message : e;
  }
}

describe('runtime options from the environment (entry points only, local/runtime/options.ts)', () => {
  it('takes the fast paths when ASSET_API_RUNTIME_FAST_PATHS is unset, empty, 1 or true, and the plain path for 0 or false', () => {
    expect([undefined, '', '1', 'true', '0', 'false'].map(optionsOrMessage)).toEqual([
      { fastPaths: true }, { fastPaths: true }, { fastPaths: true }, { fastPaths: true }, { fastPaths: false }, { fastPaths: false },
    ]);
  });
  it('refuses any other value with a ConfigError naming the variable and the value received', () => {
    expect(optionsOrMessage('off')).toBe('ASSET_API_RUNTIME_FAST_PATHS: must be 0, 1, false or true. Received: off');
  });
});
