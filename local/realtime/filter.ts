/**
 * Subscription filtering (docs/APPSYNC-BEHAVIOUR.md#subscription-argument-filters, #enhanced-subscription-filters):
 * basic argument filters compared with top-level fields of the published result, and enhanced
 * filters (`filterGroup` OR of `filters` AND) evaluated against the full mutation result.
 */
import { isRecord } from '../../api/guards.ts';

/** AppSync ignores rules whose `fieldName` nests deeper than 5 levels. */
const MAX_FIELD_DEPTH = 5;

interface Rule {
  readonly fieldName: string;
  readonly operator: string;
  readonly value: unknown;
}

/** A filter compiled once at `start`, evaluated for each published event. */
export type CompiledFilter = (payload: unknown) => boolean;

const MISSING = Symbol('missing');

function lookup(payload: Record<string, unknown>, path: readonly string[]): unknown {
  let current: unknown = payload;
  for (const key of path) {
    if (!isRecord(current) || !Object.hasOwn(current, key)) return MISSING;
    current = current[key];
  }
  return current;
}

function comparable(a: unknown, b: unknown): a is number | string {
  return (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
}

function contains(field: unknown, value: unknown): boolean {
  if (typeof field === 'string' && typeof value === 'string') return field.includes(value);
  if (Array.isArray(field)) return field.some((element) => element === value);
  return false;
}

/** One rule against one field value; a missing field fails every operator (docs/APPSYNC-BEHAVIOUR.md#enhanced-subscription-filters). */
function testRule(operator: string, field: unknown, value: unknown): boolean {
  if (field === MISSING) return false;
  switch (operator) {
    case 'eq':
      return field === value;
    case 'ne':
      return field !== value;
    case 'lt':
      return comparable(field, value) && field < (value as typeof field);
    case 'le':
      return comparable(field, value) && field <= (value as typeof field);
    case 'gt':
      return comparable(field, value) && field > (value as typeof field);
    case 'ge':
      return comparable(field, value) && field >= (value as typeof field);
    case 'contains':
      return contains(field, value);
    case 'notContains':
      return (typeof field === 'string' || Array.isArray(field)) && !contains(field, value);
    case 'beginsWith':
      return typeof field === 'string' && typeof value === 'string' && field.startsWith(value);
    case 'in':
      return Array.isArray(value) && value.some((v) => v === field);
    case 'notIn':
      return Array.isArray(value) && !value.some((v) => v === field);
    case 'between': {
      if (!Array.isArray(value) || value.length < 2) return false;
      const [lo, hi] = value as unknown[];
      return comparable(field, lo) && comparable(field, hi) && field >= (lo as typeof field) && field <= (hi as typeof field);
    }
    case 'containsAny':
      return Array.isArray(field) && Array.isArray(value) && value.some((v) => field.includes(v));
    default:
      return false;
  }
}

function compileRule(rule: Rule): CompiledFilter | null {
  const path = rule.fieldName.split('.');
  if (path.length > MAX_FIELD_DEPTH) return null;
  const { operator, value } = rule;
  return (payload) => isRecord(payload) && testRule(operator, lookup(payload, path), value);
}

function toRule(value: unknown): Rule | null {
  if (!isRecord(value) || typeof value['fieldName'] !== 'string' || typeof value['operator'] !== 'string') return null;
  return { fieldName: value['fieldName'], operator: value['operator'], value: value['value'] };
}

/**
 * Compiles `{ filterGroup: [{ filters: [{ fieldName, operator, value }] }] }`. Returns null when the
 * value is not a filter object (no enhanced filter installed). A `filterGroup` with no groups places
 * no constraint (emulator choice; AppSync's behaviour for an empty group list is not documented).
 */
export function compileEnhancedFilter(filter: unknown): CompiledFilter | null {
  if (!isRecord(filter) || !Array.isArray(filter['filterGroup'])) return null;
  const groups: CompiledFilter[][] = [];
  for (const group of filter['filterGroup']) {
    if (!isRecord(group) || !Array.isArray(group['filters'])) continue;
    const rules = group['filters'].map(toRule).filter((r): r is Rule => r !== null).map(compileRule).filter((r): r is CompiledFilter => r !== null);
    groups.push(rules);
  }
  if (groups.length === 0) return () => true;
  return function matchesEnhancedFilter(payload) {
    // Top-level lists cannot be filtered: such events are not delivered.
    if (!isRecord(payload)) return false;
    return groups.some((rules) => rules.every((rule) => rule(payload)));
  };
}

/**
 * Basic filtering by subscription arguments (docs/APPSYNC-BEHAVIOUR.md#subscription-argument-filters): every supplied argument must equal the
 * top-level field of the published result; an explicit `null` matches only a null or absent field.
 */
export function compileArgumentFilter(args: Readonly<Record<string, unknown>>): CompiledFilter {
  const entries = Object.entries(args);
  if (entries.length === 0) return () => true;
  return function matchesArguments(payload) {
    if (!isRecord(payload)) return false;
    for (const [name, expected] of entries) {
      const actual = payload[name];
      if (expected === null ? actual !== null && actual !== undefined : !sameValue(actual, expected)) return false;
    }
    return true;
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
