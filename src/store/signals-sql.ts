/**
 * The SignalStore over any SqlDriver: event ingestion, erasure, retention and stats SQL.
 *
 * Writes go through a write queue (./write-queue), so events of concurrent requests share one
 * transaction. Per event: one `INSERT … ON CONFLICT DO NOTHING` keyed by (catalog_id, event_id),
 * then its items guarded by `changes() > 0`, i.e. written only when that event row was new: a
 * retried event adds nothing, not even items it did not name the first time. Statements bind at
 * most 100 parameters (D1's limit), hence items in chunks of 12.
 */
import type {
  ErasureCounts,
  EventWrite,
  PurgeCounts,
  SignalStats,
  SignalStore,
  StoredEvent,
  WriteResult,
} from '../signals/port';
import type { SqlDriver, SqlStatement, SqlValue } from './sql';
import { createWriteQueue, type WriteQueueOptions } from './write-queue';

const INSERT_EVENT = `INSERT INTO events (catalog_id, event_id, visitor_id, type, occurred_at, received_at, order_id,
  value_micros, currency, search_query, list_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;

const ITEM_CHUNK = 12;
const itemSql: string[] = [];
/** `INSERT … SELECT` so the WHERE can test the previous statement's changes(); SQLite needs the WHERE before ON CONFLICT. */
function insertItems(n: number): string {
  return (itemSql[n] ??= `INSERT INTO event_items (catalog_id, event_id, product_id, type, visitor_id, occurred_at, quantity, price_micros)
    SELECT * FROM (VALUES ${Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')})
    WHERE changes() > 0 ON CONFLICT DO NOTHING`);
}

const UPSERT_VISITOR = `INSERT INTO visitors (catalog_id, visitor_id, email_sha256, ad_consent, first_seen, last_seen)
  VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (catalog_id, visitor_id) DO UPDATE SET
    email_sha256 = coalesce(excluded.email_sha256, visitors.email_sha256),
    ad_consent = excluded.ad_consent,
    first_seen = min(visitors.first_seen, excluded.first_seen),
    last_seen = max(visitors.last_seen, excluded.last_seen)`;

const COUNT_DROPS = `INSERT INTO consent_drops (catalog_id, day, type, count) VALUES (?, ?, ?, ?)
  ON CONFLICT (catalog_id, day, type) DO UPDATE SET count = consent_drops.count + excluded.count`;

/** Rows deleted per statement when purging, so one purge never holds the write lock for long. */
const PURGE_CHUNK = 5000;

function eventStatements(catalogId: number, receivedAt: string, e: StoredEvent): SqlStatement[] {
  const out: SqlStatement[] = [
    {
      sql: INSERT_EVENT,
      params: [
        catalogId,
        e.event_id,
        e.visitor_id,
        e.type,
        e.occurred_at,
        receivedAt,
        e.order_id,
        e.value_micros,
        e.currency,
        e.search_query,
        e.list_id,
      ],
    },
  ];
  for (let at = 0; at < e.items.length; at += ITEM_CHUNK) {
    const chunk = e.items.slice(at, at + ITEM_CHUNK);
    const params: SqlValue[] = [];
    for (const it of chunk) {
      params.push(catalogId, e.event_id, it.product_id, e.type, e.visitor_id, e.occurred_at, it.quantity, it.price_micros);
    }
    out.push({ sql: insertItems(chunk.length), params });
  }
  return out;
}

export function createSignalStore(db: SqlDriver, queueOptions: WriteQueueOptions = {}): SignalStore {
  const queue = createWriteQueue(db, queueOptions);

  /** Deletes in chunks until a chunk comes back short. */
  async function deleteChunked(sql: string, params: SqlValue[]): Promise<number> {
    let total = 0;
    for (;;) {
      const { changes } = await db.run(sql, [...params, PURGE_CHUNK]);
      total += changes;
      if (changes < PURGE_CHUNK) return total;
    }
  }

  return {
    async recordEvents(write: EventWrite): Promise<WriteResult> {
      const statements: SqlStatement[] = [];
      const eventAt: number[] = [];
      for (const e of write.events) {
        eventAt.push(statements.length);
        statements.push(...eventStatements(write.catalogId, write.receivedAt, e));
      }
      for (const v of write.visitors) {
        statements.push({
          sql: UPSERT_VISITOR,
          params: [write.catalogId, v.visitor_id, v.email_sha256, v.ad_consent ? 1 : 0, v.first_seen, v.last_seen],
        });
      }
      for (const d of write.drops) {
        statements.push({ sql: COUNT_DROPS, params: [write.catalogId, d.day, d.type, d.count] });
      }
      const changes = await queue.submit(statements);
      const duplicate = eventAt.map((at) => changes[at] === 0);
      const duplicates = duplicate.filter(Boolean).length;
      return { inserted: write.events.length - duplicates, duplicates, duplicate };
    },

    async eraseVisitor(catalogId, visitorId): Promise<ErasureCounts> {
      // Queued behind the visitor's pending events, so none of them survives the erasure.
      const [items, events, visitors] = await queue.submit([
        { sql: 'DELETE FROM event_items WHERE catalog_id = ? AND visitor_id = ?', params: [catalogId, visitorId] },
        { sql: 'DELETE FROM events WHERE catalog_id = ? AND visitor_id = ?', params: [catalogId, visitorId] },
        { sql: 'DELETE FROM visitors WHERE catalog_id = ? AND visitor_id = ?', params: [catalogId, visitorId] },
      ]);
      return { events: events ?? 0, event_items: items ?? 0, visitors: visitors ?? 0 };
    },

    async purgeBefore(catalogId, before): Promise<PurgeCounts> {
      const event_items = await deleteChunked(
        'DELETE FROM event_items WHERE rowid IN (SELECT rowid FROM event_items WHERE catalog_id = ? AND occurred_at < ? LIMIT ?)',
        [catalogId, before],
      );
      const events = await deleteChunked(
        'DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE catalog_id = ? AND occurred_at < ? LIMIT ?)',
        [catalogId, before],
      );
      const visitors = await deleteChunked(
        `DELETE FROM visitors WHERE rowid IN (SELECT v.rowid FROM visitors v WHERE v.catalog_id = ?1 AND v.last_seen < ?2
           AND NOT EXISTS (SELECT 1 FROM events e WHERE e.catalog_id = ?1 AND e.visitor_id = v.visitor_id) LIMIT ?3)`,
        [catalogId, before],
      );
      const drops = await db.run('DELETE FROM consent_drops WHERE catalog_id = ? AND day < ?', [catalogId, before.slice(0, 10)]);
      return { events, event_items, visitors, consent_drops: drops.changes };
    },

    async stats(catalogId, since, topLimit): Promise<SignalStats> {
      const day = since.slice(0, 10);
      const [perDay, top, funnel, drops, totals, unknown] = await Promise.all([
        db.all<{ day: string; type: string; count: number }>(
          `SELECT substr(occurred_at, 1, 10) AS day, type, count(*) AS count FROM events
           WHERE catalog_id = ?1 AND occurred_at >= ?2 GROUP BY day, type ORDER BY day, type`,
          [catalogId, since],
        ),
        db.all<{ id: string; title: string | null; views: number; visitors: number }>(
          `SELECT v.product_id AS id, v.views, v.visitors,
             (SELECT p.title FROM products p WHERE p.catalog_id = ?1 AND p.valid_to IS NULL AND p.item_id = v.product_id) AS title
           FROM (SELECT product_id, count(*) AS views, count(DISTINCT visitor_id) AS visitors FROM event_items
                 WHERE catalog_id = ?1 AND occurred_at >= ?2 AND type = 'view_item'
                 GROUP BY product_id ORDER BY views DESC, product_id LIMIT ?3) v
           ORDER BY v.views DESC, v.product_id`,
          [catalogId, since, topLimit],
        ),
        db.get<{ viewed: number; carted: number; purchased: number }>(
          `WITH viewed AS (SELECT DISTINCT visitor_id FROM events WHERE catalog_id = ?1 AND occurred_at >= ?2 AND type = 'view_item'),
                carted AS (SELECT DISTINCT visitor_id FROM events WHERE catalog_id = ?1 AND occurred_at >= ?2 AND type = 'add_to_cart'
                           AND visitor_id IN (SELECT visitor_id FROM viewed)),
                bought AS (SELECT DISTINCT visitor_id FROM events WHERE catalog_id = ?1 AND occurred_at >= ?2 AND type = 'purchase'
                           AND visitor_id IN (SELECT visitor_id FROM carted))
           SELECT (SELECT count(*) FROM viewed) AS viewed, (SELECT count(*) FROM carted) AS carted,
                  (SELECT count(*) FROM bought) AS purchased`,
          [catalogId, since],
        ),
        db.all<{ day: string; type: string; count: number }>(
          'SELECT day, type, count FROM consent_drops WHERE catalog_id = ?1 AND day >= ?2 ORDER BY day, type',
          [catalogId, day],
        ),
        db.get<{ ids_seen: number; ids_known: number; refs: number; refs_known: number }>(
          `${MARKED_IDS}
           SELECT count(*) AS ids_seen, coalesce(sum(known), 0) AS ids_known,
                  coalesce(sum(seen), 0) AS refs, coalesce(sum(seen * known), 0) AS refs_known FROM marked`,
          [catalogId, since],
        ),
        db.all<{ id: string; seen: number }>(
          `${MARKED_IDS} SELECT product_id AS id, seen FROM marked WHERE known = 0 ORDER BY seen DESC, id LIMIT 20`,
          [catalogId, since],
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
    },

    drain: () => queue.drain(),
  };
}

/** Product ids named by events since ?2, with how often and whether the live catalog has them. */
const MARKED_IDS = `WITH seen_ids AS (
    SELECT product_id, count(*) AS seen FROM event_items WHERE catalog_id = ?1 AND occurred_at >= ?2 GROUP BY product_id),
  marked AS (
    SELECT product_id, seen,
      EXISTS (SELECT 1 FROM products p WHERE p.catalog_id = ?1 AND p.valid_to IS NULL AND p.item_id = seen_ids.product_id) AS known
    FROM seen_ids)`;
