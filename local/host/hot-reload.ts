/**
 * Hot reload: a resolver or schema edit rebuilds the bundles and hands the new schema to `reload`
 * (the executor swap, `local/local-api.ts`). A failing build logs the error and keeps the last good
 * version serving.
 */
import { join } from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { PROJECT_ROOT, projectPath } from '../../api/paths.ts';
import type { ApiDefinition } from '../../api/types.ts';
import { buildApi } from './build.ts';
import { describeError } from './describe-error.ts';
import { watchSources, type SourceWatcher } from './watch.ts';

export interface HotReloadDeps {
  readonly definition: ApiDefinition;
  /** Serves the rebuilt schema. */
  readonly reload: (schema: GraphQLSchema) => Promise<void>;
  readonly log: (line: string) => void;
  readonly onError: (error: unknown) => void;
}

/** Watches `resolvers/` and the schema file; `close()` stops watching and waits for a running reload. */
export function startHotReload(deps: HotReloadDeps): SourceWatcher {
  const { definition, log } = deps;
  return watchSources({
    folders: [join(PROJECT_ROOT, 'resolvers')],
    files: [projectPath(definition.schemaFile)],
    onChange: async function rebuildAndSwap(changed) {
      const startedAt = performance.now();
      let schema: GraphQLSchema;
      try {
        schema = buildApi(definition, { force: true }).schema;
      } catch (error) {
        log(`[reload] build failed, still serving the previous version: ${describeError(error)}`);
        return;
      }
      await deps.reload(schema);
      log(`[reload] ${changed.length} change(s) applied in ${Math.round(performance.now() - startedAt)} ms`);
    },
    onError: deps.onError,
  });
}
