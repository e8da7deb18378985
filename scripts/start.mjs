/**
 * `npm start`: runs the local server from one bundled file (`dist/local/main.cjs`, made by
 * `scripts/bundle-server.ts` from `local/main.ts`) with plain `node`, which loads in a fraction of the
 * time tsx needs for the same hundreds of modules. Plain JavaScript on purpose: no loader on the warm path.
 *
 * Warm path: the bundle is newer than each of its inputs (listed in `main.inputs.json`; dependencies
 * are checked through `node_modules/.package-lock.json`, which npm rewrites on every change), so it is
 * run directly. Otherwise it is rebuilt first, by `tsx scripts/bundle-server.ts` in a child process.
 * Arguments and environment pass through to `local/main.ts` unchanged.
 *
 * The bundle is loaded with `require`, as any CommonJS module: cold or warm, with or without
 * `--enable-source-maps`, it runs the same way (`import()` inside it, which loads the Lambda bundles,
 * included). An earlier version ran it through `vm.Script` with a V8 code cache; `import()` had no
 * loader there, so every Lambda-backed field failed on the second start. Node 20 offers no code cache
 * for `require`d files, so there is none; files an older checkout left (`main.cjs.*.v8`) are removed.
 * The caches of the start path are listed in README.md ("Caches").
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLE = join(ROOT, 'dist', 'local', 'main.cjs');
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
  // In a child process, so tsx's loader hooks never sit in the server's process.
  const build = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'bundle-server.ts')], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) {
    process.stderr.write(`npm start: bundling the local server failed (${build.error?.message ?? `exit ${build.status ?? build.signal}`}); see above.\n`);
    process.exit(1);
  }
}


/** Removes V8 code caches an older `npm start` wrote next to the bundle; nothing reads them now. */
function removeStaleCodeCaches() {
  try {
    for (const name of readdirSync(dirname(BUNDLE))) {
      if (name.startsWith(`${basename(BUNDLE)}.`) && name.endsWith('.v8')) rmSync(join(dirname(BUNDLE), name), { force: true });
    }
  } catch {
    // No dist/local yet: nothing to remove.
  }
}

removeStaleCodeCaches();

// The AWS SDK warns on every start that releases after January 2027 need Node 22. Its documented switch
// (aws/aws-sdk-js-v3#7983) silences only that warning; an explicit setting is left alone.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

createRequire(import.meta.url)(BUNDLE);
