/**
 * The embedded S3-compatible store: s3rver, reachable only through a SigV4 verifier on one
 * loopback port. s3rver does not check V4 signatures, Content-Type or Content-Length; the verifier
 * checks every request as S3 does (`sigv4-verifier.ts`), checks the body while it streams
 * (`payload-verifier.ts`) and only then hands it to s3rver, over a Unix socket in a private temp
 * folder (no second TCP port to go around the verifier). Only object requests on the bucket, for
 * keys under the asset prefix, get past the front (`request-scope.ts`), and s3rver's file store is
 * confined to its folder (`confined-store.ts`). Writes with `If-None-Match: *` create the object only
 * when the key is free, checked and written under a lock per key (`conditional-writes.ts`). Bucket
 * CORS comes from the options, and each created object is announced as S3's EventBridge "Object
 * Created" event, after the response. Multipart uploads are answered by the front itself
 * (`multipart-routes.ts`: parts stream to disk, completion is checked as S3 checks it, one event on
 * completion), and GetObject ranges are resolved here as S3 resolves them (`byte-range.ts`).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { Agent, type ClientRequest, STATUS_CODES, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Duplex, Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import S3rver from 's3rver';
import AWSAccount from 's3rver/lib/models/account.js';
import { DEV_ACCOUNT_ID } from '../config.ts';
import { createKeyLocks, objectWriteOf, preconditionFailed, requiresAbsentObject } from './conditional-writes.ts';
import { createHostAllowList, type HostVerdict } from '../http/host-allow-list.ts';
import { ConfinedFilesystemStore } from './confined-store.ts';
import { answerPreflight, corsResponseHeaders, createCorsRule } from './cors.ts';
import { createEventDispatcher, createObjectCreatedEvent, createSequencer, type ObjectCreatedEvent } from './object-created-events.ts';
import { createPayloadVerifier } from './payload-verifier.ts';
import { resolveRange } from './byte-range.ts';
import { createMultipartRoutes, multipartOperationOf } from './multipart-routes.ts';
import { createMultipartStore } from './multipart-store.ts';
import { createRequestScope } from './request-scope.ts';
import { S3Error, createHostId, createRequestId, formatS3ErrorXml, isS3Error } from './s3-errors.ts';
import { uriEncode } from './sigv4-canonical.ts';
import { verifyRequestHead, type SigningCredentials, type VerifiedRequest } from './sigv4-verifier.ts';

export interface S3StoreOptions {
  /** Folder for bucket and objects (kept across restarts); a fresh temp folder, removed on close, when absent. @default undefined */
  readonly dataDir?: string;
  /** The bucket, created at start if missing; the only bucket requests may name. */
  readonly bucketName: string;
  /** Object keys must start with `<keyPrefix>/`; requests for other keys are AccessDenied. */
  readonly keyPrefix: string;
  /** The credentials whose SigV4 signatures are accepted. */
  readonly credentials: SigningCredentials;
  /** The bucket's region (credential scopes must name it; events carry it). */
  readonly region: string;
  /** The bucket owner's account id in events. @default DEV_ACCOUNT_ID */
  readonly accountId?: string;
  /** Bucket CORS: origins allowed to GET/PUT/HEAD (`*` allowed). */
  readonly cors: { readonly allowedOrigins: readonly string[] };
  /** Receives each "Object Created" event after the response is sent, in order. A throw or rejection is retried. */
  readonly onObjectCreated: (event: ObjectCreatedEvent) => void | Promise<void>;
  /** Told about failed deliveries. @default a process warning */
  readonly onEventError?: (error: unknown, event: ObjectCreatedEvent | undefined, attempt: number, givenUp: boolean) => void;
  /** Attempts per event before it is given up. @default 3 */
  readonly eventAttempts?: number;
  /** The verifier's clock. @default () => new Date() */
  readonly now?: () => Date;
  /** "Object Created" events delivered at once (events of one key stay in order). @default 16 */
  readonly eventConcurrency?: number;
  /**
   * The bucket's lifecycle rule: multipart uploads initiated this many days ago are aborted, checked
   * every `lifecycleCheckMs` (https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpu-abort-incomplete-mpu-lifecycle-config.html).
   * @default 1
   */
  readonly abortIncompleteMultipartUploadAfterDays?: number;
  /** @default 3600000 (hourly) */
  readonly lifecycleCheckMs?: number;
}

