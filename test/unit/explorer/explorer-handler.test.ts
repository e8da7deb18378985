import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../api/definition.ts';
import { bundleExplorer, explorerBuildRecordPath, type ExplorerBundleReport } from '../../../local/explorer/bundle.ts';
import { readBuildRecord } from '../../../local/host/build-record.mjs';
import { ASSET_PREFIX, createExplorerHandler } from '../../../local/explorer/index.ts';
import { PAGE_CONFIG_ELEMENT_ID, parsePageConfig } from '../../../local/explorer/page-config.ts';

let outDir: string;
let report: ExplorerBundleReport;

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'explorer-bundle-'));
  report = bundleExplorer({ outDir });
}, 60_000);
afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  rmSync(explorerBuildRecordPath(outDir), { force: true });
});

function handler() {
  return createExplorerHandler({
    apiKey: 'da2-unittestkey',
    graphqlPath: '/graphql',
    realtimePath: '/graphql/realtime',
    tokenHint: 'npm run token -- --sub alice',
    bundleDir: outDir,
  });
}

function embeddedConfig(html: string): unknown {
  const match = new RegExp(`<script id="${PAGE_CONFIG_ELEMENT_ID}" type="application/json">(.*?)</script>`).exec(html);
  return match?.[1] === undefined ? undefined : parsePageConfig(match[1]);
}

describe('bundleExplorer', () => {
  it('builds one JS bundle and one CSS file per page, and skips the build while inputs are unchanged', () => {
    expect(report.built).toBe(true);
    const { explorer, demo } = report.manifest.pages;
    expect([explorer.js, explorer.css.length, demo.js, demo.css.length]).toEqual([
      expect.stringMatching(/^explorer-[A-Z0-9]{8}\.js$/),
      1,
      expect.stringMatching(/^demo-[A-Z0-9]{8}\.js$/),
      1,
    ]);
    expect(readBuildRecord(explorerBuildRecordPath(outDir))?.inputs).toEqual(expect.arrayContaining(['local/explorer/explorer-page.ts', 'local/demo/demo-page.ts', 'local/explorer/bundle.ts']));

    const again = bundleExplorer({ outDir });
    expect({ built: again.built, manifest: again.manifest }).toEqual({ built: false, manifest: report.manifest });
  });
});

