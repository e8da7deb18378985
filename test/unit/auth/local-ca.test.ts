/**
 * The local CA vouches only for local names: a server certificate it signs for `localhost`, loopback
 * or a private address verifies; one for a public name or address is refused by OpenSSL (the name
 * constraints are critical), so trusting the CA cannot expose other sites.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { afterAll, describe, expect, it } from 'vitest';
import { CA_CERT_FILE, CA_KEY_FILE, isPermittedName, loadLocalCa } from '../../../local/tls/local-ca.ts';

/** OpenSSL's verdict on a name outside the CA's permitted subtrees. */
const VIOLATION = 'UNSPECIFIED: permitted subtree violation';
const dirs: string[] = [];
const servers: Server[] = [];
afterAll(() => {
  for (const server of servers) server.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'asset-api-ca-'));
  dirs.push(dir);
  return dir;
}

/** Serves a certificate for `name` and reports how a client trusting only the local CA judges it. */
async function verdict(ca: ReturnType<typeof loadLocalCa>, name: string): Promise<string> {
  const { cert, key } = ca.serverCertificate([name]);
  const server = createServer({ cert, key }, (_req, res) => res.end('ok'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return new Promise((resolve) => {
    const isIp = /^[\d.]+$|:/.test(name);
    const socket = connect({ host: '127.0.0.1', port, ca: ca.caCertPem, ...(isIp ? {} : { servername: name }), checkServerIdentity: () => undefined });
    socket.once('secureConnect', () => {
      socket.end();
      resolve('trusted');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(`${error.code ?? ''}: ${error.message}`));
  });
}

describe('local CA: name constraints and validity', () => {
  it('vouches for localhost, loopback and private addresses, and refuses public names and addresses', async () => {
    const ca = loadLocalCa(stateDir());
    const names = ['localhost', 'api.localhost', '127.0.0.1', '192.168.1.20', '10.0.2.2', '::1', 'my-mac.local', 'laptop.lan', 'box.home.arpa', 'dev.internal', 'example.com', 'www.google.com', '8.8.8.8', 'local.example.com'];
    const verdicts: Record<string, string> = {};
    for (const name of names) verdicts[name] = await verdict(ca, name);
    expect(verdicts).toEqual({
      localhost: 'trusted',
      'api.localhost': 'trusted',
      '127.0.0.1': 'trusted',
      '192.168.1.20': 'trusted',
      '10.0.2.2': 'trusted',
      '::1': 'trusted',
      'my-mac.local': 'trusted',
      'laptop.lan': 'trusted',
      'box.home.arpa': 'trusted',
      'dev.internal': 'trusted',
      'example.com': VIOLATION,
      'www.google.com': VIOLATION,
      '8.8.8.8': VIOLATION,
      'local.example.com': VIOLATION,
    });
    // The host leaves such names out of its certificate before asking (one would void the whole certificate).
    expect(Object.fromEntries(names.map((name) => [name, isPermittedName(name)]))).toEqual(Object.fromEntries(names.map((name) => [name, verdicts[name] === 'trusted'])));
  });

  it('lives a year, and a CA from an older version (no name constraints) is replaced with a new key', () => {
    const dir = stateDir();
    // An unconstrained CA, as older versions wrote it, already in the folder.
    const keys = forge.pki.rsa.generateKeyPair(1024);
    const old = forge.pki.createCertificate();
    old.publicKey = keys.publicKey;
    old.serialNumber = '01';
    old.validity.notBefore = new Date(Date.now() - 86_400_000);
    old.validity.notAfter = new Date(Date.now() + 3650 * 86_400_000);
    old.setSubject([{ name: 'commonName', value: 'Asset API local CA' }]);
    old.setIssuer([{ name: 'commonName', value: 'Asset API local CA' }]);
    old.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }]);
    old.sign(keys.privateKey, forge.md.sha256.create());
    const oldPem = forge.pki.certificateToPem(old);
    writeFileSync(join(dir, CA_CERT_FILE), oldPem);
    writeFileSync(join(dir, CA_KEY_FILE), forge.pki.privateKeyToPem(keys.privateKey));

    const ca = loadLocalCa(dir);
    const extensions = (forge.pki.certificateFromPem(ca.caCertPem).extensions as { id?: string; critical?: boolean }[]).filter((e) => e.id === '2.5.29.30');
    const days = (Date.parse(new X509Certificate(ca.caCertPem).validTo) - Date.now()) / 86_400_000;
    expect({
      replaced: ca.caCertPem !== oldPem && readFileSync(join(dir, CA_CERT_FILE), 'utf8') === ca.caCertPem,
      newKey: readFileSync(join(dir, CA_KEY_FILE), 'utf8') !== forge.pki.privateKeyToPem(keys.privateKey),
      nameConstraints: extensions.map((e) => e.critical),
      days: Math.round(days),
    }).toEqual({ replaced: true, newKey: true, nameConstraints: [true], days: 365 });
  });

  it('replaces a CA whose name constraints differ from this version\'s (devices must trust the new one), and keeps a current one', () => {
    const dir = stateDir();
    // GIVEN a CA constrained to localhost only, as the previous version wrote it
    const keyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const key = forge.pki.privateKeyFromPem(keyPem);
    const old = forge.pki.createCertificate();
    old.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
    old.serialNumber = '02';
    old.validity.notBefore = new Date(Date.now() - 86_400_000);
    old.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
    old.setSubject([{ name: 'commonName', value: 'Asset API local CA' }]);
    old.setIssuer([{ name: 'commonName', value: 'Asset API local CA' }]);
    const { asn1 } = forge;
    const localhostOnly = asn1.toDer(
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.CONTEXT_SPECIFIC, 2, false, 'localhost')])]),
      ]),
    ).getBytes();
    old.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }, { id: '2.5.29.30', critical: true, value: localhostOnly }]);
    old.sign(key, forge.md.sha256.create());
    const oldPem = forge.pki.certificateToPem(old);
    writeFileSync(join(dir, CA_CERT_FILE), oldPem);
    writeFileSync(join(dir, CA_KEY_FILE), keyPem);

    // WHEN it is loaded twice
    const first = loadLocalCa(dir);
    const second = loadLocalCa(dir);

    // THEN the first load made a new CA, and the second kept it
    expect({ replaced: first.caCertPem !== oldPem, kept: second.caCertPem === first.caCertPem }).toEqual({ replaced: true, kept: true });
  });
});
