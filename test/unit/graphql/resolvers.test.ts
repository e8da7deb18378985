/**
 * Unit and pipeline resolver flow (docs/APPSYNC-BEHAVIOUR.md#js-pipeline-flow), errors
 * (docs/APPSYNC-BEHAVIOUR.md#js-util-errors) and the context a handler sees
 * (docs/APPSYNC-BEHAVIOUR.md#js-context), with resolver code compiled by the real APPSYNC_JS runtime.
 */
import { describe, expect, it } from 'vitest';
import { API_KEY_AUTH, cognitoAuth, createServiceFixture } from './service-fixture.ts';

const NOTE_SDL = `
  type Query { note(id: ID!): Note  notes: [Note!]  echo(text: String, limit: Int): AWSJSON  strict: Note! }
  type Mutation { rename(id: ID!, name: String!): Note }
  type Note { id: ID! name: String  owner: Owner  secret: String  label: String }
  type Owner { id: ID! name: String }
`;

const PASS_THROUGH = `export function response(ctx) { return ctx.result; }`;

describe('executor: unit resolvers', () => {
  it('sends the request handler payload through the NONE data source to the response handler', async () => {
    const { service } = createServiceFixture({
      sdl: NOTE_SDL,
      code: { 'note.js': `export function request(ctx) { return { payload: { id: ctx.args.id, name: 'n-' + ctx.args.id } }; }\n${PASS_THROUGH}` },
      resolvers: [{ kind: 'UNIT', typeName: 'Query', fieldName: 'note', dataSource: 'none', code: 'note.js' }],
    });
    expect(await service.execute({ query: '{ note(id: "7") { id name } }' }, API_KEY_AUTH)).toEqual({ data: { note: { id: '7', name: 'n-7' } } });
  });

  it('makes a request without payload give ctx.result null, and undefined from the response handler null', async () => {
    const { service } = createServiceFixture({
      sdl: NOTE_SDL,
      code: { 'echo.js': `export function request(ctx) { return {}; }\nexport function response(ctx) { return ctx.result === null ? { wasNull: true } : undefined; }` },
      resolvers: [{ kind: 'UNIT', typeName: 'Query', fieldName: 'echo', dataSource: 'none', code: 'echo.js' }],
    });
    expect(await service.execute({ query: '{ echo }' }, API_KEY_AUTH)).toEqual({ data: { echo: '{"wasNull":true}' } });
  });

  it('skips the data source and response handler on runtime.earlyReturn in the request handler', async () => {
    const { service, lambdaCalls } = createServiceFixture({
      sdl: NOTE_SDL,
      code: {
        'note.js': `import { runtime } from '@aws-appsync/utils';
          export function request(ctx) { runtime.earlyReturn({ id: ctx.args.id, name: 'early' }); return { operation: 'Invoke', payload: {} }; }
          export function response(ctx) { return { id: 'never', name: 'response ran' }; }`,
      },
      dataSources: { fn: { type: 'AWS_LAMBDA', lambda: 'fn', description: '' } },
      lambdas: { fn: () => ({ id: 'lambda' }) },
      resolvers: [{ kind: 'UNIT', typeName: 'Query', fieldName: 'note', dataSource: 'fn', code: 'note.js' }],
    });
    expect(await service.execute({ query: '{ note(id: "1") { id name } }' }, API_KEY_AUTH)).toEqual({ data: { note: { id: '1', name: 'early' } } });
    expect(lambdaCalls).toEqual([]);
  });

  it('resolves fields without a resolver from the parent object, and nested resolvers see it as ctx.source', async () => {
    const { service } = createServiceFixture({
      sdl: NOTE_SDL,
      code: {
        'note.js': `export function request(ctx) { return { payload: { id: ctx.args.id, name: 'n', ownerId: 'o9' } }; }\n${PASS_THROUGH}`,
        'owner.js': `export function request(ctx) { return { payload: { id: ctx.source.ownerId, name: 'owner of ' + ctx.source.id } }; }\n${PASS_THROUGH}`,
      },
      resolvers: [
        { kind: 'UNIT', typeName: 'Query', fieldName: 'note', dataSource: 'none', code: 'note.js' },
        { kind: 'UNIT', typeName: 'Note', fieldName: 'owner', dataSource: 'none', code: 'owner.js' },
      ],
    });
    expect(await service.execute({ query: '{ note(id: "3") { id owner { id name } } }' }, API_KEY_AUTH)).toEqual({
      data: { note: { id: '3', owner: { id: 'o9', name: 'owner of 3' } } },
    });
  });
});

