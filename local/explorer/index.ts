/**
 * The explorer (`/`) and the upload demo (`/demo`) as one Web `Request` → `Response` handler that
 * the local server mounts in front of its routes. It answers the two pages and their hashed
 * bundles from `dist/explorer/` (built by `bundleExplorer()`), and `null` for anything else.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { api } from '../../api/definition.ts';
import { pageAssetHeaders, pageHeaders } from '../http/page-headers.ts';
import { EXPLORER_DIST_DIR, MANIFEST_FILE, readExplorerManifest, type ExplorerManifest, type PageName } from './bundle.ts';
import { PAGE_CONFIG_ELEMENT_ID, serializePageConfig, type PageConfig, type PageUserPool } from './page-config.ts';

export { bundleExplorer } from './bundle.ts';

export interface ExplorerHandlerOptions {
  /** The local API key, preset in both pages. */
  readonly apiKey: string;
  readonly graphqlPath: '/graphql';
  readonly realtimePath: '/graphql/realtime';
  /** Shown next to the token field, e.g. `npm run token -- --sub alice`. @default '' */
  readonly tokenHint?: string;
  /** Where `bundleExplorer()` wrote the bundles. @default `<root>/dist/explorer` */
  readonly bundleDir?: string;
  /** Content types the demo may declare. @default the definition's `assets.allowedContentTypes` */
  readonly allowedContentTypes?: readonly string[];
  /**
   * Origins the pages may call besides their own (CSP `connect-src`): the S3 endpoint the demo
   * uploads to. The demo also shows images and plays media from there (`img-src`, `media-src`). @default []
   */
  readonly connectSources?: readonly string[];
  /** The local user pool the pages sign in with. @default null (no sign-in panel) */
  readonly userPool?: PageUserPool | null;
}

export type ExplorerHandler = (req: Request) => Promise<Response | null>;

/** URL prefix of the bundled JS/CSS. */
export const ASSET_PREFIX = '/explorer-assets/';

const PAGE_PATHS: Readonly<Record<string, PageName>> = { '/': 'explorer', '/demo': 'demo', '/demo/': 'demo' };
const PAGE_TITLES: Readonly<Record<PageName, string>> = {
  explorer: 'Asset API · GraphiQL explorer',
  demo: 'Asset API · upload demo',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Hashed file names never change content, so browsers may keep them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderPageHtml(page: PageName, manifest: ExplorerManifest, config: PageConfig): string {
  const assets = manifest.pages[page];
  const styles = assets.css.map((file) => `<link rel="stylesheet" href="${ASSET_PREFIX}${escapeHtml(file)}">`).join('');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(PAGE_TITLES[page])}</title>`,
    // An empty icon: otherwise the browser asks for /favicon.ico and logs the 404 as a console error.
    '<link rel="icon" href="data:,">',
    styles,
    `<script id="${PAGE_CONFIG_ELEMENT_ID}" type="application/json">${serializePageConfig(config)}</script>`,
    `<script type="module" src="${ASSET_PREFIX}${escapeHtml(assets.js)}"></script>`,
    '</head>',
    '<body><div id="root"></div></body>',
    '</html>',
    '',
  ].join('\n');
}

function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

export function createExplorerHandler(options: ExplorerHandlerOptions): ExplorerHandler {
  const bundleDir = options.bundleDir ?? EXPLORER_DIST_DIR;
  const config: PageConfig = {
    apiKey: options.apiKey,
    graphqlPath: options.graphqlPath,
    realtimePath: options.realtimePath,
    tokenHint: options.tokenHint ?? '',
    allowedContentTypes: options.allowedContentTypes ?? api.assets.allowedContentTypes,
    userPool: options.userPool ?? null,
  };

  const connectSources = options.connectSources ?? [];
  const htmlHeaders = pageHeaders({ connectSources, mediaSources: connectSources });

  // The manifest is re-read when a rebuild replaced it, so a running server follows `bundleExplorer()`.
  let cached: { manifest: ExplorerManifest; mtimeMs: number } | undefined;
  async function currentManifest(): Promise<ExplorerManifest | undefined> {
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(join(bundleDir, MANIFEST_FILE))).mtimeMs;
    } catch {
      return undefined;
    }
    if (cached?.mtimeMs !== mtimeMs) {
      const manifest = readExplorerManifest(bundleDir);
      cached = manifest ? { manifest, mtimeMs } : undefined;
    }
    return cached?.manifest;
  }

  async function serveAsset(name: string, manifest: ExplorerManifest, head: boolean): Promise<Response> {
    // Only files the manifest lists are served, which also rules out path traversal.
    if (!manifest.files.includes(name)) return textResponse(404, 'Not found');
    const body = await readFile(join(bundleDir, name));
    return new Response(head ? null : body, {
      status: 200,
      headers: {
        'content-type': CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
        'content-length': String(body.byteLength),
        'cache-control': IMMUTABLE,
        ...pageAssetHeaders(),
      },
    });
  }

  return async function explorerHandler(req: Request): Promise<Response | null> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return null;
    const { pathname } = new URL(req.url);
    const page = PAGE_PATHS[pathname];
    const assetName = pathname.startsWith(ASSET_PREFIX) ? pathname.slice(ASSET_PREFIX.length) : undefined;
    if (page === undefined && assetName === undefined) return null;

    const manifest = await currentManifest();
    if (!manifest) return textResponse(503, 'The explorer is not built yet: call bundleExplorer() before serving it.');
    const head = req.method === 'HEAD';
    if (assetName !== undefined) return serveAsset(assetName, manifest, head);

    const html = renderPageHtml(page ?? 'explorer', manifest, config);
    return new Response(head ? null : html, {
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        // The page names the current hashed bundles, so it must be revalidated on every load.
        'cache-control': 'no-cache',
        ...htmlHeaders,
      },
    });
  };
}
