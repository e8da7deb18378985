import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../api/config-error.ts';
import { checkWritableFolder } from '../../../local/host/data-dir.ts';
import { describeFatalError, describeStartupFailure } from '../../../local/host/startup-failure.ts';

const dir = mkdtempSync(join(tmpdir(), 'asset-api-folder-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const context = { host: '127.0.0.1', port: 4000, verbose: false };

function listenError(code: string, port: number): Error {
  return Object.assign(new Error(`listen ${code}: 127.0.0.1:${port}`), { code, syscall: 'listen', address: '127.0.0.1', port });
}

describe('start-up checks: folders', () => {
  it('creates a missing folder and its parents, and leaves no probe file behind', () => {
    const folder = join(dir, 'a', 'b', 'c');
    expect(checkWritableFolder(folder)).toEqual({ ok: true, path: folder });
    expect(checkWritableFolder(folder)).toEqual({ ok: true, path: folder });
  });

  it('refuses a folder procfs will not create, without hanging', () => {
    expect(checkWritableFolder('/proc/x')).toEqual({ ok: false, path: '/proc/x', step: 'create', code: 'ENOENT', reason: 'no such file or directory' });
  });

  it('refuses a folder under a regular file', () => {
    const file = join(dir, 'file');
    writeFileSync(file, '');
    expect(checkWritableFolder(join(file, 'data'))).toEqual({ ok: false, path: join(file, 'data'), step: 'create', code: 'ENOTDIR', reason: 'not a directory' });
  });
});

describe('start-up checks: failure lines', () => {
  it('names the port and the way out for each listen error', () => {
    expect([listenError('EADDRINUSE', 4000), listenError('EACCES', 80), listenError('EADDRNOTAVAIL', 4000)].map((error) => describeStartupFailure(error, context))).toEqual([
      'npm start: port 4000 on 127.0.0.1 is already in use; stop the other process or choose another port with --port N (or PORT=N).',
      'npm start: no permission to listen on port 80 on 127.0.0.1 (ports below 1024 need privileges); choose another port with --port N (or PORT=N).',
      'npm start: cannot listen on 127.0.0.1: no network interface of this machine has that address; choose one that does with --host H (default 127.0.0.1, 0.0.0.0 for all).',
    ]);
  });

  it('keeps Configuration error lines, and shows an unexpected error by its message (stack only with --verbose)', () => {
    const unexpected = new Error('something broke');
    expect({
      config: describeStartupFailure(new ConfigError('--port: bad. Received: x'), context),
      unexpected: describeStartupFailure(unexpected, context),
      verbose: describeStartupFailure(unexpected, { ...context, verbose: true }),
    }).toEqual({
      config: 'Configuration error: --port: bad. Received: x',
      unexpected: 'npm start: start-up failed: something broke (run with --verbose for the stack)',
      verbose: `npm start: start-up failed: ${unexpected.stack ?? ''}`,
    });
  });
});

describe('fatal failures of a running server', () => {
  it('says which part stopped and that the server stopped, with the stack of its cause only with --verbose', () => {
    const cause = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    const crash = new Error('the embedded DynamoDB store (dynalite) crashed: aborted', { cause });
    expect({ plain: describeFatalError(crash, false), verbose: describeFatalError(crash, true) }).toEqual({
      plain: 'npm start: the embedded DynamoDB store (dynalite) crashed: aborted; the server stopped (run with --verbose for the stack)',
      verbose: `npm start: the embedded DynamoDB store (dynalite) crashed: aborted; the server stopped: ${cause.stack ?? ''}`,
    });
  });
});
