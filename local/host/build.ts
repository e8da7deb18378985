/**
 * Builds what the local server runs: validates the definition and bundles the resolvers and Lambdas
 * with `bundleAll` (the same bundles that deploy). A warm start skips bundling when the build record
 * (`dist/bundles.build.json`, see `build-record.mjs`) shows no input changed since the last build.
 */
import { join, relative } from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { DIST_DIR, lambdaBundlePath, projectPath, resolverBundlePath, PROJECT_ROOT } from '../../api/paths.ts';
import type { ApiDefinition } from '../../api/types.ts';
import { validateDefinition } from '../../api/validate.ts';
import { bundleAll, resolverSources } from '../../api/bundle.ts';
import { checkBuildRecord, readBuildRecord, writeBuildRecord, type Freshness } from './build-record.mjs';

/** The build record of the resolver and Lambda bundles. */
export const BUNDLES_BUILD_RECORD = join(DIST_DIR, 'bundles.build.json');

export interface BuildResult {
  readonly schema: GraphQLSchema;
  /** False when the bundles were up to date. */
  readonly bundled: boolean;
}

/** Every bundle the definition names, relative to the project root. */
function bundleOutputs(api: ApiDefinition): string[] {
  return [...resolverSources(api).map(resolverBundlePath), ...Object.keys(api.lambdas).map(lambdaBundlePath)].map((file) => relative(PROJECT_ROOT, file));
}

/**
 * Whether every bundle of `api` exists and no input changed since the last local build. The record
 * names the bundles of the definition it was built from; a resolver added since has none yet.
 */
export function checkBundles(api: ApiDefinition): Freshness {
  const freshness = checkBuildRecord(BUNDLES_BUILD_RECORD, PROJECT_ROOT);
  if (!freshness.fresh) return freshness;
  const recorded = new Set(readBuildRecord(BUNDLES_BUILD_RECORD)?.outputs ?? []);
  const missing = bundleOutputs(api).find((file) => !recorded.has(file));
  return missing === undefined ? freshness : { fresh: false, reason: `no bundle for ${missing} yet` };
}

/** Validates the definition, then bundles unless the bundles are fresh (or `force`). Throws on failure. */
export function buildApi(api: ApiDefinition, options: { readonly force: boolean }): BuildResult {
  const schema = validateDefinition(api);
  if (!options.force && checkBundles(api).fresh) return { schema, bundled: false };
  const startedAt = new Date();
  const { resolvers, lambdas } = bundleAll(api);
  writeBuildRecord(BUNDLES_BUILD_RECORD, {
    root: PROJECT_ROOT,
    // The schema and the definition decide which bundles exist and what they are checked against.
    inputs: [...resolvers, ...lambdas].flatMap((report) => report.inputs).concat(relative(PROJECT_ROOT, projectPath(api.schemaFile))),
    outputs: bundleOutputs(api),
    startedAt,
  });
  return { schema, bundled: true };
}
