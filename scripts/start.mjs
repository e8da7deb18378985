/**
 * `npm start`: runs the local server from one bundled file (`dist/local/main.cjs`, made by
 * `scripts/bundle-server.ts` from `local/main.ts`) with plain `node`, which loads in a fraction of the
 * time tsx needs for the same hundreds of modules. Plain JavaScript on purpose: no loader on the warm path.
 *
 * Warm path: the bundle is newer than each of its inputs (listed in `main.inputs.json`; dependencies
 * are checked through `node_modules/.package-lock.json`, which npm rewrites on every change), so it is
 * run directly. Otherwise it is rebuilt first, by `tsx scripts/bundle-server.ts` in a child process. Arguments and
 * environment pass through to `local/main.ts` unchanged.
 *
 * The bundle runs as a `vm.Script` with V8's code cache (`main.cjs.<mtime>-<size>.v8`), written a few
 * seconds after a start without a usable one: a warm start then neither parses nor compiles the
 * functions start-up runs. V8 checks only the source's length, so the cache is named after the
 * bundle's mtime and size. Under `--enable-source-maps` the bundle is loaded with `require` instead,
 * which maps stack traces to the TypeScript sources (no code cache then). Without either, stack
 * traces name lines of `dist/local/main.cjs`, where each section is headed by its source path.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLE = join(ROOT, 'dist', 'local', 'main.cjs');
const INPUTS = join(ROOT, 'dist', 'local', 'main.inputs.json');
/** How long after start the code cache is written (start-up has compiled what it needs by then). */
const CODE_CACHE_DELAY_MS = 3_000;
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

// The AWS SDK warns on every start that releases after January 2027 need Node 22. Its documented switch
// (aws/aws-sdk-js-v3#7983) silences only that warning; an explicit setting is left alone.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * Node 20 flags `vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER` (what lets `import()` inside the bundle,
 * e.g. the Lambda loader, work) as experimental on every start; only that one warning is dropped.
 */
function hideDefaultLoaderWarning() {
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'ExperimentalWarning' && warning.message.startsWith('vm.USE_MAIN_CONTEXT_DEFAULT_LOADER ')) return;
    for (const print of printers) print.call(process, warning);
  });
}

/** Runs the bundle as a CommonJS module whose code comes from V8's code cache when there is one. */
function runWithCodeCache() {
  hideDefaultLoaderWarning();
  const { mtimeMs, size } = statSync(BUNDLE);
  const cacheName = `${basename(BUNDLE)}.${Math.round(mtimeMs)}-${size}.v8`;
  const cacheFile = join(dirname(BUNDLE), cacheName);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const source = readFileSync(BUNDLE, 'utf8');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: BUNDLE,
    ...(cachedData ? { cachedData } : {}),
    // `import()` inside the bundle (the Lambda loader) resolves like any module of this process.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cachedData === undefined || script.cachedDataRejected === true) {
    setTimeout(() => {
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
        for (const name of readdirSync(dirname(BUNDLE))) {
          if (name !== cacheName && name.startsWith(`${basename(BUNDLE)}.`) && name.endsWith('.v8')) rmSync(join(dirname(BUNDLE), name), { force: true });
        }
      } catch {
        // Only a cache: the next start compiles again.
      }
    }, CODE_CACHE_DELAY_MS).unref();
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
}

// `require` maps stack traces through the source map; Node before 20.12 lacks the default-loader constant.
if (process.sourceMapsEnabled === true || vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER === undefined) createRequire(import.meta.url)(BUNDLE);
else runWithCodeCache();
