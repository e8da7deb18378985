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
 * completion), and GetObject ranges are resolved here as S3 resolves them (`byte-range.ts`). The
 * front's own loopback port closes silent or stalled connections and caps their number
 * (`listener-limits.ts`).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { Agent, type Server, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import AWSAccount from 's3rver/lib/models/account.js';
import type FilesystemStore from 's3rver/lib/stores/filesystem.js';
import { DEV_ACCOUNT_ID } from '../config.ts';
import { createHostAllowList, type HostAllowList, type HostVerdict } from '../http/host-allow-list.ts';
import { createKeyLocks } from './conditional-writes.ts';
import { ConfinedFilesystemStore } from './confined-store.ts';
import { createCorsRule } from './cors.ts';
import { answerClientError, refuseForeignHost, sendError } from './error-responses.ts';
import { applyS3ListenerLimits, assertS3ListenerLimits, DEFAULT_S3_LISTENER_LIMITS, type S3ListenerLimits } from './listener-limits.ts';
import { type ObjectFiles, createMultipartRoutes } from './multipart-routes.ts';
import { type MultipartStore, createMultipartStore } from './multipart-store.ts';
import { type EventDispatcher, createEventDispatcher, createSequencer, type ObjectCreatedEvent } from './object-created-events.ts';
import { type S3RequestDeps, handleS3Request } from './object-requests.ts';
import { createRequestScope } from './request-scope.ts';
import type { SigningCredentials } from './sigv4-verifier.ts';

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
  /**
   * Silence, header, keep-alive and connection bounds of the front's own loopback port (`endpoint`).
   * Under `mount`, the other server's own limits apply. @default DEFAULT_S3_LISTENER_LIMITS
   */
  readonly listenerLimits?: S3ListenerLimits;
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

export async function startS3Store(options: S3StoreOptions): Promise<S3Store> {
  const listenerLimits = assertS3ListenerLimits(options.listenerLimits ?? DEFAULT_S3_LISTENER_LIMITS);
  const now = options.now ?? (() => new Date());
  const workDir = await mkdtemp(join(tmpdir(), 'asset-api-s3-'));
  const objectsDir = options.dataDir ?? join(workDir, 'objects');
  await mkdir(objectsDir, { recursive: true });
  const internal = await startInternalS3rver(options.bucketName, objectsDir, workDir);
  const agent = new Agent({ keepAlive: true });
  const keyLocks = createKeyLocks();
  const multipartStore = createMultipartStore(internal.store.getResourcePath(options.bucketName, '', 'multipart'));
  const abortAfterMs = (options.abortIncompleteMultipartUploadAfterDays ?? 1) * 86_400_000;
  const abortIncompleteMultipartUploads = (): Promise<number> => abortExpiredUploads(multipartStore, now, abortAfterMs);
  const lifecycleTimer = setInterval(() => void abortIncompleteMultipartUploads().catch(() => undefined), options.lifecycleCheckMs ?? 3_600_000);
  lifecycleTimer.unref();
  const dispatcher = createObjectCreatedDispatcher(options);
  const deps: S3RequestDeps = {
    credentials: options.credentials,
    region: options.region,
    accountId: options.accountId ?? DEV_ACCOUNT_ID,
    bucketName: options.bucketName,
    now,
    corsRule: createCorsRule(options.cors.allowedOrigins),
    scopeRequest: createRequestScope({ bucketName: options.bucketName, keyPrefix: options.keyPrefix }),
    handleMultipart: createMultipartRoutes({ store: multipartStore, keyLocks, bucketName: options.bucketName, objects: s3rverObjectFiles(internal.store, options.bucketName) }),
    upstream: { socketPath: internal.socketPath, agent },
    keyLocks,
    announce: (event, key) => dispatcher.dispatch(event, key),
    nextSequencer: createSequencer(),
    workDir,
  };
  // Only this listener's own names and port; the allow-list is built once, at the first request (after listening).
  let ownHosts: HostAllowList | null = null;
  const server = createServer((req, res) => {
    ownHosts ??= createHostAllowList({ boundHost: '127.0.0.1', port: (server.address() as AddressInfo).port });
    if (refuseForeignHost(req, res, ownHosts.check, 80)) return;
    handleS3Request(deps, req, res).catch((error: unknown) => sendError(res, error, 'unknown', 'unknown'));
  });
  server.on('clientError', answerClientError);
  applyS3ListenerLimits(server, listenerLimits);
  const port = await listenOnLoopback(server);
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    mount: function mountS3Front(pathPrefix, checkHost) {
      return mountFront(deps, pathPrefix, checkHost);
    },
    abortIncompleteMultipartUploads: function abortIncompleteMultipartUploadsNow() {
      return abortIncompleteMultipartUploads();
    },
    close: function closeS3Store() {
      closing ??= shutDownStore({ lifecycleTimer, server, dispatcher, agent, internal: internal.server, multipartStore, workDir });
      return closing;
    },
  };
}

