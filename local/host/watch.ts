/**
 * Hot reload trigger: watches source folders and single files, debounces bursts of events (editors
 * write several times per save) and runs one reload at a time; a change during a reload schedules
 * exactly one more.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface SourceWatcherOptions {
  /** Folders watched recursively. */
  readonly folders: readonly string[];
  /** Files watched through their folder (editors often replace a file instead of writing it). */
  readonly files: readonly string[];
  /** @default 150 */
  readonly debounceMs?: number;
  /** Runs after a quiet period; its failure goes to `onError` and watching continues. */
  readonly onChange: (changed: readonly string[]) => Promise<void>;
  readonly onError: (error: unknown) => void;
}

export interface SourceWatcher {
  /** Stops watching and waits for a running reload. Safe to call twice. */
  close(): Promise<void>;
}

export function watchSources(options: SourceWatcherOptions): SourceWatcher {
  const watchers: FSWatcher[] = [];
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  function schedule(path: string): void {
    if (closed) return;
    pending.add(path);
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(flush, options.debounceMs ?? 150);
  }

  function flush(): void {
    timer = null;
    const changed = [...pending];
    pending.clear();
    running = running.then(async () => {
      if (closed) return;
      try {
        await options.onChange(changed);
      } catch (error) {
        options.onError(error);
      }
    });
  }

  for (const folder of options.folders) {
    const watcher = watch(folder, { recursive: true }, (_event, name) => schedule(`${folder}/${name ?? ''}`));
    watcher.on('error', options.onError);
    watchers.push(watcher);
  }
  const byFolder = new Map<string, Set<string>>();
  for (const file of options.files) {
    const names = byFolder.get(dirname(file)) ?? new Set<string>();
    names.add(basename(file));
    byFolder.set(dirname(file), names);
  }
  for (const [folder, names] of byFolder) {
    const watcher = watch(folder, (_event, name) => {
      if (name !== null && names.has(name)) schedule(`${folder}/${name}`);
    });
    watcher.on('error', options.onError);
    watchers.push(watcher);
  }

  let closing: Promise<void> | null = null;
  return {
    close: function closeWatcher() {
      closing ??= (async () => {
        closed = true;
        if (timer !== null) clearTimeout(timer);
        for (const watcher of watchers) watcher.close();
        await running;
      })();
      return closing;
    },
  };
}
