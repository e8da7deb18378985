/**
 * Inline playback of an uploaded audio or video file (browser code): the player asks for the asset's
 * `downloadUrl(disposition: INLINE)` (S3 then answers with the stored Content-Type and
 * `Content-Disposition: inline`, so the browser plays instead of saving) and shows an `<audio>` or
 * `<video>` element. Its `data-state` follows the media events: `loading`, `canplay`, `error`.
 */
import type { GraphQLTransport } from '../../client/upload.ts';
import { GetAssetDownloadUrlDocument } from '../../generated/operations.ts';
import { el, errorMessage } from '../explorer/dom.ts';
import type { AssetView } from './asset-store.ts';

export interface MediaPlayer {
  readonly element: HTMLElement;
  play(asset: AssetView): Promise<void>;
  /** Stops and hides the player (another identity, another list). */
  close(): void;
}

export function createMediaPlayer(deps: { readonly graphql: GraphQLTransport }): MediaPlayer {
  const title = el('h2', { 'data-testid': 'player-title' });
  const status = el('p', { class: 'status', role: 'status', 'data-testid': 'player-status' });
  const closeButton = el('button', { type: 'button', class: 'secondary', 'data-testid': 'player-close' }, 'Close');
  const slot = el('div', { class: 'player-slot' });
  const element = el('section', { class: 'card player', 'data-testid': 'media-player', hidden: '' }, el('div', { class: 'row' }, title, closeButton), slot, status);
  /** Bumped per `play`, so a slow answer for an earlier asset cannot replace the current one. */
  let generation = 0;

  function close(): void {
    generation += 1;
    for (const media of slot.querySelectorAll('audio, video')) (media as HTMLMediaElement).pause();
    slot.replaceChildren();
    element.hidden = true;
  }

  closeButton.addEventListener('click', close);

  return {
    element,
    close,
    play: async function playAsset(asset) {
      close();
      const mine = generation;
      element.hidden = false;
      title.textContent = asset.name;
      status.textContent = 'Asking for an inline URL…';
      try {
        const { getAsset } = await deps.graphql(GetAssetDownloadUrlDocument, { id: asset.id, disposition: 'INLINE' });
        if (mine !== generation) return;
        if (!getAsset?.downloadUrl) throw new Error(`${asset.name} has no download URL (status ${getAsset?.status ?? 'unknown'})`);
        const media = el(asset.contentType.startsWith('video/') ? 'video' : 'audio', { controls: '', preload: 'auto', 'data-testid': 'player-media', 'data-state': 'loading' });
        media.addEventListener('canplay', () => {
          media.dataset['state'] = 'canplay';
          status.textContent = '';
        });
        media.addEventListener('error', () => {
          media.dataset['state'] = 'error';
          status.textContent = `The browser cannot play ${asset.contentType}: ${media.error?.message ?? 'media error'}`;
        });
        media.src = getAsset.downloadUrl;
        slot.replaceChildren(media);
        status.textContent = 'Loading…';
      } catch (error) {
        if (mine === generation) status.textContent = errorMessage(error);
      }
    },
  };
}
