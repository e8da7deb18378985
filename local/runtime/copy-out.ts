/**
 * Copies a value out of the sandbox realm into host data with JSON semantics, in one walk: the same
 * result as `JSON.parse(JSON.stringify(value))` (undefined, functions and symbols dropped from
 * objects and turned into null in arrays, non-finite numbers → null, -0 → 0, own `__proto__` kept as
 * data) without building the text. Anything beyond plain objects (and `ctx.info`) and arrays — a `toJSON` member, a
 * prototype other than the realm's `Object.prototype`/`Array.prototype`/null, a BigInt, nesting
 * deeper than `MAX_DEPTH` (which is how a cycle shows) — falls back to the host's
 * `JSON.parse(JSON.stringify(value))`, which gives the exact JSON result or error. Every object that
 * comes out is a fresh host object, so nothing of the sandbox's realm reaches the executor.
 */

/** Deeper than this, the copy hands over to JSON (which also reports cycles as JSON does). */
const MAX_DEPTH = 64;

const NEEDS_JSON = Symbol('copy-out: needs JSON');

export type CopyOut = (value: unknown) => unknown;

/** The definition the one-walk copy matches: JSON text and back (also the runtime's plain path, options.ts). */
export const copyOutByJson: CopyOut = function copyOutByJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
};

/**
 * `protos`: the sandbox realm's `Object.prototype` and `Array.prototype`, and the prototype of
 * `ctx.info` (whose instances JSON serialises by their own enumerable members, like plain objects).
 */
export function createCopyOut(protos: { readonly objectPrototype: object; readonly arrayPrototype: object; readonly infoPrototype: object }): CopyOut {
  const { objectPrototype, arrayPrototype, infoPrototype } = protos;
  const getPrototypeOf = Object.getPrototypeOf;
  const isArray = Array.isArray;

  function copyMember(v: unknown, depth: number): unknown {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        return v === 0 ? 0 : v - v === 0 ? v : null;
      case 'object':
        return v === null ? null : copyObject(v, depth);
      case 'bigint':
        throw NEEDS_JSON;
      default:
        return undefined;
    }
  }

  function copyObject(v: object, depth: number): unknown {
    if (depth > MAX_DEPTH) throw NEEDS_JSON;
    const proto: unknown = getPrototypeOf(v);
    if (isArray(v)) {
      if (proto !== arrayPrototype || (v as { toJSON?: unknown }).toJSON !== undefined) throw NEEDS_JSON;
      const n = v.length;
      const out: unknown[] = [];
      for (let i = 0; i < n; i += 1) {
        const x = copyMember(v[i], depth + 1);
        out.push(x === undefined ? null : x);
      }
      return out;
    }
    if (proto !== objectPrototype && proto !== null && proto !== infoPrototype) throw NEEDS_JSON;
    const out: Record<string, unknown> = {};
    // These prototypes have no enumerable members, so for…in visits exactly the own enumerable
    // string keys, in Object.keys order, without building the key array.
    for (const k in v) {
      if (k === 'toJSON') throw NEEDS_JSON;
      const x = copyMember((v as Record<string, unknown>)[k], depth + 1);
      if (x === undefined) continue;
      if (k === '__proto__') Object.defineProperty(out, k, { value: x, writable: true, enumerable: true, configurable: true });
      else out[k] = x;
    }
    return out;
  }

  return function copyOut(value: unknown): unknown {
    if (typeof value !== 'object' || value === null) {
      if (typeof value !== 'bigint') return copyMember(value, 0);
    } else {
      try {
        return copyObject(value, 0);
      } catch (e) {
        if (e !== NEEDS_JSON) throw e;
      }
    }
    return copyOutByJson(value);
  };
}
