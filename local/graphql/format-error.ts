/**
 * The one place that builds AppSync's GraphQL error object (docs/APPSYNC-BEHAVIOUR.md#graphql-error-object, STYLE 6).
 * Every error the executor returns, from parsing to field resolution, goes through
 * `formatGraphQLError`. Key order follows AppSync's serialization:
 * `path, data, errorType, errorInfo, locations, message`.
 */
import { GraphQLError, Kind, isObjectType, isNonNullType, type GraphQLSchema, type GraphQLOutputType } from 'graphql';
import type { AppSyncGraphQLError } from './contract.ts';
import { isAppSyncResolverError } from './errors.ts';
import { isScalarError } from './scalars.ts';

type Location = { readonly line: number; readonly column: number; readonly sourceName: null };

function locationsOf(error: GraphQLError): Location[] | null {
  if (!error.locations || error.locations.length === 0) return null;
  return error.locations.map((l) => ({ line: l.line, column: l.column, sourceName: null }));
}

/** `/listOrders/items/3/orderDate`, as graphql-java prints an execution path. */
function slashPath(path: readonly (string | number)[]): string {
  return `/${path.join('/')}`;
}

/** graphql-java's `simplePrint` of a field's type without its outer non-null. */
function fieldTypeWithinParent(schema: GraphQLSchema, typeName: string, fieldName: string): string {
  const parent = schema.getType(typeName);
  if (!isObjectType(parent)) return '';
  const type: GraphQLOutputType | undefined = parent.getFields()[fieldName]?.type;
  if (!type) return '';
  return String(isNonNullType(type) ? type.ofType : type);
}

/** graphql-js wraps a scalar's error once per layer (`Expected type "X". …`); the scalar's own is the last. */
function rootCause(error: GraphQLError): Error | undefined {
  let cause: Error | undefined = error.originalError;
  while (cause instanceof GraphQLError && cause.originalError) cause = cause.originalError;
  return cause;
}

const NON_NULL_RE = /^Cannot return null for non-nullable field (\w+)\.(\w+)\.$/;
const VARIABLE_RE = /^Variable "\$(\w+)" (?:of required type "([^"]+)" was not provided|of non-null type "([^"]+)" must not be null|got invalid value (.*))\.?$/s;
const NESTED_REQUIRED_RE = /Field "([^"]+)" of required type "([^"]+)" was not provided\.$/;

function variableMessage(error: GraphQLError): string {
  const m = VARIABLE_RE.exec(error.message);
  if (!m) return error.message;
  const [, name = '', requiredType, nonNullType, invalid] = m;
  const nonNull = requiredType ?? nonNullType;
  if (nonNull !== undefined) return `Variable '${name}' has coerced Null value for NonNull type '${nonNull}'`;
  const cause = rootCause(error);
  if (isScalarError(cause)) return `Variable '${name}' has an invalid value. ${cause.message}`;
  const nested = NESTED_REQUIRED_RE.exec(invalid ?? '');
  if (nested) return `Variable '${name}' has coerced Null value for NonNull type '${nested[2] ?? ''}'`;
  const reason = (invalid ?? '').split('; ').slice(1).join('; ');
  return `Variable '${name}' has an invalid value. ${reason || error.message}`;
}

/** Graphql-js syntax error → graphql-java's `Invalid Syntax : offending token '…' at line L column C`. */
function syntaxMessage(error: GraphQLError): string {
  const loc = error.locations?.[0];
  const found = /found (?:"([^"]*)"|<EOF>|(\S+))/.exec(error.message) ?? /Unexpected (?:Name |String |Int |Float )?"?([^"\s.]+)"?/.exec(error.message);
  const token = found ? (found[1] ?? found[2] ?? '<EOF>') : '<EOF>';
  return `Invalid Syntax : offending token '${token}' at line ${loc?.line ?? 1} column ${loc?.column ?? 1}`;
}

/** Builds AppSync's error object for any error the executor produced. */
export function formatGraphQLError(error: GraphQLError, schema: GraphQLSchema): AppSyncGraphQLError {
  const original = rootCause(error);
  const path = error.path ?? null;
  if (isAppSyncResolverError(original)) {
    return {
      path,
      data: original.data ?? null,
      errorType: original.errorType ?? null,
      errorInfo: original.errorInfo ?? null,
      locations: locationsOf(error),
      message: original.message,
      // AppSync sends `errorType: null` when util.error got none (docs/APPSYNC-BEHAVIOUR.md#graphql-error-object); the contract types it as optional string.
    } as AppSyncGraphQLError;
  }
  if (path !== null) {
    const nonNull = NON_NULL_RE.exec(error.message);
    if (nonNull) {
      const [, typeName = '', fieldName = ''] = nonNull;
      const fieldType = fieldTypeWithinParent(schema, typeName, fieldName);
      return {
        path,
        locations: null,
        message: `Cannot return null for non-nullable type: '${fieldType}' within parent '${typeName}' (${slashPath(path)})`,
      };
    }
    // Anything else graphql-js raised at a path, bar list and abstract-type checks, comes from
    // serializing a leaf value: resolver errors are branded before they reach graphql-js.
    if (!error.message.startsWith('Expected Iterable') && !error.message.startsWith('Abstract type')) {
      const reason = original?.message ?? error.message;
      return { path, locations: null, message: `Can't serialize value (${slashPath(path)}) : ${reason}` };
    }
    return { path, locations: locationsOf(error), message: error.message };
  }
  if (error.nodes?.[0]?.kind === Kind.VARIABLE_DEFINITION || error.message.startsWith('Variable "$')) {
    return { path: null, locations: locationsOf(error), message: variableMessage(error) };
  }
  if (error.message.startsWith('Syntax Error:')) {
    return { path: null, locations: locationsOf(error), message: syntaxMessage(error) };
  }
  return { path: null, locations: locationsOf(error), message: error.message };
}