export interface S3Store {
  /** `http://127.0.0.1:<port>`, for path-style clients (`forcePathStyle: true`). */
  readonly endpoint: string;
  /**
   * The front as a request listener for another server that serves it under `pathPrefix` (`/s3`):
   * the signature is checked over the path as the client sent it, prefix included (so presigned URLs
   * are minted for `<origin><pathPrefix>`, path style), then the prefix is removed before the scope
   * check. `checkHost` is the other server's Host allow-list; a Host it refuses gets S3's error shape,
   * as on the front's own port.
   */
  mount(pathPrefix: string, checkHost: (host: string, defaultPort: number) => HostVerdict): (req: IncomingMessage, res: ServerResponse) => void;
  /** Applies the abort-incomplete-multipart-upload lifecycle rule now; resolves with the number of uploads aborted. */
  abortIncompleteMultipartUploads(): Promise<number>;
  /** Stops accepting requests, delivers queued events, stops s3rver, removes temp folders. Safe to call twice. */
  close(): Promise<void>;
}

/** Bodies up to this size are held in memory before they go to s3rver; larger ones are spooled to a temp file. */
const MEMORY_BODY_LIMIT = 1024 * 1024;

/** Connection-level headers that are never forwarded. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'expect']);
/** Request headers that belong to the signature or the aws-chunked framing, not to the object. */
const SIGNING_HEADERS = new Set(['authorization', 'host', 'origin', 'content-length', 'x-amz-content-sha256', 'x-amz-decoded-content-length', 'x-amz-trailer', 'x-amz-date', 'x-amz-security-token']);

