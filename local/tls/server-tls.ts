/**
 * The TLS side of the one port: the local CA (kept in the state folder, `local-ca.ts`) and a server
 * certificate it signs for every name a client may dial: loopback, the bound host, the public host
 * and, on a wildcard bind, the interface addresses (`local/host/public-endpoints.ts`).
 */
import { certificateNames } from '../host/public-endpoints.ts';
import { loadLocalCa } from './local-ca.ts';

export interface ServerTlsOptions {
  /** Folder holding the CA. */
  readonly stateDir: string;
  /** The address the server binds. */
  readonly boundHost: string;
  /** `--public-host` (or the host of `--public-url`). */
  readonly publicHost: string | null;
  /** The machine's interface addresses (`localInterfaceAddresses`). */
  readonly interfaceAddresses: readonly string[];
}

export interface ServerTls {
  /** The server certificate and its key (PEM). */
  readonly cert: string;
  readonly key: string;
  /** The CA certificate (PEM), served at `/ca.pem` and `/ca.crt`. */
  readonly caCertPem: string;
  /** Where the CA certificate is kept. */
  readonly caCertPath: string;
}

/** Loads (or creates) the CA and signs the server certificate; names it cannot vouch for go to `warn`. */
export function loadServerTls(options: ServerTlsOptions, warn: (line: string) => void): ServerTls {
  const ca = loadLocalCa(options.stateDir);
  const names = certificateNames({ boundHost: options.boundHost, publicHost: options.publicHost, interfaceAddresses: options.interfaceAddresses });
  if (names.refused.length > 0) {
    warn(`[warn] the TLS certificate cannot name ${names.refused.join(', ')}: the local CA vouches only for local names and private addresses (docs/devices.md)`);
  }
  const { cert, key } = ca.serverCertificate(names.names);
  return { cert, key, caCertPem: ca.caCertPem, caCertPath: ca.caCertPath };
}