describe('explorer handler: pages', () => {
  it.each([
    ['/', 'explorer'],
    ['/demo', 'demo'],
  ] as const)('serves %s as HTML naming its hashed bundles, with the page config embedded', async (path, page) => {
    const response = await handler()(new Request(`http://127.0.0.1:4000${path}`));
    expect(response?.status).toBe(200);
    expect(Object.fromEntries(response?.headers ?? [])).toEqual({
      'cache-control': 'no-cache',
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy':
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; media-src 'self'; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
    const html = (await response?.text()) ?? '';
    const assets = report.manifest.pages[page];
    expect(html).toContain(`<script type="module" src="${ASSET_PREFIX}${assets.js}"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="${ASSET_PREFIX}${assets.css[0] ?? ''}">`);
    expect(embeddedConfig(html)).toEqual({
      apiKey: 'da2-unittestkey',
      graphqlPath: '/graphql',
      realtimePath: '/graphql/realtime',
      tokenHint: 'npm run token -- --sub alice',
      allowedContentTypes: [...api.assets.allowedContentTypes],
      userPool: null,
    });
  });

  it('embeds the user pool the pages sign in with, and lets images and media come from the S3 origin', async () => {
    const userPool = { path: '/cognito-idp/', userPoolId: 'us-east-1_localpool', clientId: 'localappclient', signUp: 'self', signInWith: 'email', autoConfirm: true } as const;
    const withPool = createExplorerHandler({
      apiKey: 'k',
      graphqlPath: '/graphql',
      realtimePath: '/graphql/realtime',
      bundleDir: outDir,
      userPool,
      connectSources: ['http://127.0.0.1:9000'],
    });
    const response = await withPool(new Request('http://127.0.0.1:4000/demo'));
    expect({ csp: response?.headers.get('content-security-policy'), config: embeddedConfig((await response?.text()) ?? '') }).toEqual({
      csp: "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: http://127.0.0.1:9000; media-src 'self' http://127.0.0.1:9000; font-src 'self' data:; connect-src 'self' http://127.0.0.1:9000; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      config: { apiKey: 'k', graphqlPath: '/graphql', realtimePath: '/graphql/realtime', tokenHint: '', allowedContentTypes: [...api.assets.allowedContentTypes], userPool },
    });
  });

  it('refuses an embedded user pool with a field of the wrong kind, naming the field', () => {
    const base = { apiKey: 'k', graphqlPath: '/graphql', realtimePath: '/r', tokenHint: '', allowedContentTypes: [] };
    const pool = { path: '/cognito-idp/', userPoolId: 'p', clientId: 'c', signUp: 'self', signInWith: 'email', autoConfirm: false };
    expect(() => parsePageConfig(JSON.stringify({ ...base, userPool: { ...pool, signUp: 'anyone' } }))).toThrow(new Error(`page config: userPool.signUp must be 'self' or 'admin-only', got "anyone"`));
    expect(() => parsePageConfig(JSON.stringify({ ...base, userPool: { ...pool, clientId: 7 } }))).toThrow(new Error('page config: userPool.clientId must be a string, got number'));
  });

  it('escapes the embedded config so a hint cannot close the script element', async () => {
    const hostile = createExplorerHandler({
      apiKey: 'k',
      graphqlPath: '/graphql',
      realtimePath: '/graphql/realtime',
      tokenHint: '</script><script>alert(1)</script>',
      bundleDir: outDir,
    });
    const html = (await (await hostile(new Request('http://127.0.0.1/')))?.text()) ?? '';
    expect(html).not.toContain('</script><script>alert(1)');
    expect(embeddedConfig(html)).toMatchObject({ tokenHint: '</script><script>alert(1)</script>' });
  });
});

describe('explorer handler: bundles', () => {
  it('serves a listed bundle with its content type and an immutable cache header', async () => {
    const js = report.manifest.pages.explorer.js;
    const response = await handler()(new Request(`http://127.0.0.1/explorer-assets/${js}`));
    const body = new Uint8Array((await response?.arrayBuffer()) ?? new ArrayBuffer(0));
    expect({ status: response?.status, headers: Object.fromEntries(response?.headers ?? []) }).toEqual({
      status: 200,
      headers: {
        'cache-control': 'public, max-age=31536000, immutable',
        'content-length': String(body.byteLength),
        'content-type': 'text/javascript; charset=utf-8',
        'cross-origin-resource-policy': 'same-origin',
        'x-content-type-options': 'nosniff',
      },
    });
    expect(body.byteLength).toBeGreaterThan(100_000);
  });

  it('answers 404 for a file the manifest does not list, including traversal attempts', async () => {
    for (const path of ['/explorer-assets/nope.js', '/explorer-assets/..%2Fmanifest.json', '/explorer-assets/manifest.json']) {
      const response = await handler()(new Request(`http://127.0.0.1${path}`));
      expect({ path, status: response?.status, body: await response?.text() }).toEqual({ path, status: 404, body: 'Not found' });
    }
  });
});

describe('explorer handler: everything else', () => {
  it('returns null for other paths and for methods other than GET and HEAD', async () => {
    const h = handler();
    const results = await Promise.all([
      h(new Request('http://127.0.0.1/graphql')),
      h(new Request('http://127.0.0.1/graphql/realtime')),
      h(new Request('http://127.0.0.1/favicon.ico')),
      h(new Request('http://127.0.0.1/', { method: 'POST', body: '{}' })),
    ]);
    expect(results).toEqual([null, null, null, null]);
  });

  it('answers 503 with a hint while nothing is built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'explorer-empty-'));
    try {
      const h = createExplorerHandler({ apiKey: 'k', graphqlPath: '/graphql', realtimePath: '/graphql/realtime', bundleDir: empty });
      const response = await h(new Request('http://127.0.0.1/demo'));
      expect({ status: response?.status, body: await response?.text() }).toEqual({
        status: 503,
        body: 'The explorer is not built yet: call bundleExplorer() before serving it.',
      });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
