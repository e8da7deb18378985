/**
 * Opaque, resolver-scoped pagination tokens (docs/APPSYNC-BEHAVIOUR.md#dynamodb-pagination). AppSync returns
 * base64 of `{"version":2,"token":"<KMS ciphertext>"}`; we encrypt the LastEvaluatedKey with
 * AES-256-GCM under a key the host supplies (or a random one per process), bound to the scope that
 * issued it, so clients can neither read nor forge them and a token from another resolver fails.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { toAttributeMap, toTypedJsonMap } from './dynamodb-values.ts';

export interface PaginationTokens {
  encode(scope: string, lastEvaluatedKey: Readonly<Record<string, AttributeValue>>): string;
  /** The ExclusiveStartKey, or null when the token is not one we issued for this scope. */
  decode(scope: string, token: string): Record<string, AttributeValue> | null;
}

/** `ctx.error` for a bad token, as AppSync reports it (aws-amplify/amplify-cli#3411). */
export const INVALID_TOKEN_ERROR = {
  type: 'DynamoDB:UserIllegalArgumentException',
  message: 'com.amazonaws.deepdish.common.pagination.InvalidPaginationTokenException: Invalid pagination token given.',
} as const;

const IV_BYTES = 12;
/** IVs drawn per `randomBytes` call: one call per page cost as much as the encryption itself. */
const IVS_PER_DRAW = 256;

/** @param secret any string; the same secret gives tokens that survive a restart. @default random */
export function createPaginationTokens(secret?: string): PaginationTokens {
  const key = secret === undefined ? randomBytes(32) : createHash('sha256').update(secret).digest();
  let ivPool = Buffer.alloc(0);
  let ivOffset = 0;
  /** A fresh random 96-bit GCM nonce (each pool byte is used once). */
  function nextIv(): Buffer {
    if (ivOffset + IV_BYTES > ivPool.length) {
      ivPool = randomBytes(IV_BYTES * IVS_PER_DRAW);
      ivOffset = 0;
    }
    ivOffset += IV_BYTES;
    return ivPool.subarray(ivOffset - IV_BYTES, ivOffset);
  }
  return {
    encode: function encodeToken(scope, lastEvaluatedKey) {
      const iv = nextIv();
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(scope));
      const body = Buffer.concat([cipher.update(JSON.stringify(toTypedJsonMap(lastEvaluatedKey))), cipher.final()]);
      const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
      return Buffer.from(JSON.stringify({ version: 2, token: sealed })).toString('base64');
    },
    decode: function decodeToken(scope, token) {
      try {
        const outer = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { version?: unknown; token?: unknown };
        if (outer.version !== 2 || typeof outer.token !== 'string') return null;
        const sealed = Buffer.from(outer.token, 'base64');
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
        decipher.setAAD(Buffer.from(scope));
        decipher.setAuthTag(sealed.subarray(12, 28));
        const plain = Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
        return toAttributeMap(JSON.parse(plain) as unknown, 'nextToken');
      } catch {
        return null;
      }
    },
  };
}
