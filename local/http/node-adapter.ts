/**
 * Node `http` <-> Web `Request`/`Response` (STYLE 1): the only place that touches `IncomingMessage`
 * and `ServerResponse`. Handlers stay plain functions over Web values and are tested without sockets.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { formatHostname, parseHostHeader, type HostVerdict } from './host-allow-list.ts';
import { AppSyncHttpError, endSocketWithHttpError, formatHttpError, HTTP_ERROR_TYPE } from './http-error.ts';
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
 * Methods a handler may see. Anything else (TRACE, TRACK, PROPFIND …) is answered 405 by the
 * adapter: the Web `Request` cannot even carry TRACE or TRACK. PUT, DELETE and PATCH reach the
 * routes, which name the method they allow.
 */
export const ROUTED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'OPTIONS', 'PUT', 'DELETE', 'PATCH']);
/** The `Allow` header of the adapter's 405. */
export const ALLOWED_METHODS = 'GET, HEAD, POST, OPTIONS';

/**
 * The path and query of a request target (RFC 9112 §3.2): origin-form as it is, absolute-form
 * reduced to its path and query; null for anything else (`*`, `host:port`). The result always starts
 * with one `/`, so appending it to a fixed origin can never change the host.
 */
export function requestTargetPath(target: string): string | null {
  if (target.startsWith('/')) return target;
  if (!/^https?:\/\//i.test(target)) return null;
  try {
    const url = new URL(target);
    return `${url.pathname}${url.search}`;
  } catch {
    return null;
  }
}

/** Paths made only of characters a URL path or query takes as they are (anything else is checked by the parser itself). */
const SIMPLE_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;
const parsableOrigins = new Map<string, boolean>();
const MAX_KEPT_ORIGINS = 64;

/**
 * Whether `origin` + a path starting with `/` is a URL: the URL parser refuses nothing once it is past
 * the authority, so for simple paths only the origin decides (an accepted Host can still be a host
 * the parser refuses, such as `1.2.3.999`). Kept per origin; origins come from accepted Hosts.
 */
function isParsableTarget(origin: string, path: string): boolean {
  let parsable = parsableOrigins.get(origin);
  if (parsable === undefined) {
    parsable = URL.canParse(`${origin}/`);
    if (parsableOrigins.size < MAX_KEPT_ORIGINS) parsableOrigins.set(origin, parsable);
  }
  return parsable && (SIMPLE_PATH.test(path) || URL.canParse(`${origin}${path}`));
}

/** Accepts any well-formed Host: what the listener does when no allow-list is given. */
function acceptWellFormedHost(raw: string | undefined, defaultPort: number): HostVerdict {
  const parsed = raw === undefined ? null : parseHostHeader(raw);
  if (parsed === null) return { ok: false, status: 400, message: 'The Host header is not a valid host name and port.' };
  return { ok: true, authority: `${formatHostname(parsed.hostname)}:${parsed.port ?? defaultPort}` };
}

function isEncrypted(req: IncomingMessage): boolean {
  return (req.socket as Partial<TLSSocket>).encrypted === true;
}

/**
 * Builds a Web `Request` for `origin` (`http(s)://host:port`, from the checked Host) and the path of
 * the request target. Its body is `body` when given (read by `readNodeBody`), else it streams from
 * the socket (read with a limit by the handler).
 */
export function toWebRequest(req: IncomingMessage, origin: string, path: string, body?: Uint8Array): Request {
  const headers: [string, string][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    const value = req.rawHeaders[i + 1];
    if (name !== undefined && value !== undefined) headers.push([name, value]);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(`${origin}${path}`, {
    method,
    headers,
    ...(hasBody ? (body !== undefined ? { body } : { body: streamNodeBody(req), duplex: 'half' }) : {}),
  } as RequestInit);
}

/**
 * What the adapter refuses before any handler runs: a Host that is malformed (400) or not the
 * server's (403, DNS rebinding), a method no route takes (405), a request target that is not a path
 * (400). Otherwise the origin and path to build the Web `Request` from.
 */
export function screenRequest(req: IncomingMessage, checkHost: NonNullable<NodeListenerOptions['checkHost']>): { refusal: Response } | { origin: string; path: string } {
  const encrypted = isEncrypted(req);
  const verdict = checkHost(req.headers.host, encrypted ? 443 : 80);
  if (!verdict.ok) {
    const errorType = verdict.status === 403 ? HTTP_ERROR_TYPE.ACCESS_DENIED : HTTP_ERROR_TYPE.BAD_REQUEST;
    return { refusal: formatHttpError(new AppSyncHttpError(verdict.status, errorType, verdict.message)) };
  }
  const method = req.method ?? 'GET';
  if (!ROUTED_METHODS.has(method)) {
    return { refusal: formatHttpError(new AppSyncHttpError(405, HTTP_ERROR_TYPE.BAD_REQUEST, `Method ${method} is not allowed.`), { allow: ALLOWED_METHODS }) };
  }
  const path = requestTargetPath(req.url ?? '');
  const origin = `${encrypted ? 'https' : 'http'}://${verdict.authority}`;
  if (path === null || !isParsableTarget(origin, path)) return { refusal: formatHttpError(new AppSyncHttpError(400, HTTP_ERROR_TYPE.BAD_REQUEST, 'The request target is not a path.')) };
  return { origin, path };
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
  /**
   * Judges the `Host` header (`host-allow-list.ts`); `defaultPort` is the scheme's. Its accepted
   * authority is the host of the Web `Request`'s URL. @default any well-formed Host is accepted
   */
  readonly checkHost?: (host: string | undefined, defaultPort: number) => HostVerdict;
}

function internalFailure(): Response {
  return formatHttpError(new AppSyncHttpError(500, HTTP_ERROR_TYPE.INTERNAL, 'An internal failure occurred.'));
}

/** A Node request listener that runs a Web handler; a handler that throws becomes a 500. */
export function createNodeListener(handler: WebHandler, onError: (error: unknown) => void, options: NodeListenerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const checkHost = options.checkHost ?? acceptWellFormedHost;
  return function nodeListener(req, res) {
    void (async () => {
      try {
        const screened = screenRequest(req, checkHost);
        if ('refusal' in screened) {
          await writeWebResponse(res, screened.refusal, req, options.drainLimits);
          return;
        }
        const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
        const body = hasBody && bufferedLength(req) !== null ? await readNodeBody(req) : undefined;
        const response = await handler(toWebRequest(req, screened.origin, screened.path, body), { remoteAddress: req.socket.remoteAddress ?? null });
        await writeWebResponse(res, response, req, options.drainLimits);
      } catch (error) {
        // The client went away mid-request (a request timeout, a dropped connection): nothing to answer or log.
        if (req.socket.destroyed && (error as { code?: unknown }).code === 'ECONNRESET') {
          res.destroy();
          return;
        }
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
 * bare status line, so clients see a named error (docs/APPSYNC-BEHAVIOUR.md#http-responses-and-status-codes).
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  endSocketWithHttpError(socket, describeClientError(error.code));
}

function describeClientError(code: string | undefined): AppSyncHttpError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new AppSyncHttpError(431, HTTP_ERROR_TYPE.MALFORMED, 'Request header fields are too large.');
    // Node's `headersTimeout` / `requestTimeout` (`connection-limits.ts`).
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new AppSyncHttpError(408, HTTP_ERROR_TYPE.BAD_REQUEST, 'The request was not received in time.');
    default:
      return new AppSyncHttpError(400, HTTP_ERROR_TYPE.MALFORMED, 'Unable to parse the HTTP request.');
  }
}
