/**
 * Checks a request body against what its verified head promised, while it streams: strips
 * aws-chunked framing (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`), counts bytes and hashes them.
 * The stream errors with S3's error at the end when the body does not match, so a consumer that
 * stores only after `finish` stores nothing. Only the digests are held in memory.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from './s3-errors.ts';
import { type ChecksumAlgorithm, type Hasher, checksumHeaderName, createHasher, isValidChecksumValue } from './checksums.ts';
import type { PayloadExpectation } from './sigv4-verifier.ts';
import { createAwsChunkedDecoder } from './aws-chunked-decoder.ts';

/** S3's names for the checksums in BadDigest messages ("The SHA256 you specified did not match the calculated checksum."). */
const CHECKSUM_LABEL: Record<ChecksumAlgorithm, string> = { CRC32: 'CRC32', CRC32C: 'CRC32C', CRC64NVME: 'CRC64NVME', SHA1: 'SHA1', SHA256: 'SHA256' };

/** The result of a verified body, available after `finish`. */
export interface VerifiedPayload {
  /** Decoded body bytes. */
  readonly size: number;
}

export interface PayloadVerifier extends Transform {
  /** Set once the body has passed every check (after `finish`). */
  readonly result: VerifiedPayload | undefined;
}

export function createPayloadVerifier(expectation: PayloadExpectation): PayloadVerifier {
  const sha256 = expectation.sha256Hex === undefined ? undefined : createHasher('SHA256');
  const md5 = expectation.contentMd5 === undefined ? undefined : createHasher('MD5');
  const checksumAlgorithm = expectation.checksum?.algorithm ?? expectation.trailerChecksum;
  const checksum = checksumAlgorithm === undefined ? undefined : createHasher(checksumAlgorithm);
  const hashers = [sha256, md5, checksum].filter((h): h is Hasher => h !== undefined);
  const decoder = expectation.encoding === 'aws-chunked' ? createAwsChunkedDecoder() : undefined;
  let size = 0;
  let result: VerifiedPayload | undefined;

  function take(chunk: Buffer, push: (data: Buffer) => void): void {
    if (chunk.length === 0) return;
    size += chunk.length;
    for (const hasher of hashers) hasher.update(chunk);
    push(chunk);
  }

  const stream = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      try {
        if (decoder === undefined) take(chunk, (data) => this.push(data));
        else decoder.write(chunk, (data) => take(data, (d) => this.push(d)));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      const verify = async (): Promise<void> => {
        if (decoder !== undefined && !decoder.done()) {
          throw new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
        }
        if (expectation.decodedLength !== undefined && size !== expectation.decodedLength) {
          throw new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
        }
        if (sha256 !== undefined && expectation.sha256Hex !== undefined) {
          const computed = (await sha256.digest()).toString('hex');
          if (computed !== expectation.sha256Hex) {
            throw new S3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", [
              ['ClientComputedContentSHA256', expectation.sha256Hex],
              ['S3ComputedContentSHA256', computed],
            ]);
          }
        }
        if (md5 !== undefined && expectation.contentMd5 !== undefined) {
          const computed = (await md5.digest()).toString('base64');
          if (computed !== expectation.contentMd5) {
            throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', [
              ['ExpectedDigest', expectation.contentMd5],
              ['CalculatedDigest', computed],
            ]);
          }
        }
        if (checksum !== undefined && checksumAlgorithm !== undefined) {
          const expected = expectation.checksum?.value ?? decoder?.trailer(checksumHeaderName(checksumAlgorithm));
          if (expected === undefined || !isValidChecksumValue(checksumAlgorithm, expected)) {
            // S3's text for a missing or malformed trailing checksum is not recorded here.
            throw new S3Error('InvalidRequest', `Value for ${checksumHeaderName(checksumAlgorithm)} trailing header is invalid.`);
          }
          const computed = (await checksum.digest()).toString('base64');
          if (computed !== expected) {
            throw new S3Error('BadDigest', `The ${CHECKSUM_LABEL[checksumAlgorithm]} you specified did not match the calculated checksum.`);
          }
        }
        result = { size };
      };
      verify().then(() => callback(), (error: unknown) => callback(error as Error));
    },
  });
  return Object.defineProperty(stream, 'result', { get: () => result }) as PayloadVerifier;
}
