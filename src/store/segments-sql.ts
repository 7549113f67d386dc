/** Audience segment membership in SQL (src/insights/segments.ts defines the kinds). */
import type { SegmentDefinition } from '../insights/segments';
import type { SqlValue } from './sql';

/**
 * Segment membership as a condition on visitor row `v`, with positional parameters. Each test is
 * an EXISTS probe into one visitor's events through events_visitor (catalog, visitor, time), with
 * the products of each event read from events.items, so counting or exporting costs in
 * proportion to visitors, not to the whole event table per page.
 */
export function segmentCondition(d: SegmentDefinition, since: string): { sql: string; params: SqlValue[] } {
  const own = (alias: string) =>
    `${alias}.catalog_id = v.catalog_id AND ${alias}.visitor_id = v.visitor_id AND ${alias}.occurred_at >= ?`;
  switch (d.kind) {
    case 'cart_abandoners':
      // An add with neither a purchase nor a removal of that product at or after it.
      return {
        sql: `EXISTS (SELECT 1 FROM events a, json_each(a.items) ai WHERE ${own('a')} AND a.type = 'add_to_cart'
                AND NOT EXISTS (SELECT 1 FROM events x, json_each(x.items) xi WHERE x.catalog_id = v.catalog_id
                  AND x.visitor_id = v.visitor_id AND x.occurred_at >= a.occurred_at AND x.type IN ('purchase', 'remove_from_cart')
                  AND (xi.value ->> 0) = (ai.value ->> 0)))`,
        params: [since],
      };
    case 'category_viewers': {
      const category = d.category.toLowerCase();
      return {
        sql: `(EXISTS (SELECT 1 FROM events e, json_each(e.items) j
                 JOIN products p ON p.catalog_id = e.catalog_id AND p.item_id = (j.value ->> 0) AND p.valid_to IS NULL
                 WHERE ${own('e')} AND e.type = 'view_item'
                   AND (lower(p.product_type) = ? OR substr(lower(p.product_type), 1, ?) = ? OR substr(lower(p.product_type), 1, ?) = ?))
               OR EXISTS (SELECT 1 FROM events l WHERE ${own('l')} AND l.type = 'view_item_list' AND lower(l.list_id) = ?))`,
        params: [
          since,
          category,
          category.length + 2,
          `${category} >`,
          category.length + 1,
          `${category}>`,
          since,
          category,
        ],
      };
    }
    case 'product_viewers':
      return {
        sql: `EXISTS (SELECT 1 FROM events e, json_each(e.items) j WHERE ${own('e')} AND e.type = 'view_item'
                AND (j.value ->> 0) IN (SELECT value FROM json_each(?)))`,
        params: [since, JSON.stringify(d.product_ids)],
      };
    case 'purchasers':
      return { sql: `EXISTS (SELECT 1 FROM events e WHERE ${own('e')} AND e.type = 'purchase')`, params: [since] };
    case 'searchers':
      return {
        sql: `EXISTS (SELECT 1 FROM events e WHERE ${own('e')} AND e.type = 'search'
                AND instr(lower(e.search_query), ?) > 0)`,
        params: [since, d.term.toLowerCase()],
      };
  }
}
