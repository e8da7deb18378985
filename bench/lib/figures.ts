/**
 * A figure is one measured number of ours next to its baseline measured in the same run, as a ratio
 * (STYLE 20). Goals are stated on the ratio `ours / baseline`, so every row reads the same way.
 */
import { roundFigure } from './stats.ts';

export type GoalOperator = '>=' | '<=' | '==';

export interface Goal {
  readonly op: GoalOperator;
  readonly ratio: number;
}

export interface Figure {
  /** The bench module that produced it (`throughput`, `fanout`, ...). */
  readonly module: string;
  /** What was measured, e.g. `getAsset req/s (16 conns)`. */
  readonly name: string;
  readonly unit: string;
  readonly ours: number;
  /** What the baseline is, e.g. `amplify-appsync-simulator`; null for a figure reported alone. */
  readonly baselineName: string | null;
  readonly baseline: number | null;
  /** `ours / baseline`; null without a baseline. */
  readonly ratio: number | null;
  readonly goal: Goal | null;
  /** Whether the ratio meets the goal; null without a goal. */
  readonly met: boolean | null;
  /** One short remark (what the baseline is, what limits the figure). */
  readonly note: string | null;
}

export interface FigureInput {
  readonly name: string;
  readonly unit: string;
  readonly ours: number;
  readonly baselineName?: string;
  readonly baseline?: number;
  readonly goal?: Goal;
  readonly note?: string;
}

function meets(ratio: number, goal: Goal): boolean {
  if (!Number.isFinite(ratio)) return false;
  if (goal.op === '>=') return ratio >= goal.ratio;
  if (goal.op === '<=') return ratio <= goal.ratio;
  return Math.abs(ratio - goal.ratio) < 1e-9;
}

/** Builds the figures of one module; the ratio and `met` are computed, never typed in. */
export function createFigureList(module: string): { add(input: FigureInput): void; readonly figures: Figure[] } {
  const figures: Figure[] = [];
  return {
    figures,
    add: function addFigure(input: FigureInput): void {
      const baseline = input.baseline ?? null;
      const ratio = baseline === null ? null : baseline === 0 ? Number.POSITIVE_INFINITY : input.ours / baseline;
      const goal = input.goal ?? null;
      figures.push({
        module,
        name: input.name,
        unit: input.unit,
        ours: input.ours,
        baselineName: input.baselineName ?? null,
        baseline,
        ratio,
        goal,
        met: goal === null ? null : ratio === null ? false : meets(ratio, goal),
        note: input.note ?? null,
      });
    },
  };
}

function formatNumber(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  const rounded = roundFigure(value);
  const text = Math.abs(rounded) >= 10_000 ? rounded.toLocaleString('en-US') : String(rounded);
  return unit === '' ? text : `${text} ${unit}`;
}

function formatGoal(goal: Goal | null): string {
  if (goal === null) return '';
  return `${goal.op === '==' ? '=' : goal.op === '>=' ? '≥' : '≤'} ${roundFigure(goal.ratio)}x`;
}

/** The Markdown table: figure, ours, baseline, ratio, goal, met? */
export function formatMarkdownTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.name,
    formatNumber(f.ours, f.unit),
    f.baseline === null ? '' : `${formatNumber(f.baseline, f.unit)} (${f.baselineName ?? 'baseline'})`,
    f.ratio === null ? '' : `${roundFigure(f.ratio)}x`,
    formatGoal(f.goal),
    f.met === null ? '' : f.met ? 'yes' : '**no**',
  ]);
  const header = ['figure', 'ours', 'baseline', 'ratio', 'goal', 'met?'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`);
  return lines.join('\n');
}
