/**
 * Document validation with AppSync's wording. AppSync runs graphql-java, whose messages read
 * `Validation error of type FieldUndefined: Field 'bogus' in type 'Query' is undefined @ 'bogus'`
 * (docs/APPSYNC-BEHAVIOUR.md#document-errors, recorded AppSync responses). We run graphql-js's specified rules and
 * re-word each report with the context the rule had when it reported (field path, argument path), so
 * the locations stay graphql-js's and the text becomes graphql-java's.
 */
import {
  BREAK,
  GraphQLError,
  Kind,
  visit,
  type FieldNode,
  getNamedType,
  specifiedRules,
  validate,
  type ASTNode,
  type ASTVisitor,
  type ArgumentNode,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';
import { isScalarError } from './scalars.ts';

/** graphql-js rule name → graphql-java `ValidationErrorType`. */
const ERROR_TYPE_BY_RULE: Readonly<Record<string, string>> = {
  ExecutableDefinitionsRule: 'NonExecutableDefinition',
  UniqueOperationNamesRule: 'DuplicateOperationName',
  LoneAnonymousOperationRule: 'LoneAnonymousOperationViolation',
  SingleFieldSubscriptionsRule: 'SubscriptionMultipleRootFields',
  KnownTypeNamesRule: 'UnknownType',
  FragmentsOnCompositeTypesRule: 'FragmentTypeConditionInvalid',
  VariablesAreInputTypesRule: 'NonInputTypeOnVariable',
  ScalarLeafsRule: 'SubSelectionRequired',
  FieldsOnCorrectTypeRule: 'FieldUndefined',
  UniqueFragmentNamesRule: 'DuplicateFragmentName',
  KnownFragmentNamesRule: 'UndefinedFragment',
  NoUnusedFragmentsRule: 'UnusedFragment',
  PossibleFragmentSpreadsRule: 'InvalidFragmentType',
  NoFragmentCyclesRule: 'FragmentCycle',
  UniqueVariableNamesRule: 'DuplicateVariableName',
  NoUndefinedVariablesRule: 'UndefinedVariable',
  NoUnusedVariablesRule: 'UnusedVariable',
  KnownDirectivesRule: 'UnknownDirective',
  UniqueDirectivesPerLocationRule: 'DuplicateDirectiveName',
  KnownArgumentNamesRule: 'UnknownArgument',
  UniqueArgumentNamesRule: 'DuplicateArgumentNames',
  ValuesOfCorrectTypeRule: 'WrongType',
  ProvidedRequiredArgumentsRule: 'MissingFieldArgument',
  VariablesInAllowedPositionRule: 'VariableTypeMismatch',
  OverlappingFieldsCanBeMergedRule: 'FieldsConflict',
  UniqueInputFieldNamesRule: 'DuplicateInputField',
};

/** Prints a value node as graphql-java's AST `toString` does: `StringValue{value='2019'}`. */
export function printJavaValue(node: ValueNode): string {
  switch (node.kind) {
    case Kind.STRING:
      return `StringValue{value='${node.value}'}`;
    case Kind.INT:
      return `IntValue{value=${node.value}}`;
    case Kind.FLOAT:
      return `FloatValue{value=${node.value}}`;
    case Kind.BOOLEAN:
      return `BooleanValue{value=${String(node.value)}}`;
    case Kind.NULL:
      return 'NullValue{}';
    case Kind.ENUM:
      return `EnumValue{name='${node.value}'}`;
    case Kind.VARIABLE:
      return `VariableReference{name='${node.name.value}'}`;
    case Kind.LIST:
      return `ArrayValue{values=[${node.values.map(printJavaValue).join(', ')}]}`;
    case Kind.OBJECT:
      return `ObjectValue{objectFields=[${node.fields.map((f) => `ObjectField{name='${f.name.value}', value=${printJavaValue(f.value)}}`).join(', ')}]}`;
  }
}

/** Path from an argument to a value node inside it: `input.when`, `sort[0]`. */
function argumentPath(argument: ArgumentNode, target: ASTNode): { path: string; value: ValueNode } | null {
  const walk = (value: ValueNode, path: string): { path: string; value: ValueNode } | null => {
    if (value === target) return { path, value };
    if (value.kind === Kind.LIST) {
      for (const [i, item] of value.values.entries()) {
        const found = walk(item, `${path}[${i}]`);
        if (found) return found;
      }
    } else if (value.kind === Kind.OBJECT) {
      for (const field of value.fields) {
        if (field === target) return { path, value };
        const found = walk(field.value, `${path}.${field.name.value}`);
        if (found) return found;
      }
    }
    return null;
  };
  return walk(argument.value, argument.name.value);
}

const QUOTED = /"([^"]*)"/g;

