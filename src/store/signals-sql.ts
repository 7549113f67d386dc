/**
 * The SignalStore over any SqlDriver: event ingestion, erasure, retention and stats.
 *
 * Writes go through a write queue (./write-queue), so events of concurrent requests share one
 * transaction; the statements of one write are planned in ./event-writes. Per-product day counts
 * are rolled up from stored events (./event-rollup): in the background once `rollupEvery` events
 * were stored, and before stats or a purge read or cut them. Stats SQL is in ./signals-stats-sql.
 * Tables: migrations/0005_signals_write_path.sql, 0006_event_rollup.sql, 0007_event_seq_autoincrement.sql.
 */
import type { ErasureCounts, PurgeCounts, SignalStore, WriteResult } from '../signals/port';
import { inRanges, VISITOR_ROW_BOUND, type RangeBound } from './chunked';
import { ROLLUP_CHUNK, rollUpEvents } from './event-rollup';
import { planEventWrite } from './event-writes';
import { deleteAbandonedSources, eraseSourcesStatement } from './pairs-sql';
import { signalStats, STATS_CHUNK } from './signals-stats-sql';
import type { SqlDriver, SqlValue } from './sql';
import { createWriteQueue, type WriteQueueOptions } from './write-queue';

/** Events deleted per statement when purging, so one purge never holds the write lock for long. */
const PURGE_CHUNK = 2000;

/** The visitors an erasure is about: one id, or every visitor with an e-mail hash. */
interface Subjects {
  /** `SELECT visitor_id FROM visitors …`, placed in `visitor_id IN (…)` */
  sql: string;
  params: SqlValue[];
}

export interface SignalStoreOptions extends WriteQueueOptions {
  /**
   * Roll up in the background once this many events were stored since the last rollup (default
   * 10,000: ~30 ms of SQLite). null: never in the background (Workers, where work may not outlive
   * its request; reads and the cron roll up there).
   */
  rollupEvery?: number | null;
  /** events per rollup transaction (tests make it small) */
  rollupChunk?: number;
  /** visitors one statement of the retention purge walks (default 2,000) */
  visitorChunk?: number;
  /** events one range of the stats' event figures covers (./signals-stats-sql) */
  statsChunk?: number;
}

