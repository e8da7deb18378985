/**
 * The bucket's CORS configuration, evaluated as S3 evaluates a CORS rule
 * (docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html). One rule: the configured origins,
 * GET/PUT/HEAD (a browser PUTs to an upload URL and GETs a download URL), any request header,
 * `ETag` exposed so a browser can read it after an upload.
 */
import { S3Error } from './s3-errors.ts';

export interface CorsRule {
  /** Origins (`*` allowed as a wildcard, as in S3's AllowedOrigin). */
  readonly allowedOrigins: readonly string[];
  readonly allowedMethods: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds: number;
}

export function createCorsRule(allowedOrigins: readonly string[]): CorsRule {
  return { allowedOrigins, allowedMethods: ['GET', 'PUT', 'HEAD'], exposeHeaders: ['ETag'], maxAgeSeconds: 3000 };
}

const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

export type CorsHeaders = Record<string, string>;

/**
 * Answers a preflight `OPTIONS` as S3 does: 400 without `Origin` or `Access-Control-Request-Method`,
 * 403 `AccessForbidden` "CORSResponse: …" when no rule matches, else 200 with the allow headers.
 */
export function answerPreflight(rule: CorsRule, origin: string | undefined, requestMethod: string | undefined, requestHeaders: string | undefined): CorsHeaders {
  if (origin === undefined) throw new S3Error('BadRequest', 'Insufficient information. Origin request header needed.');
  if (requestMethod === undefined) throw new S3Error('BadRequest', 'Invalid Access-Control-Request-Method: null');
  const headers = (requestHeaders ?? '').split(',').map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
  const originAllowed = matchOrigin(rule, origin);
  if (originAllowed === undefined || !rule.allowedMethods.includes(requestMethod.toUpperCase())) {
    throw new S3Error(
      'AccessForbidden',
      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
      [['Method', requestMethod], ['ResourceType', 'OBJECT']],
    );
  }
  return {
    ...allowHeaders(rule, originAllowed),
    ...(headers.length > 0 ? { 'access-control-allow-headers': headers.join(', ') } : {}),
  };
}

/** Headers S3 adds to an actual (non-preflight) request from an allowed origin; none otherwise. */
export function corsResponseHeaders(rule: CorsRule, origin: string | undefined, method: string): CorsHeaders {
  if (origin === undefined) return {};
  const originAllowed = matchOrigin(rule, origin);
  if (originAllowed === undefined || !rule.allowedMethods.includes(method.toUpperCase())) return {};
  return allowHeaders(rule, originAllowed);
}

function allowHeaders(rule: CorsRule, allowOrigin: string): CorsHeaders {
  return {
    'access-control-allow-origin': allowOrigin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    'access-control-expose-headers': rule.exposeHeaders.join(', '),
    'access-control-max-age': String(rule.maxAgeSeconds),
    ...(allowOrigin === '*' ? {} : { 'access-control-allow-credentials': 'true' }),
    vary: VARY,
  };
}

/** `*` when a wildcard rule matches (S3 answers `*` then), the origin when listed, undefined otherwise. */
function matchOrigin(rule: CorsRule, origin: string): string | undefined {
  for (const allowed of rule.allowedOrigins) {
    if (allowed === '*') return '*';
    if (!allowed.includes('*')) {
      if (allowed === origin) return origin;
      continue;
    }
    const pattern = new RegExp('^' + allowed.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
    if (pattern.test(origin)) return origin;
  }
  return undefined;
}
