import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { api } from '../../../api/definition.ts';
import { resolverBundlePath } from '../../../api/paths.ts';
import { loadResolverFile, type ResolverContextInput } from '../../../local/runtime/index.ts';
import { resolverSources } from '../../../scripts/bundle.ts';

describe('the project resolvers pass the runtime save-time checks (bundles from test/global-setup.ts)', () => {
  it.each(resolverSources(api))('%s compiles and exports request and response', (source) => {
    const compiled = loadResolverFile(resolverBundlePath(source));
    expect([compiled.hasHandler('request'), compiled.hasHandler('response')]).toEqual([true, true]);
  });
  it('loadResolverFile returns the cached compilation while the file is unchanged', () => {
    const [first] = resolverSources(api);
    expect(loadResolverFile(resolverBundlePath(first!))).toBe(loadResolverFile(resolverBundlePath(first!)));
  });
});

describe('loadResolverFile hot reload', () => {
  it('recompiles a bundle whose file changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hot-reload-'));
    try {
      const file = join(dir, 'Query.x.js');
      const write = (value: string, mtime: number): void => {
        writeFileSync(file, `export function request(ctx) { return '${value}'; }\nexport function response(ctx) { return ctx.result; }\n`);
        utimesSync(file, mtime, mtime);
      };
      const ctx: ResolverContextInput = {
        arguments: {}, identity: null, source: null, stash: {}, request: { headers: {}, domainName: null },
        info: { fieldName: 'x', parentTypeName: 'Query', variables: {}, selectionSetList: [], selectionSetGraphQL: '' }, env: {}, authType: 'API_KEY',
      };
      write('one', 1_700_000_000);
      const first = loadResolverFile(file).evaluate('request', ctx).value;
      write('two', 1_700_000_100);
      const second = loadResolverFile(file).evaluate('request', ctx).value;
      expect([first, second]).toEqual(['one', 'two']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
