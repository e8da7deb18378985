/**
 * Bit flags naming the `ctx` members one evaluation copies into the sandbox (shared by the host,
 * which computes them from context-usage.ts, and the prelude, which builds `ctx` from them).
 */
export const CONTEXT_MEMBER_BITS = {
  arguments: 1,
  args: 1,
  identity: 2,
  source: 4,
  stash: 8,
  prev: 16,
  request: 32,
  info: 64,
  env: 128,
  result: 256,
  error: 512,
} as const;

/** Every member: what a handler gets when its use of `ctx` cannot be bounded. */
export const ALL_CONTEXT_MEMBERS = 1023;

/** The flags for a list of member names (null = all). */
export function contextMemberBits(members: readonly string[] | null): number {
  if (members === null) return ALL_CONTEXT_MEMBERS;
  let bits = 0;
  for (const m of members) if (Object.hasOwn(CONTEXT_MEMBER_BITS, m)) bits |= CONTEXT_MEMBER_BITS[m as keyof typeof CONTEXT_MEMBER_BITS];
  return bits;
}
