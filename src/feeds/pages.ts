import type { Catalog } from '../catalog/catalog';
import type { FeedProduct, Store } from '../store/port';

/** Rows per store round trip: large enough to amortise a query, small enough to keep memory flat. */
export const FEED_PAGE_SIZE = 1000;

/**
 * The products visible at one catalog version, in keyset pages by id, with their performance
 * from label set `labelsVersion` (pin it with the catalog version: 0 reads no labels).
 */
export async function* feedPages(
  store: Store,
  catalogId: number,
  version: number,
  pageSize = FEED_PAGE_SIZE,
  labelsVersion = 0,
): AsyncGenerator<FeedProduct[]> {
  let after: string | null = null;
  for (;;) {
    const page = await store.pageFeedProducts(catalogId, version, after, pageSize, labelsVersion);
    if (page.length) yield page;
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.id;
  }
}

/** The live catalog as one feed response reads it: pinned to its current version and label set. */
export function catalogFeedPages(store: Store, catalog: Catalog): AsyncGenerator<FeedProduct[]> {
  return feedPages(store, catalog.id, catalog.version, FEED_PAGE_SIZE, catalog.labels_version ?? 0);
}
