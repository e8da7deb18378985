/**
 * aws-chunked framing, decoded while the body streams (`payload-verifier.ts`):
 * `<hex size>[;ext]\r\n<data>\r\n` … `0\r\n` then trailer lines (`name:value\r\n`) and an empty line.
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html)
 */
import { S3Error } from './s3-errors.ts';

const MAX_LINE_BYTES = 4096;

export interface AwsChunkedDecoder {
  write(chunk: Buffer, emit: (data: Buffer) => void): void;
  done(): boolean;
  /** A trailing header's value (lower-case name), once the body has ended. */
  trailer(name: string): string | undefined;
}

/** Where the decoder is in the framing, across `write` calls. */
interface DecoderState {
  phase: 'size' | 'data' | 'data-end' | 'trailer' | 'done';
  /** The part of a size or trailer line received so far. */
  line: Buffer;
  /** Data bytes left in the current chunk. */
  remaining: number;
  /** Bytes of the `\r\n` after a chunk's data seen so far. */
  dataEnd: number;
  readonly trailers: Map<string, string>;
}

const malformed = (): S3Error => new S3Error('InvalidRequest', 'The chunk encoding of the request body is malformed.');

export function createAwsChunkedDecoder(): AwsChunkedDecoder {
  const state: DecoderState = { phase: 'size', line: Buffer.alloc(0), remaining: 0, dataEnd: 0, trailers: new Map() };
  return {
    write: function writeAwsChunked(chunk, emit) {
      let offset = 0;
      while (offset < chunk.length) offset = decodeStep(state, chunk, offset, emit);
    },
    done: () => state.phase === 'done',
    trailer: (name) => state.trailers.get(name),
  };
}

/** Decodes from `offset` as far as the current phase goes; answers the next offset. */
function decodeStep(state: DecoderState, chunk: Buffer, offset: number, emit: (data: Buffer) => void): number {
  switch (state.phase) {
    case 'size':
      return readSizeLine(state, chunk, offset);
    case 'data':
      return readData(state, chunk, offset, emit);
    case 'data-end':
      return readDataEnd(state, chunk, offset);
    case 'trailer':
      return readTrailerLine(state, chunk, offset);
    case 'done':
      throw malformed();
  }
}

/** A whole line without its `\r\n`, or undefined (the rest of the chunk kept) when the line goes on. */
function readLine(state: DecoderState, chunk: Buffer, offset: number): [string | undefined, number] {
  const end = chunk.indexOf(0x0a, offset);
  if (end === -1) {
    state.line = Buffer.concat([state.line, chunk.subarray(offset)]);
    if (state.line.length > MAX_LINE_BYTES) throw malformed();
    return [undefined, chunk.length];
  }
  const full = Buffer.concat([state.line, chunk.subarray(offset, end + 1)]);
  state.line = Buffer.alloc(0);
  if (full.length < 2 || full[full.length - 2] !== 0x0d) throw malformed();
  return [full.subarray(0, full.length - 2).toString('latin1'), end + 1];
}

function readSizeLine(state: DecoderState, chunk: Buffer, offset: number): number {
  const [text, next] = readLine(state, chunk, offset);
  if (text === undefined) return next;
  const sizeText = text.split(';')[0]?.trim() ?? '';
  if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) throw malformed();
  state.remaining = parseInt(sizeText, 16);
  state.phase = state.remaining === 0 ? 'trailer' : 'data';
  return next;
}

function readData(state: DecoderState, chunk: Buffer, offset: number, emit: (data: Buffer) => void): number {
  const take = Math.min(state.remaining, chunk.length - offset);
  emit(chunk.subarray(offset, offset + take));
  state.remaining -= take;
  if (state.remaining === 0) {
    state.phase = 'data-end';
    state.dataEnd = 0;
  }
  return offset + take;
}

function readDataEnd(state: DecoderState, chunk: Buffer, offset: number): number {
  const expected = state.dataEnd === 0 ? 0x0d : 0x0a;
  if (chunk[offset] !== expected) throw malformed();
  state.dataEnd += 1;
  if (state.dataEnd === 2) state.phase = 'size';
  return offset + 1;
}

function readTrailerLine(state: DecoderState, chunk: Buffer, offset: number): number {
  const [text, next] = readLine(state, chunk, offset);
  if (text === undefined) return next;
  if (text === '') {
    state.phase = 'done';
    return next;
  }
  const colon = text.indexOf(':');
  if (colon <= 0) throw malformed();
  state.trailers.set(text.slice(0, colon).trim().toLowerCase(), text.slice(colon + 1).trim());
  return next;
}
