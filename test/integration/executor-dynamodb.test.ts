/**
 * The AMAZON_DYNAMODB data source against a real dynalite on 127.0.0.1 (port 0): every request
 * operation of AppSync's JS reference (docs/APPSYNC-BEHAVIOUR.md#dynamodb-requests-and-results) through a resolver that forwards
 * the request object it is given and returns `{ result: ctx.result, error: ctx.error }`, so each test
 * asserts the whole `ctx.result` / `ctx.error` AppSync would hand the response handler.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, test as base } from 'vitest';
import { API_KEY_AUTH, createServiceFixture } from '../unit/graphql/service-fixture.ts';
import { createLocalDynamoClient, selectedDynamoTargets, type DynamoTarget } from './fixtures/dynamo-targets.ts';

interface DynamoFixture {
  readonly client: DynamoDBClient;
  readonly tableNames: { readonly notes: string; readonly tags: string };
}

function dynamoFixture(target: DynamoTarget) {
  return base.extend<{ dynamo: DynamoFixture }>({
    dynamo: [
      async ({}, use) => {
        const store = await target.start({});
        const client = createLocalDynamoClient(store.endpoint);
        const tableNames = { notes: `notes-${randomUUID()}`, tags: `tags-${randomUUID()}` };
        await client.send(
          new CreateTableCommand({
            TableName: tableNames.notes,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [
              { AttributeName: 'id', AttributeType: 'S' },
              { AttributeName: 'owner', AttributeType: 'S' },
              { AttributeName: 'createdAt', AttributeType: 'S' },
            ],
            KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
            GlobalSecondaryIndexes: [
              {
                IndexName: 'byOwner',
                KeySchema: [
                  { AttributeName: 'owner', KeyType: 'HASH' },
                  { AttributeName: 'createdAt', KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: 'ALL' },
              },
            ],
          }),
        );
        await client.send(
          new CreateTableCommand({
            TableName: tableNames.tags,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [{ AttributeName: 'tag', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'tag', KeyType: 'HASH' }],
          }),
        );
        await use({ client, tableNames });
        client.destroy();
        await store.close();
      },
      { scope: 'file' },
    ],
  });
}

const FORWARD = `export function request(ctx) { return ctx.args.request; }
export function response(ctx) { return { result: ctx.result, error: ctx.error ?? null }; }`;

function service(dynamo: DynamoFixture) {
  return createServiceFixture({
    sdl: 'type Query { ddb(request: AWSJSON!): AWSJSON  other(request: AWSJSON!): AWSJSON  tagsDdb(request: AWSJSON!): AWSJSON }',
    code: { 'forward.js': FORWARD },
    dataSources: {
      notesTable: { type: 'AMAZON_DYNAMODB', table: 'notes', description: '' },
      tagsTable: { type: 'AMAZON_DYNAMODB', table: 'tags', description: '' },
    },
    resolvers: [
      { kind: 'UNIT', typeName: 'Query', fieldName: 'ddb', dataSource: 'notesTable', code: 'forward.js' },
      { kind: 'UNIT', typeName: 'Query', fieldName: 'other', dataSource: 'notesTable', code: 'forward.js' },
      { kind: 'UNIT', typeName: 'Query', fieldName: 'tagsDdb', dataSource: 'tagsTable', code: 'forward.js' },
    ],
    dynamodb: dynamo.client,
    tableNames: dynamo.tableNames,
  }).service;
}

type Svc = ReturnType<typeof service>;

/** Runs one request object through `field` and returns `{ result, error }` as the response handler saw them. */
async function call(svc: Svc, request: unknown, field = 'ddb'): Promise<{ result: unknown; error: unknown }> {
  const body = await svc.execute({ query: `query Q($r: AWSJSON!) { ${field}(request: $r) }`, variables: { r: JSON.stringify(request) } }, API_KEY_AUTH);
  if (body.errors) return { result: body, error: 'graphql' };
  return JSON.parse(String(body.data?.[field])) as { result: unknown; error: unknown };
}

const id = () => `n-${randomUUID()}`;
const CONDITION_FAILED = {
  type: 'DynamoDB:ConditionalCheckFailedException',
  message: expect.stringMatching(/^The conditional request failed \(Service: DynamoDb, Status Code: 400, Request ID: [\w-]+\)$/) as string,
};