describe('executor: pipeline resolvers', () => {
  const PIPELINE_CODE = {
    'before.js': `export function request(ctx) { ctx.stash.trail = ['before']; return { from: 'before' }; }
      export function response(ctx) { return { id: 'p', name: JSON.stringify({ prev: ctx.prev.result, result: ctx.result, trail: ctx.stash.trail }) }; }`,
    'first.js': `export function request(ctx) { ctx.stash.trail.push('first:' + ctx.prev.result.from); return { payload: { step: 1 } }; }
      export function response(ctx) { ctx.stash.trail.push('first-response'); return { from: 'first', ds: ctx.result }; }`,
    'second.js': `export function request(ctx) { ctx.stash.trail.push('second:' + ctx.prev.result.from); return { payload: { step: 2 } }; }
      export function response(ctx) { return { from: 'second', ds: ctx.result, prevInResponse: ctx.prev.result.from }; }`,
  };
  const PIPELINE = { kind: 'PIPELINE', typeName: 'Query', fieldName: 'note', code: 'before.js', functions: ['first', 'second'] } as const;
  const FUNCTIONS = { first: { dataSource: 'none', code: 'first.js' }, second: { dataSource: 'none', code: 'second.js' } };

  it('runs before, each function with ctx.prev.result and one shared stash, then after with the last result', async () => {
    const { service } = createServiceFixture({ sdl: NOTE_SDL, code: PIPELINE_CODE, functions: FUNCTIONS, resolvers: [PIPELINE] });
    const body = await service.execute({ query: '{ note(id: "1") { id name } }' }, API_KEY_AUTH);
    expect(body).toEqual({ data: { note: { id: 'p', name: expect.any(String) as string } } });
    const note = (body.data?.['note'] ?? {}) as { name: string };
    expect(JSON.parse(note.name)).toEqual({
      prev: { from: 'second', ds: { step: 2 }, prevInResponse: 'first' },
      result: { from: 'second', ds: { step: 2 }, prevInResponse: 'first' },
      trail: ['before', 'first:before', 'first-response', 'second:first'],
    });
  });

  it('skips the rest of the pipeline on earlyReturn with skipTo END, and only the function on the default', async () => {
    const code = {
      ...PIPELINE_CODE,
      'first.js': `import { runtime } from '@aws-appsync/utils';
        export function request(ctx) { ctx.stash.trail.push('first'); runtime.earlyReturn({ from: 'first-early' }, { skipTo: ctx.args.id === 'end' ? 'END' : 'NEXT' }); return {}; }
        export function response(ctx) { ctx.stash.trail.push('first-response'); return ctx.result; }`,
    };
    const { service } = createServiceFixture({ sdl: NOTE_SDL, code, functions: FUNCTIONS, resolvers: [PIPELINE] });
    const end = await service.execute({ query: '{ note(id: "end") { name } }' }, API_KEY_AUTH);
    expect(JSON.parse((end.data?.['note'] as { name: string }).name)).toEqual({ prev: { from: 'first-early' }, result: { from: 'first-early' }, trail: ['before', 'first'] });
    const next = await service.execute({ query: '{ note(id: "next") { name } }' }, API_KEY_AUTH);
    expect(JSON.parse((next.data?.['note'] as { name: string }).name)).toEqual({
      prev: { from: 'second', ds: { step: 2 }, prevInResponse: 'first-early' },
      result: { from: 'second', ds: { step: 2 }, prevInResponse: 'first-early' },
      trail: ['before', 'first', 'second:first-early'],
    });
  });

  it('skips every function when the before handler returns early without skipTo', async () => {
    const code = {
      ...PIPELINE_CODE,
      'before.js': `import { runtime } from '@aws-appsync/utils';
        export function request(ctx) { ctx.stash.trail = ['before']; runtime.earlyReturn({ from: 'before-early' }); }
        export function response(ctx) { return { id: 'p', name: JSON.stringify({ prev: ctx.prev.result, trail: ctx.stash.trail }) }; }`,
    };
    const { service } = createServiceFixture({ sdl: NOTE_SDL, code, functions: FUNCTIONS, resolvers: [PIPELINE] });
    const body = await service.execute({ query: '{ note(id: "1") { name } }' }, API_KEY_AUTH);
    expect(JSON.parse((body.data?.['note'] as { name: string }).name)).toEqual({ prev: { from: 'before-early' }, trail: ['before'] });
  });

  it('aborts the pipeline on util.error in a function: later functions and the after handler do not run', async () => {
    const code = {
      ...PIPELINE_CODE,
      'first.js': `import { util } from '@aws-appsync/utils';
        export function request(ctx) { return { payload: null }; }
        export function response(ctx) { util.error('first failed', 'Pipeline:Stop', null, { step: 1 }); return {}; }`,
    };
    const { service, logs } = createServiceFixture({
      sdl: NOTE_SDL,
      code: { ...code, 'second.js': `export function request(ctx) { console.log('second ran'); return { payload: null }; }\n${PASS_THROUGH}` },
      functions: FUNCTIONS,
      resolvers: [PIPELINE],
    });
    expect(await service.execute({ query: '{ note(id: "1") { name } }' }, API_KEY_AUTH)).toEqual({
      data: { note: null },
      errors: [
        { path: ['note'], data: null, errorType: 'Pipeline:Stop', errorInfo: { step: 1 }, locations: [{ line: 1, column: 3, sourceName: null }], message: 'first failed' },
      ],
    });
    expect(logs).toEqual([]);
  });
});

