/**
 * One HTTP(S) request over `node:http`/`node:https`, for black-box tests: the CA to trust is an
 * argument (Node's `fetch` only trusts what `NODE_EXTRA_CA_CERTS` named at process start), headers
 * go out exactly as given (Content-Length included, which `fetch` refuses to take from the caller),
 * and the answer comes back whole: status, lower-cased headers and the raw body.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';

export interface HttpRequest {
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** PEM of a CA to trust for `https:` besides Node's own (the local CA); null or absent: Node's trust only. */
  readonly ca?: string | null;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-cased names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** `ca` replaces Node's trusted roots; this keeps them and adds `pem` (the S3 host of a target may be a public one). */
export function withRootCertificates(pem: string): string[] {
  return [...rootCertificates, pem];
}

/** Sends one request and resolves with the whole response; rejects on a network or TLS failure. */
export function sendHttpRequest(url: string, options: HttpRequest): Promise<HttpResponse> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const tls = target.protocol === 'https:' && options.ca !== undefined && options.ca !== null ? { ca: withRootCertificates(options.ca) } : {};
  return new Promise((resolve, reject) => {
    const req = send(target, { method: options.method, headers: { ...options.headers }, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: flattenHeaders(res.headers), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
