/**
 * The statements one ingest write commits (migrations/0005_signals_write_path.sql and
 * 0006_event_rollup.sql explain the tables). Per request, not per event: multi-row INSERTs, each
 * within D1's 100 bound parameters, so a batch of 50 events is about a dozen statements.
 *
 * Order matters, and the write queue keeps it inside a transaction:
 * 1. the events themselves, `ON CONFLICT DO NOTHING` on (catalog_id, event_id): their `changes`
 *    add up to the events this write stored, the rest were duplicates;
 * 2. one visitor upsert per visitor of the write, ad-consent withdrawals, then the consent-drop counts.
 * The per-product day counts are not written here: ./event-rollup.ts adds stored events to them
 * later, set-based, for a fraction of the cost per event.
 *
 * Plain `?` parameters only: the better-sqlite3 driver binds numbered ones (`?1`) through a
 * named object built per statement, measurable on this path.
 */
import type { EventWrite, StoredEvent } from '../signals/port';
import type { SqlStatement, SqlValue } from './sql';

const EVENT_COLUMNS = 12;
const EVENTS_PER_INSERT = Math.floor(100 / EVENT_COLUMNS);

/** SQL text per row count, built once: the driver caches prepared statements by text. */
function memo(build: (rows: number) => string): (rows: number) => string {
  const cache: string[] = [];
  return (rows) => (cache[rows] ??= build(rows));
}

const rowsOf = (rows: number, width: number) => Array(rows).fill(`(${Array(width).fill('?').join(', ')})`).join(', ');

const insertEvents = memo(
  (rows) => `INSERT INTO events (catalog_id, event_id, visitor_id, type, occurred_at, received_at, items, order_id,
    value_micros, currency, search_query, list_id) VALUES ${rowsOf(rows, EVENT_COLUMNS)} ON CONFLICT DO NOTHING`,
);

/** When the write says nothing about the address, the hash column is left out of the SET: its partial index is not touched. */
const UPSERT_VISITOR = `INSERT INTO visitors (catalog_id, visitor_id, email_sha256, ad_consent, first_seen, last_seen)
  VALUES (?, ?, NULL, ?, ?, ?)
  ON CONFLICT (catalog_id, visitor_id) DO UPDATE SET
    ad_consent = excluded.ad_consent,
    first_seen = min(visitors.first_seen, excluded.first_seen),
    last_seen = max(visitors.last_seen, excluded.last_seen)`;

/** Sets the hash, or clears it (NULL) when the visitor no longer allows ads. */
const UPSERT_VISITOR_EMAIL = `INSERT INTO visitors (catalog_id, visitor_id, email_sha256, ad_consent, first_seen, last_seen)
  VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (catalog_id, visitor_id) DO UPDATE SET
    email_sha256 = excluded.email_sha256,
    ad_consent = excluded.ad_consent,
    first_seen = min(visitors.first_seen, excluded.first_seen),
    last_seen = max(visitors.last_seen, excluded.last_seen)`;

/** Only an existing row: a visitor who refused is not recorded for refusing. */
const WITHDRAW_ADS = `UPDATE visitors SET ad_consent = 0, email_sha256 = NULL
  WHERE catalog_id = ? AND visitor_id = ? AND (ad_consent <> 0 OR email_sha256 IS NOT NULL)`;

const COUNT_DROPS = `INSERT INTO consent_drops (catalog_id, day, type, count) VALUES (?, ?, ?, ?)
  ON CONFLICT (catalog_id, day, type) DO UPDATE SET count = consent_drops.count + excluded.count`;

/** events.items: `[[product_id, quantity, price_micros], ...]`, or null for an event naming no product. */
export function itemsJson(e: StoredEvent): string | null {
  if (e.items.length === 0) return null;
  let out = '[';
  for (let i = 0; i < e.items.length; i++) {
    const it = e.items[i]!;
    out += `${i ? ',' : ''}[${JSON.stringify(it.product_id)},${it.quantity ?? 'null'},${it.price_micros ?? 'null'}]`;
  }
  return `${out}]`;
}

export interface PlannedWrite {
  statements: SqlStatement[];
  /** indexes of the statements inserting events: the sum of their changes is the events stored */
  eventStatements: number[];
}

export function planEventWrite(write: EventWrite): PlannedWrite {
  const { catalogId, receivedAt, events } = write;
  const statements: SqlStatement[] = [];

  // Plain loops, no closures: this runs per request (tsx wraps every closure it creates).
  // An event id twice in one write is stored once: the second row meets the first's conflict.
  const eventStatements: number[] = [];
  for (let at = 0; at < events.length; at += EVENTS_PER_INSERT) {
    const rows = Math.min(EVENTS_PER_INSERT, events.length - at);
    const params: SqlValue[] = [];
    for (let i = at; i < at + rows; i++) {
      const e = events[i]!;
      params.push(catalogId, e.event_id, e.visitor_id, e.type, e.occurred_at, receivedAt, itemsJson(e), e.order_id,
        e.value_micros, e.currency, e.search_query, e.list_id);
    }
    eventStatements.push(statements.length);
    statements.push({ sql: insertEvents(rows), params });
  }

  for (const v of write.visitors) {
    statements.push(
      v.keep_email
        ? { sql: UPSERT_VISITOR, params: [catalogId, v.visitor_id, v.ad_consent ? 1 : 0, v.first_seen, v.last_seen] }
        : {
            sql: UPSERT_VISITOR_EMAIL,
            params: [catalogId, v.visitor_id, v.email_sha256, v.ad_consent ? 1 : 0, v.first_seen, v.last_seen],
          },
    );
  }
  for (const id of write.withdrawn) statements.push({ sql: WITHDRAW_ADS, params: [catalogId, id] });
  for (const d of write.drops) statements.push({ sql: COUNT_DROPS, params: [catalogId, d.day, d.type, d.count] });
  return { statements, eventStatements };
}