describe('executor: resolver errors', () => {
  const RENAME_SDL = NOTE_SDL;

  it('turns util.error into a null field and an AppSync error whose data is trimmed to the selection', async () => {
    const { service } = createServiceFixture({
      sdl: RENAME_SDL,
      code: {
        'rename.js': `import { util } from '@aws-appsync/utils';
          export function request(ctx) { return { payload: { id: ctx.args.id, name: 'old', secret: 'x' } }; }
          export function response(ctx) { util.error('rename rejected', 'Project:Conflict', ctx.result, { retryable: false }); return ctx.result; }`,
      },
      resolvers: [{ kind: 'UNIT', typeName: 'Mutation', fieldName: 'rename', dataSource: 'none', code: 'rename.js' }],
    });
    expect(await service.execute({ query: 'mutation {\n  rename(id: "p1", name: "new") { id alias: name }\n}' }, API_KEY_AUTH)).toEqual({
      data: { rename: null },
      errors: [
        {
          path: ['rename'],
          data: { id: 'p1', alias: 'old' },
          errorType: 'Project:Conflict',
          errorInfo: { retryable: false },
          locations: [{ line: 2, column: 3, sourceName: null }],
          message: 'rename rejected',
        },
      ],
    });
  });

  it('keeps the value with util.appendError and adds one error per call', async () => {
    const { service } = createServiceFixture({
      sdl: RENAME_SDL,
      code: {
        'rename.js': `import { util } from '@aws-appsync/utils';
          export function request(ctx) { return { payload: { id: ctx.args.id, name: 'old', secret: 'x' } }; }
          export function response(ctx) { util.appendError('first', 'A'); util.appendError('second', 'B', ctx.result); return ctx.result; }`,
      },
      resolvers: [{ kind: 'UNIT', typeName: 'Mutation', fieldName: 'rename', dataSource: 'none', code: 'rename.js' }],
    });
    expect(await service.execute({ query: 'mutation { rename(id: "p1", name: "new") { id name } }' }, API_KEY_AUTH)).toEqual({
      data: { rename: { id: 'p1', name: 'old' } },
      errors: [
        { path: ['rename'], data: null, errorType: 'A', errorInfo: null, locations: [{ line: 1, column: 12, sourceName: null }], message: 'first' },
        { path: ['rename'], data: { id: 'p1', name: 'old' }, errorType: 'B', errorInfo: null, locations: [{ line: 1, column: 12, sourceName: null }], message: 'second' },
      ],
    });
  });

  it('reports an uncaught exception as errorType Code with its position in the code', async () => {
    const { service } = createServiceFixture({
      sdl: NOTE_SDL,
      code: { 'note.js': `export function request(ctx) { return { payload: ctx.args.missing.deep }; }\n${PASS_THROUGH}` },
      resolvers: [{ kind: 'UNIT', typeName: 'Query', fieldName: 'note', dataSource: 'none', code: 'note.js' }],
    });
    const body = await service.execute({ query: '{ note(id: "1") { id } }' }, API_KEY_AUTH);
    expect(body).toEqual({
      data: { note: null },
      errors: [
        {
          path: ['note'],
          data: null,
          errorType: 'Code',
          errorInfo: null,
          locations: [{ line: 1, column: 3, sourceName: null }],
          message: expect.stringMatching(/^code\.js:1:\d+: TypeError: /) as string,
        },
      ],
    });
  });

  it('propagates an error in a non-null field to the nearest nullable parent', async () => {
    const { service } = createServiceFixture({
      sdl: NOTE_SDL,
      code: {
        'strict.js': `import { util } from '@aws-appsync/utils';
          export function request(ctx) { return { payload: null }; }
          export function response(ctx) { util.error('no strict note', 'Lookup:NotFound'); }`,
        'note.js': `export function request(ctx) { return { payload: { id: ctx.args.id } }; }\n${PASS_THROUGH}`,
      },
      resolvers: [
        { kind: 'UNIT', typeName: 'Query', fieldName: 'strict', dataSource: 'none', code: 'strict.js' },
        { kind: 'UNIT', typeName: 'Query', fieldName: 'note', dataSource: 'none', code: 'note.js' },
      ],
    });
    expect(await service.execute({ query: '{ note(id: "1") { id } strict { id } }' }, API_KEY_AUTH)).toEqual({
      data: null,
      errors: [{ path: ['strict'], data: null, errorType: 'Lookup:NotFound', errorInfo: null, locations: [{ line: 1, column: 24, sourceName: null }], message: 'no strict note' }],
    });
  });

  it("reports a null in a non-null field with graphql-java's message and bubbles it up", async () => {
    const { service } = createServiceFixture({
      sdl: NOTE_SDL,
      code: { 'notes.js': `export function request(ctx) { return { payload: [{ id: 'a' }, { name: 'no id' }] }; }\n${PASS_THROUGH}` },
      resolvers: [{ kind: 'UNIT', typeName: 'Query', fieldName: 'notes', dataSource: 'none', code: 'notes.js' }],
    });
    expect(await service.execute({ query: '{ notes { id name } }' }, API_KEY_AUTH)).toEqual({
      data: { notes: null },
      errors: [{ path: ['notes', 1, 'id'], locations: null, message: "Cannot return null for non-nullable type: 'ID' within parent 'Note' (/notes/1/id)" }],
    });
  });

  it('passes an unchecked data-source error silently: the field is what the handler returned', async () => {
    const { service } = createServiceFixture({
      sdl: NOTE_SDL,
      code: { 'note.js': `export function request(ctx) { return { operation: 'Invoke', payload: {} }; }\n${PASS_THROUGH}` },
      dataSources: { fn: { type: 'AWS_LAMBDA', lambda: 'fn', description: '' } },
      lambdas: {
        fn: () => {
          throw new Error('boom');
        },
      },
      resolvers: [{ kind: 'UNIT', typeName: 'Query', fieldName: 'note', dataSource: 'fn', code: 'note.js' }],
    });
    expect(await service.execute({ query: '{ note(id: "1") { id } }' }, API_KEY_AUTH)).toEqual({ data: { note: null } });
  });
});

