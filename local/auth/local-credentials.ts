/**
 * The local API's IAM identity: an access key pair generated once per installation and kept in the
 * state folder (mode 0600, like the issuer key). It is what the in-process Lambdas sign with, what the
 * embedded S3 front accepts for object access beyond presigned URLs, and what SigV4 callers of the
 * local API (the completion Lambda's `completeUpload`) use. Nothing in the repository names it, so a
 * page or a program on the same machine cannot learn it; `npm start` prints where it is.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { AwsCredentials } from '../config.ts';
import { readOrCreateFile } from './state-file.ts';

export const LOCAL_CREDENTIALS_FILE = 'local-credentials.json';

const ACCESS_KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** An access key id in AWS's shape (`AKIA` + 16 upper-case base32 characters) and a 40-character secret. */
function generateCredentials(): AwsCredentials {
  const idBytes = randomBytes(16);
  const accessKeyId = `AKIA${[...idBytes].map((byte) => ACCESS_KEY_ALPHABET[byte % 32] ?? 'A').join('')}`;
  const secretAccessKey = randomBytes(30).toString('base64');
  return { accessKeyId, secretAccessKey };
}

function isCredentials(value: unknown): value is AwsCredentials {
  if (typeof value !== 'object' || value === null) return false;
  const { accessKeyId, secretAccessKey } = value as Record<string, unknown>;
  return typeof accessKeyId === 'string' && /^[A-Z0-9]{16,128}$/.test(accessKeyId) && typeof secretAccessKey === 'string' && secretAccessKey.length >= 16;
}

/** Path of the credentials file in `stateDir`. */
export function localCredentialsPath(stateDir: string): string {
  return join(stateDir, LOCAL_CREDENTIALS_FILE);
}

/** Reads this installation's credentials from `stateDir`, generating them on first use. */
export function loadLocalCredentials(stateDir: string): AwsCredentials {
  const path = localCredentialsPath(stateDir);
  const text = readOrCreateFile(path, () => `${JSON.stringify(generateCredentials(), null, 2)}\n`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = null;
  }
  if (!isCredentials(value)) throw new Error(`${path}: not a credentials file ({"accessKeyId", "secretAccessKey"}); delete it to generate new credentials`);
  return Object.freeze({ accessKeyId: value.accessKeyId, secretAccessKey: value.secretAccessKey });
}
