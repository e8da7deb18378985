/**
 * Checks a request body against what its verified head promised, while it streams: strips
 * aws-chunked framing (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`), counts bytes and hashes them.
 * The stream errors with S3's error at the end when the body does not match, so a consumer that
 * stores only after `finish` stores nothing. Only the digests are held in memory.
 *
 * A part writer that hashes the bytes anyway (the ETag is their MD5) uses `createPartPayloadVerifier`
 * instead: it frames and counts, names the digests its checks need, and checks the digests the
 * writer computed once the body has been stored, so no byte is hashed twice.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from './s3-errors.ts';
import { type ChecksumAlgorithm, type DigestAlgorithm, checksumHeaderName, createHasher, isValidChecksumValue } from './checksums.ts';
import type { PayloadExpectation } from './sigv4-verifier.ts';
import { type AwsChunkedDecoder, createAwsChunkedDecoder } from './aws-chunked-decoder.ts';

/** S3's names for the checksums in BadDigest messages ("The SHA256 you specified did not match the calculated checksum."). */
const CHECKSUM_LABEL: Record<ChecksumAlgorithm, string> = { CRC32: 'CRC32', CRC32C: 'CRC32C', CRC64NVME: 'CRC64NVME', SHA1: 'SHA1', SHA256: 'SHA256' };

/** Digests of the decoded body, by algorithm. */
export type BodyDigests = ReadonlyMap<DigestAlgorithm, Buffer>;

/** The result of a verified body, available after `finish`. */
export interface VerifiedPayload {
  /** Decoded body bytes. */
  readonly size: number;
}

export interface PayloadVerifier extends Transform {
  /** Set once the body has passed every check (after `finish`). */
  readonly result: VerifiedPayload | undefined;
}

/** A verifier whose digest checks are left to the consumer that hashes the bytes. */
export interface PartPayloadVerifier extends Transform {
  /** The digests of the decoded body that `checkDigests` needs. */
  readonly digestAlgorithms: readonly DigestAlgorithm[];
  /** Once the stream has finished: throws S3's error when a digest does not match. */
  checkDigests(digests: BodyDigests): void;
}

function incompleteBody(): S3Error {
  return new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
}

/** The digests `expectation` asks for: `x-amz-content-sha256`, Content-MD5, the checksum header or trailer. */
function digestAlgorithmsOf(expectation: PayloadExpectation): DigestAlgorithm[] {
  const algorithms = new Set<DigestAlgorithm>();
  if (expectation.sha256Hex !== undefined) algorithms.add('SHA256');
  if (expectation.contentMd5 !== undefined) algorithms.add('MD5');
  const checksumAlgorithm = expectation.checksum?.algorithm ?? expectation.trailerChecksum;
  if (checksumAlgorithm !== undefined) algorithms.add(checksumAlgorithm);
  return [...algorithms];
}

/** The digest checks, in S3's order; `digests` holds every algorithm of `digestAlgorithmsOf`. */
function checkBodyDigests(expectation: PayloadExpectation, decoder: AwsChunkedDecoder | undefined, digests: BodyDigests): void {
  const digest = (algorithm: DigestAlgorithm): Buffer => {
    const value = digests.get(algorithm);
    if (value === undefined) throw new Error(`no ${algorithm} digest of the body was computed`);
    return value;
  };
  if (expectation.sha256Hex !== undefined) {
    const computed = digest('SHA256').toString('hex');
    if (computed !== expectation.sha256Hex) {
      throw new S3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", [
        ['ClientComputedContentSHA256', expectation.sha256Hex],
        ['S3ComputedContentSHA256', computed],
      ]);
    }
  }
  if (expectation.contentMd5 !== undefined) {
    const computed = digest('MD5').toString('base64');
    if (computed !== expectation.contentMd5) {
      throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', [
        ['ExpectedDigest', expectation.contentMd5],
        ['CalculatedDigest', computed],
      ]);
    }
  }
  const checksumAlgorithm = expectation.checksum?.algorithm ?? expectation.trailerChecksum;
  if (checksumAlgorithm !== undefined) {
    const expected = expectation.checksum?.value ?? decoder?.trailer(checksumHeaderName(checksumAlgorithm));
    if (expected === undefined || !isValidChecksumValue(checksumAlgorithm, expected)) {
      // S3's text for a missing or malformed trailing checksum is not recorded here.
      throw new S3Error('InvalidRequest', `Value for ${checksumHeaderName(checksumAlgorithm)} trailing header is invalid.`);
    }
    if (digest(checksumAlgorithm).toString('base64') !== expected) {
      throw new S3Error('BadDigest', `The ${CHECKSUM_LABEL[checksumAlgorithm]} you specified did not match the calculated checksum.`);
    }
  }
}

/** Framing and length: strips aws-chunked framing, counts, and checks the length at the end. */
function createFramingStream(expectation: PayloadExpectation, onData: (chunk: Buffer) => void, onVerified: (size: number) => Promise<void>): { stream: Transform; decoder: AwsChunkedDecoder | undefined } {
  const decoder = expectation.encoding === 'aws-chunked' ? createAwsChunkedDecoder() : undefined;
  let size = 0;
  function take(chunk: Buffer, push: (data: Buffer) => void): void {
    if (chunk.length === 0) return;
    size += chunk.length;
    onData(chunk);
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
      if ((decoder !== undefined && !decoder.done()) || (expectation.decodedLength !== undefined && size !== expectation.decodedLength)) {
        callback(incompleteBody());
        return;
      }
      onVerified(size).then(() => callback(), (error: unknown) => callback(error as Error));
    },
  });
  return { stream, decoder };
}

export function createPayloadVerifier(expectation: PayloadExpectation): PayloadVerifier {
  const hashers = digestAlgorithmsOf(expectation).map((algorithm) => [algorithm, createHasher(algorithm)] as const);
  let result: VerifiedPayload | undefined;
  const { stream, decoder } = createFramingStream(
    expectation,
    (chunk) => {
      for (const [, hasher] of hashers) hasher.update(chunk);
    },
    async (size) => {
      const digests = new Map<DigestAlgorithm, Buffer>();
      for (const [algorithm, hasher] of hashers) digests.set(algorithm, await hasher.digest());
      checkBodyDigests(expectation, decoder, digests);
      result = { size };
    },
  );
  return Object.defineProperty(stream, 'result', { get: () => result }) as PayloadVerifier;
}

export function createPartPayloadVerifier(expectation: PayloadExpectation): PartPayloadVerifier {
  const { stream, decoder } = createFramingStream(expectation, () => undefined, () => Promise.resolve());
  return Object.assign(stream, {
    digestAlgorithms: digestAlgorithmsOf(expectation),
    checkDigests: function checkPartDigests(digests: BodyDigests) {
      checkBodyDigests(expectation, decoder, digests);
    },
  });
}
