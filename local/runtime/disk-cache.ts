/**
 * A small content-addressed cache on disk (`dist/.runtime-cache/` by default; `dist/` is build
 * output, never committed). Start-up reads the bundled in-sandbox util library and each bundle's
 * validation result from it, so a warm start neither runs esbuild nor loads ESLint. Entries are
 * named by a SHA-256 of everything that determines them, so a changed input is simply a miss.
 * The cache is an optimisation only: unreadable or corrupt entries are misses, and failed writes
 * are ignored (a read-only checkout still starts, just without the speed-up).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST_DIR } from '../../api/paths.ts';

/** @default `<project>/dist/.runtime-cache` */
export const DEFAULT_RUNTIME_CACHE_DIR = join(DIST_DIR, '.runtime-cache');

export interface DiskCache {
  readonly dir: string;
  /** The entry's text, or null when absent or unreadable. */
  read(name: string): string | null;
  /** The entry's bytes, or null when absent or unreadable. */
  readBytes(name: string): Buffer | null;
  /** Stores an entry atomically (write then rename), so concurrent processes never see half a file. */
  write(name: string, data: string | Uint8Array): void;
}

/** Hex SHA-256 of the parts, each length-prefixed so that part boundaries count. */
export function sha256(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:`).update(part);
  return hash.digest('hex');
}

export function createDiskCache(options: { readonly dir?: string } = {}): DiskCache {
  const dir = options.dir ?? DEFAULT_RUNTIME_CACHE_DIR;
  let madeDir = false;
  return {
    dir,
    read: function read(name: string): string | null {
      try {
        return readFileSync(join(dir, name), 'utf8');
      } catch {
        return null;
      }
    },
    readBytes: function readBytes(name: string): Buffer | null {
      try {
        return readFileSync(join(dir, name));
      } catch {
        return null;
      }
    },
    write: function write(name: string, data: string | Uint8Array): void {
      try {
        if (!madeDir) mkdirSync(dir, { recursive: true });
        madeDir = true;
        const tmp = join(dir, `${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
        writeFileSync(tmp, data);
        renameSync(tmp, join(dir, name));
      } catch {
        // Optimisation only (see the module comment).
      }
    },
  };
}
