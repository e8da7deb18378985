/**
 * Node `http` <-> Web `Request`/`Response` (STYLE 1): the only place that touches `IncomingMessage`
 * and `ServerResponse`. Handlers stay plain functions over Web values and are tested without sockets.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { drainNodeBody, streamNodeBody, type DrainLimits } from './node-body.ts';

/** Facts about the connection that a Web `Request` cannot carry. */
export interface ConnectionInfo {
  /** The TCP peer address. */
  readonly remoteAddress: string | null;
}

export type WebHandler = (request: Request, connection: ConnectionInfo) => Promise<Response>;

/**
 * Bodies that declare a `content-length` up to this size are read before the handler runs and handed
 * to the `Request` as bytes: `Readable.toWeb` over the socket cost about as much as the rest of the
 * adapter together (bench/README.md, "server CPU per request"). Larger or chunked bodies stream, so
 * handlers still refuse them by their own limit before reading (413).
 */
export const BUFFERED_BODY_BYTES = 64 * 1024;

function bufferedLength(req: IncomingMessage): number | null {
  const declared = req.headers['content-length'];
  if (declared === undefined || req.headers['transfer-encoding'] !== undefined) return null;
  const length = Number(declared);
  return Number.isInteger(length) && length >= 0 && length <= BUFFERED_BODY_BYTES ? length : null;
}

/** Reads a whole (small) request body; rejects when the client goes away first. */
async function readNodeBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

/**
 * Builds a Web `Request`. Its body is `body` when given (read by `readNodeBody`), else it streams
 * from the socket (read with a limit by the handler).
 */
export function toWebRequest(req: IncomingMessage, body?: Uint8Array): Request {
  const encrypted = (req.socket as Partial<TLSSocket>).encrypted === true;
  const host = req.headers.host ?? `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 0}`;
  const url = `${encrypted ? 'https' : 'http'}://${host}${req.url ?? '/'}`;
  const headers: [string, string][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    const value = req.rawHeaders[i + 1];
    if (name !== undefined && value !== undefined) headers.push([name, value]);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(url, {
    method,
    headers,
    ...(hasBody ? (body !== undefined ? { body } : { body: streamNodeBody(req), duplex: 'half' }) : {}),
  } as RequestInit);
}

function nodeHeaders(response: Response): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    const existing = headers[name];
    headers[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  });
  return headers;
}

/**
 * Writes a Web `Response` to a Node `ServerResponse`. When the request body has not all arrived
 * (the handler answered without reading it, as a 413 does), the answer is sent with
 * `Connection: close`, the rest of the body is drained within `drainLimits`, and only then is the
 * response ended and the socket closed, so the client reads the answer instead of a reset
 * (`node-body.ts`).
 */
export async function writeWebResponse(res: ServerResponse, response: Response, req?: IncomingMessage, drainLimits?: DrainLimits): Promise<void> {
  const headers = nodeHeaders(response);
  const body = response.body === null ? null : Buffer.from(await response.arrayBuffer());
  if (body !== null) headers['content-length'] = String(body.length);
  if (req === undefined || req.complete) {
    res.writeHead(response.status, headers);
    res.end(body ?? undefined);
    return;
  }
  headers['connection'] = 'close';
  res.writeHead(response.status, headers);
  if (body !== null) res.write(body);
  else res.flushHeaders();
  await drainNodeBody(req, drainLimits);
  res.end();
}

export interface NodeListenerOptions {
  /** How much of an unread request body is drained after the answer. @default DRAIN_LIMITS */
  readonly drainLimits?: DrainLimits;
}

function internalFailure(): Response {
  return new Response(JSON.stringify({ errors: [{ errorType: 'InternalFailureException', message: 'An internal failure occurred.' }] }), {
    status: 500,
    headers: { 'content-type': 'application/json;charset=UTF-8', 'x-amzn-ErrorType': 'InternalFailureException' },
  });
}

/** A Node request listener that runs a Web handler; a handler that throws becomes a 500. */
export function createNodeListener(handler: WebHandler, onError: (error: unknown) => void, options: NodeListenerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  return function nodeListener(req, res) {
    void (async () => {
      try {
        const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
        const body = hasBody && bufferedLength(req) !== null ? await readNodeBody(req) : undefined;
        const response = await handler(toWebRequest(req, body), { remoteAddress: req.socket.remoteAddress ?? null });
        await writeWebResponse(res, response, req, options.drainLimits);
      } catch (error) {
        onError(error);
        if (!res.headersSent) await writeWebResponse(res, internalFailure(), req, options.drainLimits).catch(() => res.destroy());
        else res.destroy();
      }
    })();
  };
}

/**
 * `clientError` listener: what Node's HTTP parser refuses before any handler runs (headers over its
 * 16 KB limit, unparsable request lines) gets AppSync's envelope and `x-amzn-ErrorType` instead of a
 * bare status line, so clients see a named error (spec/appsync-protocol.md §1.6).
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify({
    errors: [{ errorType: 'MalformedHttpRequestException', message: tooLarge ? 'Request header fields are too large.' : 'Unable to parse the HTTP request.' }],
  });
  socket.end(
    `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\ncontent-type: application/json;charset=UTF-8\r\n` +
      `x-amzn-ErrorType: MalformedHttpRequestException\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
