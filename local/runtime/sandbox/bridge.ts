/**
 * The few host capabilities the sandboxed util needs (runs INSIDE the vm context). The host passes
 * the bridge once to the prelude's `install`; it lives only in this module's closure, so resolver code
 * cannot reach it. It returns primitives only, so no host object enters the sandbox.
 */
export interface HostBridge {
  /** `n` cryptographically random bytes as lower-case hex. */
  randomHex(n: number): string;
}

let bridge: HostBridge | null = null;

export function setBridge(b: HostBridge): void {
  bridge = b;
}

export function randomBytes(n: number): number[] {
  if (bridge === null) return Array.from({ length: n }, () => Math.floor(Math.random() * 256));
  const hex = bridge.randomHex(n);
  const out: number[] = [];
  for (let i = 0; i < n; i += 1) out.push(parseInt(hex.slice(i * 2, i * 2 + 2), 16));
  return out;
}

/** Captured before the prelude removes `Date` from the resolver's globals. */
const NativeDate = Date;

export function nowMillis(): number {
  return NativeDate.now();
}
