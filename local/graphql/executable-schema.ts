/**
 * Private copies of the API's schema for the executor. The schema handed in (from
 * `validateDefinition`) is shared with other parts of the host, so it is never mutated: we rebuild it
 * from its SDL nodes and give the copy AppSync's scalars and our field resolvers.
 */
import {
  buildASTSchema,
  isScalarType,
  isSpecifiedScalarType,
  isIntrospectionType,
  isSpecifiedDirective,
  Kind,
  type DefinitionNode,
  type GraphQLSchema,
} from 'graphql';
import { APPSYNC_SCALARS } from './scalars.ts';

function schemaDefinitions(schema: GraphQLSchema): DefinitionNode[] {
  const definitions: DefinitionNode[] = [];
  if (schema.astNode) definitions.push(schema.astNode);
  definitions.push(...schema.extensionASTNodes);
  for (const directive of schema.getDirectives()) {
    if (isSpecifiedDirective(directive)) continue;
    if (!directive.astNode) throw new Error(`schema: directive @${directive.name} has no SDL definition`);
    definitions.push(directive.astNode);
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
    if (!type.astNode) throw new Error(`schema: type ${type.name} has no SDL definition (build the schema from SDL)`);
    definitions.push(type.astNode, ...type.extensionASTNodes);
  }
  return definitions;
}

/**
 * A fresh copy of `schema` whose AppSync scalars behave as AppSync's do. With `serializedOutput`,
 * output values are taken as already serialized (used to project published mutation payloads, which
 * hold the wire values the mutation's caller received).
 */
export function buildExecutableSchema(schema: GraphQLSchema, options: { readonly serializedOutput: boolean }): GraphQLSchema {
  const copy = buildASTSchema({ kind: Kind.DOCUMENT, definitions: schemaDefinitions(schema) }, { assumeValidSDL: true });
  for (const [name, behaviour] of Object.entries(APPSYNC_SCALARS)) {
    const type = copy.getType(name);
    if (!type || !isScalarType(type)) continue;
    type.serialize = options.serializedOutput ? (value: unknown) => value : behaviour.serialize;
    type.parseValue = behaviour.parseValue;
    type.parseLiteral = behaviour.parseLiteral;
  }
  return copy;
}