function quoted(message: string): string[] {
  return [...message.matchAll(QUOTED)].map((m) => m[1] ?? '');
}

interface TrackerState {
  readonly fieldPath: string[];
  argument: ArgumentNode | null;
}

/** Field names from the operation down to `target`, for errors reported after the walk has left it. */
function fieldPathTo(document: DocumentNode, target: ASTNode): string[] {
  let found: string[] = [];
  visit(document, {
    enter(node, _key, _parent, _path, ancestors) {
      if (node !== target) return undefined;
      found = ancestors.flatMap((a) => (!Array.isArray(a) && (a as ASTNode).kind === Kind.FIELD ? [(a as FieldNode).name.value] : []));
      return BREAK;
    },
  });
  return found;
}

function describe(error: GraphQLError, rule: string, context: ValidationContext, state: TrackerState): string {
  const usage = state.fieldPath.length === 0 ? error.nodes?.find((n) => n.kind === Kind.VARIABLE) : undefined;
  const fieldPath = usage ? fieldPathTo(context.getDocument(), usage) : state.fieldPath;
  const at = fieldPath.length > 0 ? ` @ '${fieldPath.join('/')}'` : '';
  const node = error.nodes?.[0];
  const names = quoted(error.message);
  switch (rule) {
    case 'FieldsOnCorrectTypeRule': {
      const fieldName = node?.kind === Kind.FIELD ? node.name.value : (names[0] ?? '');
      const typeName = context.getParentType()?.name ?? names[1] ?? '';
      return `Validation error of type FieldUndefined: Field '${fieldName}' in type '${typeName}' is undefined${at}`;
    }
    case 'KnownArgumentNamesRule':
      return error.message.startsWith('Unknown argument')
        ? `Validation error of type UnknownArgument: Unknown field argument ${names[0] ?? ''}${at}`
        : `Validation error of type UnknownDirective: Unknown directive argument ${names[0] ?? ''}${at}`;
    case 'ProvidedRequiredArgumentsRule':
      return error.message.startsWith('Field')
        ? `Validation error of type MissingFieldArgument: Missing field argument ${names[1] ?? ''}${at}`
        : `Validation error of type MissingDirectiveArgument: Missing directive argument ${names[1] ?? ''}${at}`;
    case 'ScalarLeafsRule': {
      const fieldName = names[0] ?? '';
      const typeName = names[1] ?? '';
      return error.message.includes('must not have a selection')
        ? `Validation error of type SubSelectionNotAllowed: Sub selection not allowed on leaf type ${typeName} of field ${fieldName}${at}`
        : `Validation error of type SubSelectionRequired: Sub selection required for type ${typeName} of field ${fieldName}${at}`;
    }
    case 'KnownTypeNamesRule':
      return `Validation error of type UnknownType: Unknown type ${names[0] ?? ''}`;
    case 'NoUndefinedVariablesRule':
      return `Validation error of type UndefinedVariable: Undefined variable ${(names[0] ?? '').replace(/^\$/, '')}${at}`;
    case 'NoUnusedVariablesRule':
      return `Validation error of type UnusedVariable: Unused variable ${(names[0] ?? '').replace(/^\$/, '')}${at}`;
    case 'KnownFragmentNamesRule':
      return `Validation error of type UndefinedFragment: Undefined fragment ${names[0] ?? ''}${at}`;
    case 'NoUnusedFragmentsRule':
      return `Validation error of type UnusedFragment: Unused fragment ${names[0] ?? ''}`;
    case 'KnownDirectivesRule':
      return error.message.startsWith('Unknown directive')
        ? `Validation error of type UnknownDirective: Unknown directive ${(names[0] ?? '').replace(/^@/, '')}${at}`
        : `Validation error of type MisplacedDirective: Directive ${(names[0] ?? '').replace(/^@/, '')} not allowed here${at}`;
    case 'VariablesInAllowedPositionRule':
      return `Validation error of type VariableTypeMismatch: Variable type '${names[1] ?? ''}' doesn't match expected type '${names[2] ?? ''}'${at}`;
    case 'ValuesOfCorrectTypeRule':
      return describeWrongType(error, context, state, at);
    default: {
      const type = ERROR_TYPE_BY_RULE[rule] ?? 'InvalidSyntax';
      return `Validation error of type ${type}: ${error.message.replace(/\.$/, '')}${at}`;
    }
  }
}

