/**
 * What a hostile web page can do to the local server from a developer's browser: reach it through
 * a re-pointed DNS name (DNS rebinding: the request carries the attacker's `Host`), read the API key
 * from the explorer page or the API's answers (CORS), open a realtime connection (WebSockets have no
 * CORS), frame the pages (clickjacking), or confuse routing with a crafted `Host` or method. Each is
 * sent over a real socket to the running server (HTTP and its S3 front) and must be refused in
 * AppSync's (or S3's) error shape, with nothing logged as an error.
 */
import { connect as connectTcp } from 'node:net';
import { afterAll, beforeAll, describe, it } from 'vitest';
import WebSocket from 'ws';
import { postGraphQL } from '../support/graphql-client.ts';
import { base64UrlJson } from '../support/realtime-client.ts';
import { startTestServer, type StoreBackedTestServer } from '../support/test-server.ts';

const PUBLIC_HOST = 'laptop.test';
let fixture: StoreBackedTestServer;
let port: number;
let s3Port: number;

beforeAll(async () => {
  fixture = await startTestServer({ store: 'dynalite', argv: ['--no-tls', '--public-host', PUBLIC_HOST] });
  port = fixture.server.port;
  const created = await postGraphQL(fixture.server.url, { query: 'mutation { createUpload(input: { name: "a.txt", contentType: "text/plain", size: 1 }) { upload { url } } }', variables: {} }, { headers: { 'x-api-key': fixture.server.apiKey } });
  const url = (created.body as { data?: { createUpload?: { upload?: { url?: unknown } } } }).data?.createUpload?.upload?.url;
  if (typeof url !== 'string') throw new Error(`createUpload failed: ${created.text}`);
  s3Port = Number(new URL(url).port);
});

afterAll(async () => {
  await fixture?.close();
});

interface RawAnswer {
  readonly status: string;
  /** Lower-cased header names; `date` left out (it changes every second). */
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Sends `head` (request line and headers, without the final blank line), a `Connection` header and
 * `body` over a fresh socket, and reads the answer until the server closes.
 */
function exchange(toPort: number, head: string, options: { readonly body?: string; readonly connection?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(toPort, '127.0.0.1', () => socket.write(`${head}\r\nConnection: ${options.connection ?? 'close'}\r\n\r\n${options.body ?? ''}`));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.once('error', reject);
    socket.once('close', () => {
      const [top = '', body = ''] = text.split('\r\n\r\n');
      const [status = '', ...lines] = top.split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]).filter(([name]) => name !== 'date'));
      resolve({ status, headers, body });
    });
  });
}

function appSyncError(status: string, errorType: string, message: string, extra: Record<string, string> = {}): RawAnswer {
  const body = JSON.stringify({ errors: [{ errorType, message }] });
  return { status, headers: { 'content-type': 'application/json;charset=UTF-8', 'x-amzn-errortype': errorType, ...extra, 'content-length': String(Buffer.byteLength(body)), connection: 'close' }, body };
}

const FOREIGN_HOST = appSyncError('HTTP/1.1 403 Forbidden', 'AccessDeniedException', 'The Host header names a host this server does not serve.');
const BAD_HOST = appSyncError('HTTP/1.1 400 Bad Request', 'BadRequestException', 'The Host header is not a valid host name and port.');

describe('rebinding: requests for another host name are refused', () => {
  it.for(['/graphql', '/', '/demo', '/health', '/.well-known/jwks.json'])('refuses GET %s with Host: evil.example (403)', async (path, { expect }) => {
    expect(await exchange(port, `GET ${path} HTTP/1.1\r\nHost: evil.example:${port}`)).toEqual(FOREIGN_HOST);
  });

  it('refuses a POST /graphql carrying the API key under a foreign Host', async ({ expect }) => {
    const body = JSON.stringify({ query: '{ __typename }' });
    expect(await exchange(port, `POST /graphql HTTP/1.1\r\nHost: evil.example:${port}\r\nx-api-key: ${fixture.server.apiKey}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}`, { body })).toEqual(FOREIGN_HOST);
  });

  it('refuses the right name on another port (403)', async ({ expect }) => {
    expect(await exchange(port, `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port + 1}`)).toEqual(FOREIGN_HOST);
  });

  it('accepts its own names and the configured public host', async ({ expect }) => {
    const answers = await Promise.all(['localhost', '127.0.0.1', '[::1]', PUBLIC_HOST].map((name) => exchange(port, `GET /health HTTP/1.1\r\nHost: ${name}:${port}`)));
    expect(answers.map((a) => [a.status, a.body])).toEqual(Array.from({ length: 4 }, () => ['HTTP/1.1 200 OK', '{"status":"ok"}']));
  });

  it('refuses a realtime upgrade under a foreign Host before the WebSocket handshake', async ({ expect }) => {
    const upgrade = `GET /graphql/realtime HTTP/1.1\r\nHost: evil.example:${port}\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: graphql-ws`;
    expect(await exchange(port, upgrade, { connection: 'Upgrade' })).toEqual(FOREIGN_HOST);
  });

  it('refuses a request to the S3 front under a foreign Host with S3 AccessDenied', async ({ expect }) => {
    const answer = await exchange(s3Port, `GET /s3/asset-api-local-assets/uploads/x HTTP/1.1\r\nHost: evil.example:${s3Port}`);
    expect({ status: answer.status, code: /<Code>(.*?)<\/Code>/.exec(answer.body)?.[1], message: /<Message>(.*?)<\/Message>/.exec(answer.body)?.[1] }).toEqual({
      status: 'HTTP/1.1 403 Forbidden',
      code: 'AccessDenied',
      message: 'The Host header names a host this server does not serve.',
    });
  });
});

