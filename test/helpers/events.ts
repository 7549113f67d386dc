/**
 * Visitor events written straight into the signals tables, so insights tests do not depend on
 * the ingestion code: the rows look as 0005_signals_write_path.sql describes them (ISO times,
 * GA4 types, the products an event names in events.items). Per product and day counts are left
 * to the rollup (0006_event_rollup.sql), which every reader of them runs first.
 */
import { createHash, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';

export interface TestItem {
  id: string;
  quantity?: number;
  price_micros?: number;
}

export interface TestEvent {
  visitor: string;
  /** view_item, view_item_list, add_to_cart, remove_from_cart, begin_checkout, purchase, search */
  type: string;
  at: Date;
  items?: Array<string | TestItem>;
  search?: string;
  list?: string;
  order?: string;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** SHA-256 of the trimmed, lower-cased address (SPEC §3). */
export function emailHash(email: string): string {
  return sha256Hex(email.trim().toLowerCase());
}

export function daysBefore(now: Date, days: number, hours = 0): Date {
  return new Date(now.getTime() - days * 86_400_000 - hours * 3_600_000);
}

export function catalogId(db: Database.Database, slug = 'shop'): number {
  const row = db.prepare('SELECT id FROM catalogs WHERE slug = ?').get(slug) as { id: number } | undefined;
  if (!row) throw new Error(`no catalog ${slug}`);
  return row.id;
}

export function insertVisitor(
  db: Database.Database,
  catalog: number,
  v: { id: string; email?: string; consent?: boolean; at?: Date },
): void {
  const at = (v.at ?? new Date('2026-11-01T00:00:00Z')).toISOString();
  db.prepare(
    `INSERT INTO visitors (catalog_id, visitor_id, email_sha256, ad_consent, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (catalog_id, visitor_id) DO UPDATE SET email_sha256 = excluded.email_sha256, ad_consent = excluded.ad_consent`,
  ).run(catalog, v.id, v.email === undefined ? null : emailHash(v.email), v.consent === false ? 0 : 1, at, at);
}

export function insertEvents(db: Database.Database, catalog: number, events: readonly TestEvent[]): void {
  const event = db.prepare(
    `INSERT INTO events (catalog_id, event_id, visitor_id, type, occurred_at, received_at, items, order_id, search_query, list_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const e of events) {
      const at = e.at.toISOString();
      const items = (e.items ?? []).map((raw) => (typeof raw === 'string' ? { id: raw } : raw));
      const json = items.length ? JSON.stringify(items.map((it) => [it.id, it.quantity ?? 1, it.price_micros ?? null])) : null;
      event.run(catalog, randomUUID(), e.visitor, e.type, at, at, json, e.order ?? null, e.search ?? null, e.list ?? null);
    }
  })();
}

/** `n` events of one type for one product, spread one hour apart ending at `end`. */
export function repeated(visitor: string, type: string, product: string, n: number, end: Date): TestEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    visitor: `${visitor}-${i}`,
    type,
    at: new Date(end.getTime() - i * 3_600_000),
    items: [product],
  }));
}
