import { describe, expect, it } from 'vitest';
import { evalExpr } from './evaluate.ts';

/** Evaluates `util.transform.<fn>(<args>)` and parses the JSON string it returns. */
function filterExpression(args: string, fn = 'toDynamoDBFilterExpression'): unknown {
  const out = evalExpr(`util.transform.${fn}(${args})`);
  return typeof out === 'string' ? JSON.parse(out) : out;
}

describe('util.transform.toDynamoDBFilterExpression (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers recorded outputs; transformation-helpers-in-utils-transform-js.html)', () => {
  it('renders the documented mixed example', () => {
    expect(filterExpression(`{ status: { eq: 'OPEN' }, or: [{ priority: { ge: 3 } }, { tags: { contains: 'urgent' } }] }`)).toEqual({
      expression: '(#status = :status_eq) AND ((#priority >= :or_0_priority_ge) OR (contains(#tags,:or_1_tags_contains)))',
      expressionNames: { '#status': 'status', '#priority': 'priority', '#tags': 'tags' },
      expressionValues: { ':status_eq': { S: 'OPEN' }, ':or_0_priority_ge': { N: 3 }, ':or_1_tags_contains': { S: 'urgent' } },
    });
  });
  it('returns a string whose keys come in expression, expressionNames, expressionValues order', () => {
    expect(evalExpr('util.transform.toDynamoDBFilterExpression({ a: { eq: 1 } })')).toBe('{"expression":"(#a = :a_eq)","expressionNames":{"#a":"a"},"expressionValues":{":a_eq":{"N":1}}}');
  });
  const expressions: [string, string][] = [
    ['{v:{ge:1, le:5}}', '((#v >= :v_ge) AND (#v <= :v_le))'],
    ['{and:[{a:{eq:1}}]}', '(#a = :and_0_a_eq)'],
    ['{and:[{id:{attributeExists:true}},{_version:{eq:1}}]}', '((attribute_exists(#id)) AND (#_version = :and_1__version_eq))'],
    ['{not:{and:[{a:{eq:1}},{b:{eq:2}}]}}', '(NOT ((#a = :not_and_0_a_eq) AND (#b = :not_and_1_b_eq)))'],
    ['{v:{between:["1","9","3"]}}', '(#v BETWEEN :v_between_start AND :v_between_end)'],
    ['{v:{in:[]}}', '(null)'],
    ['{"a.b":{eq:1}}', '(#a.b = :a.b_eq)'],
    ['{}', ''],
    ['{and:[]}', ''],
    ['{a:{eq:1}, b:{}}', '(#a = :a_eq) AND '],
    ['{not:{}}', '(NOT )'],
    ['{v:{size:{size:{gt:1}}}}', '(size(#v) > :v_size_size_gt)'],
    ['{v:{ne:1}, w:{lt:2}, x:{le:3}, y:{gt:4}}', '(#v <> :v_ne) AND (#w < :w_lt) AND (#x <= :x_le) AND (#y > :y_gt)'],
    ['{v:{notContains:"a", beginsWith:"b"}}', '((NOT contains(#v,:v_notContains)) AND (begins_with(#v,:v_beginsWith)))'],
    ['{v:{in:["a","b"]}}', '(#v IN (:v_in_0, :v_in_1))'],
    ['{v:{attributeExists:false, attributeType:"stringSet"}}', '((attribute_not_exists(#v)) AND (attribute_type(#v,:v_attributeType)))'],
  ];
  it.each(expressions)('%s → %j', (input, expression) => {
    expect((filterExpression(input) as { expression: string }).expression).toBe(expression);
  });
  it('attributeType maps the friendly name to the DynamoDB type code', () => {
    expect(filterExpression('{v:{attributeType:"stringSet"}}')).toEqual({ expression: '(attribute_type(#v,:v_attributeType))', expressionNames: { '#v': 'v' }, expressionValues: { ':v_attributeType': { S: 'SS' } } });
  });
  it('in: [] registers the name and no values [E]', () => {
    expect(filterExpression('{v:{in:[]}}')).toEqual({ expression: '(null)', expressionNames: { '#v': 'v' }, expressionValues: {} });
  });
  const invalid = ['', 'null', '[]', '"x"', '{v:{bogus:1}}', '{v:"x"}', '{a:{b:{eq:1}}}', '{and:{}}', '{and:null}', '{and:[null]}', '{not:[]}', '{v:{between:[1]}}', '{v:{between:1}}', '{v:{in:1}}', '{v:{attributeExists:"yes"}}', '{v:{attributeType:"S"}}', '{v:{size:1}}'];
  it.each(invalid)('returns null for invalid input %s (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers)', (input) => {
    expect(evalExpr(`util.transform.toDynamoDBFilterExpression(${input})`)).toBeNull();
  });
  it('toDynamoDBConditionExpression renders byte-identical output [E]', () => {
    const input = '{ id: { attributeExists: false }, or: [{ v: { lt: 2 } }, { w: { beginsWith: "x" } }] }';
    expect(evalExpr(`util.transform.toDynamoDBConditionExpression(${input})`)).toBe(evalExpr(`util.transform.toDynamoDBFilterExpression(${input})`));
  });
});

