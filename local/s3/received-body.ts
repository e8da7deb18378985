/**
 * A PUT or POST body, read and verified whole (`payload-verifier.ts`) before anything goes to
 * s3rver: small bodies in memory, large ones spooled to a temp file.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createPayloadVerifier } from './payload-verifier.ts';
import { S3Error, createRequestId, isS3Error } from './s3-errors.ts';
import type { VerifiedRequest } from './sigv4-verifier.ts';

/** Bodies up to this size are held in memory before they go to s3rver; larger ones are spooled to a temp file. */
const MEMORY_BODY_LIMIT = 1024 * 1024;

export interface ReceivedBody {
  readonly size: number;
  open(): Readable;
  dispose(): Promise<void>;
}

/** Reads and verifies the whole body before anything is stored; small bodies in memory, large ones in a temp file under `workDir`. */
export async function receiveBody(req: IncomingMessage, verified: VerifiedRequest, workDir: string): Promise<ReceivedBody> {
  const verifier = createPayloadVerifier(verified.payload);
  const declared = verified.payload.decodedLength;
  try {
    if (declared !== undefined && declared <= MEMORY_BODY_LIMIT) {
      const chunks: Buffer[] = [];
      await pipeline(req, verifier, new Writable({ write: (chunk: Buffer, _enc, done) => (chunks.push(chunk), done()) }));
      const data = Buffer.concat(chunks);
      return { size: data.length, open: () => Readable.from([data]), dispose: () => Promise.resolve() };
    }
    const file = join(workDir, `body-${createRequestId()}`);
    const dispose = (): Promise<void> => rm(file, { force: true });
    try {
      await pipeline(req, verifier, createWriteStream(file));
    } catch (error) {
      await dispose();
      throw error;
    }
    return { size: verifier.result?.size ?? 0, open: () => createReadStream(file), dispose };
  } catch (error) {
    if (isS3Error(error)) throw error;
    // The client closed or broke the body before Content-Length bytes arrived.
    throw new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
  }
}
