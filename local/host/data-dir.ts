/**
 * Start-up check of the folders the local server writes (`--data-dir` and its `dynamodb/` and `s3/`
 * subfolders, or the default state folder): each is created if missing, then a probe file is written
 * and removed. A folder that cannot be used is reported as a value naming the folder, the step and the
 * OS error, before any store opens it.
 *
 * Why up front: the stores create their folders with `mkdir(…, { recursive: true })`, and on Node 20
 * that call never returns when the file system answers ENOENT for a folder whose parent exists, as
 * procfs does (`--data-dir /proc/x`): it retries the parent and the child forever, so start-up hung
 * with no output. Here folders are created one level at a time, so every failure is an error.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** What was being done when a folder check failed. */
export type FolderStep = 'create' | 'write';

export type FolderCheck =
  | { readonly ok: true; readonly path: string }
  | {
      readonly ok: false;
      /** The folder that was checked. */
      readonly path: string;
      readonly step: FolderStep;
      /** The OS error code (`ENOENT`, `EACCES`, `EROFS`, `ENOTDIR`, …). */
      readonly code: string;
      /** The OS error's own words, e.g. `no such file or directory`. */
      readonly reason: string;
    };

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/** `ENOENT: no such file or directory, mkdir '/proc/x'` → `no such file or directory`. */
function errorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /^[A-Z0-9_]+: ([^,]+)/.exec(message);
  return match?.[1] ?? message;
}

/** Creates `folder` and its missing parents one level at a time (see the module comment for why not `recursive`). */
function createFolder(folder: string): void {
  const missing: string[] = [];
  let current = folder;
  for (;;) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(current).isDirectory();
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      missing.push(current);
      const parent = dirname(current);
      if (parent === current) break;
      current = parent;
      continue;
    }
    if (!isDirectory) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${folder}'`), { code: 'ENOTDIR' });
    break;
  }
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path);
    } catch (error) {
      // Another process starting at the same moment may have created it.
      if (errorCode(error) !== 'EEXIST' || !statSync(path).isDirectory()) throw error;
    }
  }
}

/** Creates `folder` if needed and proves it writable by writing and removing a probe file. Never throws. */
export function checkWritableFolder(folder: string): FolderCheck {
  const path = resolve(folder);
  try {
    createFolder(path);
  } catch (error) {
    return { ok: false, path, step: 'create', code: errorCode(error), reason: errorReason(error) };
  }
  const probe = join(path, `.write-check-${process.pid}-${randomUUID()}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (error) {
    return { ok: false, path, step: 'write', code: errorCode(error), reason: errorReason(error) };
  }
  return { ok: true, path };
}

/** Checks each folder in order and returns the first failure, or null when all can be written. */
export function findUnwritableFolder(folders: readonly string[]): Extract<FolderCheck, { ok: false }> | null {
  for (const folder of folders) {
    const check = checkWritableFolder(folder);
    if (!check.ok) return check;
  }
  return null;
}
