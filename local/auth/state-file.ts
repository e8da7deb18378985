/**
 * Files the local server creates once and then reuses (the issuer's signing key, the local CA), so a
 * token minted by `npm run token` or a CA trusted with `NODE_EXTRA_CA_CERTS` stays valid across restarts.
 */
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';

/**
 * Returns the file's content, creating it with `create()` when it does not exist. Creation writes a
 * temporary file and hard-links it into place, so two processes starting together never read a
 * half-written file: the loser of the race reads the winner's file.
 */
export function readOrCreateFile(path: string, create: () => string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dirname(path), { recursive: true });
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
