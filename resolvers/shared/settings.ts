/**
 * Asset settings read from `ctx.env` (AppSync API environment variables, always strings). The names
 * and values come from `api/environment.ts` (`resolverEnvironment`), so resolvers and Lambdas agree.
 */
import { util } from '@aws-appsync/utils';

/** The variable names, as `api/environment.ts` `ENV` spells them (resolvers cannot import it). */
export const ENV_NAMES = {
  KEY_PREFIX: 'ASSET_KEY_PREFIX',
  ALLOWED_CONTENT_TYPES: 'ALLOWED_CONTENT_TYPES',
  MAX_UPLOAD_BYTES: 'MAX_UPLOAD_BYTES',
  PENDING_GRACE_SECONDS: 'PENDING_GRACE_SECONDS',
  MULTIPART_THRESHOLD_BYTES: 'MULTIPART_THRESHOLD_BYTES',
  MULTIPART_PART_BYTES: 'MULTIPART_PART_BYTES',
  MULTIPART_EXPIRY_SECONDS: 'MULTIPART_EXPIRY_SECONDS',
  /** Physical table names (`tableEnvironment` in api/environment.ts), for batch operations. */
  ASSETS_TABLE: 'ASSETS_TABLE',
  ASSET_TAGS_TABLE: 'ASSET_TAGS_TABLE',
} as const;

function readEnv(env: Record<string, string>, name: string): string {
  const value = env[name];
  if (typeof value !== 'string' || value.length === 0) {
    util.error(`API environment variable ${name} is not set`, 'ConfigurationError');
  }
  return value;
}

/** A positive integer setting. JSON.parse is the documented way to read a number (Number() is not listed). */
export function readPositiveInt(env: Record<string, string>, name: string): number {
  const raw = readEnv(env, name);
  // APPSYNC_JS JSON.parse returns "" for invalid text instead of throwing (docs/APPSYNC-BEHAVIOUR.md#js-built-in-objects).
  const value: unknown = JSON.parse(raw);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || Math.floor(value) !== value) {
    util.error(`API environment variable ${name} must be a positive integer, got "${raw}"`, 'ConfigurationError');
  }
  return value;
}

/** The object key prefix, without a trailing slash. */
export function readKeyPrefix(env: Record<string, string>): string {
  return readEnv(env, ENV_NAMES.KEY_PREFIX);
}

/** The content-type allow-list (a comma-separated list). */
export function readAllowedContentTypes(env: Record<string, string>): string[] {
  return readEnv(env, ENV_NAMES.ALLOWED_CONTENT_TYPES)
    .split(',')
    .map((type) => type.trim())
    .filter((type) => type.length > 0);
}

/** A table's physical name, as batch operations must name it. */
export function readTableName(env: Record<string, string>, name: typeof ENV_NAMES.ASSETS_TABLE | typeof ENV_NAMES.ASSET_TAGS_TABLE): string {
  return readEnv(env, name);
}
