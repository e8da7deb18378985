/**
 * `npm run bench` (full figures) and `npm run bench -- --quick` (CI smoke: short windows, small sizes).
 * Builds the bundles, runs each bench module (each figure with its baseline measured in the same run),
 * writes `bench/results/latest.json` and `bench/results/latest.md`, and prints the table and the
 * command that made it. `--only lambda,throughput` runs some modules. Exit code 1 when a module failed.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { api } from '../api/definition.ts';
import { PROJECT_ROOT } from '../api/paths.ts';
import { bundleAll } from '../api/bundle.ts';
import { benchFanout } from './fanout.ts';
import { benchLambda } from './lambda.ts';
import { benchMedia } from './media.ts';
import { benchMetadata } from './metadata.ts';
import { BenchSkipped, isBenchSkipped, type BenchContext, type BenchModule } from './lib/context.ts';
import { createFigureList, formatMarkdownTable, type Figure } from './lib/figures.ts';
import { roundFigure } from './lib/stats.ts';
import { requireLocalServer, startStack, type Stack } from './lib/stack.ts';
import { benchScale } from './scale.ts';
import { benchStartup } from './startup.ts';
import { benchThroughput } from './throughput.ts';

/** Figure 4a comes from the runtime's own bench module (`bench/runtime-eval.ts`), when present. */
const benchRuntimeEvalFigures: BenchModule = async () => {
  const file = join(PROJECT_ROOT, 'bench', 'runtime-eval.ts');
  if (!existsSync(file)) throw new BenchSkipped('bench/runtime-eval.ts does not exist yet');
  const module = (await import(pathToFileURL(file).href)) as { benchRuntimeEval?: () => Promise<unknown> };
  if (typeof module.benchRuntimeEval !== 'function') throw new Error('bench/runtime-eval.ts exports no benchRuntimeEval()');
  const result = (await module.benchRuntimeEval()) as { name?: unknown; perOpMicros?: unknown; baselineMicros?: unknown };
  if (typeof result.perOpMicros !== 'number' || typeof result.baselineMicros !== 'number') {
    throw new Error(`benchRuntimeEval() returned an unexpected shape: ${JSON.stringify(result)}`);
  }
  const list = createFigureList('runtime-eval');
  list.add({
    name: typeof result.name === 'string' ? result.name : 'resolver request+response evaluation',
    unit: 'µs',
    ours: result.perOpMicros,
    baselineName: 'plain JS call',
    baseline: result.baselineMicros,
    goal: { op: '<=', ratio: 3 },
  });
  return list.figures;
};

const MODULES: readonly (readonly [string, BenchModule])[] = [
  ['lambda', benchLambda],
  ['runtime-eval', benchRuntimeEvalFigures],
  ['throughput', benchThroughput],
  ['fanout', benchFanout],
  ['scale', benchScale],
  ['startup', benchStartup],
  ['metadata', benchMetadata],
  ['media', benchMedia],
];

interface ModuleReport {
  readonly name: string;
  readonly status: 'ok' | 'skipped' | 'failed';
  readonly seconds: number;
  readonly message?: string;
}

function parseArgs(argv: readonly string[]): { quick: boolean; only: Set<string> | null } {
  let quick = false;
  let only: Set<string> | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--quick') quick = true;
    else if (arg === '--full') quick = false;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg.startsWith('--only=') ? arg.slice('--only='.length) : argv[++i];
      only = new Set((value ?? '').split(',').filter((name) => name !== ''));
    } else throw new Error(`unknown argument. Received: ${arg} (known: --quick, --only a,b)`);
  }
  if (only !== null) {
    const known = new Set(MODULES.map(([name]) => name));
    for (const name of only) if (!known.has(name)) throw new Error(`--only: unknown module. Received: ${name} (known: ${[...known].join(', ')})`);
  }
  return { quick, only };
}

function commandLine(argv: readonly string[]): string {
  return argv.length === 0 ? 'npm run bench' : `npm run bench -- ${argv.join(' ')}`;
}

