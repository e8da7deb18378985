/**
 * Document-level errors with AppSync's (graphql-java's) wording: `data: null`, `path: null`, no
 * errorType (docs/APPSYNC-BEHAVIOUR.md#document-errors; recorded messages quoted there and in
 * https://github.com/graphql/graphql-over-http/issues/81). Also introspection
 * (docs/APPSYNC-BEHAVIOUR.md#document-errors) and the query depth limit (docs/APPSYNC-BEHAVIOUR.md#request-limits).
 */
import { describe, expect, it } from 'vitest';
import { API_KEY_AUTH, createServiceFixture } from './service-fixture.ts';

const SDL = `
  type Query { getNote(id: ID!): Note  notes(limit: Int): [Note]  deep: Level }
  type Mutation { createNote(input: NoteInput!): Note }
  type Subscription { onNote: Note @aws_subscribe(mutations: ["createNote"]) }
  input NoteInput { title: String!  when: AWSDateTime  tags: [String!] }
  type Note { id: ID!  title: String }
  type Level { name: String  next: Level }
`;

function service(options: { introspection?: boolean; queryDepthLimit?: number } = {}) {
  return createServiceFixture({
    sdl: SDL,
    code: {
      'deep.js': `export function request(ctx) { return { payload: { name: 'l1', next: { name: 'l2', next: { name: 'l3', next: { name: 'l4' } } } } }; }
        export function response(ctx) { return ctx.result; }`,
    },
    resolvers: [{ kind: 'UNIT', typeName: 'Query', fieldName: 'deep', dataSource: 'none', code: 'deep.js' }],
    options,
  }).service;
}

function located(line: number, column: number) {
  return [{ line, column, sourceName: null }];
}

describe('executor: validation errors', () => {
  it('reports an undefined field as FieldUndefined with its path (recorded AppSync response)', async () => {
    expect(await service().execute({ query: '{badfield}' }, API_KEY_AUTH)).toEqual({
      data: null,
      errors: [{ path: null, locations: located(1, 2), message: "Validation error of type FieldUndefined: Field 'badfield' in type 'Query' is undefined @ 'badfield'" }],
    });
    expect(await service().execute({ query: '{ getNote(id: "1") { id bogus } }' }, API_KEY_AUTH)).toEqual({
      data: null,
      errors: [{ path: null, locations: located(1, 25), message: "Validation error of type FieldUndefined: Field 'bogus' in type 'Note' is undefined @ 'getNote/bogus'" }],
    });
  });

  it('reports unknown and missing arguments, sub-selections and unknown types', async () => {
    const cases: [string, string][] = [
      ['{ getNote(id: "1", foo: 2) { id } }', "Validation error of type UnknownArgument: Unknown field argument foo @ 'getNote'"],
      ['{ getNote { id } }', "Validation error of type MissingFieldArgument: Missing field argument id @ 'getNote'"],
      ['{ getNote(id: "1") }', "Validation error of type SubSelectionRequired: Sub selection required for type Note of field getNote @ 'getNote'"],
      ['{ getNote(id: "1") { id { x } } }', "Validation error of type SubSelectionNotAllowed: Sub selection not allowed on leaf type ID! of field id @ 'getNote/id'"],
      ['query Q($t: AWSTimestampX) { notes(limit: 1) { id } }', 'Validation error of type UnknownType: Unknown type AWSTimestampX'],
      ['query Q($id: String) { getNote(id: $id) { id } }', "Validation error of type VariableTypeMismatch: Variable type 'String' doesn't match expected type 'ID!' @ 'getNote'"],
    ];
    for (const [query, message] of cases) {
      const body = await service().execute({ query }, API_KEY_AUTH);
      expect(body.data).toBeNull();
      expect(body.errors?.map((e) => e.message)).toContain(message);
    }
  });

  it('reports a literal of the wrong type as WrongType with the argument path and the value as graphql-java prints it', async () => {
    expect(await service().execute({ query: 'mutation {\n  createNote(input: { title: "t", when: "2019" }) { id }\n}' }, API_KEY_AUTH)).toEqual({
      data: null,
      errors: [
        {
          path: null,
          locations: located(2, 14),
          message: "Validation error of type WrongType: argument 'input.when' with value 'StringValue{value='2019'}' is not a valid 'AWSDateTime' @ 'createNote'",
        },
      ],
    });
    expect(await service().execute({ query: '{ notes(limit: "x") { id } }' }, API_KEY_AUTH)).toEqual({
      data: null,
      errors: [{ path: null, locations: located(1, 9), message: "Validation error of type WrongType: argument 'limit' with value 'StringValue{value='x'}' is not a valid 'Int' @ 'notes'" }],
    });
  });

  it('reports a missing required input field and a null for a non-null argument', async () => {
    const missing = await service().execute({ query: 'mutation { createNote(input: { when: "2020-01-01T00:00Z" }) { id } }' }, API_KEY_AUTH);
    expect(missing.errors?.[0]?.message).toBe(
      "Validation error of type WrongType: argument 'input' with value 'ObjectValue{objectFields=[ObjectField{name='when', value=StringValue{value='2020-01-01T00:00Z'}}]}' is missing required fields '[title]' @ 'createNote'",
    );
    const nulled = await service().execute({ query: '{ getNote(id: null) { id } }' }, API_KEY_AUTH);
    expect(nulled.errors?.[0]?.message).toBe("Validation error of type WrongType: argument 'id' with value 'NullValue{}' must not be null @ 'getNote'");
  });

  it("reports a syntax error with graphql-java's wording", async () => {
    expect(await service().execute({ query: '{ getNote(id: "1") { id }' }, API_KEY_AUTH)).toEqual({
      data: null,
      errors: [{ path: null, locations: located(1, 26), message: "Invalid Syntax : offending token '<EOF>' at line 1 column 26" }],
    });
  });

  it('rejects a subscription sent to execute (HTTP) with UnsupportedOperation', async () => {
    expect(await service().execute({ query: 'subscription { onNote { id } }' }, API_KEY_AUTH)).toEqual({
      data: null,
      errors: [{ errorType: 'UnsupportedOperation', message: 'subscription not supported through HTTP' }],
    });
  });
});

