/**
 * Adds the events stored since the last run to product_event_days (per catalog, UTC day and
 * product: views, carts, purchases, other events). migrations/0006_event_rollup.sql says why the
 * write path no longer does this; 0007_event_seq_autoincrement.sql how the watermark stays right.
 *
 * Safe to run from anywhere, at any time, at once from several places: each chunk is one
 * transaction that reads the watermark, counts the events above it and moves it, so two runs
 * cannot count an event twice (D1 runs batches one at a time, SQLite has one writer). Chunked so
 * one statement stays far inside D1's 30 s a query and never holds the write lock for long.
 */
import { COUNTED_EVENTS } from '../insights/labels';
import { nextTurn } from '../util/turn';
import type { SqlDriver, SqlStatement } from './sql';

/**
 * Events a chunk covers: ~30 ms of SQLite at the ~3 µs an event measured. On Node that is time
 * the main thread spends in better-sqlite3, so a backlog is worked off in slices with requests
 * served in between.
 */
export const ROLLUP_CHUNK = 10_000;

const { views: VIEW, carts: CART, purchases: PURCHASE } = COUNTED_EVENTS;

const COUNT_CHUNK = `INSERT INTO product_event_days (catalog_id, day, product_id, views, carts, purchases, other_events)
  SELECT e.catalog_id, substr(e.occurred_at, 1, 10), j.value ->> 0,
    sum(e.type = '${VIEW}'), sum(e.type = '${CART}'), sum(e.type = '${PURCHASE}'),
    sum(e.type NOT IN ('${VIEW}', '${CART}', '${PURCHASE}'))
  FROM events e, json_each(e.items) j
  WHERE e.seq > (SELECT last_seq FROM event_rollup) AND e.seq <= (SELECT last_seq FROM event_rollup) + ?1
    AND e.items IS NOT NULL
  GROUP BY 1, 2, 3
  ON CONFLICT DO UPDATE SET views = views + excluded.views, carts = carts + excluded.carts,
    purchases = purchases + excluded.purchases, other_events = other_events + excluded.other_events`;

/**
 * Past the chunk, or to the newest event if that is nearer; never backwards. Counts the events it
 * passed: the chunk's range, as the INSERT read it in the same transaction.
 */
const ADVANCE = `UPDATE event_rollup
  SET rolled_up = rolled_up + (SELECT count(*) FROM events e WHERE e.seq > event_rollup.last_seq AND e.seq <= event_rollup.last_seq + ?1),
    last_seq = max(last_seq, min(last_seq + ?1, (SELECT coalesce(max(seq), 0) FROM events)))`;

interface Progress {
  done: number;
  newest: number;
  rolled_up: number;
}

const PROGRESS = `SELECT last_seq AS done, (SELECT coalesce(max(seq), 0) FROM events) AS newest, rolled_up FROM event_rollup`;

export function rollupChunk(chunk = ROLLUP_CHUNK): SqlStatement[] {
  return [
    { sql: COUNT_CHUNK, params: [chunk] },
    { sql: ADVANCE, params: [chunk] },
  ];
}

/**
 * Rolls up everything stored so far. Resolves with the events added while it ran (a concurrent
 * run's chunks included).
 */
export async function rollUpEvents(db: SqlDriver, chunk = ROLLUP_CHUNK): Promise<number> {
  const start = await db.get<Progress>(PROGRESS);
  if (!start) return 0;
  let at = start;
  while (at.done < at.newest) {
    await db.batch(rollupChunk(chunk));
    at = (await db.get<Progress>(PROGRESS))!;
    if (at.done < at.newest) await nextTurn();
  }
  return at.rolled_up - start.rolled_up;
}