export async function startS3Store(options: S3StoreOptions): Promise<S3Store> {
  const now = options.now ?? (() => new Date());
  const accountId = options.accountId ?? DEV_ACCOUNT_ID;
  const corsRule = createCorsRule(options.cors.allowedOrigins);
  const workDir = await mkdtemp(join(tmpdir(), 'asset-api-s3-'));
  const objectsDir = options.dataDir ?? join(workDir, 'objects');
  await mkdir(objectsDir, { recursive: true });

  const s3rver = new S3rver({ directory: objectsDir, silent: true, vhostBuckets: false, configureBuckets: [{ name: options.bucketName }] });
  s3rver.store = s3rver.context.store = new ConfinedFilesystemStore(objectsDir);
  const scopeRequest = createRequestScope({ bucketName: options.bucketName, keyPrefix: options.keyPrefix });
  // Requests reach s3rver only after the verifier accepted them, so s3rver treats each as signed by
  // its own account (it allows response-* overrides only on signed requests).
  s3rver.middleware.unshift(function markVerified(ctx, next) {
    ctx.state['account'] = AWSAccount.DUMMY_ACCOUNT;
    return next();
  });
  await s3rver.configureBuckets();
  const socketPath = join(workDir, 's3rver.sock');
  const internal = await s3rver.listen(socketPath);
  const agent = new Agent({ keepAlive: true });
  const keyLocks = createKeyLocks();

  const store = s3rver.store;
  const multipartStore = createMultipartStore(store.getResourcePath(options.bucketName, '', 'multipart'));
  const handleMultipart = createMultipartRoutes({
    store: multipartStore,
    keyLocks,
    bucketName: options.bucketName,
    objects: {
      objectPath: (key) => store.getResourcePath(options.bucketName, key, 'object'),
      putMetadata: (key, metadata, etag) => store.putMetadata(options.bucketName, key, metadata, etag),
    },
  });
  const abortAfterMs = (options.abortIncompleteMultipartUploadAfterDays ?? 1) * 86_400_000;
  async function abortIncompleteMultipartUploads(): Promise<number> {
    const expired = await multipartStore.initiatedBefore(new Date(now().getTime() - abortAfterMs));
    await Promise.all(expired.map((uploadId) => multipartStore.remove(uploadId)));
    return expired.length;
  }
  const lifecycleTimer = setInterval(() => void abortIncompleteMultipartUploads().catch(() => undefined), options.lifecycleCheckMs ?? 3_600_000);
  lifecycleTimer.unref();

  const nextSequencer = createSequencer();
  const dispatcher = createEventDispatcher(options.onObjectCreated, {
    concurrency: options.eventConcurrency ?? 16,
    maxAttempts: options.eventAttempts ?? 3,
    onDeliveryError:
      options.onEventError ??
      ((error, event, attempt, givenUp) => {
        const what = event === undefined ? 'an Object Created event' : `the Object Created event for ${event.detail.object.key}`;
        process.emitWarning(`S3 store: delivering ${what} failed (attempt ${attempt}${givenUp ? ', given up' : ''}): ${String(error)}`);
      }),
  });

  function upstream(method: string, path: string, headers: OutgoingHttpHeaders): { request: ClientRequest; response: Promise<IncomingMessage> } {
    const request = httpRequest({ socketPath, agent, method, path, headers });
    const response = new Promise<IncomingMessage>((resolve, reject) => {
      request.once('response', resolve);
      request.once('error', reject);
    });
    return { request, response };
  }

  async function headObject(rawObjectPath: string): Promise<{ size: number; etag: string }> {
    const { request, response } = upstream('HEAD', rawObjectPath, {});
    request.end();
    const res = await response;
    res.resume();
    if (res.statusCode !== 200) throw new Error(`HEAD ${rawObjectPath} answered ${res.statusCode}`);
    return { size: Number(res.headers['content-length'] ?? 0), etag: String(res.headers['etag'] ?? '') };
  }

  async function objectExists(rawObjectPath: string): Promise<boolean> {
    const { request, response } = upstream('HEAD', rawObjectPath, {});
    request.end();
    const res = await response;
    res.resume();
    if (res.statusCode === 200) return true;
    if (res.statusCode === 404) return false;
    throw new Error(`HEAD ${rawObjectPath} answered ${res.statusCode}`);
  }

  /** The object's size, or null when there is no object. */
  async function objectSize(rawObjectPath: string): Promise<number | null> {
    const { request, response } = upstream('HEAD', rawObjectPath, {});
    request.end();
    const res = await response;
    res.resume();
    return res.statusCode === 200 ? Number(res.headers['content-length'] ?? 0) : null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, pathPrefix = ''): Promise<void> {
    const requestId = createRequestId();
    const hostId = createHostId();
    res.setHeader('x-amz-request-id', requestId);
    res.setHeader('x-amz-id-2', hostId);
    const origin = req.headers.origin;
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      if (method === 'OPTIONS') {
        const headers = answerPreflight(corsRule, origin, header(req.headers, 'access-control-request-method'), header(req.headers, 'access-control-request-headers'));
        res.writeHead(200, { ...headers, 'content-length': '0' });
        res.end();
        return;
      }
      for (const [name, value] of Object.entries(corsResponseHeaders(corsRule, origin, method))) res.setHeader(name, value);

      const verified = verifyRequestHead({ method, url: req.url ?? '/', headers: req.headersDistinct }, { credentials: [options.credentials], region: options.region, now: now() });
      // Mounted under a prefix: the client signed the whole path; the bucket and key follow the prefix.
      const rawPath = verified.rawPath.startsWith(`${pathPrefix}/`) ? verified.rawPath.slice(pathPrefix.length) : verified.rawPath;
      const target = scopeRequest({ rawPath, query: verified.query, headers: req.headersDistinct });
      const write = objectWriteOf(method, verified.query, req.headers);
      const onlyIfAbsent = requiresAbsentObject(write, req.headersDistinct);
      const facts = {
        accountId,
        region: options.region,
        bucketName: options.bucketName,
        key: target.key,
        requestId,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      };
      const multipartOperation = multipartOperationOf(method, verified.query);
      if (multipartOperation !== undefined) {
        const completed = await handleMultipart(multipartOperation, { req, res, verified, target, onlyIfAbsent });
        if (completed !== undefined) {
          const time = now();
          const sequencer = nextSequencer();
          await finished(res).catch(() => undefined);
          // One event per object, on completion; parts announce nothing.
          dispatcher.dispatch(createObjectCreatedEvent({ ...facts, reason: 'CompleteMultipartUpload', size: completed.size, etag: completed.etag, sequencer, time }), target.key);
        }
        return;
      }
      // Range: resolved against the object's size; the exact range (or none, for a malformed header) goes to s3rver.
      let range: string | null | undefined;
      const rangeHeader = header(req.headers, 'range');
      if (method === 'GET' && rangeHeader !== undefined) {
        const size = await objectSize(target.path);
        if (size !== null) {
          const resolved = resolveRange(rangeHeader, size);
          range = resolved.kind === 'whole' ? null : `bytes=${resolved.start}-${resolved.end}`;
        }
      }
      const body = method === 'PUT' || method === 'POST' ? await receiveBody(req, verified, workDir) : undefined;
      if (body === undefined) req.resume();
      try {
        const upstreamPath = target.path + encodeQuery(verified.query);
        const send = async (): Promise<IncomingMessage> => {
          // Checked once the body has arrived, right before the write: S3 checks "during the WRITE operation".
          if (onlyIfAbsent && (await objectExists(target.path))) throw preconditionFailed();
          const headers = forwardHeaders(req.headers, body?.size, target.copySource);
          if (range === null) delete headers['range'];
          else if (range !== undefined) headers['range'] = range;
          const { request, response } = upstream(method, upstreamPath, headers);
          if (body === undefined) request.end();
          else await pipeline(body.open(), request);
          return response;
        };
        // s3rver has stored the object when its answer arrives, so the lock is released then.
        const answer = write === undefined ? await send() : await keyLocks.run(target.key, send);
        await relayResponse(answer, res, method, requestId, hostId);
        const reason = answer.statusCode === 200 && write !== 'DeleteObject' ? write : undefined;
        if (reason !== undefined) {
          const etag = String(answer.headers['etag'] ?? '');
          const size = body?.size;
          const time = now();
          const sequencer = nextSequencer();
          // `relayResponse` resolved after the response finished: a handler never races the client's own 200.
          dispatcher.dispatch(
            reason === 'PutObject' && size !== undefined && etag !== ''
              ? createObjectCreatedEvent({ ...facts, reason, size, etag, sequencer, time })
              : async () => createObjectCreatedEvent({ ...facts, reason, ...(await headObject(target.path)), sequencer, time }),
            target.key,
          );
        }
      } finally {
        await body?.dispose();
      }
    } catch (error) {
      sendError(res, error, requestId, hostId);
    }
  }

  /** DNS rebinding: a Host the allow-list refuses gets S3's error (local/http/host-allow-list.ts). */
  function refuseForeignHost(req: IncomingMessage, res: ServerResponse, checkHost: (host: string, defaultPort: number) => HostVerdict, defaultPort: number): boolean {
    // No Host at all (HTTP/1.0) is no browser's request; the verifier judges it as S3 would.
    const host = req.headers.host === undefined ? null : checkHost(req.headers.host, defaultPort);
    if (host === null || host.ok) return false;
    sendError(res, new S3Error(host.status === 403 ? 'AccessDenied' : 'BadRequest', host.message), createRequestId(), createHostId());
    return true;
  }

  const server = createServer((req, res) => {
    // Only this listener's own names and port.
    if (refuseForeignHost(req, res, (raw, defaultPort) => createHostAllowList({ boundHost: '127.0.0.1', port }).check(raw, defaultPort), 80)) return;
    handle(req, res).catch((error: unknown) => sendError(res, error, 'unknown', 'unknown'));
  });
  server.on('clientError', answerClientError);
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

  let closing: Promise<void> | undefined;
  async function shutDown(): Promise<void> {
    clearInterval(lifecycleTimer);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await dispatcher.drain();
    agent.destroy();
    await new Promise<void>((resolve) => {
      internal.close(() => resolve());
      internal.closeAllConnections();
    });
    await rm(workDir, { recursive: true, force: true });
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    mount: function mountS3Front(pathPrefix, checkHost) {
      return function mountedS3Front(req, res) {
        const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
        if (refuseForeignHost(req, res, checkHost, encrypted ? 443 : 80)) return;
        handle(req, res, pathPrefix).catch((error: unknown) => sendError(res, error, 'unknown', 'unknown'));
      };
    },
    abortIncompleteMultipartUploads,
    close: function closeS3Store() {
      closing ??= shutDown();
      return closing;
    },
  };
}

