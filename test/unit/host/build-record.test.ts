import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkBuildRecord, readBuildRecord, writeBuildRecord } from '../../../local/host/build-record.mjs';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const HOUR = 3_600_000;

/** A checkout with one source, one output and npm's lock file, all written an hour ago. */
function checkout(): { readonly root: string; readonly record: string } {
  const root = mkdtempSync(join(tmpdir(), 'build-record-'));
  roots.push(root);
  mkdirSync(join(root, 'src'));
  mkdirSync(join(root, 'dist'));
  mkdirSync(join(root, 'node_modules'));
  const past = new Date(Date.now() - HOUR);
  for (const file of ['src/a.ts', 'dist/a.js', 'node_modules/.package-lock.json']) {
    writeFileSync(join(root, file), file);
    utimesSync(join(root, file), past, past);
  }
  return { root, record: join(root, 'dist', 'a.build.json') };
}

function setMtime(file: string, at: Date): void {
  utimesSync(file, at, at);
}

describe('build records: fresh', () => {
  it('is fresh when no input changed after the build started, and reads back what was written', () => {
    const { root, record } = checkout();
    writeBuildRecord(record, { root, inputs: ['src/a.ts', 'src/a.ts', 'node_modules/pkg/index.js'], outputs: ['dist/a.js'], startedAt: new Date() });
    expect({ check: checkBuildRecord(record, root), record: readBuildRecord(record) }).toEqual({
      check: { fresh: true },
      record: { version: 1, root, inputs: ['node_modules/pkg/index.js', 'src/a.ts'], outputs: ['dist/a.js'] },
    });
  });
});

describe('build records: stale', () => {
  it('is stale when there is no record, or the record is not JSON of the right shape', () => {
    const { root, record } = checkout();
    const missing = checkBuildRecord(record, root);
    writeFileSync(record, '{"version":1,');
    const corrupt = checkBuildRecord(record, root);
    writeFileSync(record, JSON.stringify({ version: 2, root, inputs: [], outputs: [] }));
    const otherVersion = checkBuildRecord(record, root);
    expect([missing, corrupt, otherVersion]).toEqual([
      { fresh: false, reason: 'no usable build record at dist/a.build.json' },
      { fresh: false, reason: 'no usable build record at dist/a.build.json' },
      { fresh: false, reason: 'no usable build record at dist/a.build.json' },
    ]);
  });

  it('is stale when an input changed after the build STARTED (an edit during the build counts)', () => {
    const { root, record } = checkout();
    const startedAt = new Date(Date.now() - 10_000);
    writeBuildRecord(record, { root, inputs: ['src/a.ts'], outputs: ['dist/a.js'], startedAt });
    setMtime(join(root, 'src/a.ts'), new Date(startedAt.getTime() + 1_000));
    expect(checkBuildRecord(record, root)).toEqual({ fresh: false, reason: 'input src/a.ts changed after the build' });
  });

  it('stands for every node_modules input with npm lock file: an install makes the build stale', () => {
    const { root, record } = checkout();
    writeBuildRecord(record, { root, inputs: ['node_modules/pkg/index.js'], outputs: ['dist/a.js'], startedAt: new Date(Date.now() - 10_000) });
    setMtime(join(root, 'node_modules/.package-lock.json'), new Date());
    expect(checkBuildRecord(record, root)).toEqual({ fresh: false, reason: 'input node_modules/.package-lock.json changed after the build' });
  });

  it('is stale when an output or an input is gone, or the record was written in another checkout', () => {
    const { root, record } = checkout();
    writeBuildRecord(record, { root, inputs: ['src/a.ts'], outputs: ['dist/a.js'], startedAt: new Date() });
    rmSync(join(root, 'dist/a.js'));
    const outputGone = checkBuildRecord(record, root);
    writeBuildRecord(record, { root, inputs: ['src/gone.ts'], outputs: [], startedAt: new Date() });
    const inputGone = checkBuildRecord(record, root);
    writeBuildRecord(record, { root: '/elsewhere', inputs: [], outputs: [], startedAt: new Date() });
    const elsewhere = checkBuildRecord(record, root);
    expect([outputGone, inputGone, elsewhere]).toEqual([
      { fresh: false, reason: 'output dist/a.js is missing' },
      { fresh: false, reason: 'input src/gone.ts is gone' },
      { fresh: false, reason: 'built in another checkout (/elsewhere)' },
    ]);
  });
});
