/**
 * The asset list card (browser code): `listAssets` (optionally `tag:`) fills the store, the table
 * shows it newest first, rows are redrawn only when their asset changed (so thumbnails do not reload
 * on every event), and the editor and player open from a row.
 */
import type { GraphQLTransport } from '../../client/upload.ts';
import { ListAssetsDocument } from '../../generated/operations.ts';
import { el, errorMessage, type Child } from '../explorer/dom.ts';
import { renderAssetRow, type AssetRowActions } from './asset-row.ts';
import type { AssetStore, AssetView } from './asset-store.ts';

export interface AssetListDeps {
  readonly graphql: GraphQLTransport;
  readonly store: AssetStore;
  readonly actions: AssetRowActions;
  /** Shown next to the heading (the subscription's state). */
  readonly liveStatus: HTMLElement;
  /** Shown above the table (the metadata editor and its status). */
  readonly above: readonly Child[];
}

export interface AssetList {
  readonly element: HTMLElement;
  /** Lists again; an answer overtaken by a newer call is dropped. */
  load(): Promise<void>;
  /** The tag filter as typed (trimmed); empty for none. */
  tagFilter(): string;
}

const COLUMNS = ['Name', 'Type', 'Size', 'Status', 'Created', '', 'Title', 'Tags', ''] as const;
const PAGE_SIZE = 50;

export function createAssetList(deps: AssetListDeps): AssetList {
  const { store } = deps;
  const filterInput = el('input', { 'data-testid': 'tag-filter', type: 'search', placeholder: 'Filter by tag (exact)' });
  const listError = el('p', { 'data-testid': 'list-error', class: 'status error', hidden: '' });
  const body = el('tbody', { 'data-testid': 'asset-list' });
  const emptyRow = el('tr', { class: 'empty' }, el('td', { colspan: String(COLUMNS.length) }, 'No assets yet: upload one above.'));
  const element = el(
    'section',
    { class: 'card assets' },
    el('h2', {}, 'Assets ', deps.liveStatus),
    el('div', { class: 'row' }, filterInput),
    ...deps.above,
    listError,
    el('table', {}, el('thead', {}, el('tr', {}, ...COLUMNS.map((name) => el('th', {}, name)))), body),
  );
  /** Drawn rows with the asset they show; a row is redrawn when the store holds a new object. */
  const drawn = new Map<string, { readonly asset: AssetView; readonly row: HTMLTableRowElement }>();
  let calls = 0;

  function render(): void {
    const assets = store.list();
    const rows = assets.map((asset) => {
      const known = drawn.get(asset.id);
      if (known?.asset === asset) return known.row;
      const row = renderAssetRow(asset, deps.actions);
      drawn.set(asset.id, { asset, row });
      return row;
    });
    const shown = new Set(assets.map((a) => a.id));
    for (const id of drawn.keys()) if (!shown.has(id)) drawn.delete(id);
    body.replaceChildren(...(rows.length === 0 ? [emptyRow] : rows));
  }

  async function load(): Promise<void> {
    calls += 1;
    const mine = calls;
    const tag = filterInput.value.trim();
    try {
      const { listAssets } = await deps.graphql(ListAssetsDocument, { limit: PAGE_SIZE, ...(tag === '' ? {} : { tag }) });
      if (mine !== calls) return;
      listError.hidden = true;
      for (const item of listAssets.items) store.remember(item);
    } catch (error) {
      if (mine !== calls) return;
      listError.hidden = false;
      listError.textContent = errorMessage(error);
    }
  }

  store.onChange(render);
  filterInput.addEventListener('change', () => {
    store.clear();
    void load();
  });
  render();

  return { element, load, tagFilter: () => filterInput.value.trim() };
}
