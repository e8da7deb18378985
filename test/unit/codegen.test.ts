/**
 * Codegen (STYLE rule 4): `generated/` must be exactly what `npm run codegen` makes from codegen.yml,
 * schema.graphql and client/operations/, and the schema types must carry no runtime code, so the
 * resolvers can import them and still bundle to AppSync's single file.
 */
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { transformSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../api/paths.ts';

async function regenerate(): Promise<{ filename: string; content: string }[]> {
  const { config } = await loadCodegenConfig({ configFilePath: join(PROJECT_ROOT, 'codegen.yml') });
  // saveToFile=false: the outputs come back in memory and nothing in the tree is touched.
  const outputs = await generate({ ...config, cwd: PROJECT_ROOT, silent: true }, false);
  return outputs.map((o: { filename: string; content: string }) => ({ filename: relative(PROJECT_ROOT, join(PROJECT_ROOT, o.filename)), content: o.content }));
}

describe('codegen', () => {
  it('generated/ is up to date (run `npm run codegen` after changing the schema or client/operations)', async () => {
    const outputs = await regenerate();
    expect(outputs.map((o) => o.filename).sort()).toEqual(['generated/operations.ts', 'generated/schema-types.ts']);
    for (const output of outputs) {
      expect(readFileSync(join(PROJECT_ROOT, output.filename), 'utf8'), `${output.filename} is stale`).toBe(output.content);
    }
  });

  it('generated/schema-types.ts compiles to no JavaScript at all (types only)', () => {
    const source = readFileSync(join(PROJECT_ROOT, 'generated/schema-types.ts'), 'utf8');
    expect(transformSync(source, { loader: 'ts', format: 'esm' }).code).toBe('');
  });
});
