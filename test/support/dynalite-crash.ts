/**
 * Crashing dynalite from outside, for the tests of what a crash of the embedded DynamoDB store
 * does: a request whose body stops half way. dynalite's request handler rethrows the request's
 * `error` event ("aborted", ECONNRESET), an uncaught exception in the thread that runs it.
 */
import { connect } from 'node:net';

/** Sends a request that announces 100 body bytes, sends 5, and closes the connection; resolves once closed. */
export function abortRequestMidBody(endpoint: string): Promise<void> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write('POST / HTTP/1.1\r\nHost: dynamodb\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 100\r\n\r\n{"a":', () => {
        // A moment for the server to parse the head and start reading the body.
        setTimeout(() => socket.destroy(), 50);
      });
    });
    socket.once('error', reject);
    socket.once('close', () => resolve());
  });
}
