/**
 * `util.transform` (runs INSIDE the vm context). The DynamoDB filter/condition rendering is
 * reconstructed from recorded EvaluateCode output; invalid input yields `null`. Also subscription
 * filters and OpenSearch queries. See docs/APPSYNC-BEHAVIOUR.md#js-util-helpers.
 */
import { toDynamoDB, type TypedValue } from './util-dynamodb.ts';

// Own copy, not api/guards.ts: files in sandbox/ are bundled alone into the vm prelude (and hashed for its cache).
function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A rendered DynamoDB expression, as `toDynamoDBFilterExpression` serialises it. */
export interface DynamoDBExpression {
  expression: string;
  expressionNames: Record<string, string>;
  expressionValues: Record<string, TypedValue | null>;
}

const ATTRIBUTE_TYPES: Record<string, string> = {
  _null: 'NULL', string: 'S', stringSet: 'SS', number: 'N', numberSet: 'NS', binary: 'B', binarySet: 'BS',
  boolean: 'BOOL', list: 'L', map: 'M',
};

const COMPARATORS: Record<string, string> = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' };

class Invalid {}
const INVALID = new Invalid();

function withPrefix(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}_${name}`;
}

function renderOperators(ops: unknown, name: string, base: string, out: DynamoDBExpression): string[] {
  if (!isPlainObject(ops)) throw INVALID;
  const clauses: string[] = [];
  for (const [op, value] of Object.entries(ops)) {
    const placeholder = `:${base}_${op}`;
    const comparator = COMPARATORS[op];
    if (comparator !== undefined) {
      out.expressionValues[placeholder] = toDynamoDB(value);
      clauses.push(`(${name} ${comparator} ${placeholder})`);
    } else if (op === 'contains' || op === 'notContains' || op === 'beginsWith') {
      out.expressionValues[placeholder] = toDynamoDB(value);
      const fn = op === 'beginsWith' ? 'begins_with' : 'contains';
      clauses.push(`(${op === 'notContains' ? 'NOT ' : ''}${fn}(${name},${placeholder}))`);
    } else if (op === 'between') {
      if (!Array.isArray(value) || value.length < 2) throw INVALID;
      out.expressionValues[`${placeholder}_start`] = toDynamoDB(value[0]);
      out.expressionValues[`${placeholder}_end`] = toDynamoDB(value[1]);
      clauses.push(`(${name} BETWEEN ${placeholder}_start AND ${placeholder}_end)`);
    } else if (op === 'in') {
      if (!Array.isArray(value)) throw INVALID;
      if (value.length === 0) {
        clauses.push('(null)');
        continue;
      }
      const names = value.map((v, i) => {
        out.expressionValues[`${placeholder}_${i}`] = toDynamoDB(v);
        return `${placeholder}_${i}`;
      });
      clauses.push(`(${name} IN (${names.join(', ')}))`);
    } else if (op === 'attributeExists') {
      if (typeof value !== 'boolean') throw INVALID;
      clauses.push(value ? `(attribute_exists(${name}))` : `(attribute_not_exists(${name}))`);
    } else if (op === 'attributeType') {
      const code = typeof value === 'string' && Object.hasOwn(ATTRIBUTE_TYPES, value) ? ATTRIBUTE_TYPES[value] : undefined;
      if (code === undefined) throw INVALID;
      out.expressionValues[placeholder] = { S: code };
      clauses.push(`(attribute_type(${name},${placeholder}))`);
    } else if (op === 'size') {
      const sizeName = name.startsWith('size(') ? name : `size(${name})`;
      clauses.push(...renderOperators(value, sizeName, `${base}_size`, out));
    } else {
      throw INVALID;
    }
  }
  return clauses;
}

function wrap(clauses: string[], joiner: string): string {
  if (clauses.length === 0) return '';
  if (clauses.length === 1) return clauses[0]!;
  return `(${clauses.join(joiner)})`;
}

function renderClauses(filter: unknown, prefix: string, out: DynamoDBExpression): string[] {
  if (!isPlainObject(filter)) throw INVALID;
  const clauses: string[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value)) throw INVALID;
      const members = value.map((m, i) => renderClauses(m, withPrefix(prefix, `${key}_${i}`), out).join(' AND '));
      clauses.push(wrap(members, key === 'and' ? ' AND ' : ' OR '));
    } else if (key === 'not') {
      clauses.push(`(NOT ${renderClauses(value, withPrefix(prefix, 'not'), out).join(' AND ')})`);
    } else {
      out.expressionNames[`#${key}`] = key;
      clauses.push(wrap(renderOperators(value, `#${key}`, withPrefix(prefix, key), out), ' AND '));
    }
  }
  return clauses;
}

/** Renders the filter object grammar to an expression object, or `null` for invalid input. */
export function renderDynamoDBExpression(filter: unknown): DynamoDBExpression | null {
  const out: DynamoDBExpression = { expression: '', expressionNames: {}, expressionValues: {} };
  try {
    out.expression = renderClauses(filter, '', out).join(' AND ');
  } catch (e) {
    if (e === INVALID) return null;
    throw e;
  }
  return out;
}

/** `util.transform.toDynamoDBFilterExpression` / `toDynamoDBConditionExpression`: a JSON string or null. */
export function toDynamoDBFilterExpression(filter: unknown): string | null {
  const rendered = renderDynamoDBExpression(filter);
  return rendered === null ? null : JSON.stringify(rendered);
}

type SubscriptionFilterEntry = { fieldName: string; operator: string; value: unknown };
type Conjunction = SubscriptionFilterEntry[];

