/**
 * Per-product day counts rolled up from stored events (src/store/event-rollup.ts,
 * migrations/0006_event_rollup.sql, 0007_event_seq_autoincrement.sql): exact in chunks, once per
 * event however many rollups run, never for erased events, right after the newest events or all of them were deleted,
 * in the background once enough events were stored (a failure there only logged), before reads,
 * and before a retention purge.
 */
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../src/app';
import { runHousekeeping } from '../src/jobs/housekeeping';
import type { EventWrite, StoredEvent } from '../src/signals/port';
import { betterSqliteDriver, openSqlite } from '../src/store/drivers/better-sqlite3';
import { rollUpEvents } from '../src/store/event-rollup';
import { createSignalStore } from '../src/store/signals-sql';
import type { SqlDriver } from '../src/store/sql';
import { csv, makeTestApp, row, type TestApp } from './helpers/app';

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
const seqOf = (id: string) => (t.db.prepare('SELECT seq FROM events WHERE event_id = ?').get(id) as { seq: number }).seq;

describe('event rollup', () => {
  it('counts exactly, in chunks far smaller than the backlog', async () => {
    const signals = createSignalStore(betterSqliteDriver(t.db), { rollupEvery: null, rollupChunk: 7 });
    for (let w = 0; w < 10; w++) {
      // Each write retries an event of the one before: a number spent on nothing, a gap in seq.
      const retry = w ? [event(`e-${w - 1}-0`, 'SKU-0')] : [];
      await signals.recordEvents(write([...retry, ...Array.from({ length: 13 }, (_, i) => event(`e-${w}-${i}`, `SKU-${i % 4}`))]));
    }
    expect(views()).toEqual({});
    expect(await signals.rollUp()).toBe(130);
    expect(views()).toEqual({ 'SKU-0': 40, 'SKU-1': 30, 'SKU-2': 30, 'SKU-3': 30 });
    expect(await signals.rollUp()).toBe(0);
    expect(views()).toEqual({ 'SKU-0': 40, 'SKU-1': 30, 'SKU-2': 30, 'SKU-3': 30 });
  });

  it('counts each event once however many rollups take turns, from stores and connections sharing the database', async () => {
    const a = createSignalStore(betterSqliteDriver(t.db), { rollupEvery: null, rollupChunk: 4 });
    await a.recordEvents(write(Array.from({ length: 50 }, (_, i) => event(`c-${i}`, 'SKU-1'))));
    const other = openSqlite(t.file);
    try {
      // Their chunks interleave at each await.
      const runs = await Promise.all([
        a.rollUp(),
        t.deps.signals.rollUp(),
        rollUpEvents(betterSqliteDriver(other), 9),
        rollUpEvents(betterSqliteDriver(t.db), 5),
      ]);
      // Each says how far the watermark moved while it ran, its neighbours' chunks included.
      for (const moved of runs) expect(moved).toBeLessThanOrEqual(50);
    } finally {
      other.close();
    }
    expect(views()).toEqual({ 'SKU-1': 50 });
  });

  it('counts each event once when rollups run in parallel on threads of their own', async () => {
    const signals = createSignalStore(betterSqliteDriver(t.db), { rollupEvery: null });
    for (let w = 0; w < 40; w++) {
      await signals.recordEvents(write(Array.from({ length: 50 }, (_, i) => event(`p-${w}-${i}`, `SKU-${i % 5}`))));
    }
    const threads = [7, 20, 33].map(
      (chunk) =>
        new Worker(new URL('./helpers/ts-thread.mjs', import.meta.url), {
          workerData: { module: new URL('./helpers/rollup-thread.ts', import.meta.url).href, file: t.file, chunk },
        }),
    );
    try {
      const next = (w: Worker) =>
        new Promise<unknown>((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
        });
      await Promise.all(threads.map(next));
      // All connected before any starts, so their transactions really contend for the file.
      const done = threads.map(next);
      for (const w of threads) w.postMessage('go');
      for (const answer of await Promise.all(done)) expect(answer).toEqual({ moved: expect.any(Number) });
    } finally {
      await Promise.all(threads.map((w) => w.terminate()));
    }
    expect(views()).toEqual({ 'SKU-0': 400, 'SKU-1': 400, 'SKU-2': 400, 'SKU-3': 400, 'SKU-4': 400 });
    expect(watermark()).toBe((t.db.prepare('SELECT max(seq) AS n FROM events').get() as { n: number }).n);
  });

  it('counts a duplicate and a retried event once, in stats and labels alike', async () => {
    expect((await t.importText('shop', csv([row(1), row(2)]), { format: 'csv' })).res.status).toBe(201);
    const collect = (events: unknown[]) =>
      t.app.request('/collect', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ catalog: 'shop', vid: 'visitor-0001', consent: true, events }),
      });
    const view = (id: string, sku: string) => ({ type: 'view_item', event_id: id, id: sku, ts: Date.parse(AT) });
    expect(await (await collect([view('d-1', 'SKU-0001'), view('d-1', 'SKU-0001'), view('d-2', 'SKU-0002')])).json()).toMatchObject({
      accepted: 2,
      duplicates: 1,
    });
    // The retry names another product: it was stored once already, so it adds nothing anywhere.
    expect(await (await collect([view('d-1', 'SKU-0002')])).json()).toMatchObject({ accepted: 0, duplicates: 1 });
    const stats = await (await t.admin('/admin/catalogs/shop/stats?days=7')).json();
    expect(stats.top_viewed).toEqual([
      expect.objectContaining({ id: 'SKU-0001', views: 1 }),
      expect.objectContaining({ id: 'SKU-0002', views: 1 }),
    ]);
    expect((await t.admin('/admin/catalogs/shop/labels/refresh', { method: 'POST' })).status).toBe(200);
    expect(t.db.prepare('SELECT product_id, views_7d FROM product_labels ORDER BY product_id').all()).toEqual([
      { product_id: 'SKU-0001', views_7d: 1 },
      { product_id: 'SKU-0002', views_7d: 1 },
    ]);
  });

  it('never counts events erased before their rollup', async () => {
    const signals = t.deps.signals;
    await signals.recordEvents(write([event('keep', 'SKU-1', 'visitor-0001'), event('gone', 'SKU-2', 'visitor-0002')]));
    await signals.eraseVisitor(shop, 'visitor-0002');
    await signals.rollUp();
    expect(views()).toEqual({ 'SKU-1': 1 });
  });

  it('counts events stored after the newest ones were erased: their numbers are not handed out again', async () => {
    const signals = t.deps.signals;
    await signals.recordEvents(write([event('a', 'SKU-1', 'visitor-0001'), event('b', 'SKU-2', 'visitor-0002')]));
    await signals.rollUp();
    const before = watermark();
    // The newest event goes: a plain rowid would give its number, the watermark, to the next event.
    expect(await signals.eraseVisitor(shop, 'visitor-0002')).toMatchObject({ events: 1 });
    await signals.recordEvents(write([event('c', 'SKU-3', 'visitor-0003')]));
    expect(seqOf('c')).toBeGreaterThan(before);
    await signals.rollUp();
    expect(views()).toEqual({ 'SKU-1': 1, 'SKU-2': 1, 'SKU-3': 1 });
  });

  it('counts events stored after a purge deleted every event', async () => {
    const signals = t.deps.signals;
    await signals.recordEvents(write([event('old-1', 'SKU-1'), event('old-2', 'SKU-2')]));
    // The purge rolls up first, then deletes both: a plain rowid would start again at 1.
    expect(await signals.purgeBefore(shop, '2026-11-23T11:10:00.000Z')).toMatchObject({ events: 2 });
    await signals.recordEvents(write([{ ...event('new', 'SKU-3'), occurred_at: '2026-11-23T11:30:00.000Z' }]));
    await signals.rollUp();
    expect(views()).toEqual({ 'SKU-1': 1, 'SKU-2': 1, 'SKU-3': 1 });
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

  it('logs a background rollup that failed, and answers the request that set it off as usual', async () => {
    const driver = betterSqliteDriver(t.db);
    const broken: SqlDriver = {
      ...driver,
      batch: (statements) =>
        statements.some((s) => s.sql.includes('event_rollup')) ? Promise.reject(new Error('disk I/O error')) : driver.batch(statements),
    };
    const signals = createSignalStore(broken, { rollupEvery: 1 });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const app = createApp({ ...t.deps, signals });
      const res = await app.request('/collect', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ catalog: 'shop', vid: 'visitor-0001', consent: true, events: [{ type: 'view_item', event_id: 'f-1', id: 'SKU-1' }] }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ accepted: 1 });
      await signals.drain();
      expect(logged).toHaveBeenCalledWith('event rollup failed', expect.objectContaining({ message: 'disk I/O error' }));
    } finally {
      logged.mockRestore();
    }
    // Nothing was lost: the next rollup that works counts the event.
    expect(views()).toEqual({});
    await t.deps.signals.rollUp();
    expect(views()).toEqual({ 'SKU-1': 1 });
  });

  it('rolls up before the retention purge: a day partly kept counts its purged events, a purged day stays purged', async () => {
    await t.putCatalog('shop', { retention_days: 1 });
    const at = (id: string, product: string, occurred_at: string) => ({ ...event(id, product), occurred_at });
    await t.deps.signals.recordEvents(
      write([
        at('gone-day', 'SKU-1', '2026-11-21T10:00:00.000Z'),
        at('gone-event', 'SKU-2', '2026-11-22T09:00:00.000Z'),
        at('kept', 'SKU-3', '2026-11-22T15:00:00.000Z'),
      ]),
    );
    const report = await runHousekeeping(t.deps, new Date('2026-11-23T12:00:00.000Z'));
    expect(report.errors).toEqual([]);
    expect(report.rolled_up).toBe(3);
    expect(report.purged).toEqual([expect.objectContaining({ before: '2026-11-22T12:00:00.000Z', events: 2 })]);
    const days = () => t.db.prepare('SELECT day, product_id, views FROM product_event_days ORDER BY day, product_id').all();
    // Whole days only: 2026-11-22 is partly inside retention, so it keeps the count of its purged event.
    expect(days()).toEqual([
      { day: '2026-11-22', product_id: 'SKU-2', views: 1 },
      { day: '2026-11-22', product_id: 'SKU-3', views: 1 },
    ]);
    expect(await t.deps.signals.rollUp()).toBe(0);
    expect(days()).toHaveLength(2);
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
