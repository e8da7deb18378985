/**
 * What a mutation publishes to `@aws_subscribe` subscribers (docs/APPSYNC-BEHAVIOUR.md#subscription-payloads): for each
 * root mutation field that resolved to a value, the value as the caller received it (serialized, only
 * the fields it selected), keyed by field name rather than alias so subscribers can select from it.
 */
import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { isRecord } from '../../api/guards.ts';
import type { MutationEvent } from './contract.ts';
import type { RequestState } from './request-state.ts';

type Fragments = Readonly<Record<string, FragmentDefinitionNode>>;

function merge(into: Record<string, unknown>, key: string, value: unknown): void {
  const existing = into[key];
  if (isRecord(existing) && isRecord(value)) {
    for (const [k, v] of Object.entries(value)) merge(existing, k, v);
  } else if (existing === undefined) {
    into[key] = value;
  }
}

/** Re-keys a response value from response names (aliases) to field names. */
export function rekeyByFieldName(value: unknown, selectionSet: SelectionSetNode | undefined, fragments: Fragments): unknown {
  if (!selectionSet || value === null || value === undefined) return value ?? null;
  if (Array.isArray(value)) return value.map((item) => rekeyByFieldName(item, selectionSet, fragments));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const responseKey = selection.alias?.value ?? selection.name.value;
        if (!(responseKey in value)) continue;
        merge(out, selection.name.value, rekeyByFieldName(value[responseKey], selection.selectionSet, fragments));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else {
        const fragment = fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  visit(selectionSet);
  return out;
}

export function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
  return fragments;
}

/** The root field nodes of an operation by response key (fragments at the root flattened). */
export function rootFieldNodes(operation: OperationDefinitionNode, fragments: Fragments): Map<string, FieldNode> {
  const out = new Map<string, FieldNode>();
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (!out.has(key)) out.set(key, selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else {
        const fragment = fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  visit(operation.selectionSet);
  return out;
}

/** The events a finished mutation publishes, in the order its fields ran. */
export function mutationEvents(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  data: Readonly<Record<string, unknown>> | null | undefined,
  state: RequestState,
): MutationEvent[] {
  if (!data) return [];
  const fragments = fragmentsOf(document);
  const nodes = rootFieldNodes(operation, fragments);
  const events: MutationEvent[] = [];
  for (const [responseKey, call] of state.rootFields) {
    const value = data[responseKey];
    if (value === null || value === undefined) continue;
    events.push({ fieldName: call.fieldName, arguments: call.arguments, payload: rekeyByFieldName(value, nodes.get(responseKey)?.selectionSet, fragments) });
  }
  return events;
}
