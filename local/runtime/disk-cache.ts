/**
 * A small content-addressed cache on disk (`dist/.runtime-cache/` by default; `dist/` is build
 * output, never committed). Start-up reads the bundled in-sandbox util library and each bundle's
 * validation result from it, so a warm start neither runs esbuild nor loads ESLint. Entries are
 * named by a SHA-256 of everything that determines them, so a changed input is simply a miss.
 * The cache is an optimisation only: unreadable or corrupt entries are misses, and failed writes
 * are ignored (a read-only checkout still starts, just without the speed-up).
 *
 * Pruning: every edit of a resolver adds an entry, so the folder would only grow. A read marks an
 * entry as used (its mtime, at most once an hour); a write that takes the folder past
 * `maxEntries` removes the least recently used entries, and temporary files a killed process left.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST_DIR } from '../../api/paths.ts';

/** @default `<project>/dist/.runtime-cache` */
export const DEFAULT_RUNTIME_CACHE_DIR = join(DIST_DIR, '.runtime-cache');

/** How many entries the cache keeps before it prunes the least recently used. */
export const DEFAULT_MAX_ENTRIES = 256;
/** A read refreshes an entry's mtime only when it is older than this, to keep warm reads cheap. */
const TOUCH_AFTER_MS = 60 * 60 * 1000;
/** Temporary files older than this belong to a writer that died. */
const STALE_TEMPORARY_MS = 60 * 1000;

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

/** Marks an entry as used now (best effort). */
function touch(file: string): void {
  try {
    if (Date.now() - statSync(file).mtimeMs > TOUCH_AFTER_MS) {
      const now = new Date();
      utimesSync(file, now, now);
    }
  } catch {
    // Optimisation only.
  }
}

/** Removes the least recently used entries beyond `maxEntries`, and stale temporary files. */
export function pruneDiskCache(dir: string, maxEntries: number = DEFAULT_MAX_ENTRIES): void {
  const now = Date.now();
  const entries: { readonly file: string; readonly mtimeMs: number }[] = [];
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      continue;
    }
    if (name.endsWith('.tmp')) {
      if (now - mtimeMs > STALE_TEMPORARY_MS) rmSync(file, { force: true });
    } else {
      entries.push({ file, mtimeMs });
    }
  }
  entries.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { file } of entries.slice(maxEntries)) rmSync(file, { force: true });
}

export function createDiskCache(options: { readonly dir?: string; readonly maxEntries?: number } = {}): DiskCache {
  const dir = options.dir ?? DEFAULT_RUNTIME_CACHE_DIR;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  let madeDir = false;
  /** Writes since the last prune; the first write of a process prunes, then every quarter of `maxEntries`. */
  let writesSincePrune = Number.POSITIVE_INFINITY;
  return {
    dir,
    read: function read(name: string): string | null {
      try {
        const text = readFileSync(join(dir, name), 'utf8');
        touch(join(dir, name));
        return text;
      } catch {
        return null;
      }
    },
    readBytes: function readBytes(name: string): Buffer | null {
      try {
        const bytes = readFileSync(join(dir, name));
        touch(join(dir, name));
        return bytes;
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
        if (++writesSincePrune > maxEntries / 4) {
          writesSincePrune = 0;
          pruneDiskCache(dir, maxEntries);
        }
      } catch {
        // Optimisation only (see the module comment).
      }
    },
  };
}
