/**
 * `--public-url`, `--outputs` and the addresses the local server announces (docs/devices.md): what
 * the config accepts, which Host headers the public URL lets through, the announced origin and the
 * names the TLS certificate may carry.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE_DIR, loadConfig } from '../../../local/config.ts';
import { announcedOrigin, certificateNames, lanAddresses } from '../../../local/host/public-endpoints.ts';
import { createHostAllowList } from '../../../local/http/host-allow-list.ts';
import { configError } from '../../support/config-error.ts';

describe('config: --public-url and --outputs', () => {
  it('takes --public-url or PUBLIC_URL as an origin and derives the public host from it', () => {
    const pick = (env: Record<string, string>, argv: string[]): unknown => {
      const { publicUrl, publicHost } = loadConfig(env, argv, '/project');
      return { publicUrl, publicHost };
    };
    expect([
      pick({}, []),
      pick({}, ['--public-url', 'https://192.168.1.20:4000/']),
      pick({ PUBLIC_URL: 'http://My-Mac.local:4000' }, []),
      pick({ PUBLIC_URL: 'http://ignored.lan' }, ['--public-url=https://[fd00::5]:4000']),
      pick({}, ['--public-url', 'https://laptop.lan:4000', '--public-host', 'laptop.lan']),
    ]).toEqual([
      { publicUrl: null, publicHost: null },
      { publicUrl: 'https://192.168.1.20:4000', publicHost: '192.168.1.20' },
      { publicUrl: 'http://my-mac.local:4000', publicHost: 'my-mac.local' },
      { publicUrl: 'https://[fd00::5]:4000', publicHost: 'fd00::5' },
      { publicUrl: 'https://laptop.lan:4000', publicHost: 'laptop.lan' },
    ]);
  });

  it('refuses a public URL with a path, another scheme, or a host other than --public-host', () => {
    expect([
      configError(() => loadConfig({}, ['--public-url', 'https://laptop.lan:4000/api'])),
      configError(() => loadConfig({ PUBLIC_URL: 'ftp://laptop.lan' }, [])),
      configError(() => loadConfig({}, ['--public-url', 'https://a.lan', '--public-host', 'b.lan'])),
    ]).toEqual([
      '--public-url: must be an origin like https://192.168.1.20:4000 (scheme, host and port only, no path). Received: https://laptop.lan:4000/api',
      'PUBLIC_URL: must be an origin like https://192.168.1.20:4000 (scheme, host and port only, no path). Received: ftp://laptop.lan',
      '--public-url: its host must be the public host (b.lan), or leave --public-host out. Received: https://a.lan',
    ]);
  });

  it('writes amplify_outputs.json into the state folder by default, where --outputs says, or nowhere with --no-outputs', () => {
    expect([
      loadConfig({}, [], '/project').outputsPath,
      loadConfig({}, ['--data-dir', 'store'], '/project').outputsPath,
      loadConfig({}, ['--outputs', '../app/src/amplify_outputs.json'], '/project').outputsPath,
      loadConfig({}, ['--no-outputs'], '/project').outputsPath,
      configError(() => loadConfig({}, ['--outputs', 'a.json', '--no-outputs'])),
    ]).toEqual([join(DEFAULT_STATE_DIR, 'amplify_outputs.json'), '/project/store/amplify_outputs.json', '/app/src/amplify_outputs.json', null, '--outputs and --no-outputs: give one or neither. Received: both']);
  });
});

describe('host allow-list: the public URL behind a proxy', () => {
  it('accepts the public host on the public port or without a port, and other names only on the listening port', () => {
    const hosts = createHostAllowList({ boundHost: '127.0.0.1', port: 4000, publicHost: 'tunnel.lan', publicPort: 443, interfaceAddresses: () => [] });
    const verdicts = ['tunnel.lan', 'tunnel.lan:443', 'tunnel.lan:4000', 'tunnel.lan:8080', 'localhost:443', 'localhost:4000', 'evil.example:443'].map((host) => [host, hosts.check(host, 80).ok]);
    expect(Object.fromEntries(verdicts)).toEqual({
      'tunnel.lan': true,
      'tunnel.lan:443': true,
      'tunnel.lan:4000': true,
      'tunnel.lan:8080': false,
      'localhost:443': false,
      'localhost:4000': true,
      'evil.example:443': false,
    });
  });
});

describe('announced addresses and certificate names', () => {
  const interfaces = ['127.0.0.1', '::1', '192.168.1.20', '10.0.0.7', '203.0.113.9', '2001:db8::1', 'fe80::1'];

  it('announces --public-url, else the bound address, else for a wildcard bind the first LAN address; https while TLS is on', () => {
    const base = { publicUrl: null, port: 4000, tls: true, interfaceAddresses: interfaces };
    expect([
      announcedOrigin({ ...base, boundHost: '127.0.0.1', publicUrl: 'https://10.0.2.2:4000' }),
      announcedOrigin({ ...base, boundHost: '127.0.0.2' }),
      announcedOrigin({ ...base, boundHost: '0.0.0.0' }),
      announcedOrigin({ ...base, boundHost: '::', tls: false, interfaceAddresses: ['127.0.0.1'] }),
      lanAddresses(interfaces),
    ]).toEqual(['https://10.0.2.2:4000', 'https://127.0.0.2:4000', 'https://192.168.1.20:4000', 'http://127.0.0.1:4000', ['192.168.1.20', '10.0.0.7']]);
  });

  it('names loopback, the bound or interface addresses and the public host in the certificate, leaving out what the CA may not vouch for', () => {
    expect([
      certificateNames({ boundHost: '0.0.0.0', publicHost: 'My-Mac.local', interfaceAddresses: interfaces }),
      certificateNames({ boundHost: '127.0.0.2', publicHost: 'tunnel.example.com', interfaceAddresses: interfaces }),
    ]).toEqual([
      { names: ['localhost', '127.0.0.1', '::1', '192.168.1.20', '10.0.0.7', 'fe80::1', 'my-mac.local'], refused: ['203.0.113.9', '2001:db8::1'] },
      { names: ['localhost', '127.0.0.1', '::1', '127.0.0.2'], refused: ['tunnel.example.com'] },
    ]);
  });
});