describe('executor: the context handlers see', () => {
  it('gives info.selectionSetList / selectionSetGraphQL, variables, identity, headers, env and arguments', async () => {
    const { service } = createServiceFixture({
      sdl: NOTE_SDL,
      code: {
        'note.js': `export function request(ctx) {
            return { payload: { id: 'x', name: JSON.stringify({
              args: ctx.args, info: { fieldName: ctx.info.fieldName, parentTypeName: ctx.info.parentTypeName, variables: ctx.info.variables,
                selectionSetList: ctx.info.selectionSetList, selectionSetGraphQL: ctx.info.selectionSetGraphQL },
              sub: ctx.identity.sub, header: ctx.request.headers['x-trace'], env: ctx.env.STAGE, source: ctx.source }) } };
          }\n${PASS_THROUGH}`,
      },
      resolvers: [{ kind: 'UNIT', typeName: 'Query', fieldName: 'note', dataSource: 'none', code: 'note.js' }],
      auth: { default: { type: 'AMAZON_COGNITO_USER_POOLS' }, additional: [] },
    });
    const auth = { ...cognitoAuth('alice'), headers: { 'x-trace': 't-1' } };
    const query = 'query Q($id: ID!) { note(id: $id) { name ...F owner { id } } } fragment F on Note { label: secret id }';
    const body = await service.execute({ query, variables: { id: 'o-1' } }, auth);
    expect(JSON.parse((body.data?.['note'] as { name: string }).name)).toEqual({
      args: { id: 'o-1' },
      info: {
        fieldName: 'note',
        parentTypeName: 'Query',
        variables: { id: 'o-1' },
        selectionSetList: ['name', 'label', 'id', 'owner', 'owner/id'],
        selectionSetGraphQL: '{\n  name\n  ...F\n  owner {\n    id\n  }\n}',
      },
      sub: 'alice',
      header: 't-1',
      env: 'test',
      source: null,
    });
  });

  it('gives a nullable argument whose variable was not supplied as null (aws-appsync-community#348)', async () => {
    const { service } = createServiceFixture({
      sdl: NOTE_SDL,
      code: { 'echo.js': `export function request(ctx) { return { payload: ctx.args }; }\n${PASS_THROUGH}` },
      resolvers: [{ kind: 'UNIT', typeName: 'Query', fieldName: 'echo', dataSource: 'none', code: 'echo.js' }],
    });
    expect(await service.execute({ query: 'query Q($t: String, $l: Int) { echo(text: $t, limit: $l) }', variables: { l: 3 } }, API_KEY_AUTH)).toEqual({
      data: { echo: '{"limit":3,"text":null}' },
    });
    expect(await service.execute({ query: '{ echo }' }, API_KEY_AUTH)).toEqual({ data: { echo: '{}' } });
  });

  it('forwards console.log lines always and one field-log line per handler with verbose', async () => {
    const code = { 'note.js': `export function request(ctx) { console.log('looking up', ctx.args.id); return { payload: { id: ctx.args.id } }; }\n${PASS_THROUGH}` };
    const resolvers = [{ kind: 'UNIT', typeName: 'Query', fieldName: 'note', dataSource: 'none', code: 'note.js' }] as const;
    const quiet = createServiceFixture({ sdl: NOTE_SDL, code, resolvers });
    await quiet.service.execute({ query: '{ note(id: "4") { id } }' }, API_KEY_AUTH);
    expect(quiet.logs).toHaveLength(1);
    // Prefixed as AWS prints it (field, then the EvaluateCode log form: level, file:line:col, JSON arguments).
    expect(quiet.logs[0]).toMatch(/INFO - code\.js:1:32: "looking up" "4"$/);
    const verbose = createServiceFixture({ sdl: NOTE_SDL, code, resolvers, options: { verbose: true } });
    await verbose.service.execute({ query: '{ note(id: "4") { id } }' }, API_KEY_AUTH);
    expect(verbose.logs.map((l) => l.replace(/\d+\.\d+ms/, 'Tms'))).toEqual([
      verbose.logs[0],
      '[field] Query.note note request Tms -> {"payload":{"id":"4"}}',
      '[field] Query.note note response Tms -> {"id":"4"}',
    ]);
  });
});

