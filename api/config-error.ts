/** A start-up or synth-time mistake in the definition or configuration. Recognised by brand (STYLE 7). */
const BRAND = Symbol.for('asset-api.ConfigError');

export class ConfigError extends Error {
  readonly [BRAND] = true;
  override readonly name = 'ConfigError';
}

export function isConfigError(e: unknown): e is ConfigError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
