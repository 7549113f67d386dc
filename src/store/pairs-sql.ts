/**
 * "Viewed together" and "bought together" (recommendations' cross-sell), computed with each label
 * refresh into product_pairs. Finding, per request, the visitors who viewed a product needs an
 * index of every event by product, which is what made ingestion expensive
 * (migrations/0005_signals_write_path.sql); these pairs change slowly, so an hourly snapshot
 * serves them, and a recommendation reads a few rows.
 *
 * Bounded on both sides so one heavy visitor or one popular product costs the same as any other:
 * a visitor contributes their PAIR_PRODUCTS most recent distinct products of the type (at most
 * 90 pairs each), and a product keeps its PAIRS_PER_PRODUCT most shared partners. Measured on
 * the events bench's database (133k events, 7k visitors of 20 distinct products each, far denser
 * than shops see): 1.5 s for views with 10 products a visitor, 3.6 s with 20.
 */
import type { SqlStatement } from './sql';

export const PAIR_TYPES = ['view_item', 'purchase'] as const;
export type PairType = (typeof PAIR_TYPES)[number];
const PAIR_PRODUCTS = 10;
const PAIRS_PER_PRODUCT = 20;

/**
 * ?1 catalog, ?2 window start (ISO), ?3 type, ?4 products per visitor, ?5 pairs per product.
 * `+e.visitor_id` keeps the planner on events_time (the window's events only): grouping by a
 * bare visitor_id made it walk events_visitor, every event the catalog keeps.
 */
const INSERT_PAIRS = `
WITH touched AS (
  SELECT e.visitor_id, j.value ->> 0 AS product_id, max(e.occurred_at) AS last
  FROM events e, json_each(e.items) j
  WHERE e.catalog_id = ?1 AND e.occurred_at >= ?2 AND e.type = ?3
  GROUP BY +e.visitor_id, product_id
),
recent AS (
  SELECT visitor_id, product_id FROM (
    SELECT visitor_id, product_id, row_number() OVER (PARTITION BY visitor_id ORDER BY last DESC, product_id) AS pos
    FROM touched)
  WHERE pos <= ?4
),
pairs AS (
  SELECT a.product_id, b.product_id AS other_id, count(*) AS visitors
  FROM recent a JOIN recent b ON b.visitor_id = a.visitor_id AND b.product_id <> a.product_id
  GROUP BY a.product_id, b.product_id
)
INSERT INTO product_pairs (catalog_id, type, product_id, other_id, visitors)
SELECT ?1, ?3, product_id, other_id, visitors FROM (
  SELECT product_id, other_id, visitors,
    row_number() OVER (PARTITION BY product_id ORDER BY visitors DESC, other_id) AS pos
  FROM pairs)
WHERE pos <= ?5`;

/** Replaces the catalog's pairs in one transaction: a recommendation sees the old set or the new. */
export function refreshPairsStatements(catalogId: number, since: string): SqlStatement[] {
  return [
    { sql: 'DELETE FROM product_pairs WHERE catalog_id = ?', params: [catalogId] },
    ...PAIR_TYPES.map((type) => ({ sql: INSERT_PAIRS, params: [catalogId, since, type, PAIR_PRODUCTS, PAIRS_PER_PRODUCT] })),
  ];
}

/** Partners of any of the seeds (a JSON array, ?3), most shared first, seeds themselves left out. */
export const PARTNERS = `SELECT other_id FROM product_pairs
  WHERE catalog_id = ?1 AND type = ?2 AND product_id IN (SELECT value FROM json_each(?3))
    AND other_id NOT IN (SELECT value FROM json_each(?3))
  GROUP BY other_id ORDER BY sum(visitors) DESC, other_id LIMIT ?4`;
