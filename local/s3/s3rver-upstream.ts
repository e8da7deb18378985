/**
 * The front's side of the Unix socket to s3rver (`s3-store.ts`): requests forwarded with the
 * object's headers only, HEADs the front needs for itself, and s3rver's answers relayed to the
 * client in S3's shape (s3rver's error bodies lack RequestId and HostId).
 */
import { type Agent, type ClientRequest, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { uriEncode } from './sigv4-canonical.ts';

/** Where s3rver listens: its Unix socket, reached through one keep-alive agent. */
export interface Upstream {
  readonly socketPath: string;
  readonly agent: Agent;
}

/** Connection-level headers that are never forwarded. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'expect']);
/** Request headers that belong to the signature or the aws-chunked framing, not to the object. */
const SIGNING_HEADERS = new Set(['authorization', 'host', 'origin', 'content-length', 'x-amz-content-sha256', 'x-amz-decoded-content-length', 'x-amz-trailer', 'x-amz-date', 'x-amz-security-token']);

export function upstreamRequest(upstream: Upstream, method: string, path: string, headers: OutgoingHttpHeaders): { request: ClientRequest; response: Promise<IncomingMessage> } {
  const request = httpRequest({ socketPath: upstream.socketPath, agent: upstream.agent, method, path, headers });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
  return { request, response };
}

async function headUpstream(upstream: Upstream, rawObjectPath: string): Promise<IncomingMessage> {
  const { request, response } = upstreamRequest(upstream, 'HEAD', rawObjectPath, {});
  request.end();
  const res = await response;
  res.resume();
  return res;
}

export async function headObject(upstream: Upstream, rawObjectPath: string): Promise<{ size: number; etag: string }> {
  const res = await headUpstream(upstream, rawObjectPath);
  if (res.statusCode !== 200) throw new Error(`HEAD ${rawObjectPath} answered ${res.statusCode}`);
  return { size: Number(res.headers['content-length'] ?? 0), etag: String(res.headers['etag'] ?? '') };
}

export async function objectExists(upstream: Upstream, rawObjectPath: string): Promise<boolean> {
  const res = await headUpstream(upstream, rawObjectPath);
  if (res.statusCode === 200) return true;
  if (res.statusCode === 404) return false;
  throw new Error(`HEAD ${rawObjectPath} answered ${res.statusCode}`);
}

/** The object's size, or null when there is no object. */
export async function objectSize(upstream: Upstream, rawObjectPath: string): Promise<number | null> {
  const res = await headUpstream(upstream, rawObjectPath);
  return res.statusCode === 200 ? Number(res.headers['content-length'] ?? 0) : null;
}

/** `copySource` replaces `x-amz-copy-source` with the checked source (`request-scope.ts`). */
export function forwardHeaders(headers: IncomingHttpHeaders, bodySize: number | undefined, copySource: string | undefined): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_HEADERS.has(name) || SIGNING_HEADERS.has(name)) continue;
    if (name === 'content-encoding') {
      const rest = String(value).split(',').map((v) => v.trim()).filter((v) => v !== '' && v.toLowerCase() !== 'aws-chunked');
      if (rest.length > 0) out[name] = rest.join(', ');
      continue;
    }
    out[name] = value;
  }
  if (bodySize !== undefined) out['content-length'] = String(bodySize);
  if (copySource !== undefined) out['x-amz-copy-source'] = copySource;
  return out;
}

export async function relayResponse(answer: IncomingMessage, res: ServerResponse, method: string, requestId: string, hostId: string): Promise<void> {
  const status = answer.statusCode ?? 502;
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined || HOP_HEADERS.has(name) || name.startsWith('access-control-') || name === 'x-amz-request-id' || name === 'x-amz-id-2') continue;
    res.setHeader(name, value);
  }
  if (status >= 400 && method !== 'HEAD') {
    // s3rver's error bodies lack RequestId and HostId; S3's always carry them.
    const chunks: Buffer[] = [];
    for await (const chunk of answer) chunks.push(chunk as Buffer);
    let text = Buffer.concat(chunks).toString('utf8');
    if (text.includes('</Error>') && !text.includes('<RequestId>')) {
      text = text.replace('</Error>', `<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`);
    }
    res.setHeader('content-length', String(Buffer.byteLength(text)));
    res.writeHead(status);
    res.end(text);
    return;
  }
  res.writeHead(status);
  await pipeline(answer, res);
}

export function encodeQuery(query: readonly (readonly [string, string])[]): string {
  if (query.length === 0) return '';
  return '?' + query.map(([key, value]) => `${uriEncode(key, true)}=${uriEncode(value, true)}`).join('&');
}