describe('rebinding: a crafted Host or method never reaches a handler', () => {
  it.for(['[', 'a@evil.example', `127.0.0.1:${'{port}'}/health?x=`, 'evil.example:80 x'])('answers Host: %s with 400', async (host, { expect }) => {
    expect(await exchange(port, `GET /graphql HTTP/1.1\r\nHost: ${host.replace('{port}', String(port))}`)).toEqual(BAD_HOST);
  });

  it('answers TRACE with 405 and the allowed methods', async ({ expect }) => {
    expect(await exchange(port, `TRACE /graphql HTTP/1.1\r\nHost: 127.0.0.1:${port}`)).toEqual(
      appSyncError('HTTP/1.1 405 Method Not Allowed', 'BadRequestException', 'Method TRACE is not allowed.', { allow: 'GET, HEAD, POST, OPTIONS' }),
    );
  });

  it('routes an absolute-form request by its path only', async ({ expect }) => {
    const answer = await exchange(port, `GET http://evil.example/health HTTP/1.1\r\nHost: 127.0.0.1:${port}`);
    expect([answer.status, answer.body]).toEqual(['HTTP/1.1 200 OK', '{"status":"ok"}']);
  });

  it('logged no error for any of them', ({ expect }) => {
    expect(fixture.logs.filter((line) => line.startsWith('[error]'))).toEqual([]);
  });
});

describe('cors: the pages and the API key stay with the local origins', () => {
  it('serves the explorer without CORS headers, unframeable, with a CSP', async ({ expect }) => {
    const answer = await exchange(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: https://evil.example`);
    expect({ ...answer, body: answer.body.startsWith('<!doctype html>') }).toEqual({
      status: 'HTTP/1.1 200 OK',
      headers: {
        'cache-control': 'no-cache',
        connection: 'close',
        'content-length': answer.headers['content-length'],
        'content-security-policy': `default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; media-src 'self'; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
        'content-type': 'text/html; charset=utf-8',
        'cross-origin-resource-policy': 'same-origin',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
      },
      body: true,
    });
  });

  it('refuses the preflight of another site, so its page never sends the API key', async ({ expect }) => {
    const answer = await exchange(port, `OPTIONS /graphql HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type,x-api-key`);
    expect(answer).toEqual(appSyncError('HTTP/1.1 403 Forbidden', 'AccessDeniedException', 'CORS: this origin is not allowed to call the local API (see --cors-origin).', { vary: 'Origin' }));
  });

  it('answers the preflight of a local dev server with its own origin, not *', async ({ expect }) => {
    const answer = await exchange(port, `OPTIONS /graphql HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://localhost:5173\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type,x-api-key`);
    expect(answer).toEqual({
      status: 'HTTP/1.1 204 No Content',
      headers: {
        'access-control-allow-origin': 'http://localhost:5173',
        'access-control-expose-headers': 'x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date',
        vary: 'Origin',
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': 'content-type,x-api-key',
        'access-control-max-age': '86400',
        connection: 'close',
      },
      body: '',
    });
  });
});

describe('cors: realtime upgrades from browser pages', () => {
  function openRealtime(origin: string | undefined, hostHeader?: string): Promise<{ opened: boolean; status: number | null }> {
    const host = `127.0.0.1:${port}`;
    const options: WebSocket.ClientOptions = { ...(origin === undefined ? {} : { origin }), ...(hostHeader === undefined ? {} : { headers: { host: hostHeader } }) };
    const socket = new WebSocket(fixture.server.realtimeUrl, ['graphql-ws', `header-${base64UrlJson({ host, 'x-api-key': fixture.server.apiKey })}`], options);
    return new Promise((resolve) => {
      socket.once('open', () => {
        socket.close();
        resolve({ opened: true, status: null });
      });
      socket.once('unexpected-response', (_request, response) => {
        response.resume();
        socket.terminate();
        resolve({ opened: false, status: response.statusCode ?? null });
      });
      socket.once('error', () => resolve({ opened: false, status: null }));
    });
  }

  it('refuses another site, and accepts its own pages, local dev servers and clients without Origin', async ({ expect }) => {
    const origins = ['https://evil.example', `http://127.0.0.1:${port}`, `http://${PUBLIC_HOST}:${port}`, 'http://localhost:5173', undefined];
    expect(await Promise.all(origins.map((origin) => openRealtime(origin)))).toEqual([
      { opened: false, status: 403 },
      { opened: true, status: null },
      { opened: true, status: null },
      { opened: true, status: null },
      { opened: true, status: null },
    ]);
  });

  it('refuses an upgrade from a client without Origin whose Host is foreign (a rebound name)', async ({ expect }) => {
    expect(await openRealtime(undefined, `evil.example:${port}`)).toEqual({ opened: false, status: 403 });
  });
});
