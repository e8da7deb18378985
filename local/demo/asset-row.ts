/**
 * One row of the asset list (browser code): an image's thumbnail next to its name (the download URL
 * shown inline), type, size, status, creation time, a download link, a play button for audio and
 * video, the title and tags, and an edit button.
 */
import { el } from '../explorer/dom.ts';
import type { AssetView } from './asset-store.ts';
import { formatBytes } from './upload-file.ts';

export interface AssetRowActions {
  readonly onEdit: (asset: AssetView) => void;
  readonly onPlay: (asset: AssetView) => void;
}

/** Audio and video play inline (`media-player.ts`); images show as thumbnails. */
export function isPlayable(contentType: string): boolean {
  return contentType.startsWith('audio/') || contentType.startsWith('video/');
}

function thumbnail(asset: AssetView): HTMLImageElement | null {
  if (asset.status !== 'READY' || !asset.contentType.startsWith('image/') || !asset.downloadUrl) return null;
  const image = el('img', { class: 'thumb', 'data-testid': 'thumbnail', src: asset.downloadUrl, alt: '', width: '40', height: '40' });
  // Bytes that are not an image (the demo accepts any file under an image type): no broken icon.
  image.addEventListener('error', () => image.remove());
  return image;
}

function actionCell(asset: AssetView, actions: AssetRowActions): HTMLTableCellElement {
  const links = el('span', { class: 'actions' });
  if (asset.status === 'READY' && asset.downloadUrl) links.append(el('a', { href: asset.downloadUrl, 'data-testid': 'download', target: '_blank', rel: 'noopener' }, 'Download'));
  if (asset.status === 'READY' && isPlayable(asset.contentType)) {
    const play = el('button', { type: 'button', class: 'secondary', 'data-testid': 'play-button' }, 'Play');
    play.addEventListener('click', () => actions.onPlay(asset));
    links.append(play);
  }
  return el('td', {}, links);
}

export function renderAssetRow(asset: AssetView, actions: AssetRowActions): HTMLTableRowElement {
  const editable = asset.status === 'READY' || asset.status === 'PENDING';
  const edit = editable ? el('button', { type: 'button', class: 'secondary', 'data-testid': 'edit-button' }, 'Edit') : null;
  edit?.addEventListener('click', () => actions.onEdit(asset));
  return el(
    'tr',
    { 'data-testid': 'asset-row', 'data-asset-id': asset.id, 'data-status': asset.status, 'data-owner': asset.owner },
    el('td', { class: 'name' }, thumbnail(asset), el('span', {}, asset.name)),
    el('td', {}, asset.contentType),
    el('td', { class: 'num' }, formatBytes(asset.size)),
    el('td', {}, el('span', { class: `badge badge-${asset.status.toLowerCase()}`, 'data-testid': 'asset-status' }, asset.status)),
    el('td', {}, new Date(asset.createdAt).toLocaleString()),
    actionCell(asset, actions),
    el('td', { 'data-testid': 'asset-title' }, asset.title ?? ''),
    el('td', { 'data-testid': 'asset-tags' }, (asset.tags ?? []).join(', ')),
    el('td', {}, edit),
  );
}
