/**
 * The upload card of the demo (browser code): pick one or more files, choose whether to send their
 * SHA-256, and each becomes an upload row (`upload-row.ts`) with its own progress and controls.
 */
import { el } from '../explorer/dom.ts';
import { createUploadRow, type UploadRowDeps } from './upload-row.ts';
import { formatBytes, uploadContentType } from './upload-file.ts';

export interface UploadPanelDeps extends UploadRowDeps {
  /** Content types the API accepts (page config). */
  readonly allowedContentTypes: readonly string[];
}

export function createUploadPanel(deps: UploadPanelDeps): HTMLElement {
  const fileInput = el('input', { type: 'file', multiple: '', 'data-testid': 'file-input' });
  const checksumBox = el('input', { type: 'checkbox', 'data-testid': 'checksum', checked: '' });
  const uploadButton = el('button', { type: 'button', 'data-testid': 'upload-button', disabled: '' }, 'Upload');
  const hint = el('p', { 'data-testid': 'upload-hint', class: 'status' }, 'Pick files to upload. Large files go up in parts, which can be paused and resumed.');
  const uploads = el('ul', { class: 'uploads', 'data-testid': 'uploads' });

  fileInput.addEventListener('change', () => {
    const files = [...(fileInput.files ?? [])];
    uploadButton.disabled = files.length === 0;
    const total = files.reduce((sum, file) => sum + file.size, 0);
    hint.textContent = files.length === 0 ? 'Pick files to upload.' : `Ready to upload ${files.length === 1 ? files[0]?.name : `${files.length} files`} (${formatBytes(total)}).`;
  });
  uploadButton.addEventListener('click', () => {
    const files = [...(fileInput.files ?? [])];
    for (const file of files) {
      uploads.prepend(createUploadRow(deps, { file, contentType: uploadContentType(file, deps.allowedContentTypes), checksum: checksumBox.checked }));
    }
    fileInput.value = '';
    uploadButton.disabled = true;
    hint.textContent = '';
  });

  return el('section', { class: 'card upload' }, el('div', { class: 'row' }, fileInput, el('label', {}, checksumBox, ' send SHA-256'), uploadButton), hint, uploads);
}