function cross(left: Conjunction[], right: Conjunction[]): Conjunction[] {
  const out: Conjunction[] = [];
  for (const l of left) for (const r of right) out.push([...l, ...r]);
  return out;
}

function expandSubscriptionFilter(filter: unknown, ignored: readonly unknown[]): Conjunction[] {
  if (!isPlainObject(filter)) throw INVALID;
  let groups: Conjunction[] = [[]];
  for (const [key, value] of Object.entries(filter)) {
    if (key === 'and') {
      if (!Array.isArray(value)) throw INVALID;
      for (const member of value) groups = cross(groups, expandSubscriptionFilter(member, ignored));
    } else if (key === 'or') {
      if (!Array.isArray(value)) throw INVALID;
      const alternatives = value.flatMap((member) => expandSubscriptionFilter(member, ignored));
      // A member left without conditions (every field in it ignored) is dropped from the `or`, not
      // taken as always true: the documented "Argument 2" example (https://docs.aws.amazon.com/appsync/latest/devguide/transformation-helpers-in-utils-transform-js.html)
      // ignores `author` in `or: [{ author }, { isPublished }]` and keeps `isPublished` in its one group.
      // When no member has a condition left, the `or` constrains nothing.
      const constraining = alternatives.filter((conjunction) => conjunction.length > 0);
      if (constraining.length > 0) groups = cross(groups, constraining);
      else if (alternatives.length === 0) groups = [];
    } else if (!ignored.includes(key)) {
      if (!isPlainObject(value)) throw INVALID;
      groups = cross(groups, Object.entries(value).map(([operator, v]) => [{ fieldName: key, operator, value: v }]));
    }
  }
  return groups;
}

/** `util.transform.toSubscriptionFilter(obj, ignoredFields?, rules?)` → `{ filterGroup }` or null. */
export function toSubscriptionFilter(filter: unknown, ignoredFields?: unknown, rules?: unknown): { filterGroup: { filters: Conjunction }[] } | null {
  const ignored = Array.isArray(ignoredFields) ? ignoredFields : [];
  let groups: Conjunction[];
  try {
    groups = expandSubscriptionFilter(filter, ignored);
    if (isPlainObject(rules) && Object.keys(rules).length > 0) {
      const alternatives: Conjunction[] = [];
      for (const [field, ops] of Object.entries(rules)) {
        if (!isPlainObject(ops)) throw INVALID;
        for (const [operator, value] of Object.entries(ops)) alternatives.push([{ fieldName: field, operator, value }]);
      }
      groups = cross(groups, alternatives);
    }
  } catch (e) {
    if (e === INVALID) return null;
    throw e;
  }
  return { filterGroup: groups.filter((g) => g.length > 0).map((filters) => ({ filters })) };
}

const ES_RANGE: Record<string, string> = { gt: 'gt', gte: 'gte', lt: 'lt', lte: 'lte', ge: 'gte', le: 'lte' };

function esFieldClauses(field: string, ops: Record<string, unknown>): unknown[] {
  const clauses: unknown[] = [];
  for (const [op, value] of Object.entries(ops)) {
    const range = ES_RANGE[op];
    if (op === 'eq') clauses.push({ term: { [field]: value } });
    // `must_not` holds one query object, not an array: the documented example prints
    // `{"bool":{"must_not":{"term":{"upvotes":15}}}}` (https://docs.aws.amazon.com/appsync/latest/devguide/transformation-helpers-in-utils-transform-js.html).
    else if (op === 'ne') clauses.push({ bool: { must_not: { term: { [field]: value } } } });
    else if (range !== undefined) clauses.push({ range: { [field]: { [range]: value } } });
    else if (op === 'range' && Array.isArray(value)) clauses.push({ range: { [field]: { gte: value[0], lte: value[1] } } });
    else if (op === 'match') clauses.push({ match: { [field]: value } });
    else if (op === 'matchPhrase') clauses.push({ match_phrase: { [field]: value } });
    else if (op === 'matchPhrasePrefix') clauses.push({ match_phrase_prefix: { [field]: value } });
    else if (op === 'wildcard') clauses.push({ wildcard: { [field]: value } });
    else if (op === 'regexp') clauses.push({ regexp: { [field]: value } });
    else if (op === 'multiMatch') clauses.push({ multi_match: value });
    else if (op === 'exists') clauses.push(value === false ? { bool: { must_not: { exists: { field } } } } : { exists: { field } });
    else throw INVALID;
  }
  return clauses;
}

function esQuery(filter: unknown): unknown {
  if (!isPlainObject(filter)) throw INVALID;
  const must: unknown[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value)) throw INVALID;
      must.push({ bool: { [key === 'and' ? 'must' : 'should']: value.map(esQuery) } });
    } else if (key === 'not') {
      // Same single-object form as `ne` (the docs show no `not` example; our choice, for consistency).
      must.push({ bool: { must_not: esQuery(value) } });
    } else {
      if (!isPlainObject(value)) throw INVALID;
      must.push({ bool: { must: esFieldClauses(key, value) } });
    }
  }
  return { bool: { must } };
}

/** `util.transform.toElasticsearchQueryDSL(obj)` → JSON string of an OpenSearch bool query. */
export function toElasticsearchQueryDSL(filter: unknown): string | null {
  try {
    return JSON.stringify(esQuery(filter));
  } catch (e) {
    if (e === INVALID) return null;
    throw e;
  }
}

export function createTransformUtil(): Record<string, unknown> {
  return {
    toDynamoDBFilterExpression,
    toDynamoDBConditionExpression: toDynamoDBFilterExpression,
    toSubscriptionFilter,
    toElasticsearchQueryDSL,
  };
}
