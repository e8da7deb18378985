/**
 * Where the build puts each bundle. The CDK stack and the local runtime load bundles from these paths,
 * so both run the very same files.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (the folder holding package.json). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Output folder of `npm run build`. */
export const DIST_DIR = join(PROJECT_ROOT, 'dist');

/** `resolvers/functions/putAsset.ts` -> `<root>/dist/resolvers/functions/putAsset.js` */
export function resolverBundlePath(codeFile: string): string {
  const rel = relative('resolvers', codeFile);
  return join(DIST_DIR, 'resolvers', rel.replace(/\.ts$/, '.js'));
}

/** The file name of every Lambda bundle inside its folder. */
const LAMBDA_BUNDLE_MODULE = 'index';

/** The folder holding a Lambda's bundle (`index.mjs`), as CDK's `Code.fromAsset` wants it. */
export function lambdaBundleDir(lambdaName: string): string {
  return join(DIST_DIR, 'lambda', lambdaName);
}

/** The Lambda bundle file itself. */
export function lambdaBundlePath(lambdaName: string): string {
  return join(lambdaBundleDir(lambdaName), `${LAMBDA_BUNDLE_MODULE}.mjs`);
}

/** Absolute path of a file named relative to the project root in the definition. */
export function projectPath(file: string): string {
  return join(PROJECT_ROOT, file);
}

/** The Lambda handler string for a bundle built by `lambdaBundlePath` (`index.handler`). */
export function lambdaHandlerName(exportName: string): string {
  return `${LAMBDA_BUNDLE_MODULE}.${exportName}`;
}
