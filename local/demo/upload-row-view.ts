/**
 * What one upload row shows (browser code): name and size, a progress bar of the bytes S3 has
 * confirmed, pause/resume/cancel buttons that match the state, and a status line. The row's
 * `data-state`, `data-parts` and `data-resumed-with` let tests and styles follow it.
 */
import type { UploadProgress } from '../../client/upload.ts';
import { el } from '../explorer/dom.ts';
import { formatBytes } from './upload-file.ts';

/** `hashing`, `uploading`, `paused`, `processing` (sent, waiting for S3's event), then an end state. */
export type UploadState = 'hashing' | 'uploading' | 'paused' | 'processing' | 'done' | 'cancelled' | 'failed';

export interface UploadRowView {
  readonly element: HTMLLIElement;
  readonly pauseButton: HTMLButtonElement;
  readonly resumeButton: HTMLButtonElement;
  readonly cancelButton: HTMLButtonElement;
  state(): UploadState | undefined;
  /** Shows a state; `pausable` shows the pause button while uploading (multipart uploads only). */
  setState(state: UploadState, text: string, options?: { readonly kind?: 'info' | 'error' | 'done'; readonly pausable?: boolean }): void;
  setStatusText(text: string): void;
  showProgress(progress: UploadProgress): void;
  /** Records what S3 held when a resume started, e.g. `1/3`. */
  showResumedWith(progress: UploadProgress): void;
  /** The percentage shown, e.g. `33%`. */
  percent(): string;
}

export function createUploadRowView(file: File): UploadRowView {
  const progress = el('progress', { 'data-testid': 'progress', max: '1', value: '0' });
  const percent = el('span', { class: 'percent', 'data-testid': 'progress-text' }, '0%');
  const button = (testId: string, label: string): HTMLButtonElement => el('button', { type: 'button', class: 'secondary', 'data-testid': testId, hidden: '' }, label);
  const pauseButton = button('pause-button', 'Pause');
  const resumeButton = button('resume-button', 'Resume');
  const cancelButton = button('cancel-button', 'Cancel');
  const status = el('p', { 'data-testid': 'upload-status', role: 'status', class: 'status' });
  const element = el(
    'li',
    { class: 'upload', 'data-testid': 'upload-row', 'data-file': file.name },
    el('div', { class: 'row' }, el('span', { class: 'name' }, `${file.name} (${formatBytes(file.size)})`), percent, pauseButton, resumeButton, cancelButton),
    progress,
    status,
  );
  const parts = (p: UploadProgress): string => `${p.partsDone}/${p.partCount}`;

  return {
    element,
    pauseButton,
    resumeButton,
    cancelButton,
    state: () => element.dataset['state'] as UploadState | undefined,
    setState: function setUploadState(state, text, options = {}) {
      element.dataset['state'] = state;
      status.textContent = text;
      status.className = `status ${options.kind ?? 'info'}`;
      pauseButton.hidden = !(options.pausable === true && state === 'uploading');
      resumeButton.hidden = state !== 'paused';
      cancelButton.hidden = !(state === 'hashing' || state === 'uploading' || state === 'paused');
    },
    setStatusText: (text) => {
      status.textContent = text;
    },
    showProgress: function showUploadProgress(p) {
      const fraction = p.totalBytes > 0 ? p.sentBytes / p.totalBytes : 1;
      progress.value = fraction;
      percent.textContent = `${Math.floor(fraction * 100)}%`;
      element.dataset['parts'] = parts(p);
    },
    showResumedWith: (p) => {
      element.dataset['resumedWith'] = parts(p);
    },
    percent: () => percent.textContent ?? '0%',
  };
}