describe('util.transform.toSubscriptionFilter (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers; extensions-js.html)', () => {
  const input = "{ channel: { eq: 'general' }, or: [{ severity: { ge: 5 } }, { labels: { containsAny: ['ops', 'sec'] } }] }";
  const channel = { fieldName: 'channel', operator: 'eq', value: 'general' };
  const severity = { fieldName: 'severity', operator: 'ge', value: 5 };
  const labels = { fieldName: 'labels', operator: 'containsAny', value: ['ops', 'sec'] };
  const owner = { fieldName: 'owner', operator: 'eq', value: 'u1' };
  const admin = { fieldName: 'admin', operator: 'eq', value: true };
  it('expands to disjunctive normal form and crosses every group with the rules', () => {
    expect(evalExpr(`util.transform.toSubscriptionFilter(${input}, [], { owner: { eq: 'u1' }, admin: { eq: true } })`)).toEqual({
      filterGroup: [
        { filters: [channel, severity, owner] }, { filters: [channel, severity, admin] },
        { filters: [channel, labels, owner] }, { filters: [channel, labels, admin] },
      ],
    });
  });
  it('drops ignored fields at any depth', () => {
    expect(evalExpr(`util.transform.toSubscriptionFilter(${input}, ["channel"])`)).toEqual({ filterGroup: [{ filters: [severity] }, { filters: [labels] }] });
  });
  it('treats not as an ordinary field and passes unknown operators through (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers)', () => {
    expect(evalExpr('util.transform.toSubscriptionFilter({ not: { a: { eq: 1 } }, b: { bogus: 2 } })')).toEqual({
      filterGroup: [{ filters: [{ fieldName: 'not', operator: 'a', value: { eq: 1 } }, { fieldName: 'b', operator: 'bogus', value: 2 }] }],
    });
  });
  it('makes each operator of a field an alternative group', () => {
    expect(evalExpr('util.transform.toSubscriptionFilter({ a: { ge: 1, le: 5 } })')).toEqual({
      filterGroup: [{ filters: [{ fieldName: 'a', operator: 'ge', value: 1 }] }, { filters: [{ fieldName: 'a', operator: 'le', value: 5 }] }],
    });
  });
  it('with an empty object yields one group per rule, and empty groups are dropped', () => {
    expect(evalExpr("[util.transform.toSubscriptionFilter({}, [], { owner: { eq: 'u1' } }), util.transform.toSubscriptionFilter({}), util.transform.toSubscriptionFilter({ a: {} }), util.transform.toSubscriptionFilter({ and: [] })]")).toEqual([
      { filterGroup: [{ filters: [owner] }] }, { filterGroup: [] }, { filterGroup: [] }, { filterGroup: [] },
    ]);
  });
  it('returns null for null, arrays and JSON strings (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers)', () => {
    expect(evalExpr(`[util.transform.toSubscriptionFilter(null), util.transform.toSubscriptionFilter([]), util.transform.toSubscriptionFilter('{"a":{"eq":1}}')]`)).toEqual([null, null, null]);
  });
});

