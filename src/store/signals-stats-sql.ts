/**
 * `GET /admin/catalogs/:catalog/stats` in SQL. `since` is the start of a UTC day: per-product
 * figures come from product_event_days, whole days, and the per-event figures (events per day,
 * the funnel, distinct viewers) read events from the same instant, so the two agree.
 */
import type { SignalStats } from '../signals/port';
import { EVENT_VISITOR_BOUND, inRanges, type RangeBound } from './chunked';
import type { SqlDriver, SqlValue } from './sql';

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
 * Which events the event figures read: the window's along events_time when it holds at most a
 * chunk of them, else one range of visitors at a time along events_visitor (EVENT_VISITOR_BOUND,
 * ./chunked), whatever their age, filtered to the window (`+occurred_at` keeps the planner on the
 * range). Each figure adds up over disjoint ranges of visitors, distinct visitors included, so a
 * big window is never one statement as long as the shop is big; a small one stays one cheap pass.
 */
interface Scope {
  where: string;
  params: SqlValue[];
}
const windowScope = (catalogId: number, since: string): Scope => ({
  where: 'e.catalog_id = ? AND e.occurred_at >= ?',
  params: [catalogId, since],
});
const rangeScope = (catalogId: number, since: string, lo: string, hi: string): Scope => ({
  where: 'e.catalog_id = ? AND e.visitor_id > ? AND e.visitor_id <= ? AND +e.occurred_at >= ?',
  params: [catalogId, lo, hi, since],
});

const perDaySql = (s: Scope) => `SELECT substr(e.occurred_at, 1, 10) AS day, e.type, count(*) AS count FROM events e
  WHERE ${s.where} GROUP BY day, e.type`;
/** A visitor is carted only after a view, bought only after both (the funnel's steps). */
const funnelSql = (s: Scope) => `SELECT coalesce(sum(viewed), 0) AS viewed, coalesce(sum(viewed AND carted), 0) AS carted,
    coalesce(sum(viewed AND carted AND bought), 0) AS purchased
  FROM (SELECT max(e.type = 'view_item') AS viewed, max(e.type = 'add_to_cart') AS carted, max(e.type = 'purchase') AS bought
        FROM events e WHERE ${s.where} AND e.type IN ('view_item', 'add_to_cart', 'purchase')
        GROUP BY e.visitor_id)`;
/** Distinct viewers of the products in the last parameter (a JSON array). */
const viewersSql = (s: Scope) => `SELECT j.value ->> 0 AS id, count(DISTINCT e.visitor_id) AS visitors
  FROM events e, json_each(e.items) j
  WHERE ${s.where} AND e.type = 'view_item' AND (j.value ->> 0) IN (SELECT value FROM json_each(?))
  GROUP BY 1`;

/** Events one pass covers (a range's last visitor's all): under 300 ms for its three statements on Node (bench/insights.ts). */
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
  const add = async (scope: Scope) => {
    const [days, steps, seen] = await Promise.all([
      db.all<{ day: string; type: string; count: number }>(perDaySql(scope), scope.params),
      db.get<{ viewed: number; carted: number; purchased: number }>(funnelSql(scope), scope.params),
      topRows.length ? db.all<{ id: string; visitors: number }>(viewersSql(scope), [...scope.params, topIds]) : Promise.resolve([]),
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
  };
  // Counting stops past a chunk: this look is bounded too.
  const inWindow = await db.get<{ n: number }>(
    'SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE catalog_id = ? AND occurred_at >= ? LIMIT ?)',
    [catalogId, since, chunk + 1],
  );
  if ((inWindow?.n ?? 0) <= chunk) await add(windowScope(catalogId, since));
  else {
    await inRanges(
      (lo) => db.get<RangeBound>(EVENT_VISITOR_BOUND, [catalogId, lo, chunk]),
      (lo, hi) => add(rangeScope(catalogId, since, lo, hi)),
    );
  }
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
