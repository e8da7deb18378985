/**
 * AppSync scalars (docs/APPSYNC-BEHAVIOUR.md#scalars): accepted and rejected values in each place a value
 * can be wrong (document literal, variable, resolver output), AWSJSON parsed on input and serialized on
 * output. Valid/invalid examples are the illustrative ones of that section.
 */
import { describe, expect, it } from 'vitest';
import { API_KEY_AUTH, createServiceFixture } from './service-fixture.ts';

const SCALARS = ['AWSDate', 'AWSTime', 'AWSDateTime', 'AWSTimestamp', 'AWSEmail', 'AWSJSON', 'AWSPhone', 'AWSURL', 'AWSIPAddress'] as const;
type Scalar = (typeof SCALARS)[number];

const SDL = `
  type Query {
    ${SCALARS.map((s) => `echo${s}(value: ${s}): ${s}`).join('\n    ')}
    out(value: String!): Out
  }
  type Out { ${SCALARS.map((s) => `as${s}: ${s}`).join(' ')} }
`;

const ECHO = `export function request(ctx) { return { payload: ctx.args.value }; }\nexport function response(ctx) { return ctx.result; }`;
/** Resolves every Out field to the raw value parsed from the argument (a JSON text). */
const OUT = `export function request(ctx) { const v = JSON.parse(ctx.args.value); return { payload: { ${SCALARS.map((s) => `as${s}: v`).join(', ')} } }; }
  export function response(ctx) { return ctx.result; }`;

function service() {
  return createServiceFixture({
    sdl: SDL,
    code: { 'echo.js': ECHO, 'out.js': OUT },
    resolvers: [
      ...SCALARS.map((s) => ({ kind: 'UNIT' as const, typeName: 'Query', fieldName: `echo${s}`, dataSource: 'none', code: 'echo.js' })),
      { kind: 'UNIT', typeName: 'Query', fieldName: 'out', dataSource: 'none', code: 'out.js' },
    ],
  }).service;
}

const VALID: Readonly<Record<Scalar, readonly unknown[]>> = {
  AWSDate: ['2025-03-01', '2025-03-01Z', '2025-03-01-07:00', '2025-03-01+05:30', '2024-02-29'],
  AWSTime: ['09:30', '09:30Z', '09:30:15-07:00', '09:30:15.123456+05:30'],
  AWSDateTime: ['2025-03-01T09:30Z', '2025-03-01T09:30:15.120Z', '2020-01-01T00:00+00:00'],
  AWSTimestamp: [1740821415, -123123],
  AWSEmail: ['a.b+c@example.co'],
  AWSJSON: ['{"a":1}', '[1,2]', 'true', '"txt"'],
  AWSPhone: ['+1 555 764 4377', '555-764-4377', '+44 20 7946 0958'],
  AWSURL: ['https://example.com/a', 'mailto:x@example.com', 'http://localhost/'],
  AWSIPAddress: ['10.0.0.1', '127.0.0.1/8', '2001:db8::1'],
};

const INVALID: Readonly<Record<Scalar, readonly unknown[]>> = {
  AWSDate: ['2025-03-01T10:00:00Z', '2025-3-1', '2023-02-29', '2025-03-01+0200'],
  AWSTime: ['9:30', '09:30:15.1234567890', '24:00'],
  AWSDateTime: ['2025-03-01T09:30:15', '2025-03-01T09:30:15+0000', '2025-03-01T09:5:00Z'],
  AWSTimestamp: ['1740821415', 1.5],
  AWSEmail: ['no-at-sign', 'a@'],
  AWSJSON: ['{a:1}', "{'a':1}", 'unquoted'],
  AWSPhone: ['abc', '123'],
  AWSURL: ['example.com', 'https://example.com//a'],
  AWSIPAddress: ['[2001:db8::1]', '300.1.1.1'],
};

const NOUN: Readonly<Record<Scalar, string>> = {
  AWSDate: 'date',
  AWSTime: 'time',
  AWSDateTime: 'DateTime Object',
  AWSTimestamp: 'timestamp',
  AWSEmail: 'email address',
  AWSJSON: 'JSON',
  AWSPhone: 'phone number',
  AWSURL: 'URL',
  AWSIPAddress: 'IP address',
};

function literal(v: unknown): string {
  return JSON.stringify(v);
}

