import { buildSchema, executeSync, parse } from 'graphql';
import { createSubscriptionRegistry } from './registry.ts';
import { dataFrame } from './frames.ts';
const schema = buildSchema('type Asset { id: ID! owner: String! status: String! size: Int } type Query { a: Int } type Subscription { onAssetUpdated(id: ID!): Asset }');
const doc = parse('subscription ($id: ID!) { onAssetUpdated(id: $id) { id owner status size } }');
for (const shared of [false, true]) {
const registry = createSubscriptionRegistry();
let sent = 0;
for (let i = 0; i < 1000; i++) {
  registry.add({ ...(shared ? { projectionKey: 'same' } : {}), subscription: { fieldName: 'onAssetUpdated', arguments: { id: 'a1' }, mutations: ['completeUpload'], filter: { filterGroup: [{ filters: [{ fieldName: 'id', operator: 'eq', value: 'a1' }, { fieldName: 'owner', operator: 'eq', value: 'u1' }] }] }, invalidationFilter: null,
    project: (payload) => { const r = executeSync({ schema, document: doc, rootValue: { onAssetUpdated: payload }, variableValues: { id: 'a1' } }); return { data: r.data ?? null }; } },
    deliver: (_p, json) => { sent += dataFrame('7b3f9f0e-2c51-4d6e-9a8b-0e5f4c3d2b1a', json).length > 0 ? 1 : 0; }, invalidate: () => undefined });
}
const payload = { id: 'a1', owner: 'u1', status: 'READY', size: 5 };
for (let i = 0; i < 5; i++) registry.publish({ fieldName: 'completeUpload', arguments: {}, payload });
const runs = 20; const t = performance.now();
for (let i = 0; i < runs; i++) registry.publish({ fieldName: 'completeUpload', arguments: {}, payload });
console.log(shared ? 'shared key' : 'distinct', 'ms per publish to 1000 subscribers', ((performance.now() - t) / runs).toFixed(2), 'sent', sent);
}
