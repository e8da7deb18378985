/**
 * The processes a bench module measures: the shared store, our server (as `npm start` runs it:
 * `npm-start-host.ts`) and the peer simulator, each in its own child process, all on 127.0.0.1 and
 * all on the same assets table.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../api/paths.ts';
import type { StoreHostInfo } from '../hosts/store-host.ts';
import type { SimulatorHostInfo } from '../peer/simulator-host.ts';
import { ASSETS_TABLE_NAME } from './asset-table.ts';
import { startChildHost, type ChildHost } from './child-host.ts';
import { startNpmStartHost, type OursHostInfo } from './npm-start-host.ts';
import { BenchSkipped } from './context.ts';

export interface Stack {
  readonly store: ChildHost<StoreHostInfo>;
  readonly ours: ChildHost<OursHostInfo> | null;
  readonly simulator: ChildHost<SimulatorHostInfo> | null;
  close(): Promise<void>;
}

/** Whether our server exists in this tree yet. */
export function hasLocalServer(): boolean {
  return existsSync(join(PROJECT_ROOT, 'local', 'server.ts'));
}

export function requireLocalServer(): void {
  if (!hasLocalServer()) throw new BenchSkipped('local/server.ts does not exist yet');
}

export interface StackOptions {
  readonly ours: boolean;
  readonly simulator: boolean;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const store = await startChildHost<StoreHostInfo>('bench/hosts/store-host.ts');
  const started: ChildHost<unknown>[] = [store];
  try {
    const [oursStart, simulatorStart] = await Promise.allSettled([
      options.ours ? startNpmStartHost({ storeEndpoint: store.info.endpoint }) : null,
      options.simulator
        ? startChildHost<SimulatorHostInfo>('bench/peer/simulator-host.ts', { args: ['--store', store.info.endpoint, '--table', ASSETS_TABLE_NAME] })
        : null,
    ]);
    if (oursStart.status === 'fulfilled' && oursStart.value !== null) started.push(oursStart.value);
    if (simulatorStart.status === 'fulfilled' && simulatorStart.value !== null) started.push(simulatorStart.value);
    if (oursStart.status === 'rejected') throw oursStart.reason;
    if (simulatorStart.status === 'rejected') throw simulatorStart.reason;
    const ours = oursStart.value;
    const simulator = simulatorStart.value;
    let closing: Promise<void> | undefined;
    return {
      store,
      ours,
      simulator,
      close: function closeStack() {
        closing ??= (async () => {
          await Promise.all([ours?.close(), simulator?.close()]);
          await store.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await Promise.allSettled(started.map((host) => host.close()));
    throw error;
  }
}
