/**
 * The local pool's users and refresh tokens. With a data folder they persist in one JSON file
 * (`cognito-users.json`, mode 0600, replaced atomically by write-then-rename on every change);
 * without one they live in memory, like the tables. Passwords are never stored: only the SRP salt
 * and verifier (srp.ts). Refresh tokens are stored as SHA-256 hashes; one-time codes likewise.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../api/config-error.ts';
import type { PasswordVerifier } from './srp.ts';

export const USER_STORE_FILE = 'cognito-users.json';
const FILE_VERSION = 1;

/** Cognito's user statuses (UserType.UserStatus). */
export type UserStatus = 'UNCONFIRMED' | 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD' | 'RESET_REQUIRED';

/** A one-time code (sign-up confirmation, password reset), kept as a hash. */
export interface PendingCode {
  readonly hash: string;
  /** Epoch ms. */
  readonly expiresAt: number;
  /** Wrong guesses so far. */
  readonly attempts: number;
}

export interface SoftwareToken {
  /** Base32 secret. */
  readonly secret: string;
  /** The last accepted TOTP step (a code is good once). */
  readonly lastStep: number | null;
  /** Set up and verified (VerifySoftwareToken). */
  readonly verified: boolean;
  /** SetUserMFAPreference: used at sign-in when the pool's MFA is OPTIONAL. */
  readonly enabled: boolean;
}

export interface StoredUser {
  /** Cognito's username: USER_ID_FOR_SRP and `cognito:username` (the sub, in e-mail sign-in pools). */
  readonly username: string;
  readonly sub: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly status: UserStatus;
  readonly enabled: boolean;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly password: PasswordVerifier;
  /** Epoch ms after which a FORCE_CHANGE_PASSWORD temporary password no longer works. */
  readonly temporaryPasswordExpiresAt: number | null;
  readonly groups: readonly string[];
  readonly softwareToken: SoftwareToken | null;
  /** A secret from AssociateSoftwareToken (with an access token) waiting for VerifySoftwareToken. */
  readonly pendingSoftwareTokenSecret: string | null;
  readonly confirmationCode: PendingCode | null;
  readonly resetCode: PendingCode | null;
  /** Epoch ms of recent ForgotPassword requests (rate limit). */
  readonly resetRequests: readonly number[];
  /** Attribute verification codes (UpdateUserAttributes, GetUserAttributeVerificationCode), by attribute name. */
  readonly attributeCodes: Readonly<Record<string, PendingCode>>;
  /** Epoch ms of recent attribute verification messages (rate limit). */
  readonly attributeCodeRequests: readonly number[];
}

/** Fields added after the file's first version: a user read from an older file may lack them. */
type AddedUserFields = 'attributeCodes' | 'attributeCodeRequests';
type FileUser = Omit<StoredUser, AddedUserFields> & Partial<Pick<StoredUser, AddedUserFields>>;

function withAddedFields(user: FileUser): StoredUser {
  return { ...user, attributeCodes: user.attributeCodes ?? {}, attributeCodeRequests: user.attributeCodeRequests ?? [] };
}

export interface RefreshRecord {
  /** SHA-256 of the token, hex. */
  readonly hash: string;
  readonly username: string;
  readonly clientId: string;
  /** `origin_jti` of every token issued from this sign-in. */
  readonly originJti: string;
  /** Epoch seconds of the sign-in (`auth_time`). */
  readonly authTime: number;
  /** Epoch ms. */
  readonly expiresAt: number;
  readonly revoked: boolean;
}

export interface UserStore {
  /** Where the users are kept; null in memory. */
  readonly path: string | null;
  getUser(username: string): StoredUser | null;
  /** By username, sub or (e-mail sign-in) e-mail address, case-insensitive for e-mail. */
  findUser(login: string): StoredUser | null;
  putUser(user: StoredUser): void;
  /** Removes the user and revokes its refresh tokens. */
  deleteUser(username: string): void;
  listUsers(): readonly StoredUser[];
  putRefresh(record: RefreshRecord): void;
  getRefresh(hash: string): RefreshRecord | null;
  /** Revokes the matching refresh tokens (and so their `origin_jti`). */
  revokeRefresh(match: (record: RefreshRecord) => boolean): void;
  /** True when the sign-in that issued a token with this `origin_jti` was revoked. */
  isOriginRevoked(originJti: string): boolean;
}

