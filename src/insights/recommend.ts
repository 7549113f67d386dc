/**
 * Recommendations for one visitor: what to show them in a creative or an e-mail, each with why.
 *
 * Sources in order, each consulted only while the list is not full: the cart they left (added,
 * not bought or removed since), what they viewed (newest first), products matching their recent
 * searches, their most-viewed category, products other visitors bought or viewed together with
 * theirs (pairs computed by the last label refresh, src/store/pairs-sql.ts), then best sellers. Never what they bought, nothing out of stock, no parent of
 * variants (its variants are the buyable items), each product once.
 *
 * Only visitors who allowed ad personalisation get a personal list; everyone else (unknown ids
 * included) gets best sellers, so the answer never depends on data the visitor did not allow.
 */
import type { Catalog } from '../catalog/catalog';
import { formatMoney } from '../catalog/money';
import { LONG_WINDOW_DAYS } from './labels';
import type { HistoryItem, InsightStore, RecProduct } from './port';

export const REASONS = [
  'abandoned_cart',
  'recently_viewed',
  'search',
  'top_category',
  'bought_together',
  'viewed_together',
  'bestseller',
] as const;
export type Reason = (typeof REASONS)[number];

/** Product data only: nothing here says when or how often the visitor did anything. */
export interface Recommendation {
  id: string;
  title: string;
  link: string;
  image_link: string | null;
  /** `15.00 EUR`, as feeds write it */
  price: string;
  sale_price: string | null;
  reason: Reason;
}

export const MAX_RECOMMENDATIONS = 24;
/** How far back a visitor's events count, and how many of them are read. */
const HISTORY_DAYS = LONG_WINDOW_DAYS;
const HISTORY_ROWS = 500;
const SEARCHES = 3;
const SEARCH_WORDS = 4;
/** Products of theirs (still in the catalog, most recent first) that seed "viewed/bought together". */
const SEEDS = 10;
/** Best sellers are the same for every anonymous request: computed once per label set and catalog version for this long. */
const BESTSELLER_TTL_MS = 300_000;

export interface VisitorHistory {
  purchased: Set<string>;
  /** added to the cart and neither bought nor removed since, most recent add first */
  abandoned: string[];
  /** distinct viewed products, most recent first */
  viewed: string[];
  views: Map<string, number>;
}

/** Reads a visitor's product events (newest first) into what the sources need. */
export function readHistory(history: readonly HistoryItem[]): VisitorHistory {
  const purchased = new Set<string>();
  // products bought or removed at a later time than the event being read
  const closed = new Set<string>();
  const abandoned: string[] = [];
  const views = new Map<string, number>();
  const viewed: string[] = [];
  for (const { product_id: id, type } of history) {
    switch (type) {
      case 'purchase':
        purchased.add(id);
        closed.add(id);
        break;
      case 'remove_from_cart':
        closed.add(id);
        break;
      case 'add_to_cart':
        if (!closed.has(id) && !abandoned.includes(id)) abandoned.push(id);
        break;
      case 'view_item':
        if (!views.has(id)) viewed.push(id);
        views.set(id, (views.get(id) ?? 0) + 1);
        break;
    }
  }
  return { purchased, abandoned, viewed, views };
}

/** Words of a search worth matching: lower-cased, at least two characters, the first few. */
export function searchWords(query: string): string[] {
  return [...new Set(query.toLowerCase().split(/[\s,;/|+]+/).filter((w) => w.length >= 2))].slice(0, SEARCH_WORDS);
}

function showable(p: RecProduct): boolean {
  return !p.has_variants && p.availability !== 'out_of_stock' && (p.quantity === null || p.quantity > 0);
}

function toRecommendation(p: RecProduct, reason: Reason): Recommendation {
  return {
    id: p.id,
    title: p.title,
    link: p.link,
    image_link: p.image_link,
    price: formatMoney({ micros: p.price_micros, currency: p.currency }),
    sale_price: p.sale_price_micros === null ? null : formatMoney({ micros: p.sale_price_micros, currency: p.currency }),
    reason,
  };
}

/** Collects recommendations in source order, loading product rows in one query per source. */
class Picker {
  readonly items: Recommendation[] = [];
  private readonly considered = new Set<string>();
  private readonly rows = new Map<string, RecProduct | null>();

  constructor(
    private readonly insights: InsightStore,
    private readonly catalogId: number,
    private readonly limit: number,
    private readonly excluded: ReadonlySet<string>,
  ) {}

  get full(): boolean {
    return this.items.length >= this.limit;
  }

  get size(): number {
    return this.considered.size + this.excluded.size;
  }

