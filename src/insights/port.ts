/**
 * What the insights side (performance labels, recommendations, audiences) asks of storage.
 * Async like the catalog Store so D1 can implement it; the SQL is in src/store/insights-sql.ts.
 * Reads only the tables the signals side writes (visitors, events, product_event_days) and the
 * catalog's products and price history; writes only product_labels, product_pairs,
 * catalogs.labels_* and segments.
 */
import type { Label, LabelThresholds } from './labels';
import type { SegmentDefinition } from './segments';

export interface LabelSet {
  /** the catalog's current label set (0: never refreshed) */
  labels_version: number;
  refreshed_at: string | null;
  /** products in the set (the live catalog at refresh time) */
  products: number;
  /** products carrying each label */
  labelled: Record<Label, number>;
}

/** One product event of a visitor, newest first. */
export interface HistoryItem {
  product_id: string;
  /** view_item, add_to_cart, remove_from_cart or purchase */
  type: string;
  occurred_at: string;
}

/** The columns a recommendation shows, plus what decides whether it may be shown. */
export interface RecProduct {
  id: string;
  title: string;
  link: string;
  image_link: string | null;
  availability: string;
  quantity: number | null;
  price_micros: number;
  sale_price_micros: number | null;
  currency: string;
  product_type: string | null;
  has_variants: boolean;
}

export interface StoredSegment {
  name: string;
  definition: SegmentDefinition;
  created_at: string;
  updated_at: string;
}

export interface SegmentCounts {
  /** visitors the segment matches */
  visitors: number;
  /** of those, with an e-mail hash and ad-personalisation consent: what an export contains */
  exportable: number;
}

export interface InsightStore {
  /**
   * Computes every live product's counts and labels as of `now`, in chunks of bounded size, and
   * publishes them as the next label set in one statement (the flip of catalogs.labels_version),
   * so a feed pinned to a set never sees a mix; sets older than the previous one go. Then does
   * the same for the viewed/bought-together pairs (what `alsoInteracted` reads). While another
   * refresh of the catalog runs, resolves with the set published now.
   */
  refreshLabels(catalogId: number, now: string, thresholds: LabelThresholds): Promise<LabelSet>;
  labelSet(catalogId: number): Promise<LabelSet>;

  /** True when the visitor is known and allowed ad personalisation (visitors.ad_consent). */
  personalisable(catalogId: number, visitorId: string): Promise<boolean>;
  visitorHistory(catalogId: number, visitorId: string, since: string, limit: number): Promise<HistoryItem[]>;
  /** The visitor's most recent distinct search queries, newest first. */
  recentSearches(catalogId: number, visitorId: string, since: string, limit: number): Promise<string[]>;
  /** Live products by id (missing ids are simply absent), with the parent-of-variants flag. */
  recProducts(catalogId: number, ids: readonly string[]): Promise<RecProduct[]>;
  /** In-stock live products whose title, brand or product_type contain every word, most sold first. */
  productsMatching(catalogId: number, words: readonly string[], labelsVersion: number, limit: number): Promise<string[]>;
  /** In-stock live products of exactly this product_type, most viewed first. */
  productsOfType(catalogId: number, productType: string, labelsVersion: number, limit: number): Promise<string[]>;
  /**
   * Products that visitors who had events of `type` for a seed product also had them for (views:
   * viewed together; purchases: bought together), most shared first, as of the last label
   * refresh (30 days of events before it).
   */
  alsoInteracted(catalogId: number, seeds: readonly string[], type: 'view_item' | 'purchase', limit: number): Promise<string[]>;
  /** In-stock live products by purchases (then views) in 30 days. */
  bestSellers(catalogId: number, labelsVersion: number, since: string, limit: number): Promise<string[]>;

  putSegment(
    catalogId: number,
    name: string,
    definition: SegmentDefinition,
    now: string,
  ): Promise<{ segment: StoredSegment; created: boolean }>;
  getSegment(catalogId: number, name: string): Promise<StoredSegment | null>;
  listSegments(catalogId: number): Promise<StoredSegment[]>;
  deleteSegment(catalogId: number, name: string): Promise<boolean>;
  countSegment(catalogId: number, definition: SegmentDefinition, since: string): Promise<SegmentCounts>;
  /**
   * Distinct e-mail hashes of exportable matching visitors, keyset-paged in hash order (`after`
   * '' to start): a page looks at the next `limit` hashed visitors or more (a store may look at
   * more per call) and may hold fewer hashes, or none; `next` is null once every visitor was
   * looked at.
   */
  pageSegmentHashes(
    catalogId: number,
    definition: SegmentDefinition,
    since: string,
    after: string,
    limit: number,
  ): Promise<{ hashes: string[]; next: string | null }>;
}