/** The stack that throughput and fan-out share: started on first use, closed by its owner. */
function createSharedStack(log: (message: string) => void): { get(): Promise<Stack>; close(): Promise<void> } {
  let stack: Promise<Stack> | undefined;
  return {
    get: () => {
      requireLocalServer();
      if (stack === undefined) {
        const start = performance.now();
        stack = startStack({ ours: true, simulator: true });
        void stack.then(() => log(`  store, ours and simulator started in ${((performance.now() - start) / 1000).toFixed(1)} s`), () => undefined);
      }
      return stack;
    },
    close: async () => {
      if (stack === undefined) return;
      const closing = stack;
      stack = undefined;
      await (await closing.catch(() => null))?.close();
    },
  };
}

/** Runs the selected modules in order; a module that fails or skips does not stop the others. */
async function runModules(context: BenchContext, only: Set<string> | null, shared: { close(): Promise<void> }): Promise<{ figures: Figure[]; reports: ModuleReport[] }> {
  const log = (message: string): void => context.log(message);
  const figures: Figure[] = [];
  const reports: ModuleReport[] = [];
  for (const [name, run] of MODULES) {
    if (only !== null && !only.has(name)) continue;
    log(`bench: ${name}`);
    const start = performance.now();
    try {
      figures.push(...(await run(context)));
      reports.push({ name, status: 'ok', seconds: (performance.now() - start) / 1000 });
    } catch (error) {
      const skipped = isBenchSkipped(error);
      const message = error instanceof Error ? (skipped ? error.message : (error.stack ?? error.message)) : String(error);
      log(`bench: ${name} ${skipped ? 'skipped' : 'FAILED'}: ${message}`);
      reports.push({ name, status: skipped ? 'skipped' : 'failed', seconds: (performance.now() - start) / 1000, message: message.split('\n')[0] ?? '' });
    }
    // The shared stack serves throughput and fan-out only; free the CPU before the next modules.
    if (name === 'fanout') await shared.close();
  }
  await shared.close();
  return { figures, reports };
}

/** Writes `bench/results/latest.{json,md}` and prints the table and the command. */
function writeResults(argv: readonly string[], quick: boolean, startedAt: Date, figures: readonly Figure[], reports: readonly ModuleReport[]): void {
  const command = commandLine(argv);
  const environment = `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')} at the end`;
  const table = formatMarkdownTable(figures);
  const notes = reports.filter((r) => r.status !== 'ok').map((r) => `- ${r.name}: ${r.status}: ${r.message ?? ''}`);
  const unmet = figures
    .filter((f) => f.met === false)
    .map((f) => `- ${f.name}: ${f.ratio === null ? 'no ratio' : `${roundFigure(f.ratio)}x`} (goal ${f.goal?.op ?? ''} ${roundFigure(f.goal?.ratio ?? Number.NaN)}x)`);
  const markdown = [
    `Command: \`${command}\` (${quick ? 'quick' : 'full'} mode), ${startedAt.toISOString()}`,
    `Environment: ${environment}`,
    '',
    table,
    '',
    ...(unmet.length > 0 ? ['Goals not met in this run:', ...unmet, ''] : []),
    ...(notes.length > 0 ? ['Modules not measured:', ...notes, ''] : []),
  ].join('\n');

  const resultsDir = join(PROJECT_ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, 'latest.json'),
    `${JSON.stringify({ command, mode: quick ? 'quick' : 'full', startedAt: startedAt.toISOString(), environment, modules: reports, figures }, null, 2)}\n`,
  );
  writeFileSync(join(resultsDir, 'latest.md'), markdown);

  process.stdout.write(`\n${markdown}\n`);
  process.stdout.write(`Written: bench/results/latest.json, bench/results/latest.md\nCommand: ${command}\n`);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const { quick, only } = parseArgs(argv);
  // Children inherit this: the SDK warns on every start under Node 20, which would drown the output.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  const log = (message: string): void => {
    process.stderr.write(`${message}\n`);
  };

  log(`bench: ${quick ? 'quick' : 'full'} mode; building bundles`);
  bundleAll(api);

  const shared = createSharedStack(log);
  const context: BenchContext = { quick, log, sharedStack: shared.get };
  const startedAt = new Date();
  const { figures, reports } = await runModules(context, only, shared);
  writeResults(argv, quick, startedAt, figures, reports);
  return reports.some((r) => r.status === 'failed') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
