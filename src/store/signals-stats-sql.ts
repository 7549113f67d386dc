/**
 * `GET /admin/catalogs/:catalog/stats` in SQL. `since` is the start of a UTC day: per-product
 * figures come from product_event_days, whole days, and the per-event figures (events per day,
 * the funnel, distinct viewers) read events from the same instant, so the two agree.
 */
import type { SignalStats } from '../signals/port';
import type { SqlDriver } from './sql';

/** Product ids named by events since day ?2, with how often and whether the live catalog has them. */
const MARKED_IDS = `WITH seen_ids AS (
    SELECT product_id, sum(views + carts + purchases + other_events) AS seen FROM product_event_days
    WHERE catalog_id = ?1 AND day >= ?2 GROUP BY product_id),
  marked AS (
    SELECT product_id, seen,
      EXISTS (SELECT 1 FROM products p WHERE p.catalog_id = ?1 AND p.valid_to IS NULL AND p.item_id = seen_ids.product_id) AS known
    FROM seen_ids)`;

/**
 * The most viewed products by the day counts; their distinct viewers from one pass over the
 * window's view events (the counts cannot tell visitors apart).
 */
const TOP_VIEWED = `WITH top AS (
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

const FUNNEL = `WITH viewed AS (SELECT DISTINCT visitor_id FROM events WHERE catalog_id = ?1 AND occurred_at >= ?2 AND type = 'view_item'),
    carted AS (SELECT DISTINCT visitor_id FROM events WHERE catalog_id = ?1 AND occurred_at >= ?2 AND type = 'add_to_cart'
               AND visitor_id IN (SELECT visitor_id FROM viewed)),
    bought AS (SELECT DISTINCT visitor_id FROM events WHERE catalog_id = ?1 AND occurred_at >= ?2 AND type = 'purchase'
               AND visitor_id IN (SELECT visitor_id FROM carted))
  SELECT (SELECT count(*) FROM viewed) AS viewed, (SELECT count(*) FROM carted) AS carted, (SELECT count(*) FROM bought) AS purchased`;

export async function signalStats(db: SqlDriver, catalogId: number, since: string, topLimit: number): Promise<SignalStats> {
  const day = since.slice(0, 10);
  const [perDay, top, funnel, drops, totals, unknown] = await Promise.all([
    db.all<{ day: string; type: string; count: number }>(
      `SELECT substr(occurred_at, 1, 10) AS day, type, count(*) AS count FROM events
       WHERE catalog_id = ?1 AND occurred_at >= ?2 GROUP BY day, type ORDER BY day, type`,
      [catalogId, since],
    ),
    db.all<{ id: string; title: string | null; views: number; visitors: number }>(TOP_VIEWED, [catalogId, since, day, topLimit]),
    db.get<{ viewed: number; carted: number; purchased: number }>(FUNNEL, [catalogId, since]),
    db.all<{ day: string; type: string; count: number }>(
      'SELECT day, type, count FROM consent_drops WHERE catalog_id = ?1 AND day >= ?2 ORDER BY day, type',
      [catalogId, day],
    ),
    db.get<{ ids_seen: number; ids_known: number; refs: number; refs_known: number }>(
      `${MARKED_IDS}
       SELECT count(*) AS ids_seen, coalesce(sum(known), 0) AS ids_known,
              coalesce(sum(seen), 0) AS refs, coalesce(sum(seen * known), 0) AS refs_known FROM marked`,
      [catalogId, day],
    ),
    db.all<{ id: string; seen: number }>(
      `${MARKED_IDS} SELECT product_id AS id, seen FROM marked WHERE known = 0 ORDER BY seen DESC, id LIMIT 20`,
      [catalogId, day],
    ),
  ]);
  return {
    since,
    events_per_day: perDay,
    top_viewed: top,
    funnel: funnel ?? { viewed: 0, carted: 0, purchased: 0 },
    consent_drops: drops,
    reconciliation: {
      ids_seen: totals?.ids_seen ?? 0,
      ids_known: totals?.ids_known ?? 0,
      references: totals?.refs ?? 0,
      references_known: totals?.refs_known ?? 0,
      unknown,
    },
  };
}