interface ReceivedBody {
  readonly size: number;
  open(): Readable;
  dispose(): Promise<void>;
}

/** Reads and verifies the whole body before anything is stored; small bodies in memory, large ones in a temp file. */
async function receiveBody(req: IncomingMessage, verified: VerifiedRequest, workDir: string): Promise<ReceivedBody> {
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

/** `copySource` replaces `x-amz-copy-source` with the checked source (`request-scope.ts`). */
function forwardHeaders(headers: IncomingHttpHeaders, bodySize: number | undefined, copySource: string | undefined): OutgoingHttpHeaders {
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

async function relayResponse(answer: IncomingMessage, res: ServerResponse, method: string, requestId: string, hostId: string): Promise<void> {
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

/**
 * Node's HTTP parser failed: most often the client closed its side before Content-Length bytes
 * arrived. S3 answers that with 400 IncompleteBody; node's default would be a bare 400.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const s3Error =
    error.code === 'HPE_INVALID_EOF_STATE'
      ? new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.')
      : new S3Error('BadRequest', 'An error occurred when parsing the HTTP request.');
  const requestId = createRequestId();
  const body = formatS3ErrorXml(s3Error, requestId, createHostId());
  socket.end(
    `HTTP/1.1 ${s3Error.status} ${STATUS_CODES[s3Error.status] ?? ''}\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `x-amz-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function sendError(res: ServerResponse, error: unknown, requestId: string, hostId: string): void {
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

function encodeQuery(query: readonly (readonly [string, string])[]): string {
  if (query.length === 0) return '';
  return '?' + query.map(([key, value]) => `${uriEncode(key, true)}=${uriEncode(value, true)}`).join('&');
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
