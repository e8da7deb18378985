/**
 * `fetch` with a SigV4 `Authorization` header, for the few calls the Lambdas make (S3 HEAD/DELETE,
 * the IAM-only GraphQL mutation) without pulling a whole AWS SDK client into the bundle.
 */
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsContext } from './config.ts';
import { requestUrl } from './s3-object.ts';
import { NodeSha256 } from './sha256.ts';

export interface SignedFetchOptions {
  /** The signing name: `s3`, `appsync`. */
  readonly service: string;
  /** S3 wants `x-amz-content-sha256` on every request and a path that is not encoded twice. */
  readonly s3: boolean;
  readonly fetch: typeof fetch;
  readonly now: () => Date;
}

export type SignedFetch = (request: HttpRequest) => Promise<Response>;

/** Builds an `HttpRequest` for `url` (which must not carry a query). */
export function httpRequest(url: URL, method: string, headers: Record<string, string>, body?: string): HttpRequest {
  const port = url.port === '' ? undefined : Number(url.port);
  return new HttpRequest({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(port === undefined ? {} : { port }),
    path: url.pathname,
    headers: { host: url.host, ...headers },
    ...(body === undefined ? {} : { body }),
  });
}

export function createSignedFetch(aws: AwsContext, options: SignedFetchOptions): SignedFetch {
  const signer = new SignatureV4({
    service: options.service,
    region: aws.region,
    credentials: aws.credentials,
    sha256: NodeSha256,
    applyChecksum: options.s3,
    uriEscapePath: !options.s3,
  });
  return async function signedFetch(request) {
    const signed = await signer.sign(request, { signingDate: options.now() });
    const headers: Record<string, string> = { ...signed.headers };
    delete headers['host'];
    const body: unknown = signed.body;
    return options.fetch(requestUrl(signed), {
      method: signed.method,
      headers,
      ...(typeof body === 'string' ? { body } : {}),
    });
  };
}
