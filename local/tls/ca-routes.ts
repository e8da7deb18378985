/**
 * The local CA certificate at fixed paths, without auth, so a phone can fetch it in its browser and
 * install it (docs/devices.md): `/ca.pem` (PEM, for Node's `NODE_EXTRA_CA_CERTS`, Android's
 * `network_security_config` and Dart's `SecurityContext`) and `/ca.crt` (DER as
 * `application/x-x509-ca-cert`, the type iOS and Android offer to install as a CA certificate).
 * Only the certificate is served: it is public by nature; the key never leaves the state folder.
 */
import { X509Certificate } from 'node:crypto';

export const CA_PEM_PATH = '/ca.pem';
export const CA_CRT_PATH = '/ca.crt';

export interface CaRoutesDeps {
  /** The CA certificate (PEM). */
  readonly caCertPem: string;
}

/** Answers GET and HEAD on `/ca.pem` and `/ca.crt`; null for other paths and methods. */
export function createCaRoutes(deps: CaRoutesDeps): (request: Request) => Response | null {
  const der = new X509Certificate(deps.caCertPem).raw;
  const files: Readonly<Record<string, { readonly body: Uint8Array<ArrayBuffer>; readonly type: string; readonly name: string }>> = {
    [CA_PEM_PATH]: { body: new TextEncoder().encode(deps.caCertPem), type: 'application/x-pem-file', name: 'asset-api-local-ca.pem' },
    [CA_CRT_PATH]: { body: Uint8Array.from(der), type: 'application/x-x509-ca-cert', name: 'asset-api-local-ca.crt' },
  };
  return function answerCaRoute(request) {
    const file = files[new URL(request.url).pathname];
    if (file === undefined || (request.method !== 'GET' && request.method !== 'HEAD')) return null;
    return new Response(request.method === 'HEAD' ? null : file.body, {
      status: 200,
      headers: {
        'content-type': file.type,
        'content-length': String(file.body.byteLength),
        'content-disposition': `attachment; filename="${file.name}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  };
}