  async load(ids: readonly string[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.rows.has(id));
    if (missing.length === 0) return;
    for (const id of missing) this.rows.set(id, null);
    for (const row of await this.insights.recProducts(this.catalogId, missing)) this.rows.set(row.id, row);
  }

  row(id: string): RecProduct | null {
    return this.rows.get(id) ?? null;
  }

  async offer(ids: readonly string[], reason: Reason): Promise<void> {
    if (this.full) return;
    const fresh = ids.filter((id) => !this.considered.has(id) && !this.excluded.has(id));
    await this.load(fresh);
    for (const id of fresh) {
      if (this.full) return;
      if (this.considered.has(id)) continue;
      this.considered.add(id);
      const row = this.rows.get(id);
      if (row && showable(row)) this.items.push(toRecommendation(row, reason));
    }
  }
}

/** The product_type the visitor viewed most (ties: the more recently viewed). */
function topCategory(history: VisitorHistory, picker: Picker): string | null {
  const counts = new Map<string, number>();
  for (const id of history.viewed) {
    const type = picker.row(id)?.product_type?.trim();
    if (type) counts.set(type, (counts.get(type) ?? 0) + (history.views.get(id) ?? 1));
  }
  let best: string | null = null;
  for (const [type, n] of counts) if (best === null || n > counts.get(best)!) best = type;
  return best;
}

const bestsellerMemo = new WeakMap<InsightStore, Map<string, { until: number; ids: string[] }>>();

/** Best sellers for a list with nothing in it yet: the same for every anonymous request, so memoised. */
async function anonymousBestSellers(insights: InsightStore, catalog: Catalog, since: string, now: number, count: number) {
  let memo = bestsellerMemo.get(insights);
  if (!memo) bestsellerMemo.set(insights, (memo = new Map()));
  const key = `${catalog.id}:${catalog.version}:${catalog.labels_version ?? 0}`;
  const hit = memo.get(key);
  if (hit && hit.until > now) return hit.ids;
  const ids = await insights.bestSellers(catalog.id, catalog.labels_version ?? 0, since, count);
  if (memo.size > 100) memo.clear();
  memo.set(key, { until: now + BESTSELLER_TTL_MS, ids });
  return ids;
}

export async function recommend(
  insights: InsightStore,
  catalog: Catalog,
  visitorId: string,
  limit: number,
  now: Date,
): Promise<Recommendation[]> {
  const since = new Date(now.getTime() - HISTORY_DAYS * 86_400_000).toISOString();
  const labelsVersion = catalog.labels_version ?? 0;
  const personal = await insights.personalisable(catalog.id, visitorId);
  const history = personal
    ? readHistory(await insights.visitorHistory(catalog.id, visitorId, since, HISTORY_ROWS))
    : readHistory([]);
  const picker = new Picker(insights, catalog.id, limit, history.purchased);
  const wanted = limit * 2;

  if (personal) {
    await picker.offer(history.abandoned, 'abandoned_cart');
    await picker.offer(history.viewed, 'recently_viewed');
    if (!picker.full) {
      for (const query of await insights.recentSearches(catalog.id, visitorId, since, SEARCHES)) {
        const words = searchWords(query);
        await picker.offer(await insights.productsMatching(catalog.id, words, labelsVersion, wanted), 'search');
        if (picker.full) break;
      }
    }
    if (!picker.full && history.viewed.length > 0) {
      await picker.load(history.viewed);
      const category = topCategory(history, picker);
      if (category) await picker.offer(await insights.productsOfType(catalog.id, category, labelsVersion, wanted), 'top_category');
    }
    if (!picker.full && history.purchased.size > 0) {
      await picker.load([...history.purchased]);
      const seeds = [...history.purchased].filter((id) => picker.row(id) !== null).slice(0, SEEDS);
      const ids = await insights.alsoInteracted(catalog.id, seeds, 'purchase', wanted);
      await picker.offer(ids, 'bought_together');
    }
    if (!picker.full && history.viewed.length > 0) {
      const seeds = history.viewed.filter((id) => picker.row(id) !== null).slice(0, SEEDS);
      const ids = await insights.alsoInteracted(catalog.id, seeds, 'view_item', wanted);
      await picker.offer(ids, 'viewed_together');
    }
  }
  if (!picker.full) {
    // Enough to fill the list even when the visitor's own products rank among the best sellers.
    const count = MAX_RECOMMENDATIONS * 2;
    const ids =
      picker.size === 0
        ? await anonymousBestSellers(insights, catalog, since, now.getTime(), count)
        : await insights.bestSellers(catalog.id, labelsVersion, since, Math.min(count + picker.size, 500));
    await picker.offer(ids, 'bestseller');
  }
  return picker.items;
}
