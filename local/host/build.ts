/**
 * Builds what the local server runs: validates the definition and bundles the resolvers and Lambdas
 * with `bundleAll` (the same bundles that deploy). A warm start skips bundling when every bundle is
 * newer than every source it may include, which keeps `npm start` under 2 seconds after a build.
 */
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { DIST_DIR, lambdaBundlePath, projectPath, resolverBundlePath, PROJECT_ROOT } from '../../api/paths.ts';
import type { ApiDefinition } from '../../api/types.ts';
import { validateDefinition } from '../../api/validate.ts';
import { bundleAll, resolverSources } from '../../scripts/bundle.ts';

/** Folders and files whose changes can change a bundle (a conservative over-approximation). */
export const BUNDLE_INPUT_ROOTS = ['resolvers', 'api', 'generated', 'package-lock.json'] as const;

/**
 * Written after each successful local build, with the build's start time as its mtime. esbuild leaves
 * an unchanged output file untouched, so output mtimes alone cannot tell a fresh build.
 */
export const BUILD_STAMP_FILE = join(DIST_DIR, '.local-build-stamp');

export interface BuildResult {
  readonly schema: GraphQLSchema;
  /** False when the bundles were up to date. */
  readonly bundled: boolean;
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

function allOutputsExist(api: ApiDefinition): boolean {
  return [...resolverSources(api).map(resolverBundlePath), ...Object.keys(api.lambdas).map(lambdaBundlePath)].every((file) => existsSync(file));
}

/** True when every bundle exists and the last local build started after the newest possible input changed. */
export function bundlesAreFresh(api: ApiDefinition): boolean {
  if (!existsSync(BUILD_STAMP_FILE) || !allOutputsExist(api)) return false;
  const newestInput = Math.max(...BUNDLE_INPUT_ROOTS.map((p) => newestMtime(join(PROJECT_ROOT, p))), newestMtime(projectPath(api.schemaFile)));
  return statSync(BUILD_STAMP_FILE).mtimeMs > newestInput;
}

/** Validates the definition, then bundles unless told the bundles are known fresh. Throws on failure. */
export function buildApi(api: ApiDefinition, options: { readonly force: boolean }): BuildResult {
  const schema = validateDefinition(api);
  if (!options.force && bundlesAreFresh(api)) return { schema, bundled: false };
  const startedAt = new Date();
  bundleAll(api);
  mkdirSync(DIST_DIR, { recursive: true });
  writeFileSync(BUILD_STAMP_FILE, `${startedAt.toISOString()}\n`);
  utimesSync(BUILD_STAMP_FILE, startedAt, startedAt);
  return { schema, bundled: true };
}
