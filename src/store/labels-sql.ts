/**
 * The label refresh, set-based and in chunks: counts, price drops and labels for a range of live
 * products per INSERT … SELECT, written under the next labels_version, which one statement then
 * publishes (feeds read the published version, and their ETags change with it). The bestseller
 * rank is the one thing that looks at every product: it is found first, as the last product
 * that still ranks inside the top share, and each chunk compares against it. Label meanings and
 * thresholds are in src/insights/labels.ts; a chunk's size is bounded by products, whatever the
 * catalog's size (1,000,000 products took 5.8-8.4 s as one statement, all of it on Node's main thread).
 */
import { LABELS, LONG_WINDOW_DAYS, SHORT_WINDOW_DAYS, type Label, type LabelThresholds } from '../insights/labels';
import { dayWindowStart } from '../signals/windows';
import { leaseHeld, LeaseLost, type CatalogLease } from './catalog-lease';
import { deleteInChunks, inRanges } from './chunked';
import type { SqlDriver } from './sql';

const DAY_MS = 86_400_000;
/** `days` before the ISO time `now`, to the millisecond. */
export const ago = (now: string, days: number) => new Date(Date.parse(now) - days * DAY_MS).toISOString();

export interface LabelChunks {
  /** live products one INSERT labels */
  products: number;
  /** rows per DELETE when dropping old label sets */
  deleteRows: number;
}

/** ~75 ms of SQLite each on Node (bench/insights.ts: 54 transactions for 1,000,000 products in 4 s). */
export const LABEL_CHUNKS: LabelChunks = { products: 20_000, deleteRows: 20_000 };

/**
 * Each label's test over the `stats` row of one product. Parameters: ?1 catalog, ?5 price-drop
 * window start, ?6/?15/?16/?17 the bestseller cutoff (purchases in 30 and 7 days, views in 30
 * days, id of the last product inside the top share; ?6 NULL when none is), ?7 trending ratio,
 * ?8 trending minimum views, ?9 low-stock maximum, ?10 thirty days before now to the millisecond
 * (has the product, and has tracking, been there that long), ?14 the catalog's first event.
 */
const LABEL_TESTS: Record<Label, string> = {
  // ranked at or before the cutoff: more by (purchases_30d, purchases_7d, views_30d), or as many
  // and an id not after it (the rank's tie-break)
  bestseller: `purchases_30d >= 1 AND ?6 IS NOT NULL AND (purchases_30d, purchases_7d, views_30d) >= (?6, ?15, ?16)
    AND ((purchases_30d, purchases_7d, views_30d) > (?6, ?15, ?16) OR item_id <= ?17)`,
  // views_7d ≥ ratio × (views_30d × 7 / 30), multiplied out
  trending: 'views_7d >= ?8 AND views_7d * 30 >= views_30d * 7 * ?7',
  price_drop: 'dropped',
  low_stock: "availability = 'in_stock' AND quantity BETWEEN 1 AND ?9",
  // first price point = first seen; looked up (a primary-key probe) only for products without views
  no_views_30d: `views_30d = 0 AND ?14 <= ?10
    AND (SELECT min(observed_at) FROM price_history h WHERE h.catalog_id = ?1 AND h.item_id = stats.item_id) <= ?10`,
};

/** `["bestseller","low_stock"]` built in SQL, in LABELS order. */
const LABELS_JSON = `'[' || substr(${LABELS.map(
  (label) => `CASE WHEN ${LABEL_TESTS[label]} THEN ',"${label}"' ELSE '' END`,
).join(' || ')}, 2) || ']'`;

/**
 * The last live product inside the bestseller share: products are ranked by purchases in 30
 * days, then in 7 days, then views in 30 days, then id, and rank r is inside when
 * (r - 1) × 100 < live × pct (the top pct %, rounded up, in integers). Products without a
 * purchase rank after every product with one and are never bestsellers, so only those with a
 * purchase are ranked, each looked up in products_current (CROSS JOIN keeps that order: the
 * planner would otherwise walk every live product). ?1 catalog, ?2 now, ?3 first day of the
 * short window, ?4 of the long one, ?5 top percent.
 */
