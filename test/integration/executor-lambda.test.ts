/**
 * The AWS_LAMBDA data source with real handler modules loaded by `createLambdaInvoker` from a temp
 * folder (docs/APPSYNC-BEHAVIOUR.md#lambda-invoke, #lambda-batchinvoke, #lambda-errors): the event AppSync sends, BatchInvoke grouping sibling fields
 * up to `maxBatchSize`, `Lambda:Unhandled` errors, `createHandler(env)`, and reloading a changed bundle.
 */
import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test as base } from 'vitest';
import type { ApiDefinition, LambdaDefinition } from '../../api/types.ts';
import { createLambdaInvoker, type LambdaInvoker } from '../../local/lambda/load-lambda.ts';
import { API_KEY_AUTH, createServiceFixture } from '../unit/graphql/service-fixture.ts';

const HANDLERS: Readonly<Record<string, string>> = {
  echo: `export const handler = async (event, context) => ({ event, functionName: context.functionName, remaining: context.getRemainingTimeInMillis() > 0 });`,
  withEnv: `export function createHandler(env) { return async (event) => ({ stage: env.STAGE, event }); }
    export const handler = async () => ({ stage: 'from handler' });`,
  urls: `export const handler = async (events) => events.map((e) => e.id === 'bad' ? { data: null, errorMessage: 'no url for bad', errorType: 'Url:Missing' } : 'https://files.local/' + e.id + '?batch=' + events.length);`,
  fails: `export const handler = async () => { const e = new Error('kaput'); e.name = 'CustomError'; throw e; };`,
  wrongBatch: `export const handler = async () => 'not an array';`,
  reloadable: `export const handler = async () => 'v1';`,
};

function lambdaDefinition(): LambdaDefinition {
  return { entry: 'x.ts', handler: 'handler', memorySize: 128, timeoutSeconds: 3, permissions: {} };
}

const test = base.extend<{ lambdas: { dir: string; invoker: LambdaInvoker } }>({
  lambdas: [
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'executor-lambda-'));
      for (const [name, source] of Object.entries(HANDLERS)) {
        mkdirSync(join(dir, name));
        writeFileSync(join(dir, name, 'index.mjs'), source);
      }
      const api = { lambdas: Object.fromEntries(Object.keys(HANDLERS).map((n) => [n, lambdaDefinition()])) } as unknown as ApiDefinition; // only `lambdas` is read by the invoker
      const invoker = createLambdaInvoker({ api, env: { STAGE: 'itest' }, bundlePath: (name) => join(dir, name, 'index.mjs') });
      await use({ dir, invoker });
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'file' },
  ],
});

const SDL = `
  type Query { note(id: ID!): Note  notes(ids: [ID!]!): [Note]  env: AWSJSON  failing: String  wrong: [Item] }
  type Note { id: ID!  url: String  info: AWSJSON }
  type Item { id: ID!  url: String }
`;

function service(invoker: LambdaInvoker) {
  return createServiceFixture({
    sdl: SDL,
    code: {
      'note.js': `export function request(ctx) { return { operation: 'Invoke', payload: { field: ctx.info.fieldName, arguments: ctx.args, identity: ctx.identity, selection: ctx.info.selectionSetList } }; }
        export function response(ctx) { return { id: ctx.args.id, info: ctx.result }; }`,
      'notes.js': `export function request(ctx) { return { payload: ctx.args.ids.map((id) => ({ id })) }; }\nexport function response(ctx) { return ctx.result; }`,
      'url.js': `import { util } from '@aws-appsync/utils';
        export function request(ctx) { return { operation: 'BatchInvoke', payload: { id: ctx.source.id } }; }
        export function response(ctx) { if (ctx.error) util.error(ctx.error.message, ctx.error.type); return ctx.result; }`,
      'env.js': `export function request(ctx) { return { operation: 'Invoke', payload: 'ping' }; }\nexport function response(ctx) { return ctx.result; }`,
      'failing.js': `import { util } from '@aws-appsync/utils';
        export function request(ctx) { return { operation: 'Invoke' }; }
        export function response(ctx) { if (ctx.error) util.error(ctx.error.message, ctx.error.type, ctx.result); return ctx.result; }`,
      'wrong.js': `export function request(ctx) { return { payload: [{ id: 'a' }] }; }\nexport function response(ctx) { return ctx.result; }`,
    },
    dataSources: {
      echo: { type: 'AWS_LAMBDA', lambda: 'echo', description: '' },
      urls: { type: 'AWS_LAMBDA', lambda: 'urls', description: '' },
      withEnv: { type: 'AWS_LAMBDA', lambda: 'withEnv', description: '' },
      fails: { type: 'AWS_LAMBDA', lambda: 'fails', description: '' },
      wrongBatch: { type: 'AWS_LAMBDA', lambda: 'wrongBatch', description: '' },
    },
    resolvers: [
      { kind: 'UNIT', typeName: 'Query', fieldName: 'note', dataSource: 'echo', code: 'note.js' },
      { kind: 'UNIT', typeName: 'Query', fieldName: 'notes', dataSource: 'none', code: 'notes.js' },
      { kind: 'UNIT', typeName: 'Note', fieldName: 'url', dataSource: 'urls', code: 'url.js', maxBatchSize: 2 },
      { kind: 'UNIT', typeName: 'Query', fieldName: 'env', dataSource: 'withEnv', code: 'env.js' },
      { kind: 'UNIT', typeName: 'Query', fieldName: 'failing', dataSource: 'fails', code: 'failing.js' },
      { kind: 'UNIT', typeName: 'Query', fieldName: 'wrong', dataSource: 'none', code: 'wrong.js' },
      { kind: 'UNIT', typeName: 'Item', fieldName: 'url', dataSource: 'wrongBatch', code: 'url.js', maxBatchSize: 5 },
    ],
    invokeLambda: (name, event) => invoker.invoke(name, event),
  });
}

