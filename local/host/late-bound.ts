/**
 * A reference to something made after the code that uses it. Start-up has two such cycles: the Host
 * allow-list needs the port, known only once the server listens, and the S3 store's "Object Created"
 * events go to the Lambdas, which are built after the store (they need its endpoint). Naming the
 * reference makes the order explicit instead of relying on declaration order.
 */

export interface LateBound<T> {
  /** Sets the value, once. */
  bind(value: T): void;
  /** The value, or null before `bind`. */
  current(): T | null;
  /** The value; throws "<name> is not ready yet" before `bind`. */
  require(): T;
}

export function createLateBound<T>(name: string): LateBound<T> {
  let value: { readonly bound: T } | null = null;
  return {
    bind: function bindLateValue(next) {
      if (value !== null) throw new Error(`${name} is already bound`);
      value = { bound: next };
    },
    current: function currentLateValue() {
      return value === null ? null : value.bound;
    },
    require: function requireLateValue() {
      if (value === null) throw new Error(`${name} is not ready yet`);
      return value.bound;
    },
  };
}
