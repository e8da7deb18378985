import { describe, expect, it } from 'vitest';
import type { PreparedSubscription } from '../../../local/graphql/contract.ts';
import { compileArgumentFilter, compileEnhancedFilter } from '../../../local/realtime/filter.ts';
import { readHandshake, selectProtocol } from '../../../local/realtime/handshake.ts';
import { createSubscriptionRegistry } from '../../../local/realtime/registry.ts';

const EVENT = { id: 'a1', owner: 'u1', size: 7, name: 'report.pdf', tags: ['ops', 'x'], status: 'READY', location: { address: { country: 'NL' } }, note: null };

function rule(fieldName: string, operator: string, value: unknown) {
  return { filterGroup: [{ filters: [{ fieldName, operator, value }] }] };
}

describe('enhanced filters (docs/APPSYNC-BEHAVIOUR.md#enhanced-subscription-filters)', () => {
  it.each([
    ['eq', 'status', 'READY', true],
    ['eq', 'status', 'PENDING', false],
    ['ne', 'status', 'PENDING', true],
    ['ne', 'missing', 'x', false],
    ['lt', 'size', 8, true],
    ['le', 'size', 7, true],
    ['gt', 'size', 7, false],
    ['ge', 'size', 7, true],
    ['gt', 'size', '6', false],
    ['contains', 'name', 'port', true],
    ['contains', 'tags', 'ops', true],
    ['notContains', 'tags', 'sec', true],
    ['notContains', 'missing', 'sec', false],
    ['beginsWith', 'name', 'rep', true],
    ['beginsWith', 'name', 'Rep', false],
    ['in', 'status', ['READY', 'REJECTED'], true],
    ['notIn', 'status', ['READY'], false],
    ['notIn', 'missing', ['READY'], false],
    ['between', 'size', [1, 7], true],
    ['between', 'size', [8, 9], false],
    ['between', 'size', [1], false],
    ['containsAny', 'tags', ['sec', 'ops'], true],
    ['containsAny', 'tags', ['sec'], false],
    ['eq', 'location.address.country', 'NL', true],
    ['eq', 'note', null, true],
    ['bogus', 'status', 'READY', false],
  ])('%s on %s with %j is %s', (operator, fieldName, value, expected) => {
    expect(compileEnhancedFilter(rule(fieldName, operator, value))?.(EVENT)).toBe(expected);
  });

  it('ANDs the rules of one group and ORs the groups', () => {
    const filter = compileEnhancedFilter({
      filterGroup: [
        { filters: [{ fieldName: 'status', operator: 'eq', value: 'READY' }, { fieldName: 'owner', operator: 'eq', value: 'u2' }] },
        { filters: [{ fieldName: 'size', operator: 'gt', value: 5 }] },
      ],
    });
    expect(filter?.(EVENT)).toBe(true);
    expect(filter?.({ ...EVENT, size: 1 })).toBe(false);
    expect(filter?.({ ...EVENT, size: 1, owner: 'u2' })).toBe(true);
  });

  it('ignores rules nested deeper than 5 levels and refuses top-level lists', () => {
    expect(compileEnhancedFilter(rule('a.b.c.d.e.f', 'eq', 1))?.(EVENT)).toBe(true);
    expect(compileEnhancedFilter(rule('id', 'eq', 'a1'))?.([EVENT])).toBe(false);
  });

  it('is null for a value that is not a filter object', () => {
    expect(compileEnhancedFilter(null)).toBeNull();
    expect(compileEnhancedFilter('{"filterGroup":[]}')).toBeNull();
  });
});

