/**
 * The origin a transport hands `execute` reaches every Lambda invocation of that request (Invoke,
 * Event and BatchInvoke), so the host can presign URLs for the address the client used
 * (docs/devices.md); without one (realtime, S3 events) the invoker gets none.
 */
import { describe, expect, it } from 'vitest';
import { API_KEY_AUTH, createServiceFixture } from './service-fixture.ts';

const SDL = `
  type Query { note(id: ID!): Note  notes: [Note!] }
  type Note { id: ID! link: String }
`;

function fixture() {
  return createServiceFixture({
    sdl: SDL,
    code: {
      'note.js': `export function request(ctx) { return { operation: 'Invoke', payload: { id: ctx.args.id } }; }
        export function response(ctx) { return ctx.result; }`,
      'notes.js': `export function request(ctx) { return { payload: [{ id: 'a' }, { id: 'b' }] }; }
        export function response(ctx) { return ctx.result; }`,
      'link.js': `export function request(ctx) { return { operation: 'BatchInvoke', payload: { id: ctx.source.id } }; }
        export function response(ctx) { return ctx.result; }`,
    },
    dataSources: { fn: { type: 'AWS_LAMBDA', lambda: 'fn', description: '' }, links: { type: 'AWS_LAMBDA', lambda: 'links', description: '' } },
    lambdas: {
      fn: (event) => ({ id: (event as { id: string }).id }),
      links: (events) => (events as { id: string }[]).map((e) => `link-${e.id}`),
    },
    resolvers: [
      { kind: 'UNIT', typeName: 'Query', fieldName: 'note', dataSource: 'fn', code: 'note.js' },
      { kind: 'UNIT', typeName: 'Query', fieldName: 'notes', dataSource: 'none', code: 'notes.js' },
      { kind: 'UNIT', typeName: 'Note', fieldName: 'link', dataSource: 'links', code: 'link.js', maxBatchSize: 10 },
    ],
  });
}

describe('executor: the request origin reaches the Lambda invoker', () => {
  it('passes the origin of execute to Invoke and to each BatchInvoke of the request', async () => {
    const { service, lambdaCalls } = fixture();
    const answer = await service.execute({ query: '{ note(id: "1") { id } notes { id link } }' }, API_KEY_AUTH, { origin: 'https://192.168.1.20:4000' });
    expect(answer).toEqual({ data: { note: { id: '1' }, notes: [{ id: 'a', link: 'link-a' }, { id: 'b', link: 'link-b' }] } });
    expect(lambdaCalls).toEqual([
      { name: 'fn', event: { id: '1' }, origin: 'https://192.168.1.20:4000' },
      { name: 'links', event: [{ id: 'a' }, { id: 'b' }], origin: 'https://192.168.1.20:4000' },
    ]);
  });

  it('passes no origin when execute is given none, and keeps concurrent requests apart', async () => {
    const { service, lambdaCalls } = fixture();
    await Promise.all([
      service.execute({ query: '{ note(id: "1") { id } }' }, API_KEY_AUTH),
      service.execute({ query: '{ note(id: "2") { id } }' }, API_KEY_AUTH, { origin: 'http://localhost:4000' }),
    ]);
    expect(lambdaCalls).toEqual([
      { name: 'fn', event: { id: '1' } },
      { name: 'fn', event: { id: '2' }, origin: 'http://localhost:4000' },
    ]);
  });
});
