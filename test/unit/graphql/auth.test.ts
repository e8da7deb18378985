/**
 * Per-field auth directives (docs/APPSYNC-BEHAVIOUR.md#field-authorization-directives): field directives replace the type's,
 * the type's apply to fields without their own, the default mode applies to the rest, Cognito groups
 * must intersect. A denied field is null with AppSync's `Unauthorized` error (docs/APPSYNC-BEHAVIOUR.md#graphql-error-object).
 */
import { describe, expect, it } from 'vitest';
import type { RequestAuth } from '../../../local/graphql/contract.ts';
import { API_KEY_AUTH, cognitoAuth, createServiceFixture } from './service-fixture.ts';

const SDL = `
  type Query {
    listNotes: NoteConnection @aws_api_key @aws_cognito_user_pools
    adminNotes: [Note] @aws_cognito_user_pools(cognito_groups: ["admin"])
    plain: String
    backend: String @aws_iam
  }
  type NoteConnection { items: [Note] nextToken: String }
  type Note @aws_api_key @aws_cognito_user_pools { id: ID! secret: String @aws_cognito_user_pools }
`;

const IAM_AUTH: RequestAuth = {
  authType: 'AWS_IAM',
  identity: { accountId: '000000000000', userArn: 'arn:aws:iam::000000000000:user/backend', username: 'backend', sourceIp: ['127.0.0.1'] },
  headers: {},
};

function service() {
  return createServiceFixture({
    sdl: SDL,
    code: {
      'list.js': `export function request(ctx) { return { payload: { items: [{ id: 'n1', secret: 's1' }], nextToken: null } }; }\nexport function response(ctx) { return ctx.result; }`,
      'admin.js': `export function request(ctx) { return { payload: [{ id: 'a1', secret: 's' }] }; }\nexport function response(ctx) { return ctx.result; }`,
      'plain.js': `export function request(ctx) { return { payload: 'plain' }; }\nexport function response(ctx) { return ctx.result; }`,
      'backend.js': `export function request(ctx) { return { payload: 'backend' }; }\nexport function response(ctx) { return ctx.result; }`,
    },
    resolvers: [
      { kind: 'UNIT', typeName: 'Query', fieldName: 'listNotes', dataSource: 'none', code: 'list.js' },
      { kind: 'UNIT', typeName: 'Query', fieldName: 'adminNotes', dataSource: 'none', code: 'admin.js' },
      { kind: 'UNIT', typeName: 'Query', fieldName: 'plain', dataSource: 'none', code: 'plain.js' },
      { kind: 'UNIT', typeName: 'Query', fieldName: 'backend', dataSource: 'none', code: 'backend.js' },
    ],
    auth: { default: { type: 'AMAZON_COGNITO_USER_POOLS', groupsClaim: 'cognito:groups' }, additional: [{ type: 'API_KEY' }, { type: 'AWS_IAM' }] },
  }).service;
}

function unauthorized(path: (string | number)[], field: string, type: string, line: number, column: number) {
  return {
    path,
    data: null,
    errorType: 'Unauthorized',
    errorInfo: null,
    locations: [{ line, column, sourceName: null }],
    message: `Not Authorized to access ${field} on type ${type}`,
  };
}

describe('executor: auth directives', () => {
  it('checks nested fields against their type: items on an undirected type falls back to the default mode (docs/APPSYNC-BEHAVIOUR.md#field-authorization-directives)', async () => {
    expect(await service().execute({ query: '{ listNotes { items { id } } }' }, API_KEY_AUTH)).toEqual({
      data: { listNotes: { items: null } },
      errors: [unauthorized(['listNotes', 'items'], 'items', 'NoteConnection', 1, 15)],
    });
    expect(await service().execute({ query: '{ listNotes { nextToken items { id } } }' }, cognitoAuth('alice'))).toEqual({
      data: { listNotes: { nextToken: null, items: [{ id: 'n1' }] } },
    });
  });

  it('lets a field directive replace the type directives', async () => {
    expect(await service().execute({ query: '{ listNotes { items { id } } }' }, cognitoAuth('alice'))).toEqual({ data: { listNotes: { items: [{ id: 'n1' }] } } });
    const svc = createServiceFixture({
      sdl: SDL,
      code: { 'note.js': `export function request(ctx) { return { payload: { items: [{ id: 'n1', secret: 's1' }] } }; }\nexport function response(ctx) { return ctx.result; }` },
      resolvers: [{ kind: 'UNIT', typeName: 'Query', fieldName: 'listNotes', dataSource: 'none', code: 'note.js' }],
      auth: { default: { type: 'API_KEY' }, additional: [{ type: 'AMAZON_COGNITO_USER_POOLS' }] },
    }).service;
    expect(await svc.execute({ query: '{ listNotes { items { id secret } } }' }, API_KEY_AUTH)).toEqual({
      data: { listNotes: { items: [{ id: 'n1', secret: null }] } },
      errors: [unauthorized(['listNotes', 'items', 0, 'secret'], 'secret', 'Note', 1, 26)],
    });
  });

  it('denies a root field to a mode it does not list, without running its resolver', async () => {
    expect(await service().execute({ query: '{ backend plain }' }, API_KEY_AUTH)).toEqual({
      data: { backend: null, plain: null },
      errors: [unauthorized(['backend'], 'backend', 'Query', 1, 3), unauthorized(['plain'], 'plain', 'Query', 1, 11)],
    });
    expect(await service().execute({ query: '{ backend }' }, IAM_AUTH)).toEqual({ data: { backend: 'backend' } });
    expect(await service().execute({ query: '{ plain }' }, cognitoAuth('bob'))).toEqual({ data: { plain: 'plain' } });
  });

  it('requires one of the cognito_groups in the groups claim', async () => {
    expect(await service().execute({ query: '{ adminNotes { id } }' }, cognitoAuth('bob', ['editors']))).toEqual({
      data: { adminNotes: null },
      errors: [unauthorized(['adminNotes'], 'adminNotes', 'Query', 1, 3)],
    });
    expect(await service().execute({ query: '{ adminNotes { id } }' }, cognitoAuth('ann', ['editors', 'admin']))).toEqual({ data: { adminNotes: [{ id: 'a1' }] } });
  });

  it('never applies directives to __typename and introspection', async () => {
    expect(await service().execute({ query: '{ __typename __type(name: "Note") { name } }' }, IAM_AUTH)).toEqual({
      data: { __typename: 'Query', __type: { name: 'Note' } },
    });
  });
});
