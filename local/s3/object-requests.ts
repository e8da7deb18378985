/**
 * One request to the local S3 front (`s3-store.ts`), from head to answer: CORS preflight, SigV4
 * (`sigv4-verifier.ts`), scope (`request-scope.ts`), then either a multipart operation answered by
 * the front (`multipart-routes.ts`) or an object request forwarded to s3rver once its body has
 * passed every check. A created object is announced as S3's "Object Created" event after the
 * response (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { finished, pipeline } from 'node:stream/promises';
import { resolveRange } from './byte-range.ts';
import { type KeyLocks, type ObjectWrite, objectWriteOf, preconditionFailed, requiresAbsentObject } from './conditional-writes.ts';
import { type CorsRule, answerPreflight, corsResponseHeaders } from './cors.ts';
import { sendError } from './error-responses.ts';
import { type MultipartOperation, type MultipartRoutes, multipartOperationOf } from './multipart-routes.ts';
import { type ObjectCreatedEvent, createObjectCreatedEvent } from './object-created-events.ts';
import { type ReceivedBody, receiveBody } from './received-body.ts';
import type { ObjectTarget, RequestScope } from './request-scope.ts';
import { createHostId, createRequestId } from './s3-errors.ts';
import { type Upstream, encodeQuery, forwardHeaders, headObject, objectExists, objectSize, relayResponse, upstreamRequest } from './s3rver-upstream.ts';
import { type SigningCredentials, type VerifiedRequest, verifyRequestHead } from './sigv4-verifier.ts';

export interface S3RequestDeps {
  readonly credentials: SigningCredentials;
  readonly region: string;
  readonly accountId: string;
  readonly bucketName: string;
  readonly now: () => Date;
  readonly corsRule: CorsRule;
  readonly scopeRequest: RequestScope;
  readonly handleMultipart: MultipartRoutes;
  readonly upstream: Upstream;
  readonly keyLocks: KeyLocks;
  /** Queues an "Object Created" event (or a function that builds it) for a key, delivered in order. */
  readonly announce: (event: ObjectCreatedEvent | (() => Promise<ObjectCreatedEvent>), key: string) => void;
  readonly nextSequencer: () => string;
  /** Private temp folder for spooled bodies. */
  readonly workDir: string;
}

/** The request's ids, sent as `x-amz-request-id` and `x-amz-id-2` and in every error body. */
interface RequestIds {
  readonly requestId: string;
  readonly hostId: string;
}

/** A request that passed the verifier and the scope check. */
interface ScopedRequest {
  readonly method: string;
  readonly verified: VerifiedRequest;
  readonly target: ObjectTarget;
  readonly write: ObjectWrite | undefined;
  readonly onlyIfAbsent: boolean;
  /** What every "Object Created" event of this request says besides the object. */
  readonly facts: { accountId: string; region: string; bucketName: string; key: string; requestId: string; sourceIp: string };
}

/** Answers one request; never rejects for a request error (those become S3 error responses). */
export async function handleS3Request(deps: S3RequestDeps, req: IncomingMessage, res: ServerResponse, pathPrefix = ''): Promise<void> {
  const ids: RequestIds = { requestId: createRequestId(), hostId: createHostId() };
  res.setHeader('x-amz-request-id', ids.requestId);
  res.setHeader('x-amz-id-2', ids.hostId);
  const origin = req.headers.origin;
  const method = (req.method ?? 'GET').toUpperCase();
  try {
    if (method === 'OPTIONS') {
      answerPreflightRequest(deps.corsRule, req, res);
      return;
    }
    for (const [name, value] of Object.entries(corsResponseHeaders(deps.corsRule, origin, method))) res.setHeader(name, value);
    const scoped = verifyAndScope(deps, req, method, pathPrefix, ids.requestId);
    const multipartOperation = multipartOperationOf(method, scoped.verified.query);
    if (multipartOperation !== undefined) {
      await answerMultipart(deps, multipartOperation, req, res, scoped);
      return;
    }
    await forwardObjectRequest(deps, req, res, scoped, ids);
  } catch (error) {
    sendError(res, error, ids.requestId, ids.hostId);
  }
}

function answerPreflightRequest(corsRule: CorsRule, req: IncomingMessage, res: ServerResponse): void {
  const headers = answerPreflight(corsRule, req.headers.origin, header(req.headers, 'access-control-request-method'), header(req.headers, 'access-control-request-headers'));
  res.writeHead(200, { ...headers, 'content-length': '0' });
  res.end();
}

