/**
 * The label refresh as one set-based statement: counts, price drops, ranks and labels for every
 * live product in a single INSERT … SELECT (src/store/insights-sql.ts runs it in a batch with
 * the version flip). Label meanings and thresholds are in src/insights/labels.ts.
 */
import { LABELS, type Label } from '../insights/labels';

/**
 * Each label's test over the `stats` row of one product. Parameters: ?1 catalog, ?5 price-drop window start,
 * ?6 bestseller top percent, ?7 trending ratio, ?8 trending minimum views, ?9 low-stock maximum,
 * ?10 thirty days before now to the millisecond (has the product, and has tracking, been there that long).
 */
const LABEL_TESTS: Record<Label, string> = {
  // rank ≤ ceil(live × pct / 100), in integers: (rank - 1) × 100 < live × pct
  bestseller: 'purchases_30d >= 1 AND (sales_rank - 1) * 100 < live * ?6',
  // views_7d ≥ ratio × (views_30d × 7 / 30), multiplied out
  trending: 'views_7d >= ?8 AND views_7d * 30 >= views_30d * 7 * ?7',
  price_drop: 'dropped',
  low_stock: "availability = 'in_stock' AND quantity BETWEEN 1 AND ?9",
  // first price point = first seen; looked up (a primary-key probe) only for products without views
  no_views_30d: `views_30d = 0 AND tracking_since <= ?10
    AND (SELECT min(observed_at) FROM price_history h WHERE h.catalog_id = ?1 AND h.item_id = stats.item_id) <= ?10`,
};

/** `["bestseller","low_stock"]` built in SQL, in LABELS order. */
const LABELS_JSON = `'[' || substr(${LABELS.map(
  (label) => `CASE WHEN ${LABEL_TESTS[label]} THEN ',"${label}"' ELSE '' END`,
).join(' || ')}, 2) || ']'`;

const NEXT_LABELS = '(SELECT labels_version + 1 FROM catalogs WHERE id = ?1)';

/**
 * ?1 catalog, ?2 now, ?3 first day (YYYY-MM-DD) of the short window, ?4 first day of the long
 * window, ?5-?10 as above. Windows are whole UTC days ending today (src/signals/windows.ts).
 * Counts only live products; products without events get zeros.
 *
 * The counts come from product_event_days (per product and day), a range of the long
 * window's days grouped by product: its size is products × days, whatever the traffic.
 *
 * Price drops only window the history of products with a price point inside the window: after
 * the first weeks that is a few products, not the whole catalog's history.
 *
 * The bestseller rank is row_number(), not rank(): with ties broken by recent sales, then views,
 * then id, "top 10 %" stays 10 % even when thousands of products sold exactly once.
 */
export const INSERT_LABELS = `
WITH counts AS (
  SELECT product_id,
    sum(CASE WHEN day >= ?3 THEN views ELSE 0 END) AS views_7d,
    sum(views) AS views_30d,
    sum(CASE WHEN day >= ?3 THEN carts ELSE 0 END) AS carts_7d,
    sum(carts) AS carts_30d,
    sum(CASE WHEN day >= ?3 THEN purchases ELSE 0 END) AS purchases_7d,
    sum(purchases) AS purchases_30d
  FROM product_event_days
  WHERE catalog_id = ?1 AND day >= ?4 AND day <= substr(?2, 1, 10)
  GROUP BY product_id
),
drops AS (
  SELECT item_id FROM (
    SELECT item_id, observed_at, currency,
      coalesce(sale_price_micros, price_micros) AS effective,
      row_number() OVER newest AS pos,
      lead(coalesce(sale_price_micros, price_micros)) OVER newest AS before,
      lead(currency) OVER newest AS before_currency
    FROM price_history
    WHERE catalog_id = ?1 AND item_id IN (SELECT item_id FROM price_history WHERE catalog_id = ?1 AND observed_at >= ?5)
    WINDOW newest AS (PARTITION BY item_id ORDER BY version DESC))
  WHERE pos = 1 AND observed_at >= ?5 AND effective < before AND currency = before_currency
),
stats AS (
  SELECT p.item_id, p.availability, p.quantity,
    coalesce(c.views_7d, 0) AS views_7d, coalesce(c.views_30d, 0) AS views_30d,
    coalesce(c.carts_7d, 0) AS carts_7d, coalesce(c.carts_30d, 0) AS carts_30d,
    coalesce(c.purchases_7d, 0) AS purchases_7d, coalesce(c.purchases_30d, 0) AS purchases_30d,
    d.item_id IS NOT NULL AS dropped,
    row_number() OVER (ORDER BY coalesce(c.purchases_30d, 0) DESC, coalesce(c.purchases_7d, 0) DESC,
      coalesce(c.views_30d, 0) DESC, p.item_id) AS sales_rank,
    count(*) OVER () AS live,
    (SELECT min(occurred_at) FROM events WHERE catalog_id = ?1) AS tracking_since
  FROM products p
  LEFT JOIN counts c ON c.product_id = p.item_id
  LEFT JOIN drops d ON d.item_id = p.item_id
  WHERE p.catalog_id = ?1 AND p.valid_to IS NULL
)
INSERT INTO product_labels (catalog_id, labels_version, product_id,
  views_7d, views_30d, carts_7d, carts_30d, purchases_7d, purchases_30d, labels)
SELECT ?1, ${NEXT_LABELS}, item_id, views_7d, views_30d, carts_7d, carts_30d, purchases_7d, purchases_30d,
  ${LABELS_JSON}
FROM stats`;
