/**
 * Bundles the local server (`local/main.ts` and everything it imports: our TypeScript and the pure-JS
 * dependencies) into one CommonJS file, `dist/local/main.cjs`, so `npm start` (`scripts/start.mjs`)
 * loads one file with plain `node` instead of hundreds of small modules through tsx's loader hooks.
 * CommonJS, loaded with `require` by `scripts/start.mjs`; the sources' only top-level await was moved
 * into `main()` for that.
 * Not minified: stack traces stay readable (each section is headed by its source path).
 *
 * Two things keep the bundle behaving like the sources:
 * - `import.meta.url` in our own files becomes the source file's URL, so files found next to a module
 *   (`api/appsync.graphql`, `local/runtime/sandbox/`, `createRequire` lookups) resolve as from source;
 * - `__dirname` / `__filename` in bundled CommonJS dependencies become that dependency file's own
 *   folder and path, not the bundle's.
 * What cannot be bundled stays external: native addons (`classic-level`), esbuild (a binary it spawns),
 * and what the server only loads lazily on a cache miss (ESLint, the AppSync plugin, TypeScript).
 * dynalite is not in the bundle either: the embedded DynamoDB store's worker thread loads it from
 * `node_modules` (`local/stores/dynamo-worker-source.ts`). The bundle therefore holds absolute paths
 * of this checkout; it is a local cache.
 *
 * Next to the bundle, `main.build.json` (`local/host/build-record.mjs`) lists its inputs and outputs
 * for `scripts/start.mjs`'s freshness check.
 *
 *   npx tsx scripts/bundle-server.ts   # rebuilds dist/local/main.cjs
 */
import { build, transform, type BuildOptions, type Plugin } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { writeBuildRecord } from '../local/host/build-record.mjs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The project root; computed here (not imported) so this file has no project dependencies. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The server bundle `npm start` runs. */
export const SERVER_BUNDLE_PATH = join(ROOT, 'dist', 'local', 'main.cjs');
/** The build record of the last server bundle (read by `scripts/start.mjs`; format: `local/host/build-record.mjs`). */
export const SERVER_BUILD_RECORD_PATH = join(ROOT, 'dist', 'local', 'main.build.json');

/** Packages left to Node's resolver at run time. */
export const SERVER_EXTERNALS = [
  // Native addons (dynalite's on-disk store; dynalite itself runs in a worker, outside the bundle).
  'classic-level',
  'leveldown',
  // A binary with its own JS API; the server loads it when bundles must be rebuilt.
  'esbuild',
  // Loaded lazily through createRequire on validation cache misses; large, and never needed before "ready".
  'eslint',
  '@aws-appsync/eslint-plugin',
  'typescript',
] as const;

export interface ServerBundleReport {
  readonly outfile: string;
  readonly bytes: number;
  /** How many inputs (files) went into the bundle. */
  readonly inputs: number;
  readonly ms: number;
  /** esbuild's warnings, formatted (`file:line: text`). */
  readonly warnings: readonly string[];
}

