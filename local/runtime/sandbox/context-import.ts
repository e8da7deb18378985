/**
 * Builds the resolver's `ctx` inside the vm context (runs INSIDE it; bundled into the prelude): host
 * values are copied into this realm with JSON semantics, and `ctx.info` gets its selection-set
 * accessors. Only the members a handler can observe are copied (context-members.ts).
 */
import { CONTEXT_MEMBER_BITS as BIT } from './context-members.ts';
import type { HostContext } from './prelude.ts';

const defineProperty = Object.defineProperty;
const isArray = Array.isArray;
const hasOwn = Object.hasOwn;

/**
 * Copies a host value into this realm with JSON semantics (undefined members and functions dropped,
 * undefined array slots become null). Only fresh objects of this realm come out, so no host object
 * (and no host `Function` constructor) becomes reachable from resolver code.
 */
export function importValue(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) {
    if (typeof v === 'number') return v - v === 0 ? v : null;
    return typeof v === 'string' || typeof v === 'boolean' || v === null ? v : undefined;
  }
  if (isArray(v)) {
    const n = (v as unknown[]).length;
    const out: unknown[] = [];
    for (let i = 0; i < n; i += 1) {
      const copied = importValue((v as unknown[])[i]);
      out.push(copied === undefined ? null : copied);
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  // for…in + hasOwn visits the own enumerable keys in Object.keys order, without building the key array.
  for (const k in v) {
    if (!hasOwn(v, k)) continue;
    const copied = importValue((v as Record<string, unknown>)[k]);
    if (copied === undefined) continue;
    if (k === '__proto__') defineProperty(out, k, { value: copied, writable: true, enumerable: true, configurable: true });
    else out[k] = copied;
  }
  return out;
}

/** The last env seen and its frozen copy: the executor passes one env object for every request. */
let lastEnvIn: unknown = null;
let lastEnv: Readonly<Record<string, unknown>> = Object.freeze({});

function importEnv(envIn: unknown): Readonly<Record<string, unknown>> {
  if (envIn === lastEnvIn) return lastEnv;
  const copied = importValue(envIn);
  const env = typeof copied === 'object' && copied !== null ? copied as Record<string, unknown> : {};
  for (const k of Object.keys(env)) if (typeof env[k] === 'object') Object.freeze(env[k]);
  lastEnvIn = envIn;
  lastEnv = Object.freeze(env);
  return lastEnv;
}

function importRecord(v: unknown, fallback: unknown): unknown {
  const copied = importValue(v);
  return copied === undefined || copied === null ? fallback : copied;
}

const SELECTION_LIST = Symbol('selectionSetList');
const SELECTION_GRAPHQL = Symbol('selectionSetGraphQL');

/**
 * `ctx.info`. `JSON.stringify(ctx.info)` and spreads omit the selection set
 * (docs/APPSYNC-BEHAVIOUR.md#js-built-in-objects), so it
 * is served by accessors on this class's (frozen) prototype instead of own non-enumerable
 * properties: `Object.defineProperty` costs ~0.3 µs per call, more than the rest of an evaluation.
 * Only reflection (`Object.hasOwn(ctx.info, 'selectionSetList')`) tells the two apart.
 */
export class ResolverInfo {
  fieldName: unknown;
  parentTypeName: unknown;
  variables: unknown;
  [SELECTION_LIST]: unknown;
  [SELECTION_GRAPHQL]: unknown;
  constructor(fieldName: unknown, parentTypeName: unknown, variables: unknown, list: unknown, graphql: unknown) {
    this.fieldName = fieldName;
    this.parentTypeName = parentTypeName;
    this.variables = variables;
    this[SELECTION_LIST] = list;
    this[SELECTION_GRAPHQL] = graphql;
  }

  get selectionSetList(): unknown {
    return this[SELECTION_LIST];
  }

  set selectionSetList(v: unknown) {
    this[SELECTION_LIST] = v;
  }

  get selectionSetGraphQL(): unknown {
    return this[SELECTION_GRAPHQL];
  }

  set selectionSetGraphQL(v: unknown) {
    this[SELECTION_GRAPHQL] = v;
  }
}

/**
 * Builds this realm's `ctx` straight from the host's members, copying only those in `members`
 * (context-members.ts): the others are unobservable by the handler (context-usage.ts).
 */
export function buildContext(input: HostContext, members: number): Record<string, unknown> {
  const ctx: Record<string, unknown> = {};
  if ((members & BIT.arguments) !== 0) {
    const args = importRecord(input['arguments'], {});
    ctx['arguments'] = args;
    ctx['args'] = args;
  }
  if ((members & BIT.identity) !== 0) ctx['identity'] = importRecord(input['identity'], null);
  if ((members & BIT.source) !== 0) ctx['source'] = importRecord(input['source'], null);
  if ((members & BIT.stash) !== 0) ctx['stash'] = importRecord(input['stash'], {});
  if ((members & BIT.prev) !== 0) ctx['prev'] = importRecord(input['prev'], null);
  if ((members & BIT.request) !== 0) {
    const requestIn = input['request'];
    ctx['request'] = requestIn === undefined || requestIn === null ? { headers: {}, domainName: null } : importValue(requestIn);
  }
  if ((members & BIT.info) !== 0) {
    const infoIn = (input.info ?? {}) as Record<string, unknown>;
    ctx['info'] = new ResolverInfo(
      importValue(infoIn['fieldName']),
      importValue(infoIn['parentTypeName']),
      importRecord(infoIn['variables'], {}),
      importRecord(infoIn['selectionSetList'], []),
      importRecord(infoIn['selectionSetGraphQL'], ''),
    );
  }
  if ((members & BIT.env) !== 0) ctx['env'] = importEnv(input.env);
  if ((members & BIT.result) !== 0 && hasOwn(input, 'result')) ctx['result'] = importValue(input['result']);
  if ((members & BIT.error) !== 0) {
    const error = input['error'];
    if (error !== undefined && error !== null) ctx['error'] = importValue(error);
  }
  return ctx;
}
