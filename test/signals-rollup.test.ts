/**
 * Per-product day counts rolled up from stored events (src/store/event-rollup.ts,
 * migrations/0006_event_rollup.sql): exact in chunks, once per event however many rollups run,
 * never for erased events, right after the newest events were deleted and their numbers reused,
 * in the background once enough events were stored, and before reads.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventWrite, StoredEvent } from '../src/signals/port';
import { betterSqliteDriver } from '../src/store/drivers/better-sqlite3';
import { rollUpEvents } from '../src/store/event-rollup';
import { createSignalStore } from '../src/store/signals-sql';
import { makeTestApp, type TestApp } from './helpers/app';

let t: TestApp;
let shop: number;
beforeEach(async () => {
  t = await makeTestApp();
  shop = ((await t.putCatalog('shop')) as { id: number }).id;
});
afterEach(() => t.close());

const AT = '2026-11-23T11:00:00.000Z';
const event = (id: string, product: string, visitor = 'visitor-0001', type: StoredEvent['type'] = 'view_item'): StoredEvent => ({
  event_id: id,
  visitor_id: visitor,
  type,
  occurred_at: AT,
  items: [{ product_id: product, quantity: 1, price_micros: null }],
  order_id: null,
  value_micros: null,
  currency: null,
  search_query: null,
  list_id: null,
});
const write = (events: StoredEvent[]): EventWrite => ({
  catalogId: shop,
  receivedAt: AT,
  events,
  visitors: [...new Set(events.map((e) => e.visitor_id))].map((visitor_id) => ({
    visitor_id,
    email_sha256: null,
    keep_email: true,
    ad_consent: true,
    first_seen: AT,
    last_seen: AT,
  })),
  withdrawn: [],
  drops: [],
});
const views = () =>
  Object.fromEntries(
    (t.db.prepare('SELECT product_id, views FROM product_event_days ORDER BY product_id').all() as Array<{ product_id: string; views: number }>).map(
      (r) => [r.product_id, r.views],
    ),
  );
const watermark = () => (t.db.prepare('SELECT last_seq AS n FROM event_rollup').get() as { n: number }).n;

describe('event rollup', () => {
  it('counts exactly, in chunks far smaller than the backlog', async () => {
    const signals = createSignalStore(betterSqliteDriver(t.db), { rollupEvery: null, rollupChunk: 7 });
    for (let w = 0; w < 10; w++) {
      await signals.recordEvents(write(Array.from({ length: 13 }, (_, i) => event(`e-${w}-${i}`, `SKU-${i % 4}`))));
    }
    expect(views()).toEqual({});
    expect(await signals.rollUp()).toBe(130);
    expect(views()).toEqual({ 'SKU-0': 40, 'SKU-1': 30, 'SKU-2': 30, 'SKU-3': 30 });
    expect(await signals.rollUp()).toBe(0);
    expect(views()).toEqual({ 'SKU-0': 40, 'SKU-1': 30, 'SKU-2': 30, 'SKU-3': 30 });
  });

  it('counts each event once however many rollups run at the same time, from stores sharing the database', async () => {
    const a = createSignalStore(betterSqliteDriver(t.db), { rollupEvery: null });
    await a.recordEvents(write(Array.from({ length: 50 }, (_, i) => event(`c-${i}`, 'SKU-1'))));
    // The app's own store writes on its writer thread, a second connection to the same file.
    const runs = await Promise.all([
      a.rollUp(),
      t.deps.signals.rollUp(),
      rollUpEvents(betterSqliteDriver(t.db), 9),
      t.deps.signals.rollUp(),
    ]);
    // Each says how far the watermark moved while it ran, its neighbours' chunks included.
    for (const moved of runs) expect(moved).toBeLessThanOrEqual(50);
    expect(views()).toEqual({ 'SKU-1': 50 });
  });

  it('never counts events erased before their rollup', async () => {
    const signals = t.deps.signals;
    await signals.recordEvents(write([event('keep', 'SKU-1', 'visitor-0001'), event('gone', 'SKU-2', 'visitor-0002')]));
    await signals.eraseVisitor(shop, 'visitor-0002');
    await signals.rollUp();
    expect(views()).toEqual({ 'SKU-1': 1 });
  });

  it('counts events stored after the newest ones were erased, when their numbers come back', async () => {
    const signals = t.deps.signals;
    await signals.recordEvents(write([event('a', 'SKU-1', 'visitor-0001'), event('b', 'SKU-2', 'visitor-0002')]));
    await signals.rollUp();
    const before = watermark();
    // The newest event goes: SQLite gives its number to the next event stored.
    await signals.eraseVisitor(shop, 'visitor-0002');
    expect(watermark()).toBe(before - 1);
    await signals.recordEvents(write([event('c', 'SKU-3', 'visitor-0003')]));
    expect((t.db.prepare("SELECT seq FROM events WHERE event_id = 'c'").get() as { seq: number }).seq).toBe(before);
    await signals.rollUp();
    expect(views()).toEqual({ 'SKU-1': 1, 'SKU-2': 1, 'SKU-3': 1 });
  });

  it('leaves the watermark alone when a purge deletes old events', async () => {
    const signals = t.deps.signals;
    await signals.recordEvents(write([event('old', 'SKU-1')]));
    await signals.recordEvents(write([{ ...event('new', 'SKU-2'), occurred_at: '2026-11-23T11:30:00.000Z' }]));
    await signals.rollUp();
    const before = watermark();
    await signals.purgeBefore(shop, '2026-11-23T11:10:00.000Z');
    expect(watermark()).toBe(before);
  });

  it('rolls up in the background once enough events were stored', async () => {
    const signals = createSignalStore(betterSqliteDriver(t.db), { rollupEvery: 100 });
    await signals.recordEvents(write(Array.from({ length: 60 }, (_, i) => event(`g-${i}`, 'SKU-1'))));
    await signals.drain();
    expect(views()).toEqual({});
    await signals.recordEvents(write(Array.from({ length: 60 }, (_, i) => event(`h-${i}`, 'SKU-1'))));
    await signals.drain();
    expect(views()).toEqual({ 'SKU-1': 120 });
  });

  it('brings the counts up to date before stats, labels and best sellers read them', async () => {
    const res = await t.app.request('/collect', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        catalog: 'shop',
        vid: 'visitor-0001',
        consent: true,
        events: [
          { type: 'view_item', event_id: 'r-1', id: 'SKU-1', ts: Date.parse(AT) },
          { type: 'purchase', event_id: 'r-2', items: [{ id: 'SKU-2' }], order_id: 'o-1', value: 1, currency: 'EUR', ts: Date.parse(AT) },
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(views()).toEqual({});
    const stats = await t.admin('/admin/catalogs/shop/stats?days=7');
    expect(stats.status).toBe(200);
    expect((await stats.json()).top_viewed).toEqual([expect.objectContaining({ id: 'SKU-1', views: 1 })]);
    expect(views()).toEqual({ 'SKU-1': 1, 'SKU-2': 0 });
    // A second batch, then the insight store's readers (no label set yet: best sellers from the counts).
    await t.deps.signals.recordEvents(write([event('r-3', 'SKU-3', 'visitor-0001', 'purchase')]));
    expect(await t.deps.insights.bestSellers(shop, 0, '2026-11-01T00:00:00.000Z', 5)).toEqual([]);
    expect((t.db.prepare("SELECT purchases FROM product_event_days WHERE product_id = 'SKU-3'").get() as { purchases: number }).purchases).toBe(1);
  });
});
