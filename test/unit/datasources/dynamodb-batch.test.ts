/**
 * BatchGetItem answers per table in the order of the request's keys, whatever order DynamoDB returns
 * the items in: each key gets the first item whose key attributes equal it (numbers compared by
 * value), null when none was returned. The store here is a stand-in transport that answers with
 * fixed items; the real store is covered by the integration tests against dynalite.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createBatchOperations } from '../../../local/datasources/dynamodb-batch.ts';
import type { DynamoDBOperationName, DynamoDBOperations, DynamoDBTransport } from '../../../local/datasources/dynamodb-transport.ts';

type Item = Record<string, AttributeValue>;

function answering(responses: Record<string, Item[]>, unprocessed: Record<string, Item[]> = {}): { transport: DynamoDBTransport; sent: unknown[] } {
  const sent: unknown[] = [];
  const transport: DynamoDBTransport = {
    send: async <K extends DynamoDBOperationName>(operation: K, input: DynamoDBOperations[K][0]) => {
      sent.push({ operation, input });
      const keys = Object.fromEntries(Object.entries(unprocessed).map(([table, left]) => [table, { Keys: left }]));
      return { Responses: responses, UnprocessedKeys: keys } as unknown as DynamoDBOperations[K][1];
    },
    close: () => undefined,
  };
  return { transport, sent };
}

describe('DynamoDB data source: BatchGetItem', () => {
  it('answers in key order with nulls for missing items, matching numbers by value and composite keys on every attribute', async () => {
    const { transport } = answering({
      'phys-assets': [
        { id: { S: 'c' }, name: { S: 'third' } },
        { id: { S: 'a' }, name: { S: 'first' } },
        { id: { S: 'a' }, name: { S: 'duplicate, never chosen' } },
      ],
      'phys-scores': [
        { pk: { S: 'p' }, n: { N: '2.50' }, v: { S: 'two and a half' } },
        { pk: { S: 'q' }, n: { N: '1' }, v: { S: 'q one' } },
        { pk: { S: 'p' }, n: { N: '1' }, v: { S: 'p one' } },
        { n: { N: '3' }, v: { S: 'no pk' } },
      ],
    });
    const batch = createBatchOperations({ transport, tableNames: { assets: 'phys-assets', scores: 'phys-scores' } });
    const outcome = await batch.batchGetItem(
      {
        operation: 'BatchGetItem',
        tables: {
          assets: { keys: [{ id: { S: 'a' } }, { id: { S: 'b' } }, { id: { S: 'c' } }] },
          scores: { keys: [{ pk: { S: 'p' }, n: { N: '1' } }, { pk: { S: 'p' }, n: { N: '2.5' } }, { n: { N: '3' }, pk: { S: 'p' } }] },
        },
      },
      { request: null, scope: 'test', requestKey: {}, maxBatchSize: 1 },
    );
    expect(outcome).toEqual({
      result: {
        data: {
          assets: [{ id: 'a', name: 'first' }, null, { id: 'c', name: 'third' }],
          scores: [{ pk: 'p', n: 1, v: 'p one' }, { pk: 'p', n: 2.5, v: 'two and a half' }, null],
        },
        unprocessedKeys: { assets: [], scores: [] },
      },
    });
  });

  it('lists the unprocessed keys per table, and their items stay null', async () => {
    const { transport } = answering({ 'phys-assets': [{ id: { S: 'a' } }] }, { 'phys-assets': [{ id: { S: 'b' } }] });
    const batch = createBatchOperations({ transport, tableNames: { assets: 'phys-assets' } });
    const outcome = await batch.batchGetItem({ operation: 'BatchGetItem', tables: { assets: { keys: [{ id: { S: 'b' } }, { id: { S: 'a' } }] } } }, { request: null, scope: 'test', requestKey: {}, maxBatchSize: 1 });
    expect(outcome).toEqual({ result: { data: { assets: [null, { id: 'a' }] }, unprocessedKeys: { assets: [{ id: 'b' }] } } });
  });
});
