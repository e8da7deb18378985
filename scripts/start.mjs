/**
 * `npm start`: runs the local server from one bundled file (`dist/local/main.cjs`, made by
 * `scripts/bundle-server.ts` from `local/main.ts`) with plain `node`, which loads in a fraction of the
 * time tsx needs for the same hundreds of modules. Plain JavaScript on purpose: no loader on the warm path.
 *
 * Warm path: the bundle's build record (`dist/local/main.build.json`, see `local/host/build-record.mjs`)
 * says no input changed since the build, so it is run directly. Otherwise it is rebuilt first, by `tsx scripts/bundle-server.ts` in a child process.
 * Arguments and environment pass through to `local/main.ts` unchanged.
 *
 * The bundle is loaded with `require`, as any CommonJS module: cold or warm, with or without
 * `--enable-source-maps`, it runs the same way (`import()` inside it, which loads the Lambda bundles,
 * included). An earlier version ran it through `vm.Script` with a V8 code cache; `import()` had no
 * loader there, so every Lambda-backed field failed on the second start. Node 20 offers no code cache
 * for `require`d files, so there is none; files an older checkout left are removed.
 * The caches of the start path are listed in README.md ("Caches").
 */
import { spawnSync } from 'node:child_process';
import { rmSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBuildRecord } from '../local/host/build-record.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLE = join(ROOT, 'dist', 'local', 'main.cjs');
/** Written by `scripts/bundle-server.ts` (format: `local/host/build-record.mjs`). */
const BUILD_RECORD = join(ROOT, 'dist', 'local', 'main.build.json');

/**
 * Removes what older versions of `npm start` left in `dist/` and nothing reads any more: V8 code
 * caches (`main.cjs.*.v8`), the old inputs list (`main.inputs.json`) and build stamp (`.local-build-stamp`).
 */
function removeObsoleteCaches() {
  const obsolete = [join(ROOT, 'dist', 'local', 'main.inputs.json'), join(ROOT, 'dist', '.local-build-stamp')];
  try {
    for (const name of readdirSync(dirname(BUNDLE))) {
      if (name.startsWith(`${basename(BUNDLE)}.`) && name.endsWith('.v8')) obsolete.push(join(dirname(BUNDLE), name));
    }
  } catch {
    // No dist/local yet.
  }
  for (const file of obsolete) rmSync(file, { force: true });
}

removeObsoleteCaches();

if (!checkBuildRecord(BUILD_RECORD, ROOT).fresh) {
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

createRequire(import.meta.url)(BUNDLE);