describe('argument filters (docs/APPSYNC-BEHAVIOUR.md#subscription-argument-filters)', () => {
  it('matches when every supplied argument equals the top-level field', () => {
    expect(compileArgumentFilter({ id: 'a1', status: 'READY' })(EVENT)).toBe(true);
    expect(compileArgumentFilter({ id: 'a1', status: 'PENDING' })(EVENT)).toBe(false);
    expect(compileArgumentFilter({})(EVENT)).toBe(true);
  });

  it('does not match when the mutation did not select the argument field', () => {
    expect(compileArgumentFilter({ owner: 'u1' })({ id: 'a1' })).toBe(false);
  });

  it('treats an explicit null as "field is null or absent"', () => {
    expect(compileArgumentFilter({ note: null })(EVENT)).toBe(true);
    expect(compileArgumentFilter({ absent: null })(EVENT)).toBe(true);
    expect(compileArgumentFilter({ owner: null })(EVENT)).toBe(false);
  });
});

function prepared(overrides: Partial<PreparedSubscription> = {}): PreparedSubscription {
  return {
    fieldName: 'onAssetUpdated',
    arguments: {},
    mutations: ['completeUpload'],
    filter: null,
    invalidationFilter: null,
    project: (payload) => ({ data: { onAssetUpdated: payload } }),
    ...overrides,
  };
}

describe('subscription registry', () => {
  it('delivers only to subscriptions fed by the mutation, filtered, projected per subscriber', () => {
    const registry = createSubscriptionRegistry();
    const got: Record<string, unknown[]> = { a: [], b: [], c: [] };
    registry.add({ subscription: prepared({ arguments: { id: 'a1' } }), deliver: (p) => got['a']?.push(p), invalidate: () => undefined });
    registry.add({ subscription: prepared({ arguments: { id: 'zz' }, filter: rule('owner', 'eq', 'u1'), project: () => ({ data: { only: 'owner' } }) }), deliver: (p) => got['b']?.push(p), invalidate: () => undefined });
    registry.add({ subscription: prepared({ mutations: ['deleteAsset'] }), deliver: (p) => got['c']?.push(p), invalidate: () => undefined });
    expect(registry.publish({ fieldName: 'completeUpload', arguments: {}, payload: EVENT })).toBe(2);
    expect(got).toEqual({ a: [{ data: { onAssetUpdated: EVENT } }], b: [{ data: { only: 'owner' } }], c: [] });
  });

  it('publishes nothing for a mutation field that resolved to null', () => {
    const registry = createSubscriptionRegistry();
    const got: unknown[] = [];
    registry.add({ subscription: prepared(), deliver: (p) => got.push(p), invalidate: () => undefined });
    expect(registry.publish({ fieldName: 'completeUpload', arguments: {}, payload: null })).toBe(0);
    expect(got).toEqual([]);
  });

  it('keeps delivering to the others when one subscriber fails, and reports the failure', () => {
    const errors: unknown[] = [];
    const registry = createSubscriptionRegistry({ onError: (e) => errors.push(e) });
    const got: unknown[] = [];
    registry.add({ subscription: prepared({ project: () => { throw new Error('boom'); } }), deliver: () => undefined, invalidate: () => undefined });
    registry.add({ subscription: prepared(), deliver: (p) => got.push(p), invalidate: () => undefined });
    expect(registry.publish({ fieldName: 'completeUpload', arguments: {}, payload: EVENT })).toBe(1);
    expect(got).toHaveLength(1);
    expect(errors).toEqual([new Error('boom')]);
  });

  it('fans one event out to 1,000 subscribers', () => {
    const registry = createSubscriptionRegistry();
    let delivered = 0;
    for (let i = 0; i < 1000; i++) registry.add({ subscription: prepared({ arguments: { status: 'READY' } }), deliver: () => delivered++, invalidate: () => undefined });
    expect(registry.publish({ fieldName: 'completeUpload', arguments: {}, payload: EVENT })).toBe(1000);
    expect(delivered).toBe(1000);
  });

  it('projects and serializes once for subscriptions that share a projection key', () => {
    const registry = createSubscriptionRegistry();
    let projections = 0;
    const project = (payload: unknown) => {
      projections++;
      return { data: { onAssetUpdated: payload } };
    };
    const got: string[] = [];
    for (const key of ['q1', 'q1', 'q2']) registry.add({ subscription: prepared({ project }), projectionKey: key, deliver: (_p, json) => got.push(json), invalidate: () => undefined });
    expect(registry.publish({ fieldName: 'completeUpload', arguments: {}, payload: { id: 'a1' } })).toBe(3);
    expect(projections).toBe(2);
    expect(got).toEqual(Array(3).fill('{"data":{"onAssetUpdated":{"id":"a1"}}}'));
  });

  it('invalidates only subscriptions of the field whose invalidation filter matches', () => {
    const registry = createSubscriptionRegistry();
    const ended: string[] = [];
    registry.add({ subscription: prepared({ invalidationFilter: rule('owner', 'eq', 'u1') }), deliver: () => undefined, invalidate: () => ended.push('u1') });
    registry.add({ subscription: prepared({ invalidationFilter: rule('owner', 'eq', 'u2') }), deliver: () => undefined, invalidate: () => ended.push('u2') });
    registry.add({ subscription: prepared(), deliver: () => undefined, invalidate: () => ended.push('none') });
    expect(registry.invalidate({ subscriptionField: 'onAssetUpdated', payload: { owner: 'u1' } })).toBe(1);
    expect(registry.invalidate({ subscriptionField: 'onAssetCreated', payload: { owner: 'u2' } })).toBe(0);
    expect(ended).toEqual(['u1']);
  });

  it('removes a subscription once even when remove is called twice', () => {
    const registry = createSubscriptionRegistry();
    const remove = registry.add({ subscription: prepared(), deliver: () => undefined, invalidate: () => undefined });
    registry.add({ subscription: prepared(), deliver: () => undefined, invalidate: () => undefined });
    remove();
    remove();
    expect(registry.size()).toBe(1);
  });
});