function verifyAndScope(deps: S3RequestDeps, req: IncomingMessage, method: string, pathPrefix: string, requestId: string): ScopedRequest {
  const verified = verifyRequestHead({ method, url: req.url ?? '/', headers: req.headersDistinct }, { credentials: [deps.credentials], region: deps.region, now: deps.now() });
  // Mounted under a prefix: the client signed the whole path; the bucket and key follow the prefix.
  const rawPath = verified.rawPath.startsWith(`${pathPrefix}/`) ? verified.rawPath.slice(pathPrefix.length) : verified.rawPath;
  const target = deps.scopeRequest({ rawPath, query: verified.query, headers: req.headersDistinct });
  const write = objectWriteOf(method, verified.query, req.headers);
  const onlyIfAbsent = requiresAbsentObject(write, req.headersDistinct);
  const facts = {
    accountId: deps.accountId,
    region: deps.region,
    bucketName: deps.bucketName,
    key: target.key,
    requestId,
    sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
  };
  return { method, verified, target, write, onlyIfAbsent, facts };
}

async function answerMultipart(deps: S3RequestDeps, operation: MultipartOperation, req: IncomingMessage, res: ServerResponse, scoped: ScopedRequest): Promise<void> {
  const { verified, target, onlyIfAbsent, facts } = scoped;
  const completed = await deps.handleMultipart(operation, { req, res, verified, target, onlyIfAbsent });
  if (completed === undefined) return;
  const time = deps.now();
  const sequencer = deps.nextSequencer();
  await finished(res).catch(() => undefined);
  // One event per object, on completion; parts announce nothing.
  deps.announce(createObjectCreatedEvent({ ...facts, reason: 'CompleteMultipartUpload', size: completed.size, etag: completed.etag, sequencer, time }), target.key);
}

/**
 * Range: resolved against the object's size; the exact range (`bytes=a-b`), none (null, for a
 * whole-object or malformed header) or undefined (leave the header as sent) goes to s3rver.
 */
async function upstreamRangeOf(upstream: Upstream, req: IncomingMessage, method: string, rawObjectPath: string): Promise<string | null | undefined> {
  const rangeHeader = header(req.headers, 'range');
  if (method !== 'GET' || rangeHeader === undefined) return undefined;
  const size = await objectSize(upstream, rawObjectPath);
  if (size === null) return undefined;
  const resolved = resolveRange(rangeHeader, size);
  return resolved.kind === 'whole' ? null : `bytes=${resolved.start}-${resolved.end}`;
}

async function forwardObjectRequest(deps: S3RequestDeps, req: IncomingMessage, res: ServerResponse, scoped: ScopedRequest, ids: RequestIds): Promise<void> {
  const { method, verified, target, write } = scoped;
  const range = await upstreamRangeOf(deps.upstream, req, method, target.path);
  const body = method === 'PUT' || method === 'POST' ? await receiveBody(req, verified, deps.workDir) : undefined;
  if (body === undefined) req.resume();
  try {
    const send = (): Promise<IncomingMessage> => sendUpstream(deps.upstream, req, scoped, body, range);
    // s3rver has stored the object when its answer arrives, so the lock is released then.
    const answer = write === undefined ? await send() : await deps.keyLocks.run(target.key, send);
    await relayResponse(answer, res, method, ids.requestId, ids.hostId);
    announceWrite(deps, answer, scoped, body?.size);
  } finally {
    await body?.dispose();
  }
}

async function sendUpstream(upstream: Upstream, req: IncomingMessage, scoped: ScopedRequest, body: ReceivedBody | undefined, range: string | null | undefined): Promise<IncomingMessage> {
  const { method, verified, target, onlyIfAbsent } = scoped;
  // Checked once the body has arrived, right before the write: S3 checks "during the WRITE operation".
  if (onlyIfAbsent && (await objectExists(upstream, target.path))) throw preconditionFailed();
  const headers = forwardHeaders(req.headers, body?.size, target.copySource);
  if (range === null) delete headers['range'];
  else if (range !== undefined) headers['range'] = range;
  const { request, response } = upstreamRequest(upstream, method, target.path + encodeQuery(verified.query), headers);
  if (body === undefined) request.end();
  else await pipeline(body.open(), request);
  return response;
}

/** Called once `relayResponse` resolved after the response finished: a handler never races the client's own 200. */
function announceWrite(deps: S3RequestDeps, answer: IncomingMessage, scoped: ScopedRequest, size: number | undefined): void {
  const { write, target, facts } = scoped;
  const reason = answer.statusCode === 200 && write !== 'DeleteObject' ? write : undefined;
  if (reason === undefined) return;
  const etag = String(answer.headers['etag'] ?? '');
  const time = deps.now();
  const sequencer = deps.nextSequencer();
  deps.announce(
    reason === 'PutObject' && size !== undefined && etag !== ''
      ? createObjectCreatedEvent({ ...facts, reason, size, etag, sequencer, time })
      : async () => createObjectCreatedEvent({ ...facts, reason, ...(await headObject(deps.upstream, target.path)), sequencer, time }),
    target.key,
  );
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