function describeWrongType(error: GraphQLError, context: ValidationContext, state: TrackerState, at: string): string {
  const node = error.nodes?.[0];
  const argument = state.argument;
  const located = argument && node ? argumentPath(argument, node) : null;
  const path = located?.path ?? argument?.name.value ?? '';
  const value = located?.value ?? (node && 'kind' in node && node.kind !== Kind.OBJECT_FIELD ? (node as ValueNode) : null);
  const printed = value ? printJavaValue(value) : '';
  const prefix = `Validation error of type WrongType: argument '${path}' with value '${printed}'`;
  const names = quoted(error.message);
  if (error.message.startsWith('Field "') && error.message.includes('was not provided')) {
    const field = (names[0] ?? '').split('.').pop() ?? '';
    return `${prefix} is missing required fields '[${field}]'${at}`;
  }
  if (error.message.includes('is not defined by type')) {
    return `${prefix} contains a field not in '${names[1] ?? ''}': '${names[0] ?? ''}'${at}`;
  }
  if (value?.kind === Kind.NULL) return `${prefix} must not be null${at}`;
  const inputType = context.getInputType();
  const typeName = isScalarError(error.originalError)
    ? error.originalError.scalarName
    : inputType
      ? getNamedType(inputType).name
      : (names[0] ?? '').replace(/[[\]!]/g, '');
  return `${prefix} is not a valid '${typeName}'${at}`;
}

/** Reports a rule's errors through AppSync's wording. */
function reword(rule: ValidationRule, state: TrackerState): ValidationRule {
  const name = rule.name;
  return function appsyncRule(context) {
    const proxy = Object.create(context) as ValidationContext;
    proxy.reportError = (error: GraphQLError) => {
      // graphql-java locates a wrong value at its argument (recorded: `myInfo(veterinaryId: …)` → column of the argument).
      const nodes = name === 'ValuesOfCorrectTypeRule' && state.argument ? [state.argument] : (error.nodes ?? null);
      context.reportError(new GraphQLError(describe(error, name, context, state), { nodes, originalError: error }));
    };
    return rule(proxy);
  };
}

/** With introspection disabled, `__schema`/`__type` fail as undefined fields (docs/APPSYNC-BEHAVIOUR.md#document-errors). */
function noIntrospectionRule(state: TrackerState): ValidationRule {
  return function noIntrospection(context): ASTVisitor {
    return {
      Field(node) {
        const name = node.name.value;
        if (name !== '__schema' && name !== '__type') return;
        const typeName = context.getParentType()?.name ?? '';
        context.reportError(
          new GraphQLError(`Validation error of type FieldUndefined: Field '${name}' in type '${typeName}' is undefined @ '${state.fieldPath.join('/')}'`, {
            nodes: node,
          }),
        );
      },
    };
  };
}

export interface ValidateOptions {
  /** AppSync `introspectionConfig`: when false, introspection queries fail validation. */
  readonly introspection: boolean;
}

/** Validates a parsed document; errors carry AppSync's messages. */
export function validateDocument(schema: GraphQLSchema, document: DocumentNode, options: ValidateOptions): readonly GraphQLError[] {
  const state: TrackerState = { fieldPath: [], argument: null };
  const enterTracker: ValidationRule = () => ({
    Field: { enter: (node) => void state.fieldPath.push(node.name.value) },
    Argument: { enter: (node) => void (state.argument = node) },
  });
  const leaveTracker: ValidationRule = () => ({
    Field: { leave: () => void state.fieldPath.pop() },
    Argument: { leave: () => void (state.argument = null) },
  });
  const rules: ValidationRule[] = [enterTracker, ...specifiedRules.map((rule) => reword(rule, state))];
  if (!options.introspection) rules.push(noIntrospectionRule(state));
  rules.push(leaveTracker);
  return validate(schema, document, rules);
}
