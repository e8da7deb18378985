/**
 * S3's flexible checksums (`x-amz-checksum-<algorithm>`, base64 of the digest) and Content-MD5.
 * Hashers come from node:crypto and `@aws-sdk/checksums` (the SDK's own CRC implementations).
 */
import { createHash } from 'node:crypto';
import { Crc32, Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc';

export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];
/** A checksum algorithm, or MD5 (Content-MD5 and ETags). */
export type DigestAlgorithm = ChecksumAlgorithm | 'MD5';

const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 };

/** `x-amz-checksum-sha256` → `SHA256`; undefined for any other header. */
export function checksumAlgorithmOfHeader(name: string): ChecksumAlgorithm | undefined {
  const match = /^x-amz-checksum-(crc32|crc32c|crc64nvme|sha1|sha256)$/.exec(name.toLowerCase());
  return match?.[1]?.toUpperCase() as ChecksumAlgorithm | undefined;
}

export function checksumHeaderName(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

/** True when the value is canonical base64 of a digest of the algorithm's length. */
export function isValidChecksumValue(algorithm: ChecksumAlgorithm, value: string): boolean {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return false;
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === DIGEST_BYTES[algorithm] && bytes.toString('base64') === value;
}

/** A streaming digest; `digest()` is called once, after the last `update`. */
export interface Hasher {
  update(chunk: Uint8Array): void;
  digest(): Promise<Buffer>;
}

export function createHasher(algorithm: DigestAlgorithm): Hasher {
  switch (algorithm) {
    case 'SHA1':
    case 'SHA256':
    case 'MD5': {
      const hash = createHash(algorithm.toLowerCase());
      return {
        update: (chunk) => void hash.update(chunk),
        digest: () => Promise.resolve(hash.digest()),
      };
    }
    case 'CRC32':
    case 'CRC32C':
    case 'CRC64NVME': {
      const crc = algorithm === 'CRC32' ? new Crc32() : algorithm === 'CRC32C' ? new Crc32c() : new Crc64Nvme();
      return {
        update: (chunk) => crc.update(chunk),
        digest: async () => Buffer.from(await crc.digest()),
      };
    }
  }
}
