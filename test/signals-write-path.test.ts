/**
 * The ingest write path (src/store/event-writes.ts) within D1's limits and with its dedup rules:
 * at most 100 bound parameters a statement, no transaction statements, a batch of 50 events in
 * under a dozen statements, and a repeated event id counted once, inside one write or across
 * writes. Then the rollup of stored events into per-product day counts (src/store/event-rollup.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventWrite, StoredEvent } from '../src/signals/port';
import { betterSqliteDriver } from '../src/store/drivers/better-sqlite3';
import { createSignalStore } from '../src/store/signals-sql';
import type { SqlDriver, SqlStatement } from '../src/store/sql';
import { makeTestApp, type TestApp } from './helpers/app';

let t: TestApp;
let shop: number;
let seen: SqlStatement[];
let signals: ReturnType<typeof createSignalStore>;

/** The real driver, with every batched statement noted. */
function recording(driver: SqlDriver): SqlDriver {
  return {
    ...driver,
    batch: (statements) => {
      seen.push(...statements);
      return driver.batch(statements);
    },
  };
}

beforeEach(async () => {
  t = await makeTestApp();
  shop = ((await t.putCatalog('shop')) as { id: number }).id;
  seen = [];
  signals = createSignalStore(recording(betterSqliteDriver(t.db)));
});
afterEach(() => t.close());

const AT = '2026-11-23T11:00:00.000Z';
const event = (id: string, products: string[], extra: Partial<StoredEvent> = {}): StoredEvent => ({
  event_id: id,
  visitor_id: 'visitor-0001',
  type: 'view_item',
  occurred_at: AT,
  items: products.map((p) => ({ product_id: p, quantity: 1, price_micros: 1_000_000 })),
  order_id: null,
  value_micros: null,
  currency: null,
  search_query: null,
  list_id: null,
  ...extra,
});
const write = (events: StoredEvent[]): EventWrite => ({
  catalogId: shop,
  receivedAt: AT,
  events,
  visitors: [{ visitor_id: 'visitor-0001', email_sha256: null, keep_email: true, ad_consent: true, first_seen: AT, last_seen: AT }],
  withdrawn: [],
  drops: [{ day: AT.slice(0, 10), type: 'view_item', count: 1 }],
});
const all = (sql: string) => t.db.prepare(sql).all();

describe('ingest write path', () => {
  it('binds at most 100 parameters per statement and opens no transaction itself, at the largest request', async () => {
    const big = Array.from({ length: 100 }, (_, i) =>
      event(`big-${i}`, Array.from({ length: 50 }, (_, j) => `SKU-${i}-${j}`), { type: 'purchase', order_id: `o-${i}`, value_micros: 5 }),
    );
    expect(await signals.recordEvents(write(big))).toEqual({ inserted: 100, duplicates: 0 });
    await signals.eraseByEmail(shop, 'a'.repeat(64));
    await signals.eraseVisitor(shop, 'visitor-0001');
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) {
      expect(s.params?.length ?? 0, s.sql.slice(0, 80)).toBeLessThanOrEqual(100);
      expect(s.sql).not.toMatch(/\b(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|PRAGMA)\b/i);
    }
  });

  it('writes a beacon of 50 events in a dozen statements, not one or two per event', async () => {
    const beacon = Array.from({ length: 50 }, (_, i) => event(`b-${i}`, [`SKU-${i}`]));
    await signals.recordEvents(write(beacon));
    // 7 event inserts (8 rows each), the visitor, the drops; the day counts come later, set-based
    expect(seen).toHaveLength(9);
    expect(all('SELECT count(*) AS n FROM event_items')).toEqual([{ n: 50 }]);
  });

  it('keeps an event id sent twice in one write once, and counts its products once', async () => {
    const result = await signals.recordEvents(write([event('twice', ['A']), event('twice', ['A', 'B']), event('once', ['A'])]));
    expect(result).toEqual({ inserted: 2, duplicates: 1 });
    await signals.rollUp();
    expect(all('SELECT event_id, product_id FROM event_items ORDER BY event_id, product_id')).toEqual([
      { event_id: 'once', product_id: 'A' },
      { event_id: 'twice', product_id: 'A' },
    ]);
    expect(all('SELECT product_id, views FROM product_event_days ORDER BY product_id')).toEqual([{ product_id: 'A', views: 2 }]);
  });

  it('lets a retried event add nothing, not even products it did not name the first time', async () => {
    await signals.recordEvents(write([event('retry', ['A'])]));
    const again = await signals.recordEvents(write([event('retry', ['A', 'B'], { occurred_at: '2026-11-23T11:00:05.000Z' })]));
    expect(again).toEqual({ inserted: 0, duplicates: 1 });
    await signals.rollUp();
    expect(all('SELECT product_id FROM event_items')).toEqual([{ product_id: 'A' }]);
    expect(all('SELECT product_id, views FROM product_event_days')).toEqual([{ product_id: 'A', views: 1 }]);
  });

  it('counts each product per UTC day of the event, by type', async () => {
    await signals.recordEvents(
      write([
        event('d1', ['A'], { occurred_at: '2026-11-22T23:59:59.999Z' }),
        event('d2', ['A'], { occurred_at: '2026-11-23T00:00:00.000Z', type: 'add_to_cart' }),
        event('d3', ['A', 'B'], { type: 'purchase' }),
        event('d4', ['B'], { type: 'remove_from_cart' }),
      ]),
    );
    await signals.rollUp();
    expect(all('SELECT day, product_id, views, carts, purchases, other_events FROM product_event_days ORDER BY day, product_id')).toEqual([
      { day: '2026-11-22', product_id: 'A', views: 1, carts: 0, purchases: 0, other_events: 0 },
      { day: '2026-11-23', product_id: 'A', views: 0, carts: 1, purchases: 1, other_events: 0 },
      { day: '2026-11-23', product_id: 'B', views: 0, carts: 0, purchases: 1, other_events: 1 },
    ]);
  });
});