const LOCATION_PATTERN = /\bimport\.meta\.url\b|\b__dirname\b|\b__filename\b/;
/** `require('./dir/' + name)`: esbuild bundles every file of `dir` but looks them up with their extension. */
const FOLDER_REQUIRE_PATTERN = /\brequire\((['"])(\.{1,2}\/[\w./-]*\/)\1\s*\+\s*([\w$]+)\)/g;

/**
 * Appends `.js` to `require('./dir/' + name)` when `dir` holds only `.js` modules, so the bundle's
 * lookup table finds them (dynalite loads its actions this way; it now runs outside the bundle, but a
 * bundled dependency written the same way would otherwise fail only at run time). Other text is unchanged.
 */
export function fixFolderRequires(text: string, fileDir: string): string {
  return text.replace(FOLDER_REQUIRE_PATTERN, (whole, quote: string, folder: string, name: string) => {
    let entries: string[];
    try {
      entries = readdirSync(join(fileDir, folder)).filter((entry) => !entry.startsWith('.'));
    } catch {
      return whole;
    }
    if (entries.length === 0 || !entries.every((entry) => entry.endsWith('.js'))) return whole;
    return `require(${quote}${folder}${quote} + ${name} + ${quote}.js${quote})`;
  });
}

function loaderFor(path: string): 'ts' | 'js' {
  return /\.[cm]?ts$/.test(path) ? 'ts' : 'js';
}

/**
 * Rewrites `import.meta.url`, `__dirname` and `__filename` to the loaded file's own location. It uses
 * esbuild's `define` on each file (syntax-aware: strings and shadowed names are left alone); files that
 * do not mention them are passed through untouched.
 */
export function sourceLocationPlugin(): Plugin {
  return {
    name: 'source-location',
    setup(build) {
      build.onLoad({ filter: /\.(?:[cm]?[jt]s)$/ }, async (args) => {
        if (args.namespace !== 'file') return undefined;
        const inNodeModules = args.path.includes('/node_modules/');
        const raw = readFileSync(args.path, 'utf8');
        const text = inNodeModules && raw.includes('require(') ? fixFolderRequires(raw, dirname(args.path)) : raw;
        const loader = loaderFor(args.path);
        if (!LOCATION_PATTERN.test(text)) return { contents: text, loader };
        const define: Record<string, string> = { 'import.meta.url': JSON.stringify(pathToFileURL(args.path).href) };
        if (inNodeModules) {
          define['__dirname'] = JSON.stringify(dirname(args.path));
          define['__filename'] = JSON.stringify(args.path);
        }
        const result = await transform(text, { loader, define, sourcefile: args.path, sourcemap: 'inline', sourcesContent: false, target: 'node20', logLevel: 'silent' });
        return { contents: result.code, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

/** esbuild options for the server bundle (entry point, outfile and plugins are added by `bundleServer`). */
export const SERVER_BUILD_OPTIONS = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // esbuild's Node defaults (main before module; `import`/`require` conditions by how a file is
  // loaded): a package that ships both builds gets one instance, as under Node (graphql's `instanceof`).
  external: [...SERVER_EXTERNALS],
  minify: false,
  // Used when Node runs with --enable-source-maps (scripts/start.mjs then loads the bundle with require).
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'silent',
} as const satisfies BuildOptions;

/**
 * Bundles `local/main.ts` into `dist/local/main.cjs` and writes `main.build.json`. Both files are
 * written under temporary names and renamed, so a concurrent `npm start` never loads half a file.
 * Throws with esbuild's messages on failure.
 */
export async function bundleServer(): Promise<ServerBundleReport> {
  const startedAt = performance.now();
  // The inputs file gets the build's start time as its mtime: an edit during the build makes it stale.
  const startedAtDate = new Date();
  const outDir = dirname(SERVER_BUNDLE_PATH);
  mkdirSync(outDir, { recursive: true });
  const tag = `${process.pid}-${Date.now()}`;
  const tmpOut = join(outDir, `.main-${tag}.cjs`);
  try {
    const result = await build({
      ...SERVER_BUILD_OPTIONS,
      entryPoints: [join(ROOT, 'local', 'main.ts')],
      outfile: tmpOut,
      absWorkingDir: ROOT,
      metafile: true,
      plugins: [sourceLocationPlugin()],
    });
    const inputs = Object.keys(result.metafile.inputs)
      .map((input) => relative(ROOT, join(ROOT, input)))
      .sort();
    // The source map's name inside the bundle follows the final file name.
    const bundleText = readFileSync(tmpOut, 'utf8').replace(`//# sourceMappingURL=${relative(outDir, tmpOut)}.map`, '//# sourceMappingURL=main.cjs.map');
    writeFileSync(tmpOut, bundleText);
    renameSync(`${tmpOut}.map`, `${SERVER_BUNDLE_PATH}.map`);
    renameSync(tmpOut, SERVER_BUNDLE_PATH);
    writeBuildRecord(SERVER_BUILD_RECORD_PATH, {
      root: ROOT,
      inputs: [...inputs, relative(ROOT, fileURLToPath(import.meta.url))],
      outputs: [relative(ROOT, SERVER_BUNDLE_PATH), relative(ROOT, `${SERVER_BUNDLE_PATH}.map`)],
      startedAt: startedAtDate,
    });
    const warnings = result.warnings.map((w) => `${w.location ? `${w.location.file}:${w.location.line}: ` : ''}${w.text}`);
    return { outfile: SERVER_BUNDLE_PATH, bytes: Buffer.byteLength(bundleText), inputs: inputs.length, ms: Math.round(performance.now() - startedAt), warnings };
  } finally {
    rmSync(tmpOut, { force: true });
    rmSync(`${tmpOut}.map`, { force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await bundleServer();
  for (const warning of report.warnings) process.stderr.write(`warning: ${warning}\n`);
  process.stdout.write(`${relative(ROOT, report.outfile)}: ${report.bytes} bytes from ${report.inputs} inputs in ${report.ms} ms\n`);
}
