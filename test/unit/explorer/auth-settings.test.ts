import { describe, expect, it } from 'vitest';
import {
  AUTH_STORAGE_KEY,
  formatAmzDate,
  httpAuthHeaders,
  loadAuthSettings,
  realtimeAuthorization,
  resolveAuthSettings,
  saveAuthSettings,
  settingsForUser,
  type SettingsStorage,
} from '../../../local/explorer/auth-settings.ts';
import { encodeBase64Json, realtimeConnectionUrl } from '../../../local/explorer/appsync-realtime-client.ts';

function memoryStorage(initial: Record<string, string> = {}): SettingsStorage & { readonly items: Record<string, string> } {
  const items = { ...initial };
  return {
    items,
    getItem: (key) => items[key] ?? null,
    setItem: (key, value) => {
      items[key] = value;
    },
  };
}

describe('auth settings: persistence', () => {
  it('defaults to the API key when nothing is stored or the stored value is unreadable', () => {
    for (const storage of [undefined, memoryStorage(), memoryStorage({ [AUTH_STORAGE_KEY]: '{not json' }), memoryStorage({ [AUTH_STORAGE_KEY]: '42' })]) {
      expect(loadAuthSettings(storage, 'da2-key')).toEqual({ mode: 'API_KEY', apiKey: 'da2-key', token: '' });
    }
  });

  it('stores the mode and token but not the API key, which always comes from the page', () => {
    const storage = memoryStorage();
    saveAuthSettings(storage, { mode: 'AMAZON_COGNITO_USER_POOLS', apiKey: 'da2-old', token: 'eyJ.a.b' });
    expect(storage.items).toEqual({ [AUTH_STORAGE_KEY]: '{"mode":"AMAZON_COGNITO_USER_POOLS","token":"eyJ.a.b"}' });
    expect(loadAuthSettings(storage, 'da2-new')).toEqual({ mode: 'AMAZON_COGNITO_USER_POOLS', apiKey: 'da2-new', token: 'eyJ.a.b' });
  });
});

describe('auth settings: headers', () => {
  const now = new Date('2025-03-01T12:00:00.123Z');

  it('sends x-api-key over HTTP and the realtime header object (docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake, with x-amz-date) over realtime for API keys', () => {
    const settings = { mode: 'API_KEY', apiKey: 'da2-abcdefghijklmnopqrstuvwxyz', token: 'ignored' } as const;
    expect(httpAuthHeaders(settings)).toEqual({ 'x-api-key': 'da2-abcdefghijklmnopqrstuvwxyz' });
    expect(realtimeAuthorization(settings, 'localhost:20002', now)).toEqual({
      host: 'localhost:20002',
      'x-amz-date': '20250301T120000Z',
      'x-api-key': 'da2-abcdefghijklmnopqrstuvwxyz',
    });
  });

  it('sends the pasted token, trimmed, as Authorization for user pools', () => {
    const settings = { mode: 'AMAZON_COGNITO_USER_POOLS', apiKey: 'da2-x', token: '  eyJ.a.b\n' } as const;
    expect(httpAuthHeaders(settings)).toEqual({ Authorization: 'eyJ.a.b' });
    expect(realtimeAuthorization(settings, '127.0.0.1:4000', now)).toEqual({ Authorization: 'eyJ.a.b', host: '127.0.0.1:4000' });
  });

  it('formats x-amz-date without separators or milliseconds', () => {
    expect(formatAmzDate(now)).toBe('20250301T120000Z');
  });
});

describe('realtime connection URL', () => {
  it('matches the worked encoding of docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake and carries payload=e30=', () => {
    const header = { host: 'localhost:20002', 'x-amz-date': '20250301T120000Z', 'x-api-key': 'da2-abcdefghijklmnopqrstuvwxyz' };
    expect(encodeBase64Json(header)).toBe(
      'eyJob3N0IjoibG9jYWxob3N0OjIwMDAyIiwieC1hbXotZGF0ZSI6IjIwMjUwMzAxVDEyMDAwMFoiLCJ4LWFwaS1rZXkiOiJkYTItYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoifQ==',
    );
    expect(realtimeConnectionUrl('ws://localhost:20002/graphql/realtime', header)).toBe(
      'ws://localhost:20002/graphql/realtime?header=eyJob3N0IjoibG9jYWxob3N0OjIwMDAyIiwieC1hbXotZGF0ZSI6IjIwMjUwMzAxVDEyMDAwMFoiLCJ4LWFwaS1rZXkiOiJkYTItYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoifQ==&payload=e30=',
    );
  });

  it('encodes non-ASCII header values as UTF-8', () => {
    expect(JSON.parse(Buffer.from(encodeBase64Json({ name: 'Zoë ✓' }), 'base64').toString('utf8'))).toEqual({ name: 'Zoë ✓' });
  });
});

describe('auth settings: the signed-in user', () => {
  const apiKey = { mode: 'API_KEY', apiKey: 'da2-x', token: 'pasted' } as const;
  const signedIn = { mode: 'SIGNED_IN_USER', apiKey: 'da2-x', token: 'pasted' } as const;

  it('resolves the signed-in mode to the current ID token as Authorization, and leaves other modes alone', async () => {
    const resolved = await resolveAuthSettings(signedIn, () => Promise.resolve('eyJ.id.token'));
    expect({ resolved, headers: httpAuthHeaders(resolved), unchanged: await resolveAuthSettings(apiKey, () => Promise.resolve('eyJ.id.token')) }).toEqual({
      resolved: { mode: 'SIGNED_IN_USER', apiKey: 'da2-x', token: 'eyJ.id.token' },
      headers: { Authorization: 'eyJ.id.token' },
      unchanged: apiKey,
    });
  });

  it('sends an empty Authorization when nobody is signed in, so AppSync answers its 401 body', async () => {
    expect(httpAuthHeaders(await resolveAuthSettings(signedIn, () => Promise.resolve(undefined)))).toEqual({ Authorization: '' });
  });

  it('switches to the user on sign-in, keeps the stored choice for a restored session, and falls back to the API key without a user', () => {
    expect([
      settingsForUser(apiKey, true, 'changed').mode,
      settingsForUser(apiKey, true, 'restored').mode,
      settingsForUser(signedIn, false, 'changed').mode,
      settingsForUser(signedIn, false, 'restored').mode,
      settingsForUser({ ...apiKey, mode: 'AMAZON_COGNITO_USER_POOLS' }, false, 'changed').mode,
    ]).toEqual(['SIGNED_IN_USER', 'API_KEY', 'API_KEY', 'API_KEY', 'AMAZON_COGNITO_USER_POOLS']);
  });

  it('persists the signed-in mode but reads any unknown mode as the API key', () => {
    const storage = memoryStorage({ [AUTH_STORAGE_KEY]: '{"mode":"SIGNED_IN_USER","token":""}' });
    expect(loadAuthSettings(storage, 'k').mode).toBe('SIGNED_IN_USER');
    expect(loadAuthSettings(memoryStorage({ [AUTH_STORAGE_KEY]: '{"mode":"ROOT"}' }), 'k').mode).toBe('API_KEY');
  });
});
