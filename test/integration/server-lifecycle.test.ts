import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../api/paths.ts';
import { base64UrlJson, openRealtimeSocket } from '../support/realtime-client.ts';
import { startTestServer } from '../support/test-server.ts';

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('server: lifecycle', () => {
  it('closes realtime sockets and the port, and close() can be called twice', async () => {
    const { server } = await startTestServer();
    const host = new URL(server.url).host;
    const client = await openRealtimeSocket(server.realtimeUrl, ['graphql-ws', `header-${base64UrlJson({ host, 'x-api-key': server.apiKey })}`]);
    client.send({ type: 'connection_init' });
    await client.next();
    await Promise.all([server.close(), server.close()]);
    expect(await client.closed).toBe(1000);
    await expect(fetch(server.url, { method: 'POST', body: '{}' })).rejects.toThrow(TypeError);
    await server.close();
  });

  it('mints with `npm run token` against the key a --data-dir server uses', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'asset-api-data-'));
    dirs.push(dataDir);
    const { server } = await startTestServer({ argv: ['--data-dir', dataDir] });
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'local/cli/token.ts', '--sub', 'alice', '--groups', 'admin', '--data-dir', dataDir], { cwd: PROJECT_ROOT });
      const token = stdout.trim();
      const response = await fetch(server.url, { method: 'POST', headers: { authorization: token }, body: JSON.stringify({ query: '{ listAssets { items { id } } }' }) });
      expect({ status: response.status, body: await response.json() }).toEqual({ status: 200, body: { data: { listAssets: { items: [] } } } });
    } finally {
      await server.close();
    }
  });
  // Hot reload (a resolver edit rebuilds and swaps the executor) is tested through the real npm start
  // in a copy of the checkout (test/integration/npm-start.test.ts), so no test touches this checkout's sources.
});