function shown(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

describe('executor: AppSync scalars', () => {
  it('AWSDateTime outputs: a value repeated after a valid one passes, an invalid one after it still fails', async () => {
    const svc = service();
    const valid = JSON.stringify(JSON.stringify('2025-03-01T09:30:15.120Z'));
    const invalid = JSON.stringify(JSON.stringify('2025-03-01T09:30:15'));
    const body = await svc.execute({ query: `{ a: out(value: ${valid}) { asAWSDateTime } b: out(value: ${valid}) { asAWSDateTime } c: out(value: ${invalid}) { asAWSDateTime } }` }, API_KEY_AUTH);
    expect(body.data).toEqual({ a: { asAWSDateTime: '2025-03-01T09:30:15.120Z' }, b: { asAWSDateTime: '2025-03-01T09:30:15.120Z' }, c: { asAWSDateTime: null } });
    expect(body.errors?.map((e) => e.message)).toEqual(['Can\'t serialize value (/c/asAWSDateTime) : Unable to serialize `2025-03-01T09:30:15` as a valid DateTime Object.']);
  });

  for (const scalar of SCALARS) {
    it(`${scalar}: accepts the valid examples as variables, literals and outputs`, async () => {
      const svc = service();
      for (const value of VALID[scalar]) {
        const expected = scalar === 'AWSJSON' ? JSON.stringify(JSON.parse(value as string)) : value;
        expect(await svc.execute({ query: `query Q($v: ${scalar}) { echo${scalar}(value: $v) }`, variables: { v: value } }, API_KEY_AUTH)).toEqual({
          data: { [`echo${scalar}`]: expected },
        });
        expect(await svc.execute({ query: `{ echo${scalar}(value: ${literal(value)}) }` }, API_KEY_AUTH)).toEqual({ data: { [`echo${scalar}`]: expected } });
        if (scalar !== 'AWSJSON') {
          expect(await svc.execute({ query: `{ out(value: ${JSON.stringify(JSON.stringify(value))}) { as${scalar} } }` }, API_KEY_AUTH)).toEqual({
            data: { out: { [`as${scalar}`]: value } },
          });
        }
      }
    });

    it(`${scalar}: rejects the invalid examples with AppSync's message in each place`, async () => {
      const svc = service();
      for (const value of INVALID[scalar]) {
        expect(await svc.execute({ query: `query Q($v: ${scalar}) { echo${scalar}(value: $v) }`, variables: { v: value } }, API_KEY_AUTH)).toEqual({
          data: null,
          errors: [{ path: null, locations: [{ line: 1, column: 9, sourceName: null }], message: `Variable 'v' has an invalid value. Unable to parse \`${shown(value)}\` as a valid ${NOUN[scalar]}.` }],
        });
        const lit = await svc.execute({ query: `{ echo${scalar}(value: ${literal(value)}) }` }, API_KEY_AUTH);
        expect(lit).toEqual({
          data: null,
          errors: [
            {
              path: null,
              locations: [{ line: 1, column: 8 + scalar.length, sourceName: null }],
              message: expect.stringMatching(new RegExp(`^Validation error of type WrongType: argument 'value' with value '.*' is not a valid '${scalar}' @ 'echo${scalar}'$`)) as string,
            },
          ],
        });
        if (scalar !== 'AWSJSON') {
          expect(await svc.execute({ query: `{ out(value: ${JSON.stringify(JSON.stringify(value))}) { as${scalar} } }` }, API_KEY_AUTH)).toEqual({
            data: { out: { [`as${scalar}`]: null } },
            errors: [
              {
                path: ['out', `as${scalar}`],
                locations: null,
                message: `Can't serialize value (/out/as${scalar}) : Unable to serialize \`${shown(value)}\` as a valid ${NOUN[scalar]}.`,
              },
            ],
          });
        }
      }
    });
  }

  it('AWSJSON: the resolver sees the parsed value and the client gets a JSON string back', async () => {
    const { service: svc } = createServiceFixture({
      sdl: 'type Query { shape(value: AWSJSON): AWSJSON }',
      code: { 'shape.js': `export function request(ctx) { return { payload: { type: typeof ctx.args.value, isArray: Array.isArray(ctx.args.value), value: ctx.args.value } }; }\nexport function response(ctx) { return ctx.result; }` },
      resolvers: [{ kind: 'UNIT', typeName: 'Query', fieldName: 'shape', dataSource: 'none', code: 'shape.js' }],
    });
    expect(await svc.execute({ query: 'query Q($v: AWSJSON) { shape(value: $v) }', variables: { v: '{"a":[1,2]}' } }, API_KEY_AUTH)).toEqual({
      data: { shape: '{"type":"object","isArray":false,"value":{"a":[1,2]}}' },
    });
    expect(await svc.execute({ query: '{ shape(value: "7") }' }, API_KEY_AUTH)).toEqual({ data: { shape: '{"type":"number","isArray":false,"value":7}' } });
    expect(await svc.execute({ query: '{ shape(value: { a: 1 }) }' }, API_KEY_AUTH)).toEqual({
      data: null,
      errors: [
        {
          path: null,
          locations: [{ line: 1, column: 9, sourceName: null }],
          message: "Validation error of type WrongType: argument 'value' with value 'ObjectValue{objectFields=[ObjectField{name='a', value=IntValue{value=1}}]}' is not a valid 'AWSJSON' @ 'shape'",
        },
      ],
    });
  });
});