for (const target of selectedDynamoTargets()) {
  const test = dynamoFixture(target);

  describe(`executor (${target.name}): DynamoDB item operations`, { timeout: target.timeoutMs }, () => {
    test('PutItem returns the item as written with typed values decoded, GetItem reads it back, numbers stay numbers', async ({ dynamo }) => {
      const svc = service(dynamo);
      const key = id();
      const attributeValues = {
        n: { N: 10 },
        ns: { N: '2.5' },
        b: { B: 'aGk=' },
        flag: { BOOL: true },
        nothing: { NULL: true },
        list: { L: [{ S: 'a' }, { N: 1 }] },
        map: { M: { inner: { SS: ['x', 'y'] }, nums: { NS: [1, '2'] } } },
      };
      const written = { id: key, n: 10, ns: 2.5, b: 'aGk=', flag: true, nothing: null, list: ['a', 1], map: { inner: ['x', 'y'], nums: [1, 2] } };
      expect(await call(svc, { operation: 'PutItem', key: { id: { S: key } }, attributeValues })).toEqual({ result: written, error: null });
      expect(await call(svc, { operation: 'GetItem', key: { id: { S: key } }, consistentRead: true })).toEqual({ result: written, error: null });
      const stored = await dynamo.client.send(new GetItemCommand({ TableName: dynamo.tableNames.notes, Key: { id: { S: key } } }));
      expect(stored.Item?.['n']).toEqual({ N: '10' });
      expect(await call(svc, { operation: 'GetItem', key: { id: { S: 'missing' } } })).toEqual({ result: null, error: null });
      expect(await call(svc, { operation: 'GetItem', key: { id: { S: key } }, projection: { expression: '#n, #f', expressionNames: { '#n': 'n', '#f': 'flag' } } })).toEqual({
        result: { n: 10, flag: true },
        error: null,
      });
    });

    test('PutItem with a failed condition gives ConditionalCheckFailedException and the stored item, unless the stored item is identical', async ({ dynamo }) => {
      const svc = service(dynamo);
      const key = id();
      const condition = { expression: 'attribute_not_exists(#id)', expressionNames: { '#id': 'id' } };
      await call(svc, { operation: 'PutItem', key: { id: { S: key } }, attributeValues: { title: { S: 'first' }, rev: { N: 1 } } });
      expect(await call(svc, { operation: 'PutItem', key: { id: { S: key } }, attributeValues: { title: { S: 'second' }, rev: { N: 2 } }, condition })).toEqual({
        result: { id: key, title: 'first', rev: 1 },
        error: CONDITION_FAILED,
      });
      // docs/APPSYNC-BEHAVIOUR.md#dynamodb-condition-failures: an identical item (modulo equalsIgnore) counts as success.
      expect(await call(svc, { operation: 'PutItem', key: { id: { S: key } }, attributeValues: { title: { S: 'first' }, rev: { N: '1' } }, condition })).toEqual({
        result: { id: key, title: 'first', rev: 1 },
        error: null,
      });
      expect(
        await call(svc, { operation: 'PutItem', key: { id: { S: key } }, attributeValues: { title: { S: 'first' }, rev: { N: 5 } }, condition: { ...condition, equalsIgnore: ['rev'] } }),
      ).toEqual({ result: { id: key, title: 'first', rev: 1 }, error: null });
    });

    test('UpdateItem returns all attributes after the update; a failed condition returns the stored item', async ({ dynamo }) => {
      const svc = service(dynamo);
      const key = id();
      await call(svc, { operation: 'PutItem', key: { id: { S: key } }, attributeValues: { visits: { N: 1 }, title: { S: 't' } } });
      const update = {
        expression: 'SET #v = #v + :inc, #t = :t REMOVE #gone',
        expressionNames: { '#v': 'visits', '#t': 'title', '#gone': 'gone' },
        expressionValues: { ':inc': { N: 2 }, ':t': { S: 'new' } },
      };
      expect(await call(svc, { operation: 'UpdateItem', key: { id: { S: key } }, update })).toEqual({ result: { id: key, visits: 3, title: 'new' }, error: null });
      expect(
        await call(svc, {
          operation: 'UpdateItem',
          key: { id: { S: key } },
          update,
          condition: { expression: '#t = :expected', expressionNames: { '#t': 'title' }, expressionValues: { ':expected': { S: 'old' } } },
        }),
      ).toEqual({ result: { id: key, visits: 3, title: 'new' }, error: CONDITION_FAILED });
    });

    test('DeleteItem returns the deleted item, null when nothing was there, and succeeds when a condition fails on an item already gone', async ({ dynamo }) => {
      const svc = service(dynamo);
      const key = id();
      await call(svc, { operation: 'PutItem', key: { id: { S: key } }, attributeValues: { title: { S: 't' } } });
      const condition = { expression: 'attribute_exists(#id)', expressionNames: { '#id': 'id' } };
      expect(await call(svc, { operation: 'DeleteItem', key: { id: { S: key } }, condition })).toEqual({ result: { id: key, title: 't' }, error: null });
      expect(await call(svc, { operation: 'DeleteItem', key: { id: { S: key } } })).toEqual({ result: null, error: null });
      expect(await call(svc, { operation: 'DeleteItem', key: { id: { S: key } }, condition })).toEqual({ result: null, error: null });
      const other = id();
      await call(svc, { operation: 'PutItem', key: { id: { S: other } }, attributeValues: { title: { S: 'keep' } } });
      expect(
        await call(svc, { operation: 'DeleteItem', key: { id: { S: other } }, condition: { expression: '#t = :x', expressionNames: { '#t': 'title' }, expressionValues: { ':x': { S: 'other' } } } }),
      ).toEqual({ result: { id: other, title: 'keep' }, error: CONDITION_FAILED });
    });
  });

  describe(`executor (${target.name}): DynamoDB Query and Scan`, { timeout: target.timeoutMs }, () => {
    test('Query pages through an index with filter, limit and an opaque nextToken; scannedCount counts before the filter', async ({ dynamo }) => {
      const svc = service(dynamo);
      const owner = `o-${randomUUID()}`;
      for (const [i, done] of [false, true, false, false].entries()) {
        await dynamo.client.send(
          new PutItemCommand({ TableName: dynamo.tableNames.notes, Item: { id: { S: `${owner}-${i}` }, owner: { S: owner }, createdAt: { S: `2024-01-0${i + 1}` }, done: { BOOL: done } } }),
        );
      }
      const note = (i: number) => ({ id: `${owner}-${i}`, owner, createdAt: `2024-01-0${i + 1}`, done: false });
      const request = {
        operation: 'Query',
        index: 'byOwner',
        query: { expression: '#o = :o', expressionNames: { '#o': 'owner' }, expressionValues: { ':o': { S: owner } } },
        filter: { expression: '#d = :d', expressionNames: { '#d': 'done' }, expressionValues: { ':d': { BOOL: false } } },
        scanIndexForward: false,
        limit: 3,
      };
      const first = (await call(svc, request)) as { result: { items: unknown[]; nextToken: string; scannedCount: number }; error: null };
      expect(first).toEqual({ result: { items: [note(3), note(2)], nextToken: expect.any(String) as string, scannedCount: 3 }, error: null });
      expect(Buffer.from(first.result.nextToken, 'base64').toString('utf8')).not.toContain(owner);
      expect(await call(svc, { ...request, nextToken: first.result.nextToken })).toEqual({ result: { items: [note(0)], nextToken: null, scannedCount: 1 }, error: null });
    });

    test('rejects a nextToken issued to another resolver, or forged, as AppSync does', async ({ dynamo }) => {
      const svc = service(dynamo);
      const page = (await call(svc, { operation: 'Scan', limit: 1 })) as { result: { nextToken: string } };
      const invalid = {
        result: null,
        error: { type: 'DynamoDB:UserIllegalArgumentException', message: 'com.amazonaws.deepdish.common.pagination.InvalidPaginationTokenException: Invalid pagination token given.' },
      };
      expect(await call(svc, { operation: 'Scan', limit: 1, nextToken: page.result.nextToken }, 'other')).toEqual(invalid);
      const forged = Buffer.from(JSON.stringify({ version: 2, token: Buffer.from('{"id":{"S":"x"}}').toString('base64') })).toString('base64');
      expect(await call(svc, { operation: 'Scan', limit: 1, nextToken: forged })).toEqual(invalid);
    });

    test('Scan applies a filter and reports scannedCount', async ({ dynamo }) => {
      const svc = service(dynamo);
      await call(svc, { operation: 'PutItem', key: { tag: { S: 'red' } }, attributeValues: { uses: { N: 3 } } }, 'tagsDdb');
      await call(svc, { operation: 'PutItem', key: { tag: { S: 'blue' } }, attributeValues: { uses: { N: 9 } } }, 'tagsDdb');
      expect(await call(svc, { operation: 'Scan', filter: { expression: '#u > :min', expressionNames: { '#u': 'uses' }, expressionValues: { ':min': { N: 5 } } } }, 'tagsDdb')).toEqual({
        result: { items: [{ tag: 'blue', uses: 9 }], nextToken: null, scannedCount: 2 },
        error: null,
      });
    });
  });

  describe(`executor (${target.name}): DynamoDB batches, transactions and unsupported requests`, { timeout: target.timeoutMs }, () => {
    test('BatchPutItem, BatchGetItem (request order, null holes) and BatchDeleteItem (keys back) across tables by logical name', async ({ dynamo }) => {
      const svc = service(dynamo);
      const [a, b] = [id(), id()];
      expect(
        await call(svc, {
          operation: 'BatchPutItem',
          tables: { notes: [{ id: { S: a }, title: { S: 'A' } }, { id: { S: b }, title: { S: 'B' } }], [dynamo.tableNames.tags]: [{ tag: { S: 'green' }, uses: { N: 1 } }] },
        }),
      ).toEqual({
        result: {
          data: { notes: [{ id: a, title: 'A' }, { id: b, title: 'B' }], [dynamo.tableNames.tags]: [{ tag: 'green', uses: 1 }] },
          unprocessedItems: { notes: [], [dynamo.tableNames.tags]: [] },
        },
        error: null,
      });
      expect(await call(svc, { operation: 'BatchGetItem', tables: { notes: { keys: [{ id: { S: b } }, { id: { S: 'missing' } }, { id: { S: a } }], consistentRead: true } } })).toEqual({
        result: { data: { notes: [{ id: b, title: 'B' }, null, { id: a, title: 'A' }] }, unprocessedKeys: { notes: [] } },
        error: null,
      });
      expect(await call(svc, { operation: 'BatchDeleteItem', tables: { notes: [{ id: { S: a } }, { id: { S: b } }] } })).toEqual({
        result: { data: { notes: [{ id: a }, { id: b }] }, unprocessedKeys: { notes: [] } },
        error: null,
      });
      expect(await call(svc, { operation: 'GetItem', key: { id: { S: a } } })).toEqual({ result: null, error: null });
    });

    // dynalite has no transactions; DynamoDB Local has them (one of the two tests runs per target).
    if (target.name === 'dynalite') {
      test('TransactWriteItems and TransactGetItems surface the store\'s error as ctx.error (dynalite has no transactions)', async ({ dynamo }) => {
        const svc = service(dynamo);
        const unknown = { result: null, error: { type: 'DynamoDB:UnknownOperationException', message: expect.stringMatching(/^UnknownOperationException|^[A-Za-z ]*\(Service: DynamoDb, Status Code: 400/) as string } };
        expect(await call(svc, { operation: 'TransactWriteItems', transactItems: [{ table: 'notes', operation: 'PutItem', key: { id: { S: id() } }, attributeValues: { x: { N: 1 } } }] })).toEqual(unknown);
        expect(await call(svc, { operation: 'TransactGetItems', transactItems: [{ table: 'notes', key: { id: { S: id() } } }] })).toEqual(unknown);
      });
    }

    if (target.name === 'dynamodb-local') {
      test('TransactWriteItems returns the keys written, TransactGetItems the items in request order with null holes (docs/APPSYNC-BEHAVIOUR.md#dynamodb-batch-and-transactions)', async ({ dynamo }) => {
        const svc = service(dynamo);
        const [a, b] = [id(), id()];
        expect(
          await call(svc, {
            operation: 'TransactWriteItems',
            transactItems: [
              { table: 'notes', operation: 'PutItem', key: { id: { S: a } }, attributeValues: { x: { N: 1 } } },
              { table: 'notes', operation: 'PutItem', key: { id: { S: b } }, attributeValues: { x: { N: 2 } } },
            ],
          }),
        ).toEqual({ result: { keys: [{ id: a }, { id: b }], cancellationReasons: null }, error: null });
        expect(await call(svc, { operation: 'TransactGetItems', transactItems: [{ table: 'notes', key: { id: { S: b } } }, { table: 'notes', key: { id: { S: 'missing' } } }, { table: 'notes', key: { id: { S: a } } }] })).toEqual({
          result: { items: [{ id: b, x: 2 }, null, { id: a, x: 1 }], cancellationReasons: null },
          error: null,
        });
      });
    }

    test('rejects Sync (no versioned data source) and unknown operations as MappingTemplate errors that null the field', async ({ dynamo }) => {
      const svc = service(dynamo);
      const query = 'query Q($r: AWSJSON!) { ddb(request: $r) }';
      expect(await svc.execute({ query, variables: { r: JSON.stringify({ operation: 'Sync', limit: 10 }) } }, API_KEY_AUTH)).toEqual({
        data: { ddb: null },
        errors: [
          {
            path: ['ddb'],
            data: null,
            errorType: 'MappingTemplate',
            errorInfo: null,
            locations: [{ line: 1, column: 25, sourceName: null }],
            message: 'Sync operation is only supported on versioned data sources (conflict detection and resolution must be enabled on the data source).',
          },
        ],
      });
      const bad = await svc.execute({ query, variables: { r: JSON.stringify({ operation: 'GetItem', key: { id: { Q: 'x' } } }) } }, API_KEY_AUTH);
      expect(bad).toEqual({
        data: { ddb: null },
        errors: [{ path: ['ddb'], data: null, errorType: 'MappingTemplate', errorInfo: null, locations: [{ line: 1, column: 25, sourceName: null }], message: 'key.id: unknown type Q' }],
      });
    });
  });
}
