/**
 * migrations/0005_signals_write_path.sql on a database holding signals in the 0002 shape: every
 * event, product reference, count and visitor is carried over, and the SQL stays within what
 * `wrangler d1 migrations apply` runs (no PRAGMA, no transaction statements, no ATTACH).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMigrations, PROJECT_ROOT } from '../src/runtime/node-parts';
import { betterSqliteDriver, openSqlite } from '../src/store/drivers/better-sqlite3';
import { createSignalStore } from '../src/store/signals-sql';
import { createSqlStore } from '../src/store/sql-store';

let dir: string;
let db: Database.Database;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'adfeed-migration-'));
  db = openSqlite(join(dir, 'old.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const all = (sql: string) => db.prepare(sql).all();

/** Signals as the code before 0005 wrote them (one event_items row per product of an event). */
function seedOldShape() {
  db.prepare(
    `INSERT INTO catalogs (id, slug, title, link, currency, locale, timezone, consent_mode, created_at, updated_at)
     VALUES (1, 'shop', 'Shop', 'https://shop.example', 'EUR', 'en', 'UTC', 'opt-in', 'x', 'x')`,
  ).run();
  const event = db.prepare(
    `INSERT INTO events (catalog_id, event_id, visitor_id, type, occurred_at, received_at, order_id, value_micros, currency, search_query, list_id)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const item = db.prepare(
    `INSERT INTO event_items (catalog_id, event_id, product_id, type, visitor_id, occurred_at, quantity, price_micros) VALUES (1, ?, ?, ?, ?, ?, ?, ?)`,
  );
  event.run('e-purchase', 'visitor-0001', 'purchase', '2026-11-20T10:00:00.000Z', '2026-11-20T10:00:01.000Z', 'o-1', 59_970_000, 'EUR', null, null);
  item.run('e-purchase', 'SKU-2', 'purchase', 'visitor-0001', '2026-11-20T10:00:00.000Z', 2, 19_990_000);
  item.run('e-purchase', 'SKU-1', 'purchase', 'visitor-0001', '2026-11-20T10:00:00.000Z', 1, 19_990_000);
  event.run('e-view-1', 'visitor-0001', 'view_item', '2026-11-20T09:00:00.000Z', '2026-11-20T09:00:00.000Z', null, null, null, null, null);
  item.run('e-view-1', 'SKU-1', 'view_item', 'visitor-0001', '2026-11-20T09:00:00.000Z', null, null);
  event.run('e-view-2', 'visitor-0002', 'view_item', '2026-11-21T09:00:00.000Z', '2026-11-21T09:00:00.000Z', null, null, null, null, null);
  item.run('e-view-2', 'SKU-1', 'view_item', 'visitor-0002', '2026-11-21T09:00:00.000Z', 1, null);
  event.run('e-search', 'visitor-0002', 'search', '2026-11-21T09:05:00.000Z', '2026-11-21T09:05:00.000Z', null, null, null, 'red shoes', null);
  // an item whose event is gone (possible before: nothing tied them): not carried over
  item.run('e-lost', 'SKU-9', 'view_item', 'visitor-0003', '2026-11-21T09:00:00.000Z', null, null);
  db.prepare(
    `INSERT INTO visitors (catalog_id, visitor_id, email_sha256, ad_consent, first_seen, last_seen) VALUES
     (1, 'visitor-0001', '${'a'.repeat(64)}', 1, '2026-11-20T09:00:00.000Z', '2026-11-20T10:00:00.000Z'),
     (1, 'visitor-0002', NULL, 0, '2026-11-21T09:00:00.000Z', '2026-11-21T09:05:00.000Z'),
     (1, 'visitor-0003', '${'b'.repeat(64)}', 0, '2026-11-21T09:00:00.000Z', '2026-11-21T09:00:00.000Z')`,
  ).run();
}

describe('migration 0005: signals schema for write cost', () => {
  it('carries events, their products, per-day counts and visitors over', async () => {
    const store = createSqlStore(betterSqliteDriver(db));
    const migrations = loadMigrations();
    await store.migrate(migrations.filter((m) => m.name < '0005'));
    seedOldShape();
    const itemsBefore = all('SELECT * FROM event_items WHERE event_id <> \'e-lost\' ORDER BY event_id, product_id');
    const visitorsBefore = all('SELECT * FROM visitors ORDER BY visitor_id');

    expect(await store.migrate(migrations)).toEqual(['0005_signals_write_path.sql', '0006_event_rollup.sql', '0007_event_seq_autoincrement.sql', '0008_insights_in_chunks.sql']);
    expect(await store.migrate(migrations)).toEqual([]);

    // 0006: the rowid became an explicit seq, and every carried event counts as rolled up
    expect(all('SELECT seq, event_id FROM events ORDER BY seq')).toEqual([
      { seq: 1, event_id: 'e-purchase' },
      { seq: 2, event_id: 'e-view-1' },
      { seq: 3, event_id: 'e-view-2' },
      { seq: 4, event_id: 'e-search' },
    ]);
    expect(all('SELECT last_seq, rolled_up FROM event_rollup')).toEqual([{ last_seq: 4, rolled_up: 0 }]);
    // 0007: AUTOINCREMENT goes on from the carried rows (the rename took their sqlite_sequence row along)
    expect(all("SELECT name, seq FROM sqlite_sequence WHERE name <> 'd1_migrations'")).toEqual([{ name: 'events', seq: 4 }]);
    expect(all('SELECT event_id, items, order_id, search_query FROM events ORDER BY rowid')).toEqual([
      { event_id: 'e-purchase', items: '[["SKU-1",1,19990000],["SKU-2",2,19990000]]', order_id: 'o-1', search_query: null },
      { event_id: 'e-view-1', items: '[["SKU-1",null,null]]', order_id: null, search_query: null },
      { event_id: 'e-view-2', items: '[["SKU-1",1,null]]', order_id: null, search_query: null },
      { event_id: 'e-search', items: null, order_id: null, search_query: 'red shoes' },
    ]);
    // the view reads back exactly the rows the table held
    expect(all('SELECT * FROM event_items ORDER BY event_id, product_id')).toEqual(itemsBefore);
    expect(all('SELECT day, product_id, views, carts, purchases, other_events FROM product_event_days ORDER BY day, product_id')).toEqual([
      { day: '2026-11-20', product_id: 'SKU-1', views: 1, carts: 0, purchases: 1, other_events: 0 },
      { day: '2026-11-20', product_id: 'SKU-2', views: 0, carts: 0, purchases: 1, other_events: 0 },
      { day: '2026-11-21', product_id: 'SKU-1', views: 1, carts: 0, purchases: 0, other_events: 0 },
    ]);
    // a hash is kept only with ad consent (its one use is audience exports)
    expect(all('SELECT * FROM visitors ORDER BY visitor_id')).toEqual(
      visitorsBefore.map((v: any) => (v.ad_consent ? v : { ...v, email_sha256: null })),
    );
    expect(all('SELECT visitor_id FROM visitors WHERE email_sha256 IS NOT NULL')).toEqual([{ visitor_id: 'visitor-0001' }]);
    expect(all("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name IN ('events', 'visitors') AND sql IS NOT NULL ORDER BY name")).toEqual([
      { name: 'events_time' },
      { name: 'events_visitor' },
      { name: 'visitors_email' },
    ]);

    // the new write path works on the migrated tables: a retry of an old event stays one event
    const signals = createSignalStore(betterSqliteDriver(db));
    const at = '2026-11-22T10:00:00.000Z';
    const row = { visitor_id: 'visitor-0002', type: 'view_item' as const, occurred_at: at, items: [{ product_id: 'SKU-2', quantity: null, price_micros: null }], order_id: null, value_micros: null, currency: null, search_query: null, list_id: null };
    const result = await signals.recordEvents({
      catalogId: 1,
      receivedAt: at,
      events: [{ ...row, event_id: 'e-view-2' }, { ...row, event_id: 'e-new' }],
      visitors: [{ visitor_id: 'visitor-0002', email_sha256: null, keep_email: true, ad_consent: true, first_seen: at, last_seen: at }],
      withdrawn: [],
      drops: [],
    });
    expect(result).toEqual({ inserted: 1, duplicates: 1 });
    // the rollup adds the new event only: the carried ones were counted by the migration
    expect(await signals.rollUp()).toBe(1);
    expect(all("SELECT day, views FROM product_event_days WHERE product_id = 'SKU-2' ORDER BY day")).toEqual([
      { day: '2026-11-20', views: 0 },
      { day: '2026-11-22', views: 1 },
    ]);
    expect(await signals.eraseVisitor(1, 'visitor-0001')).toEqual({ events: 2, event_items: 3, visitors: 1 });
  });

  it('is plain SQL that wrangler d1 migrations apply runs as it is', () => {
    for (const name of ['0005_signals_write_path.sql', '0006_event_rollup.sql', '0007_event_seq_autoincrement.sql', '0008_insights_in_chunks.sql']) {
      const sql = readFileSync(join(PROJECT_ROOT, 'migrations', name), 'utf8')
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n')
        // a trigger's body is BEGIN … END; (wrangler's splitter keeps it whole), not a transaction
        .replace(/CREATE TRIGGER[\s\S]*?\nBEGIN\n[\s\S]*?\nEND;/g, '');
      expect(sql, name).not.toMatch(/\b(PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|ATTACH|DETACH|VACUUM)\b/i);
    }
  });
});

describe('migration 0007: event numbers never handed out twice', () => {
  it('rebuilds events with AUTOINCREMENT from a 0006 database whose newest events were erased, and counts what comes after', async () => {
    const store = createSqlStore(betterSqliteDriver(db));
    const migrations = loadMigrations();
    await store.migrate(migrations.filter((m) => m.name < '0007'));
    db.prepare(
      `INSERT INTO catalogs (id, slug, title, link, currency, locale, timezone, consent_mode, created_at, updated_at)
       VALUES (1, 'shop', 'Shop', 'https://shop.example', 'EUR', 'en', 'UTC', 'opt-in', 'x', 'x')`,
    ).run();
    // Three events, counted by a 0006 rollup (this build's rollup needs 0007's column).
    const at = '2026-11-22T10:00:00.000Z';
    const insert = db.prepare(
      `INSERT INTO events (catalog_id, event_id, visitor_id, type, occurred_at, received_at, items) VALUES (1, ?, ?, 'view_item', '${at}', '${at}', ?)`,
    );
    insert.run('a', 'visitor-0001', '[["SKU-1",null,null]]');
    insert.run('b', 'visitor-0001', '[["SKU-2",null,null]]');
    insert.run('c', 'visitor-0002', '[["SKU-3",null,null]]');
    db.prepare("INSERT INTO product_event_days (catalog_id, day, product_id, views) VALUES (1, '2026-11-22', 'SKU-1', 1), (1, '2026-11-22', 'SKU-2', 1), (1, '2026-11-22', 'SKU-3', 1)").run();
    db.prepare('UPDATE event_rollup SET last_seq = 3').run();
    // Under 0006 the trigger lowers the watermark from 3 to 2 when the newest event goes.
    db.prepare("DELETE FROM events WHERE event_id = 'c'").run();
    expect(all('SELECT last_seq FROM event_rollup')).toEqual([{ last_seq: 2 }]);

    expect(await store.migrate(migrations)).toEqual(['0007_event_seq_autoincrement.sql', '0008_insights_in_chunks.sql']);
    expect(all("SELECT name FROM sqlite_schema WHERE type = 'trigger'")).toEqual([]);
    expect(all('SELECT seq, event_id FROM events ORDER BY seq')).toEqual([
      { seq: 1, event_id: 'a' },
      { seq: 2, event_id: 'b' },
    ]);
    expect(all('SELECT last_seq, rolled_up FROM event_rollup')).toEqual([{ last_seq: 2, rolled_up: 0 }]);
    expect(all("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name")).toEqual([
      { name: 'events_time' },
      { name: 'events_visitor' },
    ]);
    // the view is back over the rebuilt table
    expect(all('SELECT event_id, product_id FROM event_items ORDER BY event_id')).toEqual([
      { event_id: 'a', product_id: 'SKU-1' },
      { event_id: 'b', product_id: 'SKU-2' },
    ]);

    // Erase the newest again: nothing lowers the watermark now, and nothing needs to.
    const signals = createSignalStore(betterSqliteDriver(db), { rollupEvery: null });
    const view = (event_id: string, visitor_id: string, product_id: string) => ({
      event_id,
      visitor_id,
      type: 'view_item' as const,
      occurred_at: at,
      items: [{ product_id, quantity: null, price_micros: null }],
      order_id: null,
      value_micros: null,
      currency: null,
      search_query: null,
      list_id: null,
    });
    expect(await signals.eraseVisitor(1, 'visitor-0001')).toMatchObject({ events: 2 });
    expect(all('SELECT last_seq FROM event_rollup')).toEqual([{ last_seq: 2 }]);
    await signals.recordEvents({ catalogId: 1, receivedAt: at, events: [view('d', 'visitor-0003', 'SKU-4')], visitors: [], withdrawn: [], drops: [] });
    expect(all('SELECT seq FROM events')).toEqual([{ seq: 3 }]);
    expect(await signals.rollUp()).toBe(1);
    expect(all('SELECT product_id, views FROM product_event_days ORDER BY product_id')).toEqual([
      { product_id: 'SKU-1', views: 1 },
      { product_id: 'SKU-2', views: 1 },
      { product_id: 'SKU-3', views: 1 },
      { product_id: 'SKU-4', views: 1 },
    ]);
  });
});
