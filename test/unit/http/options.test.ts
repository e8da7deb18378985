import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../local/config.ts';
import { assertConnectionLimits, DEFAULT_CONNECTION_LIMITS } from '../../../local/http/connection-limits.ts';

describe('options: browser origins, public host and connection limits', () => {
  it('defaults to local dev origins, no public host and the default connection limits', () => {
    const config = loadConfig({}, []);
    expect({ corsOrigins: config.corsOrigins, publicHost: config.publicHost, connectionLimits: config.connectionLimits }).toEqual({
      corsOrigins: null,
      publicHost: null,
      connectionLimits: { firstByteTimeoutMs: 10_000, tlsHandshakeTimeoutMs: 10_000, headersTimeoutMs: 15_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000, maxConnections: 4096 },
    });
  });

  it('reads --cors-origin as often as it is given (either spelling), before CORS_ORIGINS', () => {
    const env = { CORS_ORIGINS: 'https://ignored.example' };
    expect(loadConfig(env, ['--cors-origin', 'https://app.example:8443', '--port', '0', '--cors-origin=http://localhost:5173/']).corsOrigins).toEqual(['https://app.example:8443', 'http://localhost:5173']);
  });

  it('reads CORS_ORIGINS as a comma list, and * as any origin', () => {
    expect([loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example,' }, []).corsOrigins, loadConfig({ CORS_ORIGINS: '*' }, []).corsOrigins]).toEqual([['https://a.example', 'https://b.example'], ['*']]);
  });

  it.each([
    [['--cors-origin', 'https://app.example/path'], '--cors-origin: must be an origin like http://localhost:5173 (scheme, host and port only) or *. Received: https://app.example/path'],
    [['--cors-origin', 'app.example'], '--cors-origin: must be an origin like http://localhost:5173 (scheme, host and port only) or *. Received: app.example'],
    [['--cors-origin'], '--cors-origin: a value is required. Received: nothing'],
    [['--public-host', 'a b'], '--public-host: must be a host name or IP address without port. Received: a b'],
    [['--public-host', 'laptop.lan:4000'], '--public-host: must be a host name or IP address without port. Received: laptop.lan:4000'],
    [['--public-host', 'cafe.be:80'], '--public-host: must be a host name or IP address without port. Received: cafe.be:80'],
  ])('refuses %j, naming the option and the value', (argv, message) => {
    expect(() => loadConfig({}, argv)).toThrow(message);
  });

  it('reads --public-host, else PUBLIC_HOST (a name, an IPv4 or an IPv6 address)', () => {
    expect([loadConfig({ PUBLIC_HOST: 'env.lan' }, ['--public-host', 'laptop.lan']).publicHost, loadConfig({ PUBLIC_HOST: 'env.lan' }, []).publicHost, loadConfig({ PUBLIC_HOST: 'fd00::5' }, []).publicHost]).toEqual([
      'laptop.lan',
      'env.lan',
      'fd00::5',
    ]);
  });

  it('refuses connection limits that are not positive integers, or a headers timeout above the request timeout', () => {
    expect(() => assertConnectionLimits({ ...DEFAULT_CONNECTION_LIMITS, keepAliveTimeoutMs: 0 })).toThrow('connectionLimits.keepAliveTimeoutMs: must be a positive integer. Received: 0');
    expect(() => assertConnectionLimits({ ...DEFAULT_CONNECTION_LIMITS, headersTimeoutMs: 70_000 })).toThrow('connectionLimits.headersTimeoutMs: must not exceed requestTimeoutMs (60000). Received: 70000');
  });
});
