/**
 * Bundles the explorer (`/`) and the upload demo (`/demo`) for the browser with esbuild: GraphiQL,
 * React and our page code into content-hashed JS and CSS files under `dist/explorer/`, plus a
 * `manifest.json` naming them. Everything comes from node_modules at build time; nothing is fetched
 * at run time. A warm start skips the build when its build record (`local/host/build-record.mjs`)
 * shows no input changed since.
 */
import { buildSync, type BuildOptions, type Metafile } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { checkBuildRecord, writeBuildRecord } from '../host/build-record.mjs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST_DIR, PROJECT_ROOT } from '../../api/paths.ts';

/** Where the browser bundles go. */
export const EXPLORER_DIST_DIR = join(DIST_DIR, 'explorer');

/** The pages and their entry files, relative to the project root. */
export const PAGE_ENTRIES = {
  explorer: 'local/explorer/explorer-page.ts',
  demo: 'local/demo/demo-page.ts',
} as const;
export type PageName = keyof typeof PAGE_ENTRIES;

/** The output files of one page, as names inside `dist/explorer/`. */
export interface PageAssets {
  readonly js: string;
  readonly css: readonly string[];
}

/** `dist/explorer/manifest.json`. */
export interface ExplorerManifest {
  readonly version: 1;
  readonly pages: Readonly<Record<PageName, PageAssets>>;
  /** Every file written next to the manifest (bundles, CSS, fonts) that may be served. */
  readonly files: readonly string[];
}

export interface ExplorerBundleReport {
  /** False when the outputs were up to date and nothing was built. */
  readonly built: boolean;
  readonly manifest: ExplorerManifest;
  readonly outDir: string;
}

export interface BundleExplorerOptions {
  /** @default `<root>/dist/explorer` */
  readonly outDir?: string;
  /** Build even when the outputs look up to date. @default false */
  readonly force?: boolean;
}

/** esbuild options for the browser pages (entry points and outdir are added per build). */
export const BROWSER_BUILD_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome111', 'firefox115', 'safari16.4'],
  minify: true,
  sourcemap: false,
  legalComments: 'eof',
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file', '.png': 'file' },
  logLevel: 'silent',
} as const satisfies BuildOptions;

export const MANIFEST_FILE = 'manifest.json';
const THIS_FILE = fileURLToPath(import.meta.url);

function isManifest(value: unknown): value is ExplorerManifest {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof ExplorerManifest, unknown>>;
  return v.version === 1 && typeof v.pages === 'object' && Array.isArray(v.files);
}

/** The manifest in `outDir`, or undefined when there is none (or it is unreadable). */
export function readExplorerManifest(outDir: string = EXPLORER_DIST_DIR): ExplorerManifest | undefined {
  let text: string;
  try {
    text = readFileSync(join(outDir, MANIFEST_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    return isManifest(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The build record of the pages in `outDir` (`build-record.mjs`), kept beside the folder because the build empties it. */
export function explorerBuildRecordPath(outDir: string): string {
  return `${outDir}.build.json`;
}

function pageAssetsFrom(metafile: Metafile, outDir: string): Record<PageName, PageAssets> {
  const pages: Partial<Record<PageName, { js: string; css: string[] }>> = {};
  for (const [outfile, output] of Object.entries(metafile.outputs)) {
    const entry = output.entryPoint;
    const page = (Object.keys(PAGE_ENTRIES) as PageName[]).find((name) => PAGE_ENTRIES[name] === entry);
    if (!page || !outfile.endsWith('.js')) continue;
    const css = output.cssBundle ? [basename(output.cssBundle)] : [];
    pages[page] = { js: basename(relative(outDir, join(PROJECT_ROOT, outfile))), css };
  }
  const { explorer, demo } = pages;
  if (!explorer || !demo) throw new Error('bundleExplorer: esbuild produced no bundle for a page');
  return { explorer, demo };
}

/**
 * Builds the explorer and demo bundles unless they are up to date. Synchronous, like `bundleAll`,
 * so the server can call it before it listens.
 */
export function bundleExplorer(options: BundleExplorerOptions = {}): ExplorerBundleReport {
  const outDir = options.outDir ?? EXPLORER_DIST_DIR;
  const recordPath = explorerBuildRecordPath(outDir);
  const previous = readExplorerManifest(outDir);
  if (!options.force && previous && checkBuildRecord(recordPath, PROJECT_ROOT).fresh) return { built: false, manifest: previous, outDir };

  const startedAt = new Date();
  mkdirSync(outDir, { recursive: true });
  const result = buildSync({
    ...BROWSER_BUILD_OPTIONS,
    absWorkingDir: PROJECT_ROOT,
    entryPoints: PAGE_ENTRIES,
    outdir: outDir,
    metafile: true,
    write: true,
  });
  const files = Object.keys(result.metafile.outputs).map((f) => basename(f));
  const manifest: ExplorerManifest = {
    version: 1,
    pages: pageAssetsFrom(result.metafile, outDir),
    files,
  };
  // Written to a temporary name and renamed, so a concurrent reader never sees half a manifest.
  const temporary = join(outDir, `${MANIFEST_FILE}.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(temporary, join(outDir, MANIFEST_FILE));

  // Hashed outputs of earlier builds are no longer referenced.
  const keep = new Set([...files, MANIFEST_FILE]);
  for (const name of readdirSync(outDir)) {
    if (!keep.has(name) && !name.endsWith('.tmp')) rmSync(join(outDir, name), { force: true });
  }
  writeBuildRecord(recordPath, {
    root: PROJECT_ROOT,
    inputs: [...Object.keys(result.metafile.inputs), relative(PROJECT_ROOT, THIS_FILE)],
    outputs: [...files, MANIFEST_FILE].map((name) => relative(PROJECT_ROOT, join(outDir, name))),
    startedAt,
  });
  return { built: true, manifest, outDir };
}