/** Completed multipart objects go straight into s3rver's store (`multipart-routes.ts`). */
function s3rverObjectFiles(store: FilesystemStore, bucketName: string): ObjectFiles {
  return {
    objectPath: (key) => store.getResourcePath(bucketName, key, 'object'),
    putMetadata: (key, metadata, etag) => store.putMetadata(bucketName, key, metadata, etag),
  };
}

/** s3rver on a Unix socket in `workDir`, its file store confined to `objectsDir`. */
interface InternalS3rver {
  readonly store: FilesystemStore;
  readonly server: Server;
  readonly socketPath: string;
}

async function startInternalS3rver(bucketName: string, objectsDir: string, workDir: string): Promise<InternalS3rver> {
  const s3rver = new S3rver({ directory: objectsDir, silent: true, vhostBuckets: false, configureBuckets: [{ name: bucketName }] });
  s3rver.store = s3rver.context.store = new ConfinedFilesystemStore(objectsDir);
  // Requests reach s3rver only after the verifier accepted them, so s3rver treats each as signed by
  // its own account (it allows response-* overrides only on signed requests).
  s3rver.middleware.unshift(function markVerified(ctx, next) {
    ctx.state['account'] = AWSAccount.DUMMY_ACCOUNT;
    return next();
  });
  await s3rver.configureBuckets();
  const socketPath = join(workDir, 's3rver.sock');
  const server = await s3rver.listen(socketPath);
  return { store: s3rver.store, server, socketPath };
}

/** The bucket's abort-incomplete-multipart-upload lifecycle rule, applied now. */
async function abortExpiredUploads(multipartStore: MultipartStore, now: () => Date, abortAfterMs: number): Promise<number> {
  const expired = await multipartStore.initiatedBefore(new Date(now().getTime() - abortAfterMs));
  await Promise.all(expired.map((uploadId) => multipartStore.remove(uploadId)));
  return expired.length;
}

function createObjectCreatedDispatcher(options: S3StoreOptions): EventDispatcher {
  return createEventDispatcher(options.onObjectCreated, {
    concurrency: options.eventConcurrency ?? 16,
    maxAttempts: options.eventAttempts ?? 3,
    onDeliveryError: options.onEventError ?? warnDeliveryError,
  });
}

function warnDeliveryError(error: unknown, event: ObjectCreatedEvent | undefined, attempt: number, givenUp: boolean): void {
  const what = event === undefined ? 'an Object Created event' : `the Object Created event for ${event.detail.object.key}`;
  process.emitWarning(`S3 store: delivering ${what} failed (attempt ${attempt}${givenUp ? ', given up' : ''}): ${String(error)}`);
}

/** The front's own loopback port; resolves with the port once it listens. */
async function listenOnLoopback(server: Server): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** What `close` stops, in this order. */
interface StoreParts {
  readonly lifecycleTimer: ReturnType<typeof setInterval>;
  readonly server: Server;
  readonly dispatcher: EventDispatcher;
  readonly agent: Agent;
  readonly internal: Server;
  readonly multipartStore: MultipartStore;
  readonly workDir: string;
}

async function shutDownStore(parts: StoreParts): Promise<void> {
  clearInterval(parts.lifecycleTimer);
  await new Promise<void>((resolve) => {
    parts.server.close(() => resolve());
    parts.server.closeIdleConnections();
  });
  await parts.dispatcher.drain();
  parts.agent.destroy();
  await new Promise<void>((resolve) => {
    parts.internal.close(() => resolve());
    parts.internal.closeAllConnections();
  });
  await parts.multipartStore.close();
  await rm(parts.workDir, { recursive: true, force: true });
}

function mountFront(deps: S3RequestDeps, pathPrefix: string, checkHost: (host: string, defaultPort: number) => HostVerdict): (req: IncomingMessage, res: ServerResponse) => void {
  return function mountedS3Front(req, res) {
    const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
    if (refuseForeignHost(req, res, checkHost, encrypted ? 443 : 80)) return;
    handleS3Request(deps, req, res, pathPrefix).catch((error: unknown) => sendError(res, error, 'unknown', 'unknown'));
  };
}
