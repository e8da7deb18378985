/** Mutation.createUpload: before handler, mintUploadUrl, putAsset, after handler. */
import { describe, expect, it } from 'vitest';
import { evaluateCode } from '../../../local/runtime/index.ts';
import { resolverBundlePath } from '../../../api/paths.ts';
import { readFileSync } from 'node:fs';
import { RUNTIME } from '../runtime/runtime-mode.ts';
import { ENV, ISO_MS, USER_A, UUID, assetItem, run, summary, unauthorized } from './harness.ts';

const BEFORE = 'resolvers/Mutation.createUpload.ts';
const MINT = 'resolvers/functions/mintUploadUrl.ts';
const PUT = 'resolvers/functions/putAsset.ts';

const VALID = { name: 'holiday photo (1).png', contentType: 'image/png', size: 2048 };
const SHA256 = 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=';
const TICKET = {
  url: 'https://bucket.s3.eu-west-1.amazonaws.com/assets/x?X-Amz-Signature=abc',
  method: 'PUT',
  headers: [{ name: 'content-type', value: 'image/png' }],
  expiresAt: '2025-03-04T05:21:07.000Z',
};

describe('createUpload: before handler', () => {
  it('stashes a PENDING asset with a server-made id, the owner, a safe key and timestamps', () => {
    const outcome = run(BEFORE, 'request', { caller: { user: USER_A }, args: { input: { ...VALID, checksumSha256: SHA256, tags: ['trip'], description: 'Beach' } } });
    expect(summary(outcome)).toEqual({ value: {}, error: null, earlyReturn: null });
    const asset = outcome.stash['asset'] as Record<string, string>;
    expect(asset).toEqual({
      id: expect.stringMatching(UUID),
      owner: USER_A,
      name: 'holiday photo (1).png',
      contentType: 'image/png',
      size: 2048,
      checksumSha256: SHA256,
      description: 'Beach',
      tags: ['trip'],
      title: null,
      version: 1,
      status: 'PENDING',
      createdAt: expect.stringMatching(ISO_MS),
      updatedAt: asset['createdAt'],
      key: `assets/${USER_A}/${asset['id']}/holiday_photo__1_.png`,
    });
  });

  it('gives API-key callers the shared owner "apikey" and nulls for omitted optional fields', () => {
    const outcome = run(BEFORE, 'request', { caller: 'apikey', args: { input: { ...VALID, name: 'résumé.pdf', contentType: 'application/pdf' } } });
    const asset = outcome.stash['asset'] as Record<string, unknown>;
    expect({ owner: asset['owner'], key: asset['key'], checksumSha256: asset['checksumSha256'], description: asset['description'], tags: asset['tags'] }).toEqual({
      owner: 'apikey',
      key: `assets/apikey/${String(asset['id'])}/r_sum_.pdf`,
      checksumSha256: null,
      description: null,
      tags: null,
    });
  });

  it('refuses IAM callers with Unauthorized', () => {
    expect(summary(run(BEFORE, 'request', { caller: 'iam', args: { input: VALID } })).error).toEqual(unauthorized(BEFORE));
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['an empty name', { name: '' }, 'input.name must be 1-255 characters, got 0'],
    ['a name of 256 characters', { name: 'a'.repeat(256) }, 'input.name must be 1-255 characters, got 256'],
    ['a control character in the name', { name: 'a\u0007b.png' }, 'input.name must not contain control characters'],
    ['a C1 control character in the name', { name: 'a\u0085b.png' }, 'input.name must not contain control characters'],
    ['a slash in the name', { name: 'dir/x.png' }, 'input.name must not contain "/" or "\\"'],
    ['a backslash in the name', { name: 'dir\\x.png' }, 'input.name must not contain "/" or "\\"'],
    ['the name ".."', { name: '..' }, 'input.name must not be ".."'],
    ['the name "."', { name: '.' }, 'input.name must not be "."'],
    [
      'a content type outside the allow-list',
      { contentType: 'text/html' },
      'input.contentType "text/html" is not allowed; allowed: image/png, image/jpeg, image/gif, image/webp, video/mp4, video/webm, audio/mpeg, application/pdf, text/plain, application/octet-stream',
    ],
    ['a size of 0', { size: 0 }, 'input.size must be an integer from 1 to 5368709120 bytes, got 0'],
    ['a size over the maximum', { size: 5368709121 }, 'input.size must be an integer from 1 to 5368709120 bytes, got 5368709121'],
    ['a checksum that is not base64 of 32 bytes', { checksumSha256: 'abc=' }, 'input.checksumSha256 must be the base64 encoding of 32 bytes (a SHA-256 digest)'],
    ['a checksum with a non-canonical last digit', { checksumSha256: `${SHA256.slice(0, 42)}h=` }, 'input.checksumSha256 must be the base64 encoding of 32 bytes (a SHA-256 digest)'],
    ['a description over 1000 characters', { description: 'd'.repeat(1001) }, 'input.description must be at most 1000 characters, got 1001'],
    ['21 tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'input.tags must hold at most 20 tags, got 21'],
    ['a tag over 64 characters', { tags: ['ok', 't'.repeat(65)] }, `input.tags: each tag must be 1-64 characters without control characters, got "${'t'.repeat(65)}"`],
    ['an empty tag', { tags: [''] }, 'input.tags: each tag must be 1-64 characters without control characters, got ""'],
  ];
  it.each(invalid)('refuses %s with a ValidationError', (_, change, message) => {
    const outcome = run(BEFORE, 'request', { args: { input: { ...VALID, ...change } } });
    expect({ ...summary(outcome), stash: outcome.stash }).toEqual({ value: null, error: { message, errorType: 'ValidationError' }, earlyReturn: null, stash: {} });
  });

  it('accepts the limits themselves: 255 characters, 1 byte, the maximum size, 20 distinct tags of 64 characters, a 200-character title', () => {
    const tags = Array.from({ length: 20 }, (_, i) => String(i).padStart(2, '0') + 't'.repeat(62));
    const input = { ...VALID, name: 'n'.repeat(255), size: 5368709120, tags, description: 'd'.repeat(1000), title: 'T'.repeat(200) };
    expect(summary(run(BEFORE, 'request', { args: { input } })).error).toBeNull();
    expect(summary(run(BEFORE, 'request', { args: { input: { ...VALID, size: 1 } } })).error).toBeNull();
  });

  it('runs through evaluateCode as AWS EvaluateCode would, with the same result', () => {
    const result = evaluateCode({
      code: readFileSync(resolverBundlePath(BEFORE), 'utf8'),
      function: 'request',
      context: { arguments: { input: { ...VALID, size: 0 } }, env: ENV },
    }, RUNTIME);
    expect(result).toEqual({ error: { message: 'input.size must be an integer from 1 to 5368709120 bytes, got 0' }, logs: [], stash: '{}' });
  });
});

describe('createUpload: mintUploadUrl', () => {
  const stash = () => ({ asset: assetItem({ checksumSha256: SHA256 }) });

  it('invokes the Lambda with the key, content type, size and checksum', () => {
    expect(summary(run(MINT, 'request', { stash: stash(), prev: {} }))).toEqual({
      value: {
        operation: 'Invoke',
        payload: { action: 'mintUploadUrl', key: assetItem()['key'], contentType: 'image/png', size: 2048, checksumSha256: SHA256 },
      },
      error: null,
      earlyReturn: null,
    });
  });

  it('stashes the ticket', () => {
    const outcome = run(MINT, 'response', { stash: stash(), prev: {}, result: TICKET });
    expect({ value: outcome.value, upload: outcome.stash['upload'] }).toEqual({ value: TICKET, upload: TICKET });
  });

  it('surfaces a Lambda error, so nothing is written', () => {
    const outcome = run(MINT, 'response', { stash: stash(), prev: {}, result: null, error: { message: 'key must look like ...', type: 'Lambda:Unhandled' } });
    expect(summary(outcome)).toEqual({ value: null, error: { message: 'key must look like ...', errorType: 'Lambda:Unhandled' }, earlyReturn: null });
  });
});

describe('createUpload: putAsset', () => {
  it('writes the PENDING item once, with the TTL at ticket expiry plus the grace period', () => {
    const { id, ...rest } = assetItem();
    delete rest['expiresAt'];
    const outcome = run(PUT, 'request', { stash: { asset: { id, ...rest }, upload: TICKET }, prev: TICKET });
    const ticketExpiry = Date.parse(TICKET.expiresAt) / 1000;
    expect(summary(outcome)).toEqual({
      value: {
        operation: 'PutItem',
        key: { id: { S: id } },
        attributeValues: {
          owner: { S: USER_A },
          name: { S: 'photo.png' },
          contentType: { S: 'image/png' },
          size: { N: 2048 },
          checksumSha256: { NULL: null },
          description: { NULL: null },
          tags: { NULL: null },
          status: { S: 'PENDING' },
          createdAt: { S: '2025-03-04T05:06:07.890Z' },
          updatedAt: { S: '2025-03-04T05:06:07.890Z' },
          key: { S: rest['key'] },
          expiresAt: { N: ticketExpiry + Number(ENV['PENDING_GRACE_SECONDS']) },
        },
        condition: { expression: 'attribute_not_exists(#id)', expressionNames: { '#id': 'id' } },
      },
      error: null,
      earlyReturn: null,
    });
  });

  it('surfaces a DynamoDB error', () => {
    const error = { message: 'The conditional request failed', type: 'DynamoDB:ConditionalCheckFailedException' };
    expect(summary(run(PUT, 'response', { stash: {}, prev: TICKET, result: null, error })).error).toEqual({ message: error.message, errorType: error.type });
  });
});

describe('createUpload: after handler', () => {
  it('answers the written asset and the ticket', () => {
    const item = assetItem();
    expect(summary(run(BEFORE, 'response', { stash: { asset: item, upload: TICKET }, prev: item, result: item }))).toEqual({
      // An item written without a version reads as version 1.
      value: { asset: { ...item, version: 1 }, upload: TICKET, multipart: null },
      error: null,
      earlyReturn: null,
    });
  });
});