describe('realtime handshake (docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake)', () => {
  const HEADER = { host: 'localhost:20002', 'x-amz-date': '20250301T120000Z', 'x-api-key': 'da2-abcdefghijklmnopqrstuvwxyz' };
  const BASE64URL = 'eyJob3N0IjoibG9jYWxob3N0OjIwMDAyIiwieC1hbXotZGF0ZSI6IjIwMjUwMzAxVDEyMDAwMFoiLCJ4LWFwaS1rZXkiOiJkYTItYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoifQ';

  it('reads the header-… sub-protocol (Amplify >= 6.6): a worked API-key header object', () => {
    expect(readHandshake({ url: '/graphql/realtime', headers: {}, protocols: ['graphql-ws', `header-${BASE64URL}`] })).toEqual({ source: 'subprotocol', headers: HEADER });
  });

  it('reads the header query parameter with standard base64 written raw (+, /, =)', () => {
    const header = { Authorization: 'x>>>???', host: 'h' };
    const raw = Buffer.from(JSON.stringify(header)).toString('base64');
    expect(raw).toMatch(/\+.*\/.*=$/);
    expect(readHandshake({ url: `/graphql/realtime?header=${raw}&payload=e30=`, headers: {}, protocols: ['graphql-ws'] })).toEqual({ source: 'query', headers: { authorization: 'x>>>???', host: 'h' } });
  });

  it('falls back to the HTTP headers of the upgrade request', () => {
    expect(readHandshake({ url: '/graphql/realtime', headers: { host: 'h', 'x-api-key': 'k', 'sec-websocket-key': 'z', upgrade: 'websocket' }, protocols: ['graphql-ws'] })).toEqual({
      source: 'headers',
      headers: { host: 'h', 'x-api-key': 'k' },
    });
  });

  it('yields an empty header object for an undecodable value', () => {
    expect(readHandshake({ url: '/graphql/realtime?header=!!!', headers: {}, protocols: [] })).toEqual({ source: 'query', headers: {} });
  });

  it('selects graphql-ws and never the header-… token', () => {
    expect(selectProtocol(new Set(['header-abc', 'graphql-ws']))).toBe('graphql-ws');
    expect(selectProtocol(new Set(['graphql-transport-ws']))).toBe(false);
  });
});