describe('util.transform.toElasticsearchQueryDSL (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers)', () => {
  it('wraps each field in a bool must', () => {
    expect(filterExpression('{ score: { gte: 10 } }', 'toElasticsearchQueryDSL')).toEqual({ bool: { must: [{ bool: { must: [{ range: { score: { gte: 10 } } }] } }] } });
  });
  it('maps eq, ne, match and or', () => {
    expect(filterExpression('{ a: { eq: 1, ne: 2 }, or: [{ t: { match: "x" } }] }', 'toElasticsearchQueryDSL')).toEqual({
      bool: { must: [
        { bool: { must: [{ term: { a: 1 } }, { bool: { must_not: { term: { a: 2 } } } }] } },
        { bool: { should: [{ bool: { must: [{ bool: { must: [{ match: { t: 'x' } }] } }] } }] } },
      ] },
    });
  });
});

describe('util.transform documented examples (https://docs.aws.amazon.com/appsync/latest/devguide/transformation-helpers-in-utils-transform-js.html)', () => {
  const filter = (fieldName: string, operator: string, value: unknown): { fieldName: string; operator: string; value: unknown } => ({ fieldName, operator, value });
  const argument1 = (downvotes: string): string => `{ percentageUp: { lte: 50, gte: 20 }, and: [{ title: { ne: 'Book1' } }, { downvotes: ${downvotes} }], or: [{ author: { eq: 'Admin' } }, { isPublished: { eq: false } }] }`;

  it('toElasticsearchQueryDSL: the example output, with must_not holding one object', () => {
    expect(filterExpression('{ upvotes: { ne: 15, range: [10, 20] }, title: { eq: "hihihi", wildcard: "h*i" } }', 'toElasticsearchQueryDSL')).toEqual({
      bool: { must: [
        { bool: { must: [{ bool: { must_not: { term: { upvotes: 15 } } } }, { range: { upvotes: { gte: 10, lte: 20 } } }] } },
        { bool: { must: [{ term: { title: 'hihihi' } }, { wildcard: { title: 'h*i' } }] } },
      ] },
    });
  });
  it('toSubscriptionFilter, Argument 1: one group per combination of the field alternatives and the or members', () => {
    const common = [filter('title', 'ne', 'Book1'), filter('downvotes', 'gt', 2000)];
    expect(evalExpr(`util.transform.toSubscriptionFilter(${argument1('{ gt: 2000 }')})`)).toEqual({
      filterGroup: [
        { filters: [filter('percentageUp', 'lte', 50), ...common, filter('author', 'eq', 'Admin')] },
        { filters: [filter('percentageUp', 'lte', 50), ...common, filter('isPublished', 'eq', false)] },
        { filters: [filter('percentageUp', 'gte', 20), ...common, filter('author', 'eq', 'Admin')] },
        { filters: [filter('percentageUp', 'gte', 20), ...common, filter('isPublished', 'eq', false)] },
      ],
    });
  });
  it('toSubscriptionFilter, Argument 2: an ignored field drops its or member, leaving one group that keeps isPublished', () => {
    expect(evalExpr(`util.transform.toSubscriptionFilter(${argument1('{ gt: 20 }')}, ["percentageUp", "author"])`)).toEqual({
      filterGroup: [{ filters: [filter('title', 'ne', 'Book1'), filter('downvotes', 'gt', 20), filter('isPublished', 'eq', false)] }],
    });
  });
  it('toSubscriptionFilter, Argument 3: each rule extends the group; downvotes keeps the input\'s lt (the page prints gt, contradicting its own input)', () => {
    const common = [filter('title', 'ne', 'Book1'), filter('downvotes', 'lt', 20), filter('isPublished', 'eq', false)];
    expect(evalExpr(`util.transform.toSubscriptionFilter(${argument1('{ lt: 20 }')}, ["percentageUp", "author"], { upvotes: { gte: 250 }, author: { eq: 'Person1' } })`)).toEqual({
      filterGroup: [{ filters: [...common, filter('upvotes', 'gte', 250)] }, { filters: [...common, filter('author', 'eq', 'Person1')] }],
    });
  });
  it('toSubscriptionFilter: an or whose members are all ignored constrains nothing; an empty or still matches nothing', () => {
    expect(evalExpr("[util.transform.toSubscriptionFilter({ a: { eq: 1 }, or: [{ b: { eq: 2 } }] }, ['b']), util.transform.toSubscriptionFilter({ a: { eq: 1 }, or: [] })]")).toEqual([
      { filterGroup: [{ filters: [filter('a', 'eq', 1)] }] }, { filterGroup: [] },
    ]);
  });
});
