/**
 * Makes the sandbox's shared realm tamper-proof (runs INSIDE the vm context, once per context): every
 * intrinsic reachable from the globals is frozen, so one request cannot leave state for the next
 * (prototype pollution, replaced built-ins). Data properties of `Object.prototype` become accessors
 * whose setter defines an own property, so `obj.toString = …` and `Object.assign({}, { constructor })`
 * keep working on ordinary objects (the "override mistake" fix SES applies).
 */
function enableOverride(proto: object): void {
  for (const key of Reflect.ownKeys(proto)) {
    const desc = Reflect.getOwnPropertyDescriptor(proto, key);
    if (!desc || !('value' in desc) || !desc.writable) continue;
    const value: unknown = desc.value;
    Reflect.defineProperty(proto, key, {
      configurable: false,
      enumerable: desc.enumerable ?? false,
      get: function getIntrinsic() { return value; },
      set: function setOwn(this: unknown, next: unknown) {
        if (this === proto || typeof this !== 'object' || this === null) throw new TypeError(`Cannot assign to read only property '${String(key)}' of object`);
        Reflect.defineProperty(this, key, { value: next, writable: true, enumerable: true, configurable: true });
      },
    });
  }
}

/** Freezes everything reachable from `roots`; returns the set of frozen objects. */
export function hardenRealm(roots: readonly unknown[]): WeakSet<object> {
  enableOverride(Object.prototype);
  const seen = new WeakSet<object>();
  const queue: unknown[] = [...roots];
  while (queue.length > 0) {
    const v = queue.pop();
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null || seen.has(v)) continue;
    seen.add(v);
    Object.freeze(v);
    queue.push(Reflect.getPrototypeOf(v as object));
    for (const key of Reflect.ownKeys(v as object)) {
      const desc = Reflect.getOwnPropertyDescriptor(v as object, key);
      if (!desc) continue;
      if ('value' in desc) queue.push(desc.value);
      if (desc.get) queue.push(desc.get);
      if (desc.set) queue.push(desc.set);
    }
  }
  return seen;
}

/** Intrinsics not reachable by name from the global object. */
export function hiddenIntrinsics(): unknown[] {
  const arrayIterator = Reflect.getPrototypeOf([][Symbol.iterator]());
  return [
    arrayIterator,
    arrayIterator === null ? null : Reflect.getPrototypeOf(arrayIterator),
    Reflect.getPrototypeOf(''[Symbol.iterator]()),
    Reflect.getPrototypeOf(new Map()[Symbol.iterator]()),
    Reflect.getPrototypeOf(new Set()[Symbol.iterator]()),
    Reflect.getPrototypeOf(/x/[Symbol.matchAll]('')),
    Reflect.getPrototypeOf(Uint8Array),
    Reflect.getPrototypeOf(function* generator() { /* intrinsic only */ }),
    Reflect.getPrototypeOf(async function asyncFn() { /* intrinsic only */ }),
    Reflect.getPrototypeOf(async function* asyncGenerator() { /* intrinsic only */ }),
  ];
}