const BESTSELLER_CUTOFF = `
WITH purchased AS (
  SELECT product_id, sum(purchases) AS p30, sum(CASE WHEN day >= ?3 THEN purchases ELSE 0 END) AS p7, sum(views) AS v30
  FROM product_event_days
  WHERE catalog_id = ?1 AND day >= ?4 AND day <= substr(?2, 1, 10)
  GROUP BY product_id
  HAVING sum(purchases) >= 1
),
ranked AS (
  SELECT c.product_id, c.p30, c.p7, c.v30,
    row_number() OVER (ORDER BY c.p30 DESC, c.p7 DESC, c.v30 DESC, c.product_id) AS sales_rank
  FROM purchased c CROSS JOIN products p ON p.catalog_id = ?1 AND p.valid_to IS NULL AND p.item_id = c.product_id
)
SELECT product_id, p30, p7, v30 FROM ranked
WHERE (sales_rank - 1) * 100 < (SELECT count(*) FROM products WHERE catalog_id = ?1 AND valid_to IS NULL) * ?5
ORDER BY sales_rank DESC LIMIT 1`;

/** The next chunk's last live product: ?3 on from ?2 (./chunked). */
const PRODUCT_BOUND = `SELECT
  (SELECT item_id FROM products WHERE catalog_id = ?1 AND valid_to IS NULL AND item_id > ?2 ORDER BY item_id LIMIT 1 OFFSET ?3) AS hi,
  (SELECT max(item_id) FROM products WHERE catalog_id = ?1 AND valid_to IS NULL) AS last`;

/**
 * Labels for the live products after ?11 up to ?12, under version ?13, while lease ?18 is held. ?2 now, ?3 first day
 * (YYYY-MM-DD) of the short window, ?4 first day of the long window; the rest as LABEL_TESTS.
 * Windows are whole UTC days ending today (src/signals/windows.ts). Products without events get
 * zeros.
 *
 * The counts come from product_event_days (per product and day): `days` lists the long window's
 * days, so each is one range of the primary key (catalog, day, product) for the chunk's products.
 *
 * Price drops only window the history of products with a price point inside the window: after
 * the first weeks that is a few products, not the whole catalog's history. MATERIALIZED: with
 * the chunk's range in it, the planner otherwise flattened `drops` into the join and ran its
 * window function again for every product (4.4 s instead of 20 ms for 4,000 products).
 */
const INSERT_LABELS = `
WITH RECURSIVE days(day) AS (
  SELECT ?4 UNION ALL SELECT date(day, '+1 day') FROM days WHERE day < substr(?2, 1, 10)
),
counts AS (
  SELECT c.product_id,
    sum(CASE WHEN c.day >= ?3 THEN c.views ELSE 0 END) AS views_7d,
    sum(c.views) AS views_30d,
    sum(CASE WHEN c.day >= ?3 THEN c.carts ELSE 0 END) AS carts_7d,
    sum(c.carts) AS carts_30d,
    sum(CASE WHEN c.day >= ?3 THEN c.purchases ELSE 0 END) AS purchases_7d,
    sum(c.purchases) AS purchases_30d
  FROM days JOIN product_event_days c ON c.catalog_id = ?1 AND c.day = days.day
  WHERE c.product_id > ?11 AND c.product_id <= ?12
  GROUP BY c.product_id
),
drops AS MATERIALIZED (
  SELECT item_id FROM (
    SELECT item_id, observed_at, currency,
      coalesce(sale_price_micros, price_micros) AS effective,
      row_number() OVER newest AS pos,
      lead(coalesce(sale_price_micros, price_micros)) OVER newest AS before,
      lead(currency) OVER newest AS before_currency
    FROM price_history
    WHERE catalog_id = ?1 AND item_id > ?11 AND item_id <= ?12
      AND item_id IN (SELECT item_id FROM price_history WHERE catalog_id = ?1 AND item_id > ?11 AND item_id <= ?12 AND observed_at >= ?5)
    WINDOW newest AS (PARTITION BY item_id ORDER BY version DESC))
  WHERE pos = 1 AND observed_at >= ?5 AND effective < before AND currency = before_currency
),
stats AS (
  SELECT p.item_id, p.availability, p.quantity,
    coalesce(c.views_7d, 0) AS views_7d, coalesce(c.views_30d, 0) AS views_30d,
    coalesce(c.carts_7d, 0) AS carts_7d, coalesce(c.carts_30d, 0) AS carts_30d,
    coalesce(c.purchases_7d, 0) AS purchases_7d, coalesce(c.purchases_30d, 0) AS purchases_30d,
    d.item_id IS NOT NULL AS dropped
  FROM products p
  LEFT JOIN counts c ON c.product_id = p.item_id
  LEFT JOIN drops d ON d.item_id = p.item_id
  WHERE p.catalog_id = ?1 AND p.valid_to IS NULL AND p.item_id > ?11 AND p.item_id <= ?12
)
INSERT OR IGNORE INTO product_labels (catalog_id, labels_version, product_id,
  views_7d, views_30d, carts_7d, carts_30d, purchases_7d, purchases_30d, labels)
SELECT ?1, ?13, item_id, views_7d, views_30d, carts_7d, carts_30d, purchases_7d, purchases_30d,
  ${LABELS_JSON}
FROM stats
WHERE ${leaseHeld('?18')}`;

