/**
 * Performance labels: the names, what each means, and the thresholds that decide them.
 *
 * Labels feed `custom_label_N` (feed rule `from_labels`), which ad platforms use to bid
 * differently on products that sell, rise, drop in price, run low or get no attention. The
 * thresholds are constants, not settings, so a label means the same thing in every shop; the
 * SQL that applies them is in src/store/labels-sql.ts.
 */

/** Every label, in the order a product's list is stored (not a priority: rules give their own). */
export const LABELS = ['bestseller', 'trending', 'price_drop', 'low_stock', 'no_views_30d'] as const;
export type Label = (typeof LABELS)[number];

export interface LabelThresholds {
  /**
   * `bestseller`: among the top this-many percent of live products (rounded up) ranked by
   * purchases in 30 days, with at least one purchase; ties are broken by purchases in 7 days,
   * then views in 30 days, then id, so the share holds even when many products sold once. A
   * percentage of the catalog rather than a fixed count, so the label stays selective in a
   * 50-item shop and a 100k-item one alike.
   */
  bestsellerTopPercent: number;
  /**
   * `trending`: views in the last 7 days at least this many times the product's average week
   * over 30 days (views_30d × 7/30). Views all in the last week give 30/7 ≈ 4.3, a flat month 1.
   */
  trendingRatio: number;
  /** `trending` also needs this many views in 7 days, so 2 views after 0 is not a trend. */
  trendingMinViews7d: number;
  /**
   * `price_drop`: the product's latest price change happened within this many days and
   * lowered its effective price (sale price when set, else price) in the same currency.
   */
  priceDropDays: number;
  /** `low_stock`: in stock with 1..this many units (a known quantity; 0 is out of stock, not low). */
  lowStockMax: number;
}

/**
 * The long counting window (views_30d, carts_30d, purchases_30d) and `no_views_30d`'s span.
 * `no_views_30d` is only said when it can be true: the product has been in the catalog this
 * long (its first price point) and events have been collected this long, so neither a new
 * product nor a shop that installed the pixel yesterday gets its whole catalog labelled.
 */
export const LONG_WINDOW_DAYS = 30;
export const SHORT_WINDOW_DAYS = 7;

export const LABEL_THRESHOLDS: Readonly<LabelThresholds> = Object.freeze({
  bestsellerTopPercent: 10,
  trendingRatio: 2,
  trendingMinViews7d: 10,
  priceDropDays: 30,
  lowStockMax: 5,
});

/** Event types (GA4 names, as `events.type` stores them) counted per product and day (product_event_days). */
export const COUNTED_EVENTS = { views: 'view_item', carts: 'add_to_cart', purchases: 'purchase' } as const;

export function isLabel(name: string): name is Label {
  return (LABELS as readonly string[]).includes(name);
}

/** The first of `priority` that `labels` contains, or null: what a `from_labels` rule writes. */
export function firstLabel(labels: readonly string[], priority: readonly string[]): string | null {
  if (labels.length === 0) return null;
  for (const label of priority) if (labels.includes(label)) return label;
  return null;
}