describe('executor: Lambda Invoke', () => {
  test('sends the payload as the event and gives the handler a Lambda context', async ({ lambdas }) => {
    const { service: svc, lambdaCalls } = service(lambdas.invoker);
    expect(await svc.execute({ query: '{ note(id: "o-1") { id info } }' }, API_KEY_AUTH)).toEqual({
      data: {
        note: {
          id: 'o-1',
          info: JSON.stringify({ event: { field: 'note', arguments: { id: 'o-1' }, identity: null, selection: ['id', 'info'] }, functionName: 'echo', remaining: true }),
        },
      },
    });
    expect(lambdaCalls).toEqual([{ name: 'echo', event: { field: 'note', arguments: { id: 'o-1' }, identity: null, selection: ['id', 'info'] } }]);
  });

  test('calls createHandler(env) when the bundle exports it', async ({ lambdas }) => {
    const { service: svc } = service(lambdas.invoker);
    expect(await svc.execute({ query: '{ env }' }, API_KEY_AUTH)).toEqual({ data: { env: '{"stage":"itest","event":"ping"}' } });
  });

  test('surfaces a thrown error as Lambda:Unhandled with its message, whatever its own name', async ({ lambdas }) => {
    const { service: svc } = service(lambdas.invoker);
    expect(await svc.execute({ query: '{ failing }' }, API_KEY_AUTH)).toEqual({
      data: { failing: null },
      errors: [{ path: ['failing'], data: null, errorType: 'Lambda:Unhandled', errorInfo: null, locations: [{ line: 1, column: 3, sourceName: null }], message: 'kaput' }],
    });
  });

  test('loads a rebuilt bundle on the next call', async ({ lambdas }) => {
    const file = join(lambdas.dir, 'reloadable', 'index.mjs');
    expect(await lambdas.invoker.invoke('reloadable', null)).toBe('v1');
    writeFileSync(file, `export const handler = async () => 'v2';`);
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    expect(await lambdas.invoker.invoke('reloadable', null)).toBe('v2');
  });
});

describe('executor: Lambda BatchInvoke', () => {
  test('batches sibling fields into invocations of at most maxBatchSize, in order', async ({ lambdas }) => {
    const { service: svc, lambdaCalls } = service(lambdas.invoker);
    expect(await svc.execute({ query: '{ notes(ids: ["a", "b", "c"]) { id url } }' }, API_KEY_AUTH)).toEqual({
      data: {
        notes: [
          { id: 'a', url: 'https://files.local/a?batch=2' },
          { id: 'b', url: 'https://files.local/b?batch=2' },
          { id: 'c', url: 'https://files.local/c?batch=1' },
        ],
      },
    });
    expect(lambdaCalls).toEqual([
      { name: 'urls', event: [{ id: 'a' }, { id: 'b' }] },
      { name: 'urls', event: [{ id: 'c' }] },
    ]);
  });

  test('maps a { data, errorMessage, errorType } element to that item ctx.error', async ({ lambdas }) => {
    const { service: svc } = service(lambdas.invoker);
    expect(await svc.execute({ query: '{ notes(ids: ["a", "bad"]) { id url } }' }, API_KEY_AUTH)).toEqual({
      data: { notes: [{ id: 'a', url: 'https://files.local/a?batch=2' }, { id: 'bad', url: null }] },
      errors: [{ path: ['notes', 1, 'url'], data: null, errorType: 'Url:Missing', errorInfo: null, locations: [{ line: 1, column: 33, sourceName: null }], message: 'no url for bad' }],
    });
  });

  test('fails every item of a batch whose response is not an array of the same length', async ({ lambdas }) => {
    const { service: svc } = service(lambdas.invoker);
    expect(await svc.execute({ query: '{ wrong { id url } }' }, API_KEY_AUTH)).toEqual({
      data: { wrong: [{ id: 'a', url: null }] },
      errors: [
        {
          path: ['wrong', 0, 'url'],
          data: null,
          errorType: 'Lambda:Unhandled',
          errorInfo: null,
          locations: [{ line: 1, column: 14, sourceName: null }],
          message: 'BatchInvoke: the Lambda must return an array of 1 elements (one per payload, in order), got string',
        },
      ],
    });
  });
});
