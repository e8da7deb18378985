/**
 * The front's error answers in S3's shape: an S3Error (or an internal error) as XML with the
 * request's ids, node's HTTP parser failures, and Hosts refused by the allow-list.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HostVerdict } from '../http/host-allow-list.ts';
import { S3Error, createHostId, createRequestId, formatS3ErrorXml, isS3Error } from './s3-errors.ts';

export function sendError(res: ServerResponse, error: unknown, requestId: string, hostId: string): void {
  const s3Error = isS3Error(error) ? error : new S3Error('InternalError', 'We encountered an internal error. Please try again.');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = formatS3ErrorXml(s3Error, requestId, hostId);
  res.setHeader('content-type', 'application/xml');
  res.setHeader('content-length', String(Buffer.byteLength(body)));
  res.writeHead(s3Error.status);
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/**
 * Node's HTTP parser failed: most often the client closed its side before Content-Length bytes
 * arrived. S3 answers that with 400 IncompleteBody, and headers that did not arrive in time
 * (`headersTimeout`, `listener-limits.ts`) with 400 RequestTimeout; node's default would be a bare 400.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  endSocketWithS3Error(socket, s3ErrorOfClientError(error.code));
}

function s3ErrorOfClientError(code: string | undefined): S3Error {
  switch (code) {
    case 'HPE_INVALID_EOF_STATE':
      return new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return requestTimeoutError();
    default:
      return new S3Error('BadRequest', 'An error occurred when parsing the HTTP request.');
  }
}

/** S3's answer to a request whose bytes stopped coming (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). */
export function requestTimeoutError(): S3Error {
  return new S3Error('RequestTimeout', 'Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.');
}

/** A request that stopped before its headers were complete: no response object exists yet, so the answer goes on the socket. */
export function answerRequestTimeout(socket: Duplex): void {
  endSocketWithS3Error(socket, requestTimeoutError());
}

function endSocketWithS3Error(socket: Duplex, s3Error: S3Error): void {
  const requestId = createRequestId();
  const body = formatS3ErrorXml(s3Error, requestId, createHostId());
  socket.end(
    `HTTP/1.1 ${s3Error.status} ${STATUS_CODES[s3Error.status] ?? ''}\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `x-amz-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** DNS rebinding: a Host the allow-list refuses gets S3's error (local/http/host-allow-list.ts). */
export function refuseForeignHost(req: IncomingMessage, res: ServerResponse, checkHost: (host: string, defaultPort: number) => HostVerdict, defaultPort: number): boolean {
  // No Host at all (HTTP/1.0) is no browser's request; the verifier judges it as S3 would.
  const host = req.headers.host === undefined ? null : checkHost(req.headers.host, defaultPort);
  if (host === null || host.ok) return false;
  sendError(res, new S3Error(host.status === 403 ? 'AccessDenied' : 'BadRequest', host.message), createRequestId(), createHostId());
  return true;
}
