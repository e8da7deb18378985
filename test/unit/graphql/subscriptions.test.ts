/**
 * Subscriptions on the executor (docs/APPSYNC-BEHAVIOUR.md#subscription-payloads): what a mutation publishes, preparing a
 * subscription at `start` (auth, resolver, filters), and projecting a published payload through the
 * subscriber's selection set.
 */
import { describe, expect, it } from 'vitest';
import { API_KEY_AUTH, cognitoAuth, createServiceFixture } from './service-fixture.ts';

const SDL = `
  type Query { noop: String }
  type Mutation {
    createNote(title: String!, meta: AWSJSON): Note
    failNote: Note
    removeUser(userId: ID!): Boolean
  }
  type Subscription {
    onNote(title: String): Note @aws_subscribe(mutations: ["createNote", "failNote"])
    onTeam(team: String!): Note @aws_subscribe(mutations: ["createNote"])
    onStrict: Note! @aws_subscribe(mutations: ["createNote"])
    adminOnly: Note @aws_subscribe(mutations: ["createNote"]) @aws_cognito_user_pools(cognito_groups: ["admin"])
  }
  type Note { id: ID!  title: String  createdAt: AWSDateTime!  meta: AWSJSON  owner: Owner }
  type Owner { id: ID!  name: String }
`;

function fixture() {
  return createServiceFixture({
    sdl: SDL,
    code: {
      'create.js': `export function request(ctx) { return { payload: { id: 'n1', title: ctx.args.title, createdAt: '2024-01-01T00:00Z', meta: ctx.args.meta, owner: { id: 'o1', name: 'Olga' } } }; }
        export function response(ctx) { return ctx.result; }`,
      'fail.js': `import { util } from '@aws-appsync/utils';
        export function request(ctx) { return { payload: null }; }
        export function response(ctx) { util.error('nope', 'Fail'); }`,
      'remove.js': `import { extensions } from '@aws-appsync/utils';
        export function request(ctx) { return { payload: true }; }
        export function response(ctx) { extensions.invalidateSubscriptions({ subscriptionField: 'onTeam', payload: { userId: ctx.args.userId } }); return ctx.result; }`,
      'on-team.js': `import { util, extensions } from '@aws-appsync/utils';
        export function request(ctx) { return { payload: null }; }
        export function response(ctx) {
          if (ctx.args.team === 'forbidden') util.unauthorized();
          extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ team: { eq: ctx.args.team } }));
          extensions.setSubscriptionInvalidationFilter(util.transform.toSubscriptionFilter({ userId: { eq: 'u1' } }));
          return null;
        }`,
      'on-strict.js': `export function request(ctx) { return { payload: null }; }\nexport function response(ctx) { return null; }`,
    },
    resolvers: [
      { kind: 'UNIT', typeName: 'Mutation', fieldName: 'createNote', dataSource: 'none', code: 'create.js' },
      { kind: 'UNIT', typeName: 'Mutation', fieldName: 'failNote', dataSource: 'none', code: 'fail.js' },
      { kind: 'UNIT', typeName: 'Mutation', fieldName: 'removeUser', dataSource: 'none', code: 'remove.js' },
      { kind: 'UNIT', typeName: 'Subscription', fieldName: 'onTeam', dataSource: 'none', code: 'on-team.js' },
      { kind: 'UNIT', typeName: 'Subscription', fieldName: 'onStrict', dataSource: 'none', code: 'on-strict.js' },
    ],
    auth: { default: { type: 'API_KEY' }, additional: [{ type: 'AMAZON_COGNITO_USER_POOLS' }] },
  });
}

describe('executor: mutation events', () => {
  it('publishes each root mutation field that resolved, with only the selected fields keyed by field name', async () => {
    const { service, mutations } = fixture();
    const body = await service.execute(
      { query: 'mutation M($m: AWSJSON) { made: createNote(title: "hi", meta: $m) { noteId: id title meta owner { name } } failNote { id } }', variables: { m: '{"k":1}' } },
      API_KEY_AUTH,
    );
    expect(body).toEqual({
      data: { made: { noteId: 'n1', title: 'hi', meta: '{"k":1}', owner: { name: 'Olga' } }, failNote: null },
      errors: [{ path: ['failNote'], data: null, errorType: 'Fail', errorInfo: null, locations: [{ line: 1, column: 108, sourceName: null }], message: 'nope' }],
    });
    expect(mutations).toEqual([{ fieldName: 'createNote', arguments: { title: 'hi', meta: { k: 1 } }, payload: { id: 'n1', title: 'hi', meta: '{"k":1}', owner: { name: 'Olga' } } }]);
  });

  it('announces extensions.invalidateSubscriptions calls once the request is done', async () => {
    const { service, invalidations } = fixture();
    expect(await service.execute({ query: 'mutation { removeUser(userId: "u1") }' }, API_KEY_AUTH)).toEqual({ data: { removeUser: true } });
    expect(invalidations).toEqual([{ subscriptionField: 'onTeam', payload: { userId: 'u1' } }]);
  });
});

