/**
 * In-place editing of an asset's title and tags (browser code): `updateAsset` with the version last
 * read. A stale version fails with `ConflictError` (schema.graphql, `UpdateAssetInput`): the page
 * reads the list again and the user decides.
 */
import type { GraphQLTransport } from '../../client/upload.ts';
import { UpdateAssetDocument } from '../../generated/operations.ts';
import { el, errorMessage } from '../explorer/dom.ts';
import type { AssetStore, AssetView } from './asset-store.ts';

export interface MetadataEditorDeps {
  readonly graphql: GraphQLTransport;
  readonly store: AssetStore;
  /** Reads the list again (after a conflict). */
  readonly reload: () => void;
}

export interface MetadataEditor {
  /** The form and its status line. */
  readonly elements: readonly HTMLElement[];
  edit(asset: AssetView): void;
  close(): void;
}

/** "a, b ,c" → ["a", "b", "c"]; empty entries dropped. */
export function parseTags(text: string): string[] {
  return text
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

export function createMetadataEditor(deps: MetadataEditorDeps): MetadataEditor {
  const titleInput = el('input', { 'data-testid': 'edit-title', placeholder: 'Title' });
  const tagsInput = el('input', { 'data-testid': 'edit-tags', placeholder: 'Tags, comma-separated' });
  const saveButton = el('button', { type: 'submit', 'data-testid': 'edit-save' }, 'Save');
  const cancelButton = el('button', { type: 'button', class: 'secondary', 'data-testid': 'edit-cancel' }, 'Cancel');
  const status = el('p', { 'data-testid': 'edit-status', role: 'status', class: 'status' });
  const form = el('form', { class: 'row editor', 'data-testid': 'editor', hidden: '' }, titleInput, tagsInput, saveButton, cancelButton);
  /** The asset being edited. */
  let editingId: string | undefined;

  function setStatus(text: string, kind: 'error' | 'done'): void {
    status.textContent = text;
    status.className = `status ${kind}`;
  }

  async function save(): Promise<void> {
    const asset = editingId === undefined ? undefined : deps.store.get(editingId);
    if (!asset) return;
    saveButton.disabled = true;
    try {
      const { updateAsset } = await deps.graphql(UpdateAssetDocument, {
        input: { id: asset.id, expectedVersion: asset.version, title: titleInput.value, tags: parseTags(tagsInput.value) },
      });
      if (updateAsset) deps.store.remember(updateAsset);
      form.hidden = true;
      setStatus(`Saved ${asset.name}.`, 'done');
    } catch (error) {
      setStatus(`Not saved: ${errorMessage(error)}`, 'error');
      deps.reload();
    } finally {
      saveButton.disabled = false;
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void save();
  });
  cancelButton.addEventListener('click', () => {
    form.hidden = true;
  });

  return {
    elements: [form, status],
    edit: function editAsset(asset) {
      editingId = asset.id;
      titleInput.value = asset.title ?? '';
      tagsInput.value = (asset.tags ?? []).join(', ');
      status.textContent = '';
      form.hidden = false;
      titleInput.focus();
    },
    close: function closeEditor() {
      editingId = undefined;
      form.hidden = true;
    },
  };
}
