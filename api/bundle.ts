/**
 * Bundles every resolver, pipeline function and Lambda named in the one definition with esbuild.
 * Resolvers become the single-file ESM that AppSync's APPSYNC_JS runtime accepts (only
 * `@aws-appsync/utils` imports left external, inline source map without sources content); Lambdas
 * become minified ESM. The CDK stack and the local runtime both load these files.
 */
import { buildSync, type BuildOptions, type Metafile } from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from './config-error.ts';
import { lambdaBundlePath, projectPath, resolverBundlePath, PROJECT_ROOT } from './paths.ts';
import type { ApiDefinition } from './types.ts';

/** AppSync's limit on a resolver's or function's `code` (characters). */
export const APPSYNC_CODE_LIMIT = 32_768;

/** esbuild options for an APPSYNC_JS bundle, as the AppSync developer guide documents them. */
export const RESOLVER_BUILD_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'esnext',
  external: ['@aws-appsync/utils', '@aws-appsync/utils/*'],
  sourcemap: 'inline',
  sourcesContent: false,
  minify: false,
  logLevel: 'silent',
} as const satisfies BuildOptions;

/** esbuild options for a Lambda: everything bundled (no SDK from the runtime), minified ESM. */
export const LAMBDA_BUILD_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  mainFields: ['module', 'main'],
  // CommonJS dependencies inside an ESM bundle may still call require() for Node built-ins.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'silent',
} as const satisfies BuildOptions;

export interface BundleReport {
  /** Source file relative to the project root. */
  readonly source: string;
  readonly outfile: string;
  readonly bytes: number;
  /** Every file esbuild read for this bundle, relative to the project root (for build records). */
  readonly inputs: readonly string[];
}

/** Every resolver and function code file named in the definition, once each. */
export function resolverSources(api: ApiDefinition): string[] {
  const files = new Set<string>();
  for (const r of api.resolvers) files.add(r.code);
  for (const f of Object.values(api.functions)) files.add(f.code);
  return [...files].sort();
}

function outputBytes(metafile: Metafile | undefined, outfile: string): number {
  const out = Object.entries(metafile?.outputs ?? {}).find(([path]) => projectPath(path) === outfile);
  return out?.[1].bytes ?? 0;
}

/** Bundles one resolver source; throws when the result exceeds AppSync's code limit. */
export function bundleResolver(source: string): BundleReport {
  const outfile = resolverBundlePath(source);
  mkdirSync(dirname(outfile), { recursive: true });
  const result = buildSync({ ...RESOLVER_BUILD_OPTIONS, entryPoints: [projectPath(source)], outfile, metafile: true, absWorkingDir: PROJECT_ROOT });
  const bytes = outputBytes(result.metafile, outfile);
  const length = readFileSync(outfile, 'utf8').length;
  if (length > APPSYNC_CODE_LIMIT) {
    throw new ConfigError(`${source}: bundle is ${length} characters; AppSync accepts at most ${APPSYNC_CODE_LIMIT}`);
  }
  return { source, outfile, bytes, inputs: Object.keys(result.metafile.inputs) };
}

/** Bundles one Lambda entry into `dist/lambda/<name>/index.mjs`. */
export function bundleLambda(name: string, entry: string): BundleReport {
  const outfile = lambdaBundlePath(name);
  mkdirSync(dirname(outfile), { recursive: true });
  const result = buildSync({ ...LAMBDA_BUILD_OPTIONS, entryPoints: [projectPath(entry)], outfile, metafile: true, absWorkingDir: PROJECT_ROOT });
  return { source: entry, outfile, bytes: outputBytes(result.metafile, outfile), inputs: Object.keys(result.metafile.inputs) };
}

/** Bundles everything the definition names. Synchronous, so the CDK app can call it before synth. */
export function bundleAll(api: ApiDefinition): { resolvers: BundleReport[]; lambdas: BundleReport[] } {
  return {
    resolvers: resolverSources(api).map(bundleResolver),
    lambdas: Object.entries(api.lambdas).map(([name, fn]) => bundleLambda(name, fn.entry)),
  };
}
