import { describe, expect, it } from 'vitest';
import { evalExpr } from './evaluate.ts';

describe('@aws-appsync/utils/dynamodb builders (docs/APPSYNC-BEHAVIOUR.md#js-dynamodb-helpers recorded outputs; built-in-modules-js.html)', () => {
  it('get', () => {
    expect(evalExpr('ddb.get({ key: { id: "id" } })')).toEqual({ operation: 'GetItem', key: { id: { S: 'id' } } });
  });
  it('get with consistentRead and projection', () => {
    expect(evalExpr('ddb.get({ key: { id: "id" }, consistentRead: true, projection: ["id", "meta.tags"] })')).toEqual({
      operation: 'GetItem', key: { id: { S: 'id' } }, consistentRead: true,
      projection: { expression: '#expName_1, #expName_2.#expName_3', expressionNames: { '#expName_1': 'id', '#expName_2': 'meta', '#expName_3': 'tags' } },
    });
  });
  it('put', () => {
    expect(evalExpr('ddb.put({ key: { id: "abc" }, item: { value: 10 } })')).toEqual({ operation: 'PutItem', key: { id: { S: 'abc' } }, attributeValues: { value: { N: 10 } } });
  });
  it('put with a condition renders it as an expression object', () => {
    expect(evalExpr('ddb.put({ key: { id: "abc" }, item: { value: 10 }, condition: { id: { attributeExists: false } } })')).toEqual({
      operation: 'PutItem', key: { id: { S: 'abc' } }, attributeValues: { value: { N: 10 } },
      condition: { expression: '(attribute_not_exists(#id))', expressionNames: { '#id': 'id' } },
    });
  });
  it('remove', () => {
    expect(evalExpr('ddb.remove({ key: { id: "test" } })')).toEqual({ operation: 'DeleteItem', key: { id: { S: 'test' } } });
  });
  it('scan omits undefined options', () => {
    expect(evalExpr('ddb.scan({ limit: 10, nextToken: "abc", index: undefined })')).toEqual({ operation: 'Scan', limit: 10, nextToken: 'abc' });
  });
  it('update with increment', () => {
    expect(evalExpr('ddb.update({ key: { id: "test" }, update: { age: ddb.operations.increment(10) } })')).toEqual({
      operation: 'UpdateItem', key: { id: { S: 'test' } },
      update: { expression: 'SET #expName_1 = #expName_1 + :expValue_1', expressionNames: { '#expName_1': 'age' }, expressionValues: { ':expValue_1': { N: 10 } } },
    });
  });
  it('update numbers names in key order and joins SET clauses (docs/APPSYNC-BEHAVIOUR.md#js-dynamodb-helpers)', () => {
    expect(evalExpr("ddb.update({ key: { pk: 'u#1' }, update: { name: 'Ana', visits: ddb.operations.increment(2), tags: ddb.operations.append(['x']), old: ddb.operations.prepend([1]), n: ddb.operations.decrement(1), a: ddb.operations.add(5), r: ddb.operations.replace('z'), gone: ddb.operations.remove() } })")).toEqual({
      operation: 'UpdateItem', key: { pk: { S: 'u#1' } },
      update: {
        expression: 'SET #expName_1 = :expValue_1, #expName_2 = #expName_2 + :expValue_2, #expName_3 = list_append(#expName_3, :expValue_3), #expName_4 = list_append(:expValue_4, #expName_4), #expName_5 = #expName_5 - :expValue_5, #expName_6 = :expValue_6, #expName_7 = :expValue_7 REMOVE #expName_8',
        expressionNames: { '#expName_1': 'name', '#expName_2': 'visits', '#expName_3': 'tags', '#expName_4': 'old', '#expName_5': 'n', '#expName_6': 'a', '#expName_7': 'r', '#expName_8': 'gone' },
        expressionValues: { ':expValue_1': { S: 'Ana' }, ':expValue_2': { N: 2 }, ':expValue_3': { L: [{ S: 'x' }] }, ':expValue_4': { L: [{ N: 1 }] }, ':expValue_5': { N: 1 }, ':expValue_6': { N: 5 }, ':expValue_7': { S: 'z' } },
      },
    });
  });
  it('operations markers have the recorded shapes [E]', () => {
    expect(evalExpr('[ddb.operations.add(1), ddb.operations.replace(2), ddb.operations.increment(3), ddb.operations.decrement(4), ddb.operations.append([5]), ddb.operations.prepend([6])]')).toEqual([
      { type: 'OPERATION_ADD', value: 1 }, { type: 'OPERATION_REPLACE', value: 2 }, { type: 'OPERATION_INCREMENT', by: 3 },
      { type: 'OPERATION_DECREMENT', by: 4 }, { type: 'OPERATION_APPEND', items: [5] }, { type: 'OPERATION_PREPEND', items: [6] },
    ]);
  });
  it('query renders the key condition and filter', () => {
    expect(evalExpr('ddb.query({ query: { owner: { eq: "ana" }, createdAt: { beginsWith: "2023" } }, filter: { done: { eq: false } }, index: "byOwner", limit: 2, scanIndexForward: false })')).toEqual({
      operation: 'Query', index: 'byOwner', limit: 2, scanIndexForward: false,
      query: { expression: '(#owner = :owner_eq) AND (begins_with(#createdAt,:createdAt_beginsWith))', expressionNames: { '#owner': 'owner', '#createdAt': 'createdAt' }, expressionValues: { ':owner_eq': { S: 'ana' }, ':createdAt_beginsWith': { S: '2023' } } },
      filter: { expression: '(#done = :done_eq)', expressionNames: { '#done': 'done' }, expressionValues: { ':done_eq': { BOOL: false } } },
    });
  });
  it('sync', () => {
    expect(evalExpr('ddb.sync({ limit: 5, lastSync: 1700000000000 })')).toEqual({ operation: 'Sync', limit: 5, lastSync: 1700000000000 });
  });
  it('batchGet, batchPut and batchDelete key per table', () => {
    expect(evalExpr('[ddb.batchGet({ tables: { T: { keys: [{ id: "1" }], consistentRead: true } } }), ddb.batchPut({ tables: { T: [{ id: "1", n: 2 }] } }), ddb.batchDelete({ tables: { T: [{ id: "1" }] } })]')).toEqual([
      { operation: 'BatchGetItem', tables: { T: { keys: [{ id: { S: '1' } }], consistentRead: true } } },
      { operation: 'BatchPutItem', tables: { T: [{ id: { S: '1' }, n: { N: 2 } }] } },
      { operation: 'BatchDeleteItem', tables: { T: [{ id: { S: '1' } }] } },
    ]);
  });
  it('transactGet and transactWrite', () => {
    expect(evalExpr('[ddb.transactGet({ items: [{ table: "T", key: { id: "1" } }] }), ddb.transactWrite({ items: [{ putItem: { table: "T", key: { id: "1" }, item: { n: 1 }, condition: { id: { attributeExists: false } } } }, { deleteItem: { table: "U", key: { id: "2" } } }, { updateItem: { table: "T", key: { id: "3" }, update: { n: 2 } } }, { conditionCheck: { table: "T", key: { id: "4" }, condition: { n: { gt: 0 } } } }] })]')).toEqual([
      { operation: 'TransactGetItems', transactItems: [{ table: 'T', key: { id: { S: '1' } } }] },
      { operation: 'TransactWriteItems', transactItems: [
        { table: 'T', operation: 'PutItem', key: { id: { S: '1' } }, attributeValues: { n: { N: 1 } }, condition: { expression: '(attribute_not_exists(#id))', expressionNames: { '#id': 'id' } } },
        { table: 'U', operation: 'DeleteItem', key: { id: { S: '2' } } },
        { table: 'T', operation: 'UpdateItem', key: { id: { S: '3' } }, update: { expression: 'SET #expName_1 = :expValue_1', expressionNames: { '#expName_1': 'n' }, expressionValues: { ':expValue_1': { N: 2 } } } },
        { table: 'T', operation: 'ConditionCheck', key: { id: { S: '4' } }, condition: { expression: '(#n > :n_gt)', expressionNames: { '#n': 'n' }, expressionValues: { ':n_gt': { N: 0 } } } },
      ] },
    ]);
  });
  it('toStringSet, toNumberSet and toBinarySet build sets', () => {
    expect(evalExpr('[ddb.toStringSet(["a"]), ddb.toNumberSet([1, 2]), ddb.toBinarySet(["YQ=="])]')).toEqual([{ SS: ['a'] }, { NS: [1, 2] }, { BS: ['YQ=='] }]);
  });
});
