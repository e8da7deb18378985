/**
 * The `@aws-appsync/utils/dynamodb` module: request builders (runs INSIDE the vm context). Shapes and
 * the update algorithm follow recorded EvaluateCode output (docs/APPSYNC-BEHAVIOUR.md#js-dynamodb-helpers).
 * AWS docs: built-in-modules-js.html.
 */
import { renderDynamoDBExpression } from './util-transform.ts';
import { toDynamoDB, toMapValues, type TypedValue } from './util-dynamodb.ts';

type Plain = Record<string, unknown>;

// Own copy, not api/guards.ts: files in sandbox/ are bundled alone into the vm prelude (and hashed for its cache).
function isPlainObject(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Operation markers, as AWS returns them (`remove`/`updateListItem` shapes are inferred, not recorded). */
export const operations = {
  add: (value: unknown) => ({ type: 'OPERATION_ADD', value }),
  remove: () => ({ type: 'OPERATION_REMOVE' }),
  replace: (value: unknown) => ({ type: 'OPERATION_REPLACE', value }),
  increment: (by?: number) => ({ type: 'OPERATION_INCREMENT', by: by ?? 1 }),
  decrement: (by?: number) => ({ type: 'OPERATION_DECREMENT', by: by ?? 1 }),
  append: (items: unknown) => ({ type: 'OPERATION_APPEND', items }),
  prepend: (items: unknown) => ({ type: 'OPERATION_PREPEND', items }),
  updateListItem: (value: unknown, index: number) => ({ type: 'OPERATION_UPDATE_LIST_ITEM', value, index }),
};

function markerType(v: unknown): string | null {
  return isPlainObject(v) && typeof v['type'] === 'string' && v['type'].startsWith('OPERATION_') ? v['type'] : null;
}

/** Copies the optional inputs that are neither undefined nor null, in the given order. */
function optional(input: Plain, names: readonly string[]): Plain {
  const out: Plain = {};
  for (const n of names) if (input[n] !== undefined && input[n] !== null) out[n] = input[n];
  return out;
}

function expression(filter: unknown, what: string): Plain {
  const rendered = renderDynamoDBExpression(filter);
  if (rendered === null) throw new Error(`Invalid ${what} expression: ${JSON.stringify(filter)}`);
  const out: Plain = { expression: rendered.expression, expressionNames: rendered.expressionNames };
  if (Object.keys(rendered.expressionValues).length > 0) out['expressionValues'] = rendered.expressionValues;
  return out;
}

function withExpressions(input: Plain, out: Plain, names: readonly ('condition' | 'filter' | 'query')[]): Plain {
  for (const n of names) if (input[n] !== undefined && input[n] !== null) out[n] = expression(input[n], n);
  return out;
}

/** `["id", "meta.tags"]` → `{ expression: "#expName_1, #expName_2.#expName_3", expressionNames }`. */
function projection(paths: unknown): Plain | undefined {
  if (!Array.isArray(paths)) return undefined;
  const expressionNames: Record<string, string> = {};
  let i = 0;
  const parts = paths.map((p) => String(p).split('.').map((segment) => {
    i += 1;
    expressionNames[`#expName_${i}`] = segment;
    return `#expName_${i}`;
  }).join('.'));
  return { expression: parts.join(', '), expressionNames };
}

function key(input: Plain): Record<string, TypedValue | null> | null {
  return toMapValues(input['key']);
}

export function get(input: Plain): Plain {
  const out: Plain = { operation: 'GetItem', key: key(input), ...optional(input, ['consistentRead']) };
  const p = projection(input['projection']);
  if (p) out['projection'] = p;
  return out;
}

const VERSIONED = ['_version', 'customPartitionKey', 'populateIndexFields'] as const;

export function put(input: Plain): Plain {
  return withExpressions(input, { operation: 'PutItem', key: key(input), attributeValues: toMapValues(input['item']), ...optional(input, VERSIONED) }, ['condition']);
}

export function remove(input: Plain): Plain {
  return withExpressions(input, { operation: 'DeleteItem', key: key(input), ...optional(input, VERSIONED) }, ['condition']);
}

/** Builds `SET … REMOVE …` with `#expName_i`/`:expValue_i` numbered from 1 in key order. */
export function updateExpression(update: unknown): Plain {
  const set: string[] = [];
  const removes: string[] = [];
  const expressionNames: Record<string, string> = {};
  const expressionValues: Record<string, TypedValue | null> = {};
  let i = 0;
  const name = (segment: string): [string, number] => {
    i += 1;
    expressionNames[`#expName_${i}`] = segment;
    return [`#expName_${i}`, i];
  };
  const value = (n: number, v: unknown): string => {
    expressionValues[`:expValue_${n}`] = toDynamoDB(v);
    return `:expValue_${n}`;
  };
  const visit = (entries: [string, unknown][], prefix: string): void => {
    for (const [field, v] of entries) {
      if (v === undefined) continue;
      const [alias, n] = name(field);
      const path = prefix + alias;
      const type = markerType(v);
      const op = v as Plain;
      if (type === 'OPERATION_REMOVE') removes.push(path);
      else if (type === 'OPERATION_INCREMENT') set.push(`${path} = ${path} + ${value(n, op['by'])}`);
      else if (type === 'OPERATION_DECREMENT') set.push(`${path} = ${path} - ${value(n, op['by'])}`);
      else if (type === 'OPERATION_APPEND') set.push(`${path} = list_append(${path}, ${value(n, op['items'])})`);
      else if (type === 'OPERATION_PREPEND') set.push(`${path} = list_append(${value(n, op['items'])}, ${path})`);
      else if (type === 'OPERATION_ADD' || type === 'OPERATION_REPLACE') set.push(`${path} = ${value(n, op['value'])}`);
      else if (Array.isArray(v) && v.length > 0 && v.every((x) => markerType(x) === 'OPERATION_UPDATE_LIST_ITEM')) {
        for (const item of v as Plain[]) {
          i += 1;
          set.push(`${path}[${String(item['index'])}] = ${value(i, item['value'])}`);
        }
      } else if (isPlainObject(v) && type === null) visit(Object.entries(v), `${path}.`);
      else set.push(`${path} = ${value(n, v)}`);
    }
  };
  visit(isPlainObject(update) ? Object.entries(update) : [], '');
  const sections: string[] = [];
  if (set.length > 0) sections.push(`SET ${set.join(', ')}`);
  if (removes.length > 0) sections.push(`REMOVE ${removes.join(', ')}`);
  return { expression: sections.join(' '), expressionNames, expressionValues };
}

export function update(input: Plain): Plain {
  return withExpressions(input, { operation: 'UpdateItem', key: key(input), update: updateExpression(input['update']), ...optional(input, VERSIONED) }, ['condition']);
}

const READ_OPTIONS = ['index', 'limit', 'nextToken', 'scanIndexForward', 'consistentRead', 'select', 'segment', 'totalSegments'] as const;

function withProjection(input: Plain, out: Plain): Plain {
  const p = projection(input['projection']);
  if (p) out['projection'] = p;
  return out;
}

export function query(input: Plain): Plain {
  return withProjection(input, withExpressions(input, { operation: 'Query', ...optional(input, READ_OPTIONS) }, ['query', 'filter']));
}

export function scan(input: Plain): Plain {
  return withProjection(input, withExpressions(input, { operation: 'Scan', ...optional(input, READ_OPTIONS) }, ['filter']));
}

export function sync(input: Plain): Plain {
  return withExpressions(input, { operation: 'Sync', ...optional(input, ['basePartitionKey', 'deltaIndexName', 'limit', 'nextToken', 'lastSync']) }, ['filter']);
}

function tables(input: Plain): [string, unknown][] {
  return isPlainObject(input['tables']) ? Object.entries(input['tables']) : [];
}

export function batchGet(input: Plain): Plain {
  const out: Plain = {};
  for (const [table, spec] of tables(input)) {
    const s = isPlainObject(spec) ? spec : {};
    const entry: Plain = { keys: (Array.isArray(s['keys']) ? s['keys'] : []).map((k) => toMapValues(k)), ...optional(s, ['consistentRead']) };
    const p = projection(s['projection']);
    if (p) entry['projection'] = p;
    out[table] = entry;
  }
  return { operation: 'BatchGetItem', tables: out };
}

export function batchPut(input: Plain): Plain {
  const out: Plain = {};
  for (const [table, items] of tables(input)) out[table] = (Array.isArray(items) ? items : []).map((item) => toMapValues(item));
  return { operation: 'BatchPutItem', tables: out };
}

export function batchDelete(input: Plain): Plain {
  const out: Plain = {};
  for (const [table, keys] of tables(input)) out[table] = (Array.isArray(keys) ? keys : []).map((k) => toMapValues(k));
  return { operation: 'BatchDeleteItem', tables: out };
}

export function transactGet(input: Plain): Plain {
  const items = Array.isArray(input['items']) ? (input['items'] as Plain[]) : [];
  return {
    operation: 'TransactGetItems',
    transactItems: items.map((item) => {
      const out: Plain = { table: item['table'], key: toMapValues(item['key']) };
      const p = projection(item['projection']);
      if (p) out['projection'] = p;
      return out;
    }),
  };
}

export function transactWrite(input: Plain): Plain {
  const items = Array.isArray(input['items']) ? (input['items'] as Plain[]) : [];
  return {
    operation: 'TransactWriteItems',
    transactItems: items.map((item) => {
      const [kind, spec] = Object.entries(item)[0] ?? ['', {}];
      const s = isPlainObject(spec) ? spec : {};
      const out: Plain = { table: s['table'] };
      if (kind === 'putItem') Object.assign(out, { operation: 'PutItem', key: toMapValues(s['key']), attributeValues: toMapValues(s['item']) });
      else if (kind === 'updateItem') Object.assign(out, { operation: 'UpdateItem', key: toMapValues(s['key']), update: updateExpression(s['update']) });
      else if (kind === 'deleteItem') Object.assign(out, { operation: 'DeleteItem', key: toMapValues(s['key']) });
      else if (kind === 'conditionCheck') Object.assign(out, { operation: 'ConditionCheck', key: toMapValues(s['key']) });
      else throw new Error(`transactWrite: unknown item kind ${kind}`);
      return withExpressions(s, out, ['condition']);
    }),
  };
}

/** The module's own set builders: unlike `util.dynamodb`'s, no null tolerance. */
export const toStringSet = (list: unknown): TypedValue => ({ SS: list });
export const toNumberSet = (list: unknown): TypedValue => ({ NS: list });
export const toBinarySet = (list: unknown): TypedValue => ({ BS: list });

export function createDynamodbModule(): Record<string, unknown> {
  return {
    get, put, remove, update, query, scan, sync, batchGet, batchPut, batchDelete, transactGet, transactWrite,
    operations, toStringSet, toNumberSet, toBinarySet,
  };
}