export interface UserStoreOptions {
  /** Folder of `cognito-users.json`; null keeps users in memory. */
  readonly dataDir: string | null;
  /** @default Date.now */
  readonly now?: () => number;
}

interface StoreFile {
  readonly version: number;
  readonly users: readonly FileUser[];
  readonly refreshTokens: readonly RefreshRecord[];
}

function isStoreFile(value: unknown): value is StoreFile {
  if (typeof value !== 'object' || value === null) return false;
  const file = value as Record<string, unknown>;
  const isRecordList = (list: unknown, key: string): boolean =>
    Array.isArray(list) && list.every((item: unknown) => typeof item === 'object' && item !== null && typeof (item as Record<string, unknown>)[key] === 'string');
  return file['version'] === FILE_VERSION && isRecordList(file['users'], 'username') && isRecordList(file['refreshTokens'], 'hash');
}

function readStoreFile(path: string): StoreFile | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = null;
  }
  if (!isStoreFile(value)) throw new ConfigError(`${path}: not a user store (version ${FILE_VERSION}); move it away to start with no users`);
  return value;
}

export function createUserStore(options: UserStoreOptions): UserStore {
  const now = options.now ?? Date.now;
  const path = options.dataDir === null ? null : join(options.dataDir, USER_STORE_FILE);
  const loaded = path === null ? null : readStoreFile(path);
  const users = new Map<string, StoredUser>((loaded?.users ?? []).map((u) => [u.username, withAddedFields(u)]));
  const refresh = new Map<string, RefreshRecord>((loaded?.refreshTokens ?? []).filter((r) => r.expiresAt > now()).map((r) => [r.hash, r]));
  const revokedOrigins = new Set<string>([...refresh.values()].filter((r) => r.revoked).map((r) => r.originJti));

  function persist(): void {
    if (path === null) return;
    for (const [hash, record] of refresh) if (record.expiresAt <= now()) refresh.delete(hash);
    const file: StoreFile = { version: FILE_VERSION, users: [...users.values()], refreshTokens: [...refresh.values()] };
    // Write-then-rename: a reader (or a crash) never sees half a file.
    const temp = `${path}.${randomUUID()}.tmp`;
    try {
      writeFileSync(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
      chmodSync(temp, 0o600);
      renameSync(temp, path);
    } finally {
      rmSync(temp, { force: true });
    }
  }

  return {
    path,
    getUser: (username) => users.get(username) ?? null,
    findUser: function findUser(login) {
      const direct = users.get(login);
      if (direct !== undefined) return direct;
      const lower = login.toLowerCase();
      for (const user of users.values()) {
        if (user.sub === login || user.attributes['email']?.toLowerCase() === lower) return user;
      }
      return null;
    },
    putUser: function putUser(user) {
      users.set(user.username, user);
      persist();
    },
    deleteUser: function deleteUser(username) {
      users.delete(username);
      for (const [hash, record] of refresh) {
        if (record.username === username) {
          refresh.set(hash, { ...record, revoked: true });
          revokedOrigins.add(record.originJti);
        }
      }
      persist();
    },
    listUsers: () => [...users.values()],
    putRefresh: function putRefresh(record) {
      refresh.set(record.hash, record);
      persist();
    },
    getRefresh: (hash) => refresh.get(hash) ?? null,
    revokeRefresh: function revokeRefresh(match) {
      let changed = false;
      for (const [hash, record] of refresh) {
        if (!record.revoked && match(record)) {
          refresh.set(hash, { ...record, revoked: true });
          revokedOrigins.add(record.originJti);
          changed = true;
        }
      }
      if (changed) persist();
    },
    isOriginRevoked: (originJti) => revokedOrigins.has(originJti),
  };
}
