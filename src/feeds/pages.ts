import type { FeedProduct, Store } from '../store/port';

/** Rows per store round trip: large enough to amortise a query, small enough to keep memory flat. */
export const FEED_PAGE_SIZE = 1000;

/** The products visible at one catalog version, in keyset pages by id. */
export async function* feedPages(
  store: Store,
  catalogId: number,
  version: number,
  pageSize = FEED_PAGE_SIZE,
): AsyncGenerator<FeedProduct[]> {
  let after: string | null = null;
  for (;;) {
    const page = await store.pageFeedProducts(catalogId, version, after, pageSize);
    if (page.length) yield page;
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.id;
  }
}
