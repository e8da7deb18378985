import { describe, expect, it } from 'vitest';
import { evalExpr } from './evaluate.ts';

describe('util.dynamodb (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers; dynamodb-helpers-in-util-dynamodb-js.html)', () => {
  it('toMapValues converts recursively; numbers stay numbers, arrays become L, null becomes NULL [E]', () => {
    expect(evalExpr('util.dynamodb.toMapValues({ pk: "u#7", age: 41, tags: ["a", 2], meta: { ok: true, n: null }, gone: undefined })')).toEqual({
      pk: { S: 'u#7' }, age: { N: 41 }, tags: { L: [{ S: 'a' }, { N: 2 }] }, meta: { M: { ok: { BOOL: true }, n: { NULL: null } } },
    });
  });
  it('toDynamoDB wraps each JS type', () => {
    expect(evalExpr('[util.dynamodb.toDynamoDB("s"), util.dynamodb.toDynamoDB(12.5), util.dynamodb.toDynamoDB(false), util.dynamodb.toDynamoDB(null), util.dynamodb.toDynamoDB({ a: [1] })]')).toEqual([
      { S: 's' }, { N: 12.5 }, { BOOL: false }, { NULL: null }, { M: { a: { L: [{ N: 1 }] } } },
    ]);
  });
  it('the scalar and set helpers wrap values and return null for null input', () => {
    expect(evalExpr('[util.dynamodb.toString("a"), util.dynamodb.toNumber(3), util.dynamodb.toBoolean(true), util.dynamodb.toBinary("YQ=="), util.dynamodb.toStringSet(["a", "b"]), util.dynamodb.toNumberSet([1, 23, 4.56]), util.dynamodb.toBinarySet(["YQ=="]), util.dynamodb.toNull(), util.dynamodb.toString(null), util.dynamodb.toNumberSet(null)]')).toEqual([
      { S: 'a' }, { N: 3 }, { BOOL: true }, { B: 'YQ==' }, { SS: ['a', 'b'] }, { NS: [1, 23, 4.56] }, { BS: ['YQ=='] }, { NULL: null }, null, null,
    ]);
  });
  it('toList and toMap wrap arrays and objects', () => {
    expect(evalExpr('[util.dynamodb.toList(["x", 1]), util.dynamodb.toMap({ a: "b" })]')).toEqual([{ L: [{ S: 'x' }, { N: 1 }] }, { M: { a: { S: 'b' } } }]);
  });
  it('toS3Object emits compact JSON in key/bucket/region/version order [E]', () => {
    expect(evalExpr('[util.dynamodb.toS3Object("k.png", "bkt", "eu-west-1"), util.dynamodb.toS3Object("k.png", "bkt", "eu-west-1", "v1")]')).toEqual([
      { S: '{"s3":{"key":"k.png","bucket":"bkt","region":"eu-west-1"}}' },
      { S: '{"s3":{"key":"k.png","bucket":"bkt","region":"eu-west-1","version":"v1"}}' },
    ]);
  });
  it('fromS3ObjectJson reads the S3 object back', () => {
    expect(evalExpr(`util.dynamodb.fromS3ObjectJson('{"s3":{"key":"k","bucket":"b","region":"r","version":"v"}}')`)).toEqual({ key: 'k', bucket: 'b', region: 'r', version: 'v' });
  });
});
