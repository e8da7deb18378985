/**
 * s3rver's file store, confined to its folder: calls that would map a bucket, key, upload id or
 * part number outside it are refused before any file is touched. Real files in a temp folder, with
 * canaries beside the store root.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfinedFilesystemStore } from '../../../local/s3/confined-store.ts';

const BUCKET = 'bucket';
const UPLOAD_ID = '0123456789abcdef0123456789abcdef';

let sandbox: string;
let store: ConfinedFilesystemStore;

beforeEach(async () => {
  sandbox = await mkdtemp(join(tmpdir(), 'asset-api-confined-store-'));
  await mkdir(join(sandbox, 'root', BUCKET), { recursive: true });
  await mkdir(join(sandbox, 'canary'));
  await writeFile(join(sandbox, 'canary', 'keep.txt'), 'keep');
  await writeFile(join(sandbox, 'canary', 'secret._S3rver_object'), 'secret');
  store = new ConfinedFilesystemStore(join(sandbox, 'root'));
});

afterEach(async () => {
  await rm(sandbox, { recursive: true, force: true });
});

/** Every path in the sandbox, sorted. */
async function tree(): Promise<string[]> {
  return (await readdir(sandbox, { recursive: true })).sort();
}

async function refusal(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'done';
  } catch (error) {
    return error instanceof Error ? error.message.replace(sandbox, '<sandbox>') : String(error);
  }
}

const BEFORE = ['canary', 'canary/keep.txt', 'canary/secret._S3rver_object', 'root', 'root/bucket'];

describe('confined store: paths outside the store root', () => {
  it.each([
    ['PutObject of a ../ key', () => store.putObject({ bucket: BUCKET, key: '../../canary/proof', content: Buffer.from('x'), metadata: {} }), 'key "../../canary/proof"'],
    ['PutObject of a key with a NUL byte', () => store.putObject({ bucket: BUCKET, key: 'assets/a\0b', content: Buffer.from('x'), metadata: {} }), 'key "assets/a\\u0000b"'],
    ['DeleteObject of a ../ key', () => store.deleteObject(BUCKET, '../../canary/secret'), 'key "../../canary/secret"'],
    ['CopyObject from a ../ key', () => store.copyObject(BUCKET, '../../canary/secret', BUCKET, 'assets/stolen', null), 'key "../../canary/secret"'],
    ['CreateBucket of a ../ name', () => store.putBucket('../created'), 'bucket "../created"'],
    ['DeleteBucket of a ../ name', () => store.deleteBucket('../canary'), 'bucket "../canary"'],
    ['DeleteBucket of ..', () => store.deleteBucket('..'), 'bucket ".."'],
    ['UploadPart with a ../ upload id', () => store.putPart(BUCKET, '../../../canary', 1, Readable.from([Buffer.from('x')])), 'upload "../../../canary"'],
    ['UploadPart with a ../ part number', () => store.putPart(BUCKET, UPLOAD_ID, '../../../../canary/proof', Readable.from([Buffer.from('x')])), `part "../../../../canary/proof" of upload "${UPLOAD_ID}"`],
    ['CompleteMultipartUpload with a ../ upload id', () => store.putObjectMultipart(BUCKET, '../../../canary', []), 'upload "../../../canary"'],
  ] as const)('refuses %s and touches no file', async (_name, run, what) => {
    const message = await refusal(run);

    expect({ message, tree: await tree() }).toEqual({
      message: expect.stringMatching(new RegExp(`^S3 store: ${what.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not map to a path inside <sandbox>/root`)),
      tree: BEFORE,
    });
  });

  it('stores and deletes an object whose key stays inside the bucket folder', async () => {
    await store.putObject({ bucket: BUCKET, key: 'assets/alice/photo.png', content: Buffer.from('png'), metadata: {} });
    const stored = await tree();
    await store.deleteObject(BUCKET, 'assets/alice/photo.png');

    expect({ stored, after: await tree() }).toEqual({
      stored: [
        ...BEFORE,
        'root/bucket/assets',
        'root/bucket/assets/alice',
        'root/bucket/assets/alice/photo.png._S3rver_metadata.json',
        'root/bucket/assets/alice/photo.png._S3rver_object',
        'root/bucket/assets/alice/photo.png._S3rver_object.md5',
      ].sort(),
      after: BEFORE,
    });
  });
});
