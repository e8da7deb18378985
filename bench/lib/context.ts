/** What `bench/run.ts` hands to each bench module. */
import type { Figure } from './figures.ts';
import type { Stack } from './stack.ts';

export interface BenchContext {
  /** CI smoke mode: short windows and small sizes; the figures are not meant to be quoted. */
  readonly quick: boolean;
  /** Progress line on stderr. */
  log(message: string): void;
  /**
   * The store + ours + simulator stack shared by the throughput and fan-out modules, started on first
   * use and closed by the runner. Throws `BenchSkipped` when `local/server.ts` does not exist yet.
   */
  sharedStack(): Promise<Stack>;
}

/** A bench module: measures its figures, each with a baseline from the same run. */
export type BenchModule = (context: BenchContext) => Promise<Figure[]>;

/** Thrown by a module whose subject is not there yet (e.g. no `local/server.ts`): reported as skipped. */
export class BenchSkipped extends Error {
  override readonly name = 'BenchSkipped';
}

export function isBenchSkipped(error: unknown): error is BenchSkipped {
  return error instanceof Error && error.name === 'BenchSkipped';
}
