/** HTTP requests addressed to one object of the asset bucket, and their URLs. */
import { HttpRequest, escapeUri } from '@smithy/core/protocols';
import type { HttpRequest as SignedRequest } from '@smithy/types';
import type { BucketConfig } from './config.ts';

export interface ObjectRequestInit {
  readonly method: 'GET' | 'PUT' | 'HEAD' | 'DELETE' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
}

/** The key as it appears in the path: each segment percent-encoded once (S3 does not double-encode). */
export function encodeKey(key: string): string {
  return key.split('/').map(escapeUri).join('/');
}

/**
 * A request for `key`: virtual-hosted style in the cloud (`<bucket>.s3.<region>.amazonaws.com`),
 * path style (`<endpoint>/<bucket>/<key>`) when the bucket config says so (the local S3).
 */
export function objectRequest(bucket: BucketConfig, region: string, key: string, init: ObjectRequestInit): HttpRequest {
  const endpoint = bucket.endpoint ?? new URL(`https://s3.${region}.amazonaws.com`);
  const pathStyle = bucket.forcePathStyle;
  const hostname = pathStyle ? endpoint.hostname : `${bucket.bucketName}.${endpoint.hostname}`;
  const port = endpoint.port === '' ? undefined : Number(endpoint.port);
  const basePath = endpoint.pathname.replace(/\/+$/, '');
  const path = `${basePath}${pathStyle ? `/${escapeUri(bucket.bucketName)}` : ''}/${encodeKey(key)}`;
  return new HttpRequest({
    method: init.method,
    protocol: endpoint.protocol,
    hostname,
    ...(port === undefined ? {} : { port }),
    path,
    query: { ...init.query },
    headers: { host: port === undefined ? hostname : `${hostname}:${port}`, ...init.headers },
  });
}

/** The URL of a (signed) request, query values RFC 3986-encoded as SigV4 signs them. */
export function requestUrl(request: SignedRequest): string {
  const port = request.port === undefined ? '' : `:${request.port}`;
  const query = Object.entries(request.query ?? {})
    .flatMap(([name, value]) =>
      value === null ? [escapeUri(name)] : (Array.isArray(value) ? value : [value]).map((v) => `${escapeUri(name)}=${escapeUri(v)}`),
    )
    .join('&');
  return `${request.protocol}//${request.hostname}${port}${request.path}${query === '' ? '' : `?${query}`}`;
}