describe('executor: start-up and limits', () => {
  it('refuses to start when a resolver bundle lacks a handler or a table has no physical name', () => {
    expect(() =>
      createServiceFixture({
        sdl: NOTE_SDL,
        code: { 'note.js': `export function request(ctx) { return {}; }` },
        resolvers: [{ kind: 'UNIT', typeName: 'Query', fieldName: 'note', dataSource: 'none', code: 'note.js' }],
      }),
    ).toThrow(/The code must export a response function|must export a 'response' function/);
    expect(() =>
      createServiceFixture({
        sdl: NOTE_SDL,
        code: {},
        resolvers: [],
        dataSources: { notesTable: { type: 'AMAZON_DYNAMODB', table: 'notes', description: '' } },
        tableNames: {},
      }),
    ).toThrow("dataSources.notesTable.table: no physical table name given for 'notes'. Received tableNames: {}");
  });

  it('fails resolvers past resolverCountLimit with ResolverExecutionLimitReached', async () => {
    const { service } = createServiceFixture({
      sdl: NOTE_SDL,
      code: {
        'notes.js': `export function request(ctx) { return { payload: [{ id: 'a' }, { id: 'b' }] }; }\n${PASS_THROUGH}`,
        'owner.js': `export function request(ctx) { return { payload: { id: 'o-' + ctx.source.id } }; }\n${PASS_THROUGH}`,
      },
      resolvers: [
        { kind: 'UNIT', typeName: 'Query', fieldName: 'notes', dataSource: 'none', code: 'notes.js' },
        { kind: 'UNIT', typeName: 'Note', fieldName: 'owner', dataSource: 'none', code: 'owner.js' },
      ],
      options: { resolverCountLimit: 2 },
    });
    expect(await service.execute({ query: '{ notes { id owner { id } } }' }, API_KEY_AUTH)).toEqual({
      data: { notes: [{ id: 'a', owner: { id: 'o-a' } }, { id: 'b', owner: null }] },
      errors: [
        {
          path: ['notes', 1, 'owner'],
          data: null,
          errorType: 'ResolverExecutionLimitReached',
          errorInfo: null,
          locations: [{ line: 1, column: 14, sourceName: null }],
          message: 'Resolver execution limit of 2 reached.',
        },
      ],
    });
  });

  it('close() waits for requests in flight and can be called twice', async () => {
    const { service } = createServiceFixture({
      sdl: NOTE_SDL,
      code: { 'note.js': `export function request(ctx) { return { operation: 'Invoke', payload: ctx.args }; }\n${PASS_THROUGH}` },
      dataSources: { slow: { type: 'AWS_LAMBDA', lambda: 'slow', description: '' } },
      lambdas: { slow: (event) => new Promise((resolve) => setTimeout(() => resolve(event), 20)) },
      resolvers: [{ kind: 'UNIT', typeName: 'Query', fieldName: 'note', dataSource: 'slow', code: 'note.js' }],
    });
    let answered = false;
    const pending = service.execute({ query: '{ note(id: "1") { id } }' }, API_KEY_AUTH).then((body) => {
      answered = true;
      return body;
    });
    await service.close();
    expect(answered).toBe(true);
    await service.close();
    expect(await pending).toEqual({ data: { note: { id: '1' } } });
  });
});
