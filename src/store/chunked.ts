/**
 * Work over a whole catalog as a series of small transactions, so that no statement's cost grows
 * with the shop: on Node each is time on the main thread and under SQLite's one write lock, on D1
 * a statement may run 30 s at most. A turn of the event loop separates the chunks (../util/turn).
 */
import { nextTurn } from '../util/turn';
import type { SqlDriver, SqlValue } from './sql';

/** The next chunk's last key, and the last key of all (null when there is none). */
export interface RangeBound {
  hi: string | null;
  last: string | null;
}

/**
 * Walks `(lo, hi]` ranges of a sorted text key from the start: `bound(lo)` names the next chunk's
 * last key (null: fewer than a chunk are left, so the last key ends it), `chunk(lo, hi)` does the
 * work. Keys are non-empty, so '' is before all of them.
 */
export async function inRanges(
  bound: (lo: string) => Promise<RangeBound | undefined>,
  chunk: (lo: string, hi: string) => Promise<void>,
): Promise<void> {
  for (let lo = ''; ; ) {
    const b = await bound(lo);
    if (!b?.last || b.last <= lo) return;
    const hi = b.hi ?? b.last;
    await chunk(lo, hi);
    lo = hi;
    await nextTurn();
  }
}

/**
 * Runs a DELETE that takes `?1` catalog and `?2` rows (then `params`) until one deletes fewer
 * than `rows`. Returns the rows deleted.
 */
export async function deleteInChunks(db: SqlDriver, sql: string, catalogId: number, rows: number, params: SqlValue[] = []): Promise<number> {
  let total = 0;
  for (;;) {
    const { changes } = await db.run(sql, [catalogId, rows, ...params]);
    total += changes;
    if (changes < rows) return total;
    await nextTurn();
  }
}

/** The bound of the next range of a catalog's visitor rows (visitors' primary key): ?1 catalog, ?2 after, ?3 rows. */
export const VISITOR_ROW_BOUND = `SELECT
  (SELECT visitor_id FROM visitors WHERE catalog_id = ?1 AND visitor_id > ?2 ORDER BY visitor_id LIMIT 1 OFFSET ?3) AS hi,
  (SELECT max(visitor_id) FROM visitors WHERE catalog_id = ?1) AS last`;

/**
 * The next chunk's last visitor by their events: the one `?3` entries of events_visitor past
 * `?2` (?1 catalog), or the catalog's last visitor when fewer are left. A chunk ends on a whole
 * visitor, however many events that visitor has.
 */
export const EVENT_VISITOR_BOUND = `SELECT
  (SELECT visitor_id FROM events WHERE catalog_id = ?1 AND visitor_id > ?2 ORDER BY visitor_id LIMIT 1 OFFSET ?3) AS hi,
  (SELECT max(visitor_id) FROM events WHERE catalog_id = ?1) AS last`;
