/**
 * `npm start`: runs the local server from one bundled file (`dist/local/main.mjs`, made by
 * `scripts/bundle-server.ts` from `local/main.ts`) with plain `node`, which loads in a fraction of the
 * time tsx needs for the same hundreds of modules. Plain JavaScript on purpose: no loader on the warm path.
 *
 * Warm path: the bundle is newer than each of its inputs (listed in `main.inputs.json`; dependencies
 * are checked through `node_modules/.package-lock.json`, which npm rewrites on every change), so it is
 * imported directly. Otherwise it is rebuilt first, through tsx (only then loaded). Arguments and
 * environment pass through to `local/main.ts` unchanged.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLE = join(ROOT, 'dist', 'local', 'main.mjs');
const INPUTS = join(ROOT, 'dist', 'local', 'main.inputs.json');

/** @param {string} file @returns {number | undefined} */
function mtimeMs(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** True when the bundle exists, was built in this checkout, and no input changed after its build started. */
function isBundleFresh() {
  const builtAt = mtimeMs(INPUTS);
  if (builtAt === undefined || mtimeMs(BUNDLE) === undefined) return false;
  let record;
  try {
    record = JSON.parse(readFileSync(INPUTS, 'utf8'));
  } catch {
    return false;
  }
  if (typeof record !== 'object' || record === null || record.root !== ROOT || !Array.isArray(record.inputs)) return false;
  const files = [join(ROOT, 'node_modules', '.package-lock.json')];
  for (const input of record.inputs) {
    if (typeof input !== 'string') return false;
    if (!input.startsWith('node_modules/')) files.push(join(ROOT, input));
  }
  for (const file of files) {
    const changed = mtimeMs(file);
    if (changed === undefined || changed > builtAt) return false;
  }
  return true;
}

if (!isBundleFresh()) {
  const { tsImport } = await import('tsx/esm/api');
  const { bundleServer } = await tsImport('./bundle-server.ts', import.meta.url);
  await bundleServer();
}

// The AWS SDK warns on every start that releases after January 2027 need Node 22. Its documented switch
// (aws/aws-sdk-js-v3#7983) silences only that warning; an explicit setting is left alone.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

await import(pathToFileURL(BUNDLE).href);
