/**
 * Our error classes are recognised by a brand, not by `instanceof` (STYLE 7): errors raised inside the
 * resolver sandbox come from another `vm` realm, whose `Error` has a different prototype. The brand is
 * `Symbol.for('asset-api.<Kind>')`, a registry symbol every realm of the process shares.
 *
 *   export class ConfigError extends defineBrandedError('ConfigError') {}
 *   export function isConfigError(e: unknown): e is ConfigError { return hasErrorBrand(e, 'ConfigError'); }
 */

function errorBrand(kind: string): symbol {
  return Symbol.for(`asset-api.${kind}`);
}

/** Whether `value` carries the brand of the error kind `kind`, whichever realm created it. */
export function hasErrorBrand(value: unknown, kind: string): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[errorBrand(kind)] === true;
}

/** The base class of a branded error: its instances carry the brand of `kind` and are named `kind`. */
export function defineBrandedError<Kind extends string>(kind: Kind) {
  const brand = errorBrand(kind);
  return class BrandedError extends Error {
    override readonly name: Kind = kind;

    constructor(message?: string, options?: ErrorOptions) {
      super(message, options);
      // Defined like a class field (own, enumerable), since the symbol is only known at run time.
      Object.defineProperty(this, brand, { value: true, enumerable: true, writable: true, configurable: true });
    }
  };
}