describe('executor: prepareSubscription', () => {
  it('accepts a subscription without a resolver with its arguments and @aws_subscribe mutations', async () => {
    const { service } = fixture();
    const prepared = await service.prepareSubscription({ query: 'subscription S($t: String) { onNote(title: $t) { id title } }', variables: { t: 'hi' } }, API_KEY_AUTH);
    expect(prepared).toEqual({
      ok: true,
      subscription: { fieldName: 'onNote', arguments: { title: 'hi' }, mutations: ['createNote', 'failNote'], filter: null, invalidationFilter: null, project: expect.any(Function) as unknown },
    });
  });

  it('runs the subscription resolver once and keeps the filters it set', async () => {
    const { service } = fixture();
    const prepared = await service.prepareSubscription({ query: 'subscription { onTeam(team: "red") { id } }' }, API_KEY_AUTH);
    expect(prepared).toEqual({
      ok: true,
      subscription: {
        fieldName: 'onTeam',
        arguments: { team: 'red' },
        mutations: ['createNote'],
        filter: { filterGroup: [{ filters: [{ fieldName: 'team', operator: 'eq', value: 'red' }] }] },
        invalidationFilter: { filterGroup: [{ filters: [{ fieldName: 'userId', operator: 'eq', value: 'u1' }] }] },
        project: expect.any(Function) as unknown,
      },
    });
  });

  it('rejects the subscription when its resolver raises an error', async () => {
    const { service } = fixture();
    expect(await service.prepareSubscription({ query: 'subscription { onTeam(team: "forbidden") { id } }' }, API_KEY_AUTH)).toEqual({
      ok: false,
      errors: [
        { path: ['onTeam'], data: null, errorType: 'Unauthorized', errorInfo: null, locations: [{ line: 1, column: 16, sourceName: null }], message: 'Not Authorized to access onTeam on type Subscription' },
      ],
    });
  });

  it('rejects a subscription the caller may not use, an invalid document, and a null non-null field', async () => {
    const { service } = fixture();
    expect(await service.prepareSubscription({ query: 'subscription { adminOnly { id } }' }, cognitoAuth('bob', ['users']))).toEqual({
      ok: false,
      errors: [
        { path: ['adminOnly'], data: null, errorType: 'Unauthorized', errorInfo: null, locations: [{ line: 1, column: 16, sourceName: null }], message: 'Not Authorized to access adminOnly on type Subscription' },
      ],
    });
    expect(await service.prepareSubscription({ query: 'subscription { onNote { bogus } }' }, API_KEY_AUTH)).toEqual({
      ok: false,
      errors: [{ path: null, locations: [{ line: 1, column: 25, sourceName: null }], message: "Validation error of type FieldUndefined: Field 'bogus' in type 'Note' is undefined @ 'onNote/bogus'" }],
    });
    expect(await service.prepareSubscription({ query: 'subscription { onStrict { id } }' }, API_KEY_AUTH)).toEqual({
      ok: false,
      errors: [{ path: ['onStrict'], locations: null, message: "Cannot return null for non-nullable type: 'Note' within parent 'Subscription' (/onStrict)" }],
    });
  });
});

describe('executor: projecting published payloads', () => {
  it("delivers the subscriber's selection of the mutation's selection, aliases and AWSJSON as received", async () => {
    const { service, mutations } = fixture();
    const prepared = await service.prepareSubscription({ query: 'subscription { note: onNote { __typename title meta owner { name } } }' }, API_KEY_AUTH);
    await service.execute({ query: 'mutation { createNote(title: "hi", meta: "[1]") { id title meta owner { name } } }' }, API_KEY_AUTH);
    if (!prepared.ok) throw new Error('subscription rejected');
    expect(prepared.subscription.project(mutations[0]?.payload)).toEqual({ data: { note: { __typename: 'Note', title: 'hi', meta: '[1]', owner: { name: 'Olga' } } } });
  });

  it('gives null for fields the mutation did not select and propagates a missing non-null field (docs/APPSYNC-BEHAVIOUR.md#subscription-payloads)', async () => {
    const { service, mutations } = fixture();
    const prepared = await service.prepareSubscription({ query: 'subscription { onNote { id title createdAt } }' }, API_KEY_AUTH);
    await service.execute({ query: 'mutation { createNote(title: "hi") { id } }' }, API_KEY_AUTH);
    if (!prepared.ok) throw new Error('subscription rejected');
    expect(prepared.subscription.project(mutations[0]?.payload)).toEqual({
      data: { onNote: null },
      errors: [{ path: ['onNote', 'createdAt'], locations: null, message: "Cannot return null for non-nullable type: 'AWSDateTime' within parent 'Note' (/onNote/createdAt)" }],
    });
    const titleOnly = await service.prepareSubscription({ query: 'subscription { onNote { title } }' }, API_KEY_AUTH);
    if (!titleOnly.ok) throw new Error('subscription rejected');
    expect(titleOnly.subscription.project(mutations[0]?.payload)).toEqual({ data: { onNote: { title: null } } });
  });
});
