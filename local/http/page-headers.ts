/**
 * Security headers of the HTML pages the local server serves (the explorer and the upload demo) and
 * of their bundles. The pages embed the local API key, so no other site may frame them (clickjacking)
 * or read them; the CORS side of that is `router.ts` (pages get no CORS headers).
 *
 * The Content-Security-Policy fits what the bundles built by `local/explorer/bundle.ts` do: scripts
 * only from the page's own origin (the page config is a `<script type="application/json">` data
 * block, which CSP does not run); styles from the bundle plus `'unsafe-inline'` because GraphiQL's
 * dialogs and menus insert a `<style>` element when they open (to hide the scroll bar); images and fonts inlined as `data:` URLs by the
 * CSS; requests to the page's own origin (`'self'` also covers `ws:`/`wss:` on the same host and port)
 * plus `connectSources` (the S3 front the demo uploads to); images and audio/video from the page's
 * origin plus `mediaSources` (the demo's thumbnails and inline players read download URLs).
 */

export interface PageHeaderOptions {
  /** Origins the page may `fetch` besides its own, e.g. the S3 endpoint of upload URLs. @default [] */
  readonly connectSources?: readonly string[];
  /** Origins of images and media besides the page's own, e.g. the S3 endpoint of download URLs. @default [] */
  readonly mediaSources?: readonly string[];
}

/** The Content-Security-Policy of the pages. */
export function pageContentSecurityPolicy(options: PageHeaderOptions = {}): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src ${["'self'", 'data:', ...(options.mediaSources ?? [])].join(' ')}`,
    `media-src ${["'self'", ...(options.mediaSources ?? [])].join(' ')}`,
    "font-src 'self' data:",
    `connect-src ${["'self'", ...(options.connectSources ?? [])].join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers of an HTML page. */
export function pageHeaders(options: PageHeaderOptions = {}): Record<string, string> {
  return {
    'content-security-policy': pageContentSecurityPolicy(options),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
  };
}

/** Headers of a page's bundled script, style sheet or font. */
export function pageAssetHeaders(): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'cross-origin-resource-policy': 'same-origin',
  };
}
