/**
 * `ctx.info.selectionSetList` and `ctx.info.selectionSetGraphQL` (docs/APPSYNC-BEHAVIOUR.md#js-info-and-selection-set),
 * and trimming a value to a field's selection set (the `data` of `util.error`). Documents are
 * cached by query text, so results are cached per field node.
 */
import {
  Kind,
  getNamedType,
  isAbstractType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  print,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLOutputType,
  type SelectionSetNode,
  type GraphQLNamedType,
} from 'graphql';

export interface SelectionSetInfo {
  readonly selectionSetList: readonly string[];
  readonly selectionSetGraphQL: string;
}

type Fragments = Readonly<Record<string, FragmentDefinitionNode>>;

function fieldsOf(type: GraphQLNamedType): Record<string, { type: GraphQLOutputType }> | null {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields() : null;
}

/**
 * Depth-first, aliases replace names, fragments flattened; for interface and union return types only
 * the fields the abstract type itself declares (AppSync docs).
 */
function collectList(selectionSet: SelectionSetNode, type: GraphQLNamedType, fragments: Fragments, prefix: string, out: string[], seen: Set<string>): void {
  const fields = fieldsOf(type);
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (name.startsWith('__')) continue;
      const field = fields?.[name];
      if (!field) continue;
      const key = prefix + (selection.alias?.value ?? name);
      if (!seen.has(key)) {
        seen.add(key);
        out.push(key);
      }
      if (selection.selectionSet) collectList(selection.selectionSet, getNamedType(field.type), fragments, `${key}/`, out, seen);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (isAbstractType(type) && selection.typeCondition && selection.typeCondition.name.value !== type.name) continue;
      collectList(selection.selectionSet, type, fragments, prefix, out, seen);
    } else {
      const fragment = fragments[selection.name.value];
      if (!fragment) continue;
      if (isAbstractType(type) && fragment.typeCondition.name.value !== type.name) continue;
      collectList(fragment.selectionSet, type, fragments, prefix, out, seen);
    }
  }
}

/** A cached `selectionSetInfo(fieldNodes, returnType, fragments)`. */
export function createSelectionSetInfo() {
  const cache = new WeakMap<FieldNode, SelectionSetInfo>();
  return function selectionSetInfo(fieldNodes: readonly FieldNode[], returnType: GraphQLOutputType, fragments: Fragments): SelectionSetInfo {
    const first = fieldNodes[0];
    if (!first) return { selectionSetList: [], selectionSetGraphQL: '' };
    const cached = cache.get(first);
    if (cached) return cached;
    const out: string[] = [];
    const seen = new Set<string>();
    const named = getNamedType(returnType);
    for (const node of fieldNodes) if (node.selectionSet) collectList(node.selectionSet, named, fragments, '', out, seen);
    const info: SelectionSetInfo = {
      selectionSetList: out,
      selectionSetGraphQL: first.selectionSet ? print(first.selectionSet) : '',
    };
    cache.set(first, info);
    return info;
  };
}

/** Keeps only what `fieldNodes` select from `value` (keys become response names); no coercion. */
export function trimToSelection(value: unknown, type: GraphQLOutputType, fieldNodes: readonly FieldNode[], fragments: Fragments): unknown {
  if (value === null || value === undefined) return null;
  if (isNonNullType(type)) return trimToSelection(value, type.ofType, fieldNodes, fragments);
  if (isListType(type)) {
    return Array.isArray(value) ? value.map((item) => trimToSelection(item, type.ofType, fieldNodes, fragments)) : null;
  }
  const named = getNamedType(type);
  if (!isObjectType(named) && !isInterfaceType(named) && !isAbstractType(named)) return value;
  if (typeof value !== 'object') return null;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const visit = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const key = selection.alias?.value ?? name;
        if (name === '__typename') {
          out[key] = typeof source['__typename'] === 'string' ? source['__typename'] : isObjectType(named) ? named.name : null;
          continue;
        }
        const field = fieldsOf(named)?.[name] ?? null;
        const child = source[name];
        out[key] = field && selection.selectionSet ? trimToSelection(child, field.type, [selection], fragments) : (child ?? null);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else {
        const fragment = fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  for (const node of fieldNodes) if (node.selectionSet) visit(node.selectionSet);
  return out;
}
