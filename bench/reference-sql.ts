/**
 * The insights refresh and the stats' event figures as they were before they ran in chunks: one
 * statement over the whole catalog each, kept verbatim (as SELECTs) as the baseline
 * bench/insights.ts measures and the reference the chunked versions are tested against
 * (test/insights-pairs.test.ts, test/insights-labels-chunks.test.ts, test/signals-stats.test.ts).
 */
import { LABELS, LONG_WINDOW_DAYS, SHORT_WINDOW_DAYS, type LabelThresholds } from '../src/insights/labels';
import { dayWindowStart } from '../src/signals/windows';
import type { SqlValue } from '../src/store/sql';
import { ago } from '../src/store/labels-sql';

/**
 * Pairs: the one statement over the whole window that migration 0005 ran, both types at once
 * (viewed and bought together; 10 recent products a visitor, 20 partners a product).
 * ?1 catalog, ?2 window start.
 */
export const PAIRS_ONE_STATEMENT = `
WITH touched AS (
  SELECT e.visitor_id, e.type, j.value ->> 0 AS product_id, max(e.occurred_at) AS last
  FROM events e, json_each(e.items) j
  WHERE e.catalog_id = ?1 AND e.occurred_at >= ?2 AND e.type IN ('view_item', 'purchase')
  GROUP BY e.visitor_id, e.type, product_id
),
recent AS (
  SELECT visitor_id, type, product_id FROM (
    SELECT visitor_id, type, product_id, row_number() OVER (PARTITION BY visitor_id, type ORDER BY last DESC, product_id) AS pos
    FROM touched)
  WHERE pos <= 10
),
pairs AS (
  SELECT a.type, a.product_id, b.product_id AS other_id, count(*) AS visitors
  FROM recent a JOIN recent b ON b.visitor_id = a.visitor_id AND b.type = a.type AND b.product_id <> a.product_id
  GROUP BY a.type, a.product_id, b.product_id
)
SELECT type, product_id, other_id, visitors FROM (
  SELECT type, product_id, other_id, visitors,
    row_number() OVER (PARTITION BY type, product_id ORDER BY visitors DESC, other_id) AS pos
  FROM pairs)
WHERE pos <= 20
ORDER BY type, product_id, other_id`;

/** The labels' tests as the single statement had them: a rank over every live product. */
const OLD_TESTS: Record<(typeof LABELS)[number], string> = {
  bestseller: 'purchases_30d >= 1 AND (sales_rank - 1) * 100 < live * ?6',
  trending: 'views_7d >= ?8 AND views_7d * 30 >= views_30d * 7 * ?7',
  price_drop: 'dropped',
  low_stock: "availability = 'in_stock' AND quantity BETWEEN 1 AND ?9",
  no_views_30d: `views_30d = 0 AND tracking_since <= ?10
    AND (SELECT min(observed_at) FROM price_history h WHERE h.catalog_id = ?1 AND h.item_id = stats.item_id) <= ?10`,
};

/**
 * Labels: the one statement over every live product, ranking them all for the bestseller share.
 * ?1 catalog, ?2 now, ?3/?4 first days of the short and long windows, ?5 price-drop window
 * start, ?6 bestseller top percent, ?7 trending ratio, ?8 trending minimum views, ?9 low-stock
 * maximum, ?10 thirty days before now.
 */
export const LABELS_ONE_STATEMENT = `
WITH counts AS (
  SELECT product_id,
    sum(CASE WHEN day >= ?3 THEN views ELSE 0 END) AS views_7d, sum(views) AS views_30d,
    sum(CASE WHEN day >= ?3 THEN carts ELSE 0 END) AS carts_7d, sum(carts) AS carts_30d,
    sum(CASE WHEN day >= ?3 THEN purchases ELSE 0 END) AS purchases_7d, sum(purchases) AS purchases_30d
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
SELECT item_id AS product_id, views_7d, views_30d, carts_7d, carts_30d, purchases_7d, purchases_30d,
  '[' || substr(${LABELS.map((l) => `CASE WHEN ${OLD_TESTS[l]} THEN ',"${l}"' ELSE '' END`).join(' || ')}, 2) || ']' AS labels
FROM stats ORDER BY item_id`;


/** LABELS_ONE_STATEMENT's parameters for a refresh of the catalog as of `now` (ISO). */
export function labelsOneStatementParams(catalogId: number, now: string, t: LabelThresholds): SqlValue[] {
  const at = new Date(now);
  return [
    catalogId,
    now,
    dayWindowStart(at, SHORT_WINDOW_DAYS).slice(0, 10),
    dayWindowStart(at, LONG_WINDOW_DAYS).slice(0, 10),
    ago(now, t.priceDropDays),
    t.bestsellerTopPercent,
    t.trendingRatio,
    t.trendingMinViews7d,
    t.lowStockMax,
    ago(now, LONG_WINDOW_DAYS),
  ];
}

/**
 * Stats: the event figures as one statement each over the whole window (?1 catalog, ?2 since;
 * TOP ?3 first day, ?4 how many): events per day and type, the most viewed products with their
 * distinct viewers, and the view → cart → purchase funnel.
 */
export const STATS_PER_DAY_ONE_STATEMENT = `SELECT substr(occurred_at, 1, 10) AS day, type, count(*) AS count FROM events
  WHERE catalog_id = ?1 AND occurred_at >= ?2 GROUP BY day, type ORDER BY day, type`;

export const STATS_TOP_VIEWED_ONE_STATEMENT = `WITH top AS (
    SELECT product_id, sum(views) AS views FROM product_event_days
    WHERE catalog_id = ?1 AND day >= ?3 AND views > 0
    GROUP BY product_id ORDER BY views DESC, product_id LIMIT ?4),
  viewers AS (
    SELECT j.value ->> 0 AS product_id, count(DISTINCT e.visitor_id) AS visitors
    FROM events e, json_each(e.items) j
    WHERE e.catalog_id = ?1 AND e.occurred_at >= ?2 AND e.type = 'view_item' AND (j.value ->> 0) IN (SELECT product_id FROM top)
    GROUP BY 1)
  SELECT t.product_id AS id, t.views, coalesce(v.visitors, 0) AS visitors,
    (SELECT p.title FROM products p WHERE p.catalog_id = ?1 AND p.valid_to IS NULL AND p.item_id = t.product_id) AS title
  FROM top t LEFT JOIN viewers v ON v.product_id = t.product_id
  ORDER BY t.views DESC, t.product_id`;

export const STATS_FUNNEL_ONE_STATEMENT = `WITH viewed AS (SELECT DISTINCT visitor_id FROM events WHERE catalog_id = ?1 AND occurred_at >= ?2 AND type = 'view_item'),
    carted AS (SELECT DISTINCT visitor_id FROM events WHERE catalog_id = ?1 AND occurred_at >= ?2 AND type = 'add_to_cart'
               AND visitor_id IN (SELECT visitor_id FROM viewed)),
    bought AS (SELECT DISTINCT visitor_id FROM events WHERE catalog_id = ?1 AND occurred_at >= ?2 AND type = 'purchase'
               AND visitor_id IN (SELECT visitor_id FROM carted))
  SELECT (SELECT count(*) FROM viewed) AS viewed, (SELECT count(*) FROM carted) AS carted, (SELECT count(*) FROM bought) AS purchased`;
