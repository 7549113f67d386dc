/**
 * `GET /admin/catalogs/:catalog/stats` in SQL. `since` is the start of a UTC day: per-product
 * figures come from product_event_days, whole days, and the per-event figures (events per day,
 * the funnel, distinct viewers) read events from the same instant, so the two agree.
 */
import type { SignalStats } from '../signals/port';
import { EVENT_VISITOR_BOUND, inRanges, type RangeBound } from './chunked';
import type { SqlDriver } from './sql';

/** Product ids named by events since day ?2, with how often and whether the live catalog has them. */
const MARKED_IDS = `WITH seen_ids AS (
    SELECT product_id, sum(views + carts + purchases + other_events) AS seen FROM product_event_days
    WHERE catalog_id = ?1 AND day >= ?2 GROUP BY product_id),
  marked AS (
    SELECT product_id, seen,
      EXISTS (SELECT 1 FROM products p WHERE p.catalog_id = ?1 AND p.valid_to IS NULL AND p.item_id = seen_ids.product_id) AS known
    FROM seen_ids)`;

/** The most viewed products by the day counts (their distinct viewers are counted per range below). */
const TOP_VIEWED = `SELECT t.product_id AS id, t.views,
    (SELECT p.title FROM products p WHERE p.catalog_id = ?1 AND p.valid_to IS NULL AND p.item_id = t.product_id) AS title
  FROM (SELECT product_id, sum(views) AS views FROM product_event_days
        WHERE catalog_id = ?1 AND day >= ?2 AND views > 0
        GROUP BY product_id ORDER BY views DESC, product_id LIMIT ?3) t
  ORDER BY t.views DESC, t.product_id`;

/**
 * The figures that read events, for the visitors after ?2 up to ?3 (?1 catalog, ?4 since). Each
 * adds up over disjoint ranges of visitors, distinct visitors included, so the whole window is
 * walked a range of events_visitor at a time (EVENT_VISITOR_BOUND, ./chunked) instead of in one
 * statement as long as the shop is big. `+occurred_at` keeps the planner on events_visitor.
 */
const RANGE_PER_DAY = `SELECT substr(occurred_at, 1, 10) AS day, type, count(*) AS count FROM events
  WHERE catalog_id = ?1 AND visitor_id > ?2 AND visitor_id <= ?3 AND +occurred_at >= ?4 GROUP BY day, type`;
/** A visitor is carted only after a view, bought only after both (the funnel's steps). */
const RANGE_FUNNEL = `SELECT coalesce(sum(viewed), 0) AS viewed, coalesce(sum(viewed AND carted), 0) AS carted,
    coalesce(sum(viewed AND carted AND bought), 0) AS purchased
  FROM (SELECT max(type = 'view_item') AS viewed, max(type = 'add_to_cart') AS carted, max(type = 'purchase') AS bought
        FROM events WHERE catalog_id = ?1 AND visitor_id > ?2 AND visitor_id <= ?3 AND +occurred_at >= ?4
          AND type IN ('view_item', 'add_to_cart', 'purchase')
        GROUP BY visitor_id)`;
/** Distinct viewers of the products in ?5 (a JSON array). */
const RANGE_VIEWERS = `SELECT j.value ->> 0 AS id, count(DISTINCT e.visitor_id) AS visitors
  FROM events e, json_each(e.items) j
  WHERE e.catalog_id = ?1 AND e.visitor_id > ?2 AND e.visitor_id <= ?3 AND +e.occurred_at >= ?4 AND e.type = 'view_item'
    AND (j.value ->> 0) IN (SELECT value FROM json_each(?5))
  GROUP BY 1`;

/** Events one range of visitors covers (and its last visitor's all): under 300 ms for the three statements on Node (bench/insights.ts). */
export const STATS_CHUNK = 20_000;

export async function signalStats(
  db: SqlDriver,
  catalogId: number,
  since: string,
  topLimit: number,
  chunk = STATS_CHUNK,
): Promise<SignalStats> {
  const day = since.slice(0, 10);
  const [topRows, drops, totals, unknown] = await Promise.all([
    db.all<{ id: string; title: string | null; views: number }>(TOP_VIEWED, [catalogId, day, topLimit]),
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

  const perDay = new Map<string, { day: string; type: string; count: number }>();
  const funnel = { viewed: 0, carted: 0, purchased: 0 };
  const viewers = new Map<string, number>();
  const topIds = JSON.stringify(topRows.map((r) => r.id));
  await inRanges(
    (lo) => db.get<RangeBound>(EVENT_VISITOR_BOUND, [catalogId, lo, chunk]),
    async (lo, hi) => {
      const range = [catalogId, lo, hi, since];
      const [days, steps, seen] = await Promise.all([
        db.all<{ day: string; type: string; count: number }>(RANGE_PER_DAY, range),
        db.get<{ viewed: number; carted: number; purchased: number }>(RANGE_FUNNEL, range),
        topRows.length ? db.all<{ id: string; visitors: number }>(RANGE_VIEWERS, [...range, topIds]) : Promise.resolve([]),
      ]);
      for (const d of days) {
        const key = `${d.day} ${d.type}`;
        const at = perDay.get(key);
        if (at) at.count += d.count;
        else perDay.set(key, { ...d });
      }
      funnel.viewed += steps?.viewed ?? 0;
      funnel.carted += steps?.carted ?? 0;
      funnel.purchased += steps?.purchased ?? 0;
      for (const v of seen) viewers.set(v.id, (viewers.get(v.id) ?? 0) + v.visitors);
    },
  );
  const byDayAndType = (a: { day: string; type: string }, b: { day: string; type: string }) =>
    a.day < b.day ? -1 : a.day > b.day ? 1 : a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
  const top = topRows.map((r) => ({ id: r.id, views: r.views, visitors: viewers.get(r.id) ?? 0, title: r.title }));
  return {
    since,
    events_per_day: [...perDay.values()].sort(byDayAndType),
    top_viewed: top,
    funnel,
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
