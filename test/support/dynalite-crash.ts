/**
 * Requests that dynalite does not survive, or used not to, for the tests of what the embedded
 * DynamoDB store does with them:
 * - a JSON `null` body: dynalite's validation reads a member of it, and the TypeError is rethrown
 *   from its request handler, an uncaught exception in the thread that runs it (a real crash);
 * - a request whose body stops half way: dynalite's handler rethrows the request's `error`
 *   ("aborted", ECONNRESET); the store's worker drops that one error.
 */
import { connect } from 'node:net';

/** The message of the error a `null` body crashes dynalite with. */
export const NULL_BODY_CRASH = "Cannot read properties of null (reading 'ReturnConsumedCapacity')";

/** Sends a GetItem whose body is JSON `null`, and closes the connection 200 ms later (no answer comes when it crashes). */
export function sendNullBody(endpoint: string): Promise<void> {
  return rawRequest(endpoint, 'null', 4, 200);
}

/** Sends a request that announces 100 body bytes, sends 5, and closes the connection; resolves once closed. */
export function abortRequestMidBody(endpoint: string): Promise<void> {
  return rawRequest(endpoint, '{"a":', 100, 50);
}

/** Writes a signed-looking DynamoDB request head and `body`, then closes after `closeAfterMs` (sooner if the server does). */
function rawRequest(endpoint: string, body: string, contentLength: number, closeAfterMs: number): Promise<void> {
  const { hostname, port } = new URL(endpoint);
  const head = [
    'POST / HTTP/1.1',
    'Host: dynamodb',
    'Content-Type: application/x-amz-json-1.0',
    'X-Amz-Target: DynamoDB_20120810.GetItem',
    'X-Amz-Date: 20240101T000000Z',
    'Authorization: AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
    `Content-Length: ${contentLength}`,
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`${head}\r\n\r\n${body}`, () => {
        // A moment for the server to parse the head and read the body.
        setTimeout(() => socket.destroy(), closeAfterMs);
      });
    });
    socket.on('data', () => undefined);
    socket.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve() : reject(error)));
    socket.once('close', () => resolve());
  });
}
