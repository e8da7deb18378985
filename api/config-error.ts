/** A start-up or synth-time mistake in the definition or configuration. Recognised by brand (STYLE 7). */
import { defineBrandedError, hasErrorBrand } from './branded-error.ts';

export class ConfigError extends defineBrandedError('ConfigError') {}

export function isConfigError(e: unknown): e is ConfigError {
  return hasErrorBrand(e, 'ConfigError');
}
