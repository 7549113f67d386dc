/**
 * GET /admin/catalogs/:catalog/stats: per-day counts, top products, funnel, consent drops, id
 * reconciliation; the event figures, walked a range of visitors at a time, against the single
 * statements they replaced.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rng } from '../bench/random';
import { STATS_FUNNEL_ONE_STATEMENT, STATS_PER_DAY_ONE_STATEMENT, STATS_TOP_VIEWED_ONE_STATEMENT } from '../bench/reference-sql';
import { betterSqliteDriver } from '../src/store/drivers/better-sqlite3';
import { createSignalStore } from '../src/store/signals-sql';
import { signalStats } from '../src/store/signals-stats-sql';
import { csv, makeTestApp, row, type TestApp } from './helpers/app';
import { insertEvents } from './helpers/events';

let seq = 0;
const eid = () => `sts-${String(++seq).padStart(8, '0')}`;

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await t.putCatalog('shop');
  const { res } = await t.importText('shop', csv([1, 2, 3].map((i) => row(i))), { format: 'csv' });
  expect(res.status).toBe(201);
});
afterEach(() => t.close());

async function send(vid: string, events: Array<Record<string, unknown>>, consent: boolean | null = true) {
  const res = await t.app.request('/collect', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ catalog: 'shop', vid, consent: consent ?? undefined, events: events.map((e) => ({ event_id: eid(), ...e })) }),
  });
  expect(res.status).toBe(200);
}

async function stats(query = '') {
  const res = await t.admin(`/admin/catalogs/shop/stats${query}`);
  return { res, json: (await res.json()) as any };
}

describe('signal stats', () => {
  beforeEach(async () => {
    const yesterday = Date.parse('2026-11-22T10:00:00Z');
    // visitor-1: views SKU-0001 twice and an unknown id, carts, buys
    await send('visitor-1', [
      { type: 'view_item', id: 'SKU-0001', ts: yesterday },
      { type: 'view_item', id: 'SKU-0001' },
      { type: 'view_item', id: 'GHOST-1' },
      { type: 'add_to_cart', id: 'SKU-0001' },
      { type: 'purchase', items: [{ id: 'SKU-0001' }], transaction_id: 'o-1' },
    ]);
    // visitor-2: views and carts, no purchase; names a variant id the feed does not have
    await send('visitor-2', [
      { type: 'view_item', id: 'SKU-0002' },
      { type: 'view_item', id: 'SKU-0001' },
      { type: 'add_to_cart', id: 'SKU-0002-XL' },
    ]);
    // visitor-3: purchase without viewing (not in the strict funnel)
    await send('visitor-3', [{ type: 'purchase', items: [{ id: 'SKU-0003' }, { id: 'GHOST-1' }] }]);
    // dropped for lack of consent
    await send('visitor-4', [{ type: 'view_item', id: 'SKU-0001' }, { type: 'search', q: 'x' }], null);
    // outside a 1-day window
    await send('visitor-5', [{ type: 'view_item', id: 'SKU-0003', ts: Date.parse('2026-11-20T10:00:00Z') }]);
  });

  it('counts events per day and type, top products with titles, and the funnel', async () => {
    const { res, json } = await stats('?days=30');
    expect(res.status).toBe(200);
    expect(json.events_per_day).toEqual([
      { day: '2026-11-20', type: 'view_item', count: 1 },
      { day: '2026-11-22', type: 'view_item', count: 1 },
      { day: '2026-11-23', type: 'add_to_cart', count: 2 },
      { day: '2026-11-23', type: 'purchase', count: 2 },
      { day: '2026-11-23', type: 'view_item', count: 4 },
    ]);
    expect(json.top_viewed[0]).toEqual({ id: 'SKU-0001', title: 'Product 1', views: 3, visitors: 2 });
    expect(json.top_viewed).toContainEqual({ id: 'GHOST-1', title: null, views: 1, visitors: 1 });
    expect(json.funnel).toEqual({ viewed: 3, carted: 2, purchased: 1 });
    expect(json.consent_drops).toEqual([
      { day: '2026-11-23', type: 'search', count: 1 },
      { day: '2026-11-23', type: 'view_item', count: 1 },
    ]);
  });

  it('reconciles event product ids with the live catalog', async () => {
    const { json } = await stats('?days=30');
    // ids seen: SKU-0001, SKU-0002, SKU-0003, GHOST-1, SKU-0002-XL → 3 of 5 known
    // references: SKU-0001 ×5, SKU-0002, SKU-0003 ×2, GHOST-1 ×2, SKU-0002-XL → 8 of 11 known
    expect(json.reconciliation).toEqual({
      ids_seen: 5,
      ids_known: 3,
      references: 11,
      references_known: 8,
      id_share: 0.6,
      reference_share: 0.7273,
      unknown: [
        { id: 'GHOST-1', seen: 2 },
        { id: 'SKU-0002-XL', seen: 1 },
      ],
    });
  });

  it('honours the window and validates days', async () => {
    const { json } = await stats('?days=1');
    expect(json.events_per_day.map((d: { day: string }) => d.day)).not.toContain('2026-11-20');
    // yesterday's view of SKU-0001 and visitor-5's view are outside the last 24 hours
    expect(json.reconciliation).toMatchObject({ ids_seen: 5, references: 9 });
    expect(json.funnel).toEqual({ viewed: 2, carted: 2, purchased: 1 });
    expect((await stats('?days=0')).res.status).toBe(400);
    expect((await stats('?days=abc')).res.status).toBe(400);
    expect((await t.app.request('/admin/catalogs/shop/stats')).status).toBe(401);
    expect((await t.admin('/admin/catalogs/nope/stats')).status).toBe(404);
  });

  it('reports null shares before any event named a product', async () => {
    await t.putCatalog('empty');
    const res = await t.admin('/admin/catalogs/empty/stats');
    const json = (await res.json()) as any;
    expect(json.reconciliation).toMatchObject({ ids_seen: 0, id_share: null, reference_share: null, unknown: [] });
    expect(json.funnel).toEqual({ viewed: 0, carted: 0, purchased: 0 });
  });
});

describe('signal stats over ranges of visitors', () => {
  it('add up to what one statement over the whole window computes, in ranges of a few events or one pass', async () => {
    const shop = (t.db.prepare("SELECT id FROM catalogs WHERE slug = 'shop'").get() as { id: number }).id;
    const r = rng(5);
    const types = ['view_item', 'view_item', 'view_item', 'add_to_cart', 'purchase', 'search', 'view_item_list'];
    const now = Date.parse('2026-11-23T12:00:00Z');
    insertEvents(
      t.db,
      shop,
      Array.from({ length: 1500 }, () => ({
        visitor: `visitor-${String(Math.floor(r() * 120)).padStart(4, '0')}`,
        type: types[Math.floor(r() * types.length)]!,
        at: new Date(now - Math.floor(r() * 40 * 86_400_000)),
        items: [`SKU-000${1 + Math.floor(r() * r() * 6)}`],
      })),
    );
    const driver = betterSqliteDriver(t.db);
    await createSignalStore(driver, { rollupEvery: null }).rollUp();
    const since = '2026-10-25T00:00:00.000Z';
    const reference = {
      perDay: await driver.all(STATS_PER_DAY_ONE_STATEMENT, [shop, since]),
      top: await driver.all(STATS_TOP_VIEWED_ONE_STATEMENT, [shop, since, since.slice(0, 10), 5]),
      funnel: await driver.get(STATS_FUNNEL_ONE_STATEMENT, [shop, since]),
    };
    // Ranges of 7 events (the window holds more than a chunk), and one pass over the window.
    for (const chunk of [7, 100_000]) {
      const got = await signalStats(driver, shop, since, 5, chunk);
      expect(got.events_per_day, `chunk ${chunk}`).toEqual(reference.perDay);
      expect(got.top_viewed, `chunk ${chunk}`).toEqual(reference.top);
      expect(got.funnel, `chunk ${chunk}`).toEqual(reference.funnel);
    }
    const stats = await signalStats(driver, shop, since, 5, 7);
    expect(stats.funnel.purchased).toBeGreaterThan(0);
    expect(stats.top_viewed).toHaveLength(5);
  });
});
