import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE_DIR, DEV_API_KEY, loadConfig } from '../../local/config.ts';
import { configError } from '../support/config-error.ts';

describe('loadConfig', () => {
  it('has documented defaults and is frozen', () => {
    const config = loadConfig({}, [], '/project');
    expect(config).toEqual({
      port: 4000,
      host: '127.0.0.1',
      apiKey: DEV_API_KEY,
      dataDir: null,
      stateDir: DEFAULT_STATE_DIR,
      dynamodbEndpoint: null,
      s3Endpoint: null,
      region: 'us-east-1',
      storeCredentials: null,
      localCredentials: null,
      accountId: '123456789012',
      verbose: false,
      introspection: true,
      tls: true,
      watch: true,
      cache: true,
      userPoolIssuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_localpool',
      userPoolClientId: 'localappclient',
      keepAliveMs: 60000,
      connectionTimeoutMs: 300000,
      corsOrigins: null,
      publicHost: null,
      connectionLimits: { firstByteTimeoutMs: 10000, tlsHandshakeTimeoutMs: 10000, headersTimeoutMs: 15000, requestTimeoutMs: 60000, keepAliveTimeoutMs: 5000, maxConnections: 4096 },
      userPoolMfa: null,
      userPoolAutoConfirm: false,
      publicUrl: null,
      outputsPath: join(DEFAULT_STATE_DIR, 'amplify_outputs.json'),
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(DEV_API_KEY).toMatch(/^da2-[a-z0-9]{26}$/);
  });

  it('reads PORT and API_KEY from the environment, --port wins over PORT', () => {
    expect(loadConfig({ PORT: '5000', API_KEY: 'da2-mykey1234' }, []).port).toBe(5000);
    expect(loadConfig({ PORT: '5000' }, ['--port', '0']).port).toBe(0);
    expect(loadConfig({ API_KEY: 'da2-mykey1234' }, []).apiKey).toBe('da2-mykey1234');
  });

  it('takes --data-dir with a value, or .data/ when given alone, and keeps state there', () => {
    expect(loadConfig({}, ['--data-dir'], '/project')).toMatchObject({ dataDir: '/project/.data', stateDir: '/project/.data' });
    expect(loadConfig({}, ['--data-dir', 'store', '--verbose'], '/project')).toMatchObject({ dataDir: join('/project', 'store'), verbose: true });
    expect(loadConfig({}, ['--data-dir=/abs'], '/project').dataDir).toBe('/abs');
  });

  it('points at DynamoDB Local or AWS with the AWS_* credentials', () => {
    const config = loadConfig({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000/', AWS_ACCESS_KEY_ID: 'AKIAREAL', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1' }, []);
    expect(config).toMatchObject({ dynamodbEndpoint: 'http://127.0.0.1:8000', region: 'eu-west-1', storeCredentials: { accessKeyId: 'AKIAREAL', secretAccessKey: 'secret' }, localCredentials: null });
  });

  it("ignores AWS_* credentials when everything is embedded (the installation's own credentials are used)", () => {
    expect(loadConfig({ AWS_ACCESS_KEY_ID: 'AKIAREAL', AWS_SECRET_ACCESS_KEY: 'secret' }, []).storeCredentials).toBe(null);
  });

  it('switches TLS, introspection and watching off', () => {
    expect(loadConfig({}, ['--no-tls', '--no-introspection', '--no-watch'])).toMatchObject({ tls: false, introspection: false, watch: false });
    // --no-cache: the definition's per-resolver caching is not emulated.
    expect(loadConfig({}, ['--no-cache']).cache).toBe(false);
  });

  it.each([
    [{}, ['--port', 'abc'], '--port: must be an integer 0-65535. Received: abc'],
    [{ PORT: '70000' }, [], 'PORT: must be an integer 0-65535. Received: 70000'],
    [{}, ['--port'], '--port: a value is required. Received: nothing'],
    [{}, ['--bogus'], 'unknown argument. Received: --bogus (known: --port N, --host H, --data-dir [DIR], --verbose, --no-tls, --no-introspection, --no-watch, --no-cache, --cors-origin URL, --public-host NAME, --public-url URL, --outputs PATH, --no-outputs, --mfa off|optional|required, --auto-confirm)'],
    [{ DYNAMODB_ENDPOINT: 'localhost:8000' }, [], 'DYNAMODB_ENDPOINT: must be an absolute http(s) URL. Received: localhost:8000'],
    [{ AWS_ACCESS_KEY_ID: 'x' }, [], 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: give both or neither. Received: only one'],
    [{ AWS_REGION: 'mars' }, [], 'AWS_REGION: must be a region name like us-east-1. Received: mars'],
    [{ API_KEY: 'short' }, [], 'API_KEY: must be 8-128 printable characters without spaces. Received: a value of another shape'],
  ])('rejects %j %j with a ConfigError naming the option', (env, argv, message) => {
    expect(configError(() => loadConfig(env, argv))).toBe(message);
  });
});
