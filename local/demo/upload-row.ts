/**
 * One upload in the demo (browser code), sent by `client/upload.ts`: pause and resume for multipart
 * uploads (pause aborts the requests in flight through the upload's `AbortSignal`; resume asks
 * `uploadedParts` what S3 holds and sends the rest), and cancel (`abortUpload` for a multipart
 * upload, `deleteAsset` for a single PUT). What the row shows is `upload-row-view.ts`.
 */
import type { CreateUploadInput } from '../../generated/operations.ts';
import { DeleteAssetDocument } from '../../generated/operations.ts';
import type { GraphQLTransport, UploadedAsset, Uploader, UploadOptions, UploadResult } from '../../client/upload.ts';
import { errorMessage } from '../explorer/dom.ts';
import type { AssetStore } from './asset-store.ts';
import { createUploadRowView, type UploadRowView, type UploadState } from './upload-row-view.ts';
import { sha256Base64 } from './upload-file.ts';

export interface UploadRowDeps {
  readonly uploader: Uploader;
  readonly graphql: GraphQLTransport;
  readonly store: AssetStore;
}

// Alike only in shape to host/startup-failure.ts (three fields, then two constants): nothing to share.
export interface UploadRequest {
  readonly file: File;
  readonly contentType: string;
  /** Send the SHA-256 so S3 checks the bytes. */
  readonly checksum: boolean;
}

/** Abort reasons: a paused upload stays resumable, a cancelled one is removed. */
const PAUSE = 'paused';
const CANCEL = 'cancelled';

/** Removes a cancelled upload: `abortUpload` drops a multipart upload's parts; a single PUT's asset is deleted. */
async function removeUpload(deps: UploadRowDeps, id: string, multipart: boolean): Promise<void> {
  if (multipart) await deps.uploader.abort(id);
  else await deps.graphql(DeleteAssetDocument, { id });
}

/** Progress of a resumed upload: its first report counts what S3 already held, and says so. */
function resumeProgress(view: UploadRowView, name: string): NonNullable<UploadOptions['onProgress']> {
  let first = true;
  return function onResumeProgress(p) {
    if (first) {
      view.setStatusText(`Resuming ${name}: S3 holds ${p.partsDone} of ${p.partCount} parts.`);
      view.showResumedWith(p);
    }
    first = false;
    view.showProgress(p);
  };
}

export function createUploadRow(deps: UploadRowDeps, request: UploadRequest): HTMLElement {
  const { file } = request;
  const view = createUploadRowView(file);
  let controller = new AbortController();
  let assetId: string | undefined;
  let multipart = false;

  const setState = (state: UploadState, text: string, kind: 'info' | 'error' | 'done' = 'info'): void => view.setState(state, text, { kind, pausable: multipart });

  /** READY or REJECTED, once S3's object-created event has been processed. */
  function settle(): void {
    const asset = assetId === undefined ? undefined : deps.store.get(assetId);
    const state = view.state();
    if (!asset || asset.status === 'PENDING' || (state !== 'processing' && state !== 'uploading')) return;
    setState('done', `${asset.name} is ${asset.status}.`, asset.status === 'READY' ? 'done' : 'error');
  }

  function onSent(result: UploadResult): void {
    view.showProgress({ sentBytes: file.size, totalBytes: file.size, partsDone: 1, partCount: 1 });
    if (deps.store.get(result.assetId)?.status === 'PENDING') setState('processing', `Uploaded ${file.name}; waiting for it to become READY…`);
    // The subscription may have reported the asset before the last response arrived.
    settle();
  }

  async function send(run: (options: UploadOptions) => Promise<UploadResult>): Promise<void> {
    controller = new AbortController();
    const { signal } = controller;
    try {
      onSent(await run({ signal, onProgress: view.showProgress }));
    } catch (error) {
      // Paused or cancelled: the button's handler has said so.
      if (!signal.aborted) setState('failed', `Upload failed: ${errorMessage(error)}`, 'error');
    }
  }

  async function start(): Promise<void> {
    setState('hashing', request.checksum ? 'Computing SHA-256…' : 'Creating upload…');
    const checksumSha256 = request.checksum ? await sha256Base64(file) : undefined;
    const input: Omit<CreateUploadInput, 'size'> = { name: file.name, contentType: request.contentType, ...(checksumSha256 ? { checksumSha256 } : {}) };
    const onStarted = (asset: UploadedAsset, isMultipart: boolean): void => {
      assetId = asset.id;
      multipart = isMultipart;
      deps.store.remember(asset);
      setState('uploading', `Uploading ${file.name}${isMultipart ? ' in parts' : ''}…`);
    };
    await send((options) => deps.uploader.upload(file, input, { ...options, onStarted }));
  }

  function resume(id: string): void {
    setState('uploading', `Resuming ${file.name}…`);
    const onProgress = resumeProgress(view, file.name);
    void send((options) => deps.uploader.resume(id, file, { ...options, onProgress }));
  }

  async function cancel(id: string | undefined): Promise<void> {
    controller.abort(CANCEL);
    if (id === undefined) return setState('cancelled', 'Cancelled.');
    setState('cancelled', `Cancelling ${file.name}…`);
    try {
      await removeUpload(deps, id, multipart);
      deps.store.forget(id);
      setState('cancelled', `Cancelled; ${file.name} was removed.`);
    } catch (error) {
      setState('failed', `Cancel failed: ${errorMessage(error)}`, 'error');
    }
  }

  view.pauseButton.addEventListener('click', () => {
    controller.abort(PAUSE);
    setState('paused', `Paused at ${view.percent()}; S3 keeps the parts sent so far.`);
  });
  view.resumeButton.addEventListener('click', () => {
    if (assetId !== undefined && multipart) resume(assetId);
  });
  view.cancelButton.addEventListener('click', () => void cancel(assetId));
  deps.store.onChange(settle);

  void start().catch((error: unknown) => setState('failed', errorMessage(error), 'error'));
  return view.element;
}
