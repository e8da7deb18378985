/**
 * Input checks for `createUpload`, written for APPSYNC_JS: no regex literals, no `charCodeAt`
 * (both rejected by the runtime, docs/APPSYNC-BEHAVIOUR.md#js-language-subset), so strings are walked
 * character by character with `split('')` and compared as strings.
 */
import { util } from '@aws-appsync/utils';
import type { CreateUploadInput, UpdateAssetInput } from '../../generated/schema-types.ts';
import { VALIDATION_ERROR } from './asset.ts';

export const NAME_MAX_LENGTH = 255;
export const DESCRIPTION_MAX_LENGTH = 1000;
export const TAGS_MAX_COUNT = 20;
export const TAG_MAX_LENGTH = 64;
export const TITLE_MAX_LENGTH = 200;

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** The last base64 digit before `=` of 32 bytes carries 4 bits; the other 2 must be zero. */
const BASE64_LAST_OF_32_BYTES = 'AEIMQUYcgkosw048';
/** Characters kept as they are in the object key's file name; every other character becomes `_`. */
const SAFE_NAME_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-';

/** True for C0 controls, DEL and C1 controls. */
function isControlCharacter(c: string): boolean {
  return c < ' ' || (c >= '\u007f' && c <= '\u009f');
}

function hasControlCharacter(value: string): boolean {
  return value.split('').some((c) => isControlCharacter(c));
}

function fail(message: string): never {
  return util.error(message, VALIDATION_ERROR);
}

export interface UploadLimits {
  readonly allowedContentTypes: readonly string[];
  readonly maxUploadBytes: number;
}

/** Checks `createUpload`'s input; raises a `ValidationError` naming the field and the rule broken. */
export function validateCreateUploadInput(input: CreateUploadInput, limits: UploadLimits): void {
  const { name, contentType, size, checksumSha256, description, tags, title } = input;
  validateName(name);
  if (limits.allowedContentTypes.indexOf(contentType) === -1) {
    fail(`input.contentType "${contentType}" is not allowed; allowed: ${limits.allowedContentTypes.join(', ')}`);
  }
  if (!Number.isFinite(size) || Math.floor(size) !== size || size < 1 || size > limits.maxUploadBytes) {
    fail(`input.size must be an integer from 1 to ${limits.maxUploadBytes} bytes, got ${size}`);
  }
  if (checksumSha256 !== undefined && checksumSha256 !== null && !isBase64Sha256(checksumSha256)) {
    fail('input.checksumSha256 must be the base64 encoding of 32 bytes (a SHA-256 digest)');
  }
  validateDescription(description);
  validateTags(tags);
  validateTitle(title);
}

/** `input.name`: the rules of createUpload, shared by updateAsset. */
function validateName(name: string): void {
  if (name.length < 1 || name.length > NAME_MAX_LENGTH) {
    fail(`input.name must be 1-${NAME_MAX_LENGTH} characters, got ${name.length}`);
  }
  if (hasControlCharacter(name)) {
    fail('input.name must not contain control characters');
  }
  if (name.indexOf('/') !== -1 || name.indexOf('\\') !== -1) {
    fail('input.name must not contain "/" or "\\"');
  }
  if (name === '.' || name === '..') {
    fail(`input.name must not be "${name}"`);
  }
}

function validateDescription(description: string | null | undefined): void {
  if (description !== undefined && description !== null && description.length > DESCRIPTION_MAX_LENGTH) {
    fail(`input.description must be at most ${DESCRIPTION_MAX_LENGTH} characters, got ${description.length}`);
  }
}

function validateTitle(title: string | null | undefined): void {
  if (title === undefined || title === null) {
    return;
  }
  if (title.length > TITLE_MAX_LENGTH) {
    fail(`input.title must be at most ${TITLE_MAX_LENGTH} characters, got ${title.length}`);
  }
  if (hasControlCharacter(title)) {
    fail('input.title must not contain control characters');
  }
}

/** True for a tag `listAssets(tag:)` can match: 1-64 characters, no control characters. */
export function isValidTag(tag: string): boolean {
  return tag.length >= 1 && tag.length <= TAG_MAX_LENGTH && !hasControlCharacter(tag);
}

function validateTags(tags: string[] | null | undefined): void {
  if (tags === undefined || tags === null) {
    return;
  }
  if (tags.length > TAGS_MAX_COUNT) {
    fail(`input.tags must hold at most ${TAGS_MAX_COUNT} tags, got ${tags.length}`);
  }
  const badTag = tags.find((tag) => !isValidTag(tag));
  if (badTag !== undefined) {
    fail(`input.tags: each tag must be 1-${TAG_MAX_LENGTH} characters without control characters, got "${badTag}"`);
  }
  // Each tag is one item of the assetTags table, and a batch may not name a key twice.
  const repeated = tags.find((tag, index) => tags.indexOf(tag) !== index);
  if (repeated !== undefined) {
    fail(`input.tags: each tag may appear once, got "${repeated}" twice`);
  }
}

/**
 * Checks `updateAsset`'s input with createUpload's rules; raises a `ValidationError` when a field
 * breaks one or when no field would change (`id` and `expectedVersion` alone change nothing).
 */
export function validateUpdateAssetInput(input: UpdateAssetInput): void {
  const { expectedVersion, name, description, tags, title } = input;
  if (!Number.isFinite(expectedVersion) || Math.floor(expectedVersion) !== expectedVersion || expectedVersion < 1) {
    fail(`input.expectedVersion must be an integer of at least 1, got ${expectedVersion}`);
  }
  const given = [name, description, tags, title].filter((value) => value !== undefined && value !== null);
  if (given.length === 0) {
    fail('input: nothing to change; give at least one of name, description, tags, title');
  }
  if (name !== undefined && name !== null) {
    validateName(name);
  }
  validateDescription(description);
  validateTags(tags);
  validateTitle(title);
}

/** True when `value` is canonical base64 of exactly 32 bytes (44 characters ending in one `=`). */
export function isBase64Sha256(value: string): boolean {
  if (value.length !== 44 || !value.endsWith('=')) {
    return false;
  }
  const digits = value.slice(0, 43).split('');
  const last = digits[42] ?? '';
  return digits.every((c) => BASE64_ALPHABET.indexOf(c) !== -1) && BASE64_LAST_OF_32_BYTES.indexOf(last) !== -1;
}

/** The file name used in the object key: ASCII letters, digits, `.`, `_` and `-`; the rest become `_`. */
export function safeFileName(name: string): string {
  return name
    .split('')
    .map((c) => (SAFE_NAME_CHARACTERS.indexOf(c) === -1 ? '_' : c))
    .join('');
}