export function createSignalStore(db: SqlDriver, options: SignalStoreOptions = {}): SignalStore {
  const {
    rollupEvery = 10_000,
    rollupChunk = ROLLUP_CHUNK,
    visitorChunk = PURGE_CHUNK,
    statsChunk = STATS_CHUNK,
    ...queueOptions
  } = options;
  const queue = createWriteQueue(db, queueOptions);
  let storedSinceRollup = 0;
  let rolling: Promise<number> | null = null;

  /** One rollup at a time from this store; callers that come while one runs wait for the next. */
  async function rollUp(): Promise<number> {
    while (rolling) await rolling.catch(() => 0);
    storedSinceRollup = 0;
    rolling = rollUpEvents(db, rollupChunk);
    try {
      return await rolling;
    } finally {
      rolling = null;
    }
  }

  function noteStored(inserted: number): void {
    if (rollupEvery === null || inserted === 0) return;
    storedSinceRollup += inserted;
    if (storedSinceRollup < rollupEvery || rolling) return;
    // Not awaited: the request that crossed the line has its answer already; counts catch up.
    rollUp().catch((err: unknown) => console.error('event rollup failed', err));
  }

  /**
   * Deletes the subjects' events, their rows in a pairs build under way (./pairs-sql), then their
   * visitor rows, in one transaction queued behind every write submitted before the call: events
   * still in the queue are committed first and deleted with the rest, and a visitor row they
   * create is found by the subquery at commit time.
   * event_items are the products named by the deleted events, counted just before (they are a
   * column of the rows deleted, which a DELETE cannot count).
   */
  async function erase(catalogId: number, who: Subjects): Promise<ErasureCounts> {
    await queue.barrier();
    const before = await db.get<{ items: number }>(
      `SELECT coalesce(sum(json_array_length(items)), 0) AS items FROM events WHERE catalog_id = ? AND visitor_id IN (${who.sql})`,
      [catalogId, ...who.params],
    );
    const [events, , visitors] = await queue.submit([
      { sql: `DELETE FROM events WHERE catalog_id = ? AND visitor_id IN (${who.sql})`, params: [catalogId, ...who.params] },
      // Before the visitor rows: the subquery of an erasure by e-mail reads them.
      eraseSourcesStatement(catalogId, who.sql, who.params),
      { sql: `DELETE FROM visitors WHERE catalog_id = ? AND visitor_id IN (${who.sql})`, params: [catalogId, ...who.params] },
    ]);
    return { events: events ?? 0, event_items: before?.items ?? 0, visitors: visitors ?? 0 };
  }

  return {
    async recordEvents(write): Promise<WriteResult> {
      const plan = planEventWrite(write);
      const changes = await queue.submit(plan.statements);
      let inserted = 0;
      for (const at of plan.eventStatements) inserted += changes[at] ?? 0;
      noteStored(inserted);
      return { inserted, duplicates: write.events.length - inserted };
    },

    eraseVisitor(catalogId, visitorId) {
      // `SELECT ?`: events of a visitor id that has no visitor row (e.g. purged) go too.
      return erase(catalogId, { sql: 'SELECT ?', params: [visitorId] });
    },

    eraseByEmail(catalogId, emailSha256) {
      // Through the partial index visitors_email.
      return erase(catalogId, {
        sql: 'SELECT visitor_id FROM visitors WHERE catalog_id = ? AND email_sha256 = ?',
        params: [catalogId, emailSha256],
      });
    },

    async purgeBefore(catalogId, before): Promise<PurgeCounts> {
      // Count what is stored before deleting: an event cut here is otherwise never counted.
      await rollUp();
      // Chunks along events_time: the rows of a chunk are read first (their item counts with
      // them), then deleted by rowid, so the counts are exact.
      let events = 0;
      let event_items = 0;
      for (;;) {
        const chunk = await db.all<{ id: number; items: number }>(
          `SELECT rowid AS id, coalesce(json_array_length(items), 0) AS items FROM events
           WHERE catalog_id = ? AND occurred_at < ? ORDER BY occurred_at LIMIT ?`,
          [catalogId, before, PURGE_CHUNK],
        );
        if (chunk.length === 0) break;
        const { changes } = await db.run('DELETE FROM events WHERE rowid IN (SELECT value FROM json_each(?))', [
          JSON.stringify(chunk.map((r) => r.id)),
        ]);
        events += changes;
        for (const r of chunk) event_items += r.items;
        if (chunk.length < PURGE_CHUNK) break;
      }
      // Visitors with no event left and not seen since. There is no index on last_seen (every
      // ingest's visitor upsert would rewrite it), so the catalog's visitors are walked, a range
      // of the primary key per statement: each is bounded, however many visitors the shop has.
      let visitors = 0;
      await inRanges(
        (lo) => db.get<RangeBound>(VISITOR_ROW_BOUND, [catalogId, lo, visitorChunk]),
        async (lo, hi) => {
          const { changes } = await db.run(
            `DELETE FROM visitors AS v WHERE v.catalog_id = ?1 AND v.visitor_id > ?3 AND v.visitor_id <= ?4 AND v.last_seen < ?2
               AND NOT EXISTS (SELECT 1 FROM events e WHERE e.catalog_id = ?1 AND e.visitor_id = v.visitor_id)`,
            [catalogId, before, lo, hi],
          );
          visitors += changes;
        },
      );
      // Visitor ids a pairs build left behind when its process died (./pairs-sql).
      await deleteAbandonedSources(db, catalogId, PURGE_CHUNK);
      const day = before.slice(0, 10);
      const [, drops] = await db.batch([
        // Whole days only: a day partly inside the retention window keeps its counts until it is all outside.
        { sql: 'DELETE FROM product_event_days WHERE catalog_id = ? AND day < ?', params: [catalogId, day] },
        { sql: 'DELETE FROM consent_drops WHERE catalog_id = ? AND day < ?', params: [catalogId, day] },
      ]);
      return { events, event_items, visitors, consent_drops: drops?.changes ?? 0 };
    },

    async stats(catalogId, since, topLimit) {
      await rollUp();
      return signalStats(db, catalogId, since, topLimit, statsChunk);
    },

    rollUp,

    async drain() {
      await queue.drain();
      while (rolling) await rolling.catch(() => 0);
    },
  };
}