describe('executor: variable errors', () => {
  it('reports a missing or null non-null variable as a coerced Null value (recorded AppSync message)', async () => {
    const query = 'query Q($id: ID!) { getNote(id: $id) { id } }';
    const expected = { data: null, errors: [{ path: null, locations: located(1, 9), message: "Variable 'id' has coerced Null value for NonNull type 'ID!'" }] };
    expect(await service().execute({ query, variables: {} }, API_KEY_AUTH)).toEqual(expected);
    expect(await service().execute({ query, variables: { id: null } }, API_KEY_AUTH)).toEqual(expected);
  });

  it('reports a missing required field inside an input variable as a coerced Null value of its type', async () => {
    const query = 'mutation M($input: NoteInput!) { createNote(input: $input) { id } }';
    expect(await service().execute({ query, variables: { input: { tags: [] } } }, API_KEY_AUTH)).toEqual({
      data: null,
      errors: [{ path: null, locations: located(1, 12), message: "Variable 'input' has coerced Null value for NonNull type 'String!'" }],
    });
  });
});

describe('executor: introspection switch and depth limit', () => {
  it('answers introspection when enabled and fails it as an undefined field when disabled', async () => {
    expect(await service({ introspection: true }).execute({ query: '{ __schema { queryType { name } } }' }, API_KEY_AUTH)).toEqual({
      data: { __schema: { queryType: { name: 'Query' } } },
    });
    expect(await service({ introspection: false }).execute({ query: '{ __schema { queryType { name } } }' }, API_KEY_AUTH)).toEqual({
      data: null,
      errors: [{ path: null, locations: located(1, 3), message: "Validation error of type FieldUndefined: Field '__schema' in type 'Query' is undefined @ '__schema'" }],
    });
    expect(await service({ introspection: false }).execute({ query: '{ __typename }' }, API_KEY_AUTH)).toEqual({ data: { __typename: 'Query' } });
  });

  it('fails fields below the depth limit with QueryDepthLimitReached and keeps the levels above', async () => {
    const query = '{ deep { name next { next { name } } } }';
    expect(await service({ queryDepthLimit: 2 }).execute({ query }, API_KEY_AUTH)).toEqual({
      data: { deep: { name: 'l1', next: { next: null } } },
      errors: [
        {
          path: ['deep', 'next', 'next'],
          data: null,
          errorType: 'QueryDepthLimitReached',
          errorInfo: null,
          locations: located(1, 22),
          message: 'Query depth limit of 2 reached at field next.',
        },
      ],
    });
    expect(await service({ queryDepthLimit: 0 }).execute({ query }, API_KEY_AUTH)).toEqual({
      data: { deep: { name: 'l1', next: { next: { name: 'l3' } } } },
    });
  });
});