/** Only while the lease is ours: ?1 catalog, ?2 lease token, ?3 version, ?4 now. */
const PUBLISH = `UPDATE catalogs SET labels_version = ?3, labels_refreshed_at = ?4 WHERE id = ?1 AND insights_lease = ?2`;
/**
 * ?1 catalog, ?2 rows, ?3 lease token, ?4 version: sets left by a build that died (above the
 * published one), or too old (below).
 */
const DELETE_ABOVE = `DELETE FROM product_labels WHERE rowid IN (
  SELECT rowid FROM product_labels WHERE catalog_id = ?1 AND labels_version > ?4 AND ${leaseHeld('?3')} LIMIT ?2)`;
const DELETE_BELOW = `DELETE FROM product_labels WHERE rowid IN (
  SELECT rowid FROM product_labels WHERE catalog_id = ?1 AND labels_version < ?4 AND ${leaseHeld('?3')} LIMIT ?2)`;

/**
 * Computes and publishes the next label set for every live product, under the insights build's
 * lease (./catalog-lease). The set before stays: a feed response that started before the flip
 * is still reading it.
 */
export async function refreshLabelSet(
  db: SqlDriver,
  lease: CatalogLease,
  now: string,
  t: LabelThresholds,
  chunks: LabelChunks = LABEL_CHUNKS,
): Promise<void> {
  const { catalogId } = lease;
  const at = new Date(now);
  const shortStart = dayWindowStart(at, SHORT_WINDOW_DAYS).slice(0, 10);
  const longStart = dayWindowStart(at, LONG_WINDOW_DAYS).slice(0, 10);
  const current = (await db.get<{ v: number }>('SELECT labels_version AS v FROM catalogs WHERE id = ?', [catalogId]))?.v ?? 0;
  const next = current + 1;
  await deleteInChunks(db, DELETE_ABOVE, catalogId, chunks.deleteRows, [lease.token, current]);

  // Read once, before the chunks; on Node the background rollup may add counts while they run, so
  // a product whose count grew past the cutoff in the meantime is labelled too: the share can
  // come out a few products over, until the next refresh (the one statement read one snapshot).
  const cutoff = await db.get<{ product_id: string; p30: number; p7: number; v30: number }>(BESTSELLER_CUTOFF, [
    catalogId,
    now,
    shortStart,
    longStart,
    t.bestsellerTopPercent,
  ]);
  const tracking = await db.get<{ since: string | null }>('SELECT min(occurred_at) AS since FROM events WHERE catalog_id = ?', [catalogId]);
  await inRanges(
    (lo) => db.get(PRODUCT_BOUND, [catalogId, lo, chunks.products]),
    async (lo, hi) => {
      await lease.step([
        {
          sql: INSERT_LABELS,
          params: [
            catalogId,
            now,
            shortStart,
            longStart,
            ago(now, t.priceDropDays),
            cutoff?.p30 ?? null,
            t.trendingRatio,
            t.trendingMinViews7d,
            t.lowStockMax,
            ago(now, LONG_WINDOW_DAYS),
            lo,
            hi,
            next,
            tracking?.since ?? null,
            cutoff?.p7 ?? null,
            cutoff?.v30 ?? null,
            cutoff?.product_id ?? null,
            lease.token,
          ],
        },
      ]);
    },
  );
  const [published] = await lease.step([{ sql: PUBLISH, params: [catalogId, lease.token, next, now] }]);
  if (!published?.changes) throw new LeaseLost();
  await deleteInChunks(db, DELETE_BELOW, catalogId, chunks.deleteRows, [lease.token, next - 1]);
}
