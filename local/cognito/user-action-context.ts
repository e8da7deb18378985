/** What the account, profile, attribute and admin actions share: their dependencies, resolved once. */
import type { PoolSettings } from './pool-settings.ts';
import { poolNameOf } from './srp.ts';
import type { TokenService } from './token-service.ts';
import type { UserStore } from './user-store.ts';

export interface UserActionDeps {
  readonly settings: PoolSettings;
  readonly store: UserStore;
  readonly tokens: TokenService;
  /** Server log line (where codes and invitations go). */
  readonly log: (line: string) => void;
  /** @default Date.now */
  readonly now?: () => number;
}

/** The dependencies with their defaults applied, as the `create*Actions` factories resolve them. */
export interface UserActionContext extends Required<UserActionDeps> {
  /** The pool name SRP hashes into verifiers. */
  readonly poolName: string;
}

export function resolveUserActionContext(deps: UserActionDeps): UserActionContext {
  const { settings, store, tokens, log } = deps;
  return { settings, store, tokens, log, now: deps.now ?? Date.now, poolName: poolNameOf(settings.userPoolId) };
}
