/**
 * Files the local server creates once and then reuses (the issuer's signing key, the local CA), so a
 * token minted by `npm run token` or a CA trusted with `NODE_EXTRA_CA_CERTS` stays valid across restarts.
 */
import { linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ConfigError } from '../../api/config-error.ts';

const checkedDirs = new Set<string>();

/**
 * Creates `dir` (mode 0700) when missing, and refuses a folder that another user owns or that
 * others may write to (world-writable, or group-writable for a group other than the user's own): keys read from such a folder could have been planted (a foreign issuer key
 * would let its owner mint tokens for any user; a foreign CA key would let them intercept TLS).
 * POSIX only; on Windows the folder's ACLs are the user profile's.
 */
export function assertPrivateStateDir(dir: string, uid: number | undefined = process.getuid?.(), gid: number | undefined = process.getgid?.()): void {
  if (checkedDirs.has(dir)) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (uid !== undefined) {
    const stat = statSync(dir);
    if (!stat.isDirectory()) throw new ConfigError(`state folder ${dir}: not a folder`);
    if (stat.uid !== uid) {
      throw new ConfigError(`state folder ${dir} is owned by uid ${stat.uid}, not by you (uid ${uid}); refusing to trust the keys in it. Remove it, or choose another folder with --data-dir.`);
    }
    // Group write is harmless when the group is the user's own (the usual private group of umask 002).
    const othersMayWrite = (stat.mode & 0o002) !== 0 || ((stat.mode & 0o020) !== 0 && stat.gid !== gid);
    if (othersMayWrite) {
      throw new ConfigError(`state folder ${dir} can be written by other users (mode ${(stat.mode & 0o777).toString(8)}); refusing to trust the keys in it. Run: chmod 700 ${dir}`);
    }
  }
  checkedDirs.add(dir);
}

/**
 * Returns the file's content, creating it with `create()` when it does not exist. Creation writes a
 * temporary file and hard-links it into place, so two processes starting together never read a
 * half-written file: the loser of the race reads the winner's file.
 */
export function readOrCreateFile(path: string, create: () => string): string {
  assertPrivateStateDir(dirname(path));
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const temp = `${path}.${randomUUID()}.tmp`;
  writeFileSync(temp, create(), { mode: 0o600 });
  try {
    linkSync(temp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    rmSync(temp, { force: true });
  }
  return readFileSync(path, 'utf8');
}
