import { describe, expect, it } from 'vitest';
import { createHostAllowList, parseHostHeader } from '../../../local/http/host-allow-list.ts';
import { requestTargetPath } from '../../../local/http/node-adapter.ts';

describe('http: Host header parsing', () => {
  it('splits a host name, IPv4 or bracketed IPv6 address and an optional port, lower-cased and canonical', () => {
    expect(['LocalHost:4000', '127.0.0.1', '[::1]:4000', '[0:0:0:0:0:0:0:1]', 'my_box.lan.:80'].map(parseHostHeader)).toEqual([
      { hostname: 'localhost', port: 4000 },
      { hostname: '127.0.0.1', port: null },
      { hostname: '::1', port: 4000 },
      { hostname: '::1', port: null },
      { hostname: 'my_box.lan', port: 80 },
    ]);
  });

  it.each(['', '[', '[::1', '[nope]', 'a@evil.example', 'localhost:4000/health', 'localhost:4000?x', 'localhost:', 'localhost:0', 'localhost:65536', 'a b', '::1', 'evil.example#x'])(
    'refuses %j as a Host',
    (raw) => {
      expect(parseHostHeader(raw)).toBe(null);
    },
  );
});

describe('http: Host allow-list (DNS rebinding)', () => {
  const loopback = createHostAllowList({ boundHost: '127.0.0.1', port: 4000 });

  it('accepts the loopback names with the server port, and answers with the authority to build URLs from', () => {
    expect(['localhost:4000', '127.0.0.1:4000', '[::1]:4000', 'LOCALHOST:4000'].map((host) => loopback.check(host, 80))).toEqual([
      { ok: true, authority: 'localhost:4000' },
      { ok: true, authority: '127.0.0.1:4000' },
      { ok: true, authority: '[::1]:4000' },
      { ok: true, authority: 'localhost:4000' },
    ]);
  });

  it('refuses another name (403), another port (403), a malformed Host (400) and none (400)', () => {
    expect([loopback.check('evil.example:4000', 80), loopback.check('127.0.0.1:4001', 80), loopback.check('127.0.0.1', 80), loopback.check('a@b', 80), loopback.check(undefined, 80)]).toEqual([
      { ok: false, status: 403, message: 'The Host header names a host this server does not serve.' },
      { ok: false, status: 403, message: 'The Host header names a host this server does not serve.' },
      { ok: false, status: 403, message: 'The Host header names a host this server does not serve.' },
      { ok: false, status: 400, message: 'The Host header is not a valid host name and port.' },
      { ok: false, status: 400, message: 'The Host header is missing.' },
    ]);
  });

  it('takes the scheme default port for a Host without one', () => {
    const onDefaultPort = createHostAllowList({ boundHost: '127.0.0.1', port: 443 });
    expect([onDefaultPort.check('localhost', 443), onDefaultPort.check('localhost', 80)]).toEqual([
      { ok: true, authority: 'localhost:443' },
      { ok: false, status: 403, message: 'The Host header names a host this server does not serve.' },
    ]);
  });

  it('adds the bound address and the public host, but not the interfaces of a specific bind', () => {
    const hosts = createHostAllowList({ boundHost: '192.168.1.20', port: 4000, publicHost: 'Laptop.local', interfaceAddresses: () => ['10.0.0.5'] });
    expect({ names: hosts.names, lan: hosts.check('192.168.1.20:4000', 80).ok, public: hosts.check('laptop.local:4000', 80).ok, otherInterface: hosts.check('10.0.0.5:4000', 80).ok }).toEqual({
      names: ['localhost', '127.0.0.1', '::1', '192.168.1.20', 'laptop.local'],
      lan: true,
      public: true,
      otherInterface: false,
    });
  });

  it('accepts every interface address of the machine when bound to 0.0.0.0 or ::', () => {
    const addresses = ['127.0.0.1', '192.168.1.20', 'fe80::1'];
    const v4 = createHostAllowList({ boundHost: '0.0.0.0', port: 4000, interfaceAddresses: () => addresses });
    const v6 = createHostAllowList({ boundHost: '::', port: 4000, interfaceAddresses: () => addresses });
    expect([v4.check('192.168.1.20:4000', 80).ok, v6.check('[fe80::1]:4000', 80).ok, v4.check('192.168.1.21:4000', 80).ok, v4.names]).toEqual([true, true, false, ['localhost', '127.0.0.1', '::1']]);
  });

  it('recognises its own browser origins, http and https, by any of its names', () => {
    expect(['http://localhost:4000', 'https://127.0.0.1:4000', 'http://[::1]:4000', 'http://localhost:5173', 'https://evil.example:4000'].map((origin) => loopback.isOwnOrigin(new URL(origin)))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('http: request target', () => {
  it('keeps an origin-form target and reduces an absolute-form one to its path, so the target never picks the host', () => {
    expect(['/graphql?x=1', '//evil.example/graphql', 'http://evil.example/health?x=1', '*', 'evil.example:443', 'javascript:alert(1)'].map(requestTargetPath)).toEqual([
      '/graphql?x=1',
      '//evil.example/graphql',
      '/health?x=1',
      null,
      null,
      null,
    ]);
  });
});
