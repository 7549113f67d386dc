/**
 * The label refresh in chunks (src/store/labels-sql.ts) publishes, for every live product,
 * exactly what the single statement over the whole catalog that it replaced computed: the same
 * counts and labels, the bestseller share included where many products tie, however small the
 * chunks. Also: the set before stays for feeds still reading it, older ones and a dead build's
 * leftovers go, a refresh while another build holds the catalog answers the published set, and
 * housekeeping refreshes the stalest catalogs first, as many as it is allowed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runHousekeeping } from '../src/jobs/housekeeping';
import { LABEL_THRESHOLDS, LABELS } from '../src/insights/labels';
import { betterSqliteDriver } from '../src/store/drivers/better-sqlite3';
import { createInsightStore } from '../src/store/insights-sql';
import { rng } from '../bench/random';
import { LABELS_ONE_STATEMENT, labelsOneStatementParams } from '../bench/reference-sql';
import { csv, makeTestApp, row, type TestApp } from './helpers/app';
import { catalogId, daysBefore, insertEvents, type TestEvent } from './helpers/events';

const NOW = new Date('2026-11-23T12:00:00Z');
let t: TestApp;
let shop: number;

beforeEach(async () => {
  t = await makeTestApp({ now: NOW });
});
afterEach(() => t.close());

async function reference(thresholds = LABEL_THRESHOLDS) {
  const now = NOW.toISOString();
  await t.deps.signals.rollUp();
  return betterSqliteDriver(t.db).all(LABELS_ONE_STATEMENT, labelsOneStatementParams(shop, now, thresholds));
}

const published = () =>
  t.db
    .prepare(
      `SELECT product_id, views_7d, views_30d, carts_7d, carts_30d, purchases_7d, purchases_30d, labels FROM product_labels
       WHERE catalog_id = ? AND labels_version = (SELECT labels_version FROM catalogs WHERE id = ?) ORDER BY product_id`,
    )
    .all(shop, shop);
const versions = () =>
  (t.db.prepare('SELECT DISTINCT labels_version AS v FROM product_labels WHERE catalog_id = ? ORDER BY v').all(shop) as Array<{ v: number }>).map(
    (r) => r.v,
  );

/**
 * 80 products imported 40 days ago, a fifth of them repriced 5 days ago (half cheaper), one
 * delisted; seeded traffic over 35 days where many products sell exactly once, so the
 * bestseller share is decided by its tie-breaks.
 */
async function seed(seed: number) {
  t.setNow(daysBefore(NOW, 40));
  await t.putCatalog('shop');
  const r = rng(seed);
  const rows = Array.from({ length: 80 }, (_, i) => {
    const q = Math.floor(r() * 8);
    return row(i + 1, { quantity: q, price: '30.00 EUR', availability: q === 0 ? 'out of stock' : 'in stock' });
  });
  expect((await t.importText('shop', csv(rows), { format: 'csv' })).res.status).toBe(201);
  t.setNow(daysBefore(NOW, 5));
  for (let i = 0; i < 80; i += 5) rows[i] = { ...rows[i]!, price: i % 10 ? '35.00 EUR' : '20.00 EUR' };
  rows.splice(7, 1);
  expect((await t.importText('shop', csv(rows), { format: 'csv' })).res.status).toBe(201);
  t.setNow(NOW);
  shop = catalogId(t.db);
  const sku = () => `SKU-${String(1 + Math.floor(r() * r() * 85)).padStart(4, '0')}`;
  const events: TestEvent[] = [];
  for (let i = 0; i < 700; i++) {
    const pick = r();
    events.push({
      visitor: `visitor-${i % 90}`,
      type: pick < 0.8 ? 'view_item' : pick < 0.9 ? 'add_to_cart' : 'purchase',
      at: daysBefore(NOW, Math.floor(r() * 35), r() * 24),
      items: [sku()],
    });
  }
  // thirty products sold exactly once, all three weeks ago: ties on purchases, recent purchases and (mostly) views
  for (let i = 0; i < 30; i++) events.push({ visitor: `buyer-${i}`, type: 'purchase', at: daysBefore(NOW, 21), items: [`SKU-${String(i + 20).padStart(4, '0')}`] });
  // a rising product: a dozen views this week
  for (let i = 0; i < 12; i++) events.push({ visitor: `riser-${i}`, type: 'view_item', at: daysBefore(NOW, 1, i), items: ['SKU-0075'] });
  insertEvents(t.db, shop, events);
}

describe('label refresh in chunks', () => {
  it('publishes what one statement over the whole catalog computes, bestseller ties included, with chunks of a few products', async () => {
    await seed(11);
    const insights = createInsightStore(betterSqliteDriver(t.db), { labelChunks: { products: 3, deleteRows: 2 } });
    for (const thresholds of [LABEL_THRESHOLDS, { ...LABEL_THRESHOLDS, bestsellerTopPercent: 33 }, { ...LABEL_THRESHOLDS, bestsellerTopPercent: 0 }]) {
      const expected = await reference(thresholds);
      await insights.refreshLabels(shop, NOW.toISOString(), thresholds);
      expect(published()).toEqual(expected);
    }
    const labelled = (await reference()).map((r: any) => JSON.parse(r.labels) as string[]);
    // the data exercises every label, and the share is cut inside the tied products
    for (const label of LABELS) expect(labelled.some((l) => l.includes(label)), label).toBe(true);
    expect(labelled.filter((l) => l.includes('bestseller')).length).toBe(Math.ceil(79 * 0.1));
    // the set before the last refresh stays for feeds still reading it; the older one is gone
    expect(versions()).toEqual([2, 3]);
  });

  it('drops a dead build’s unpublished set, and answers the published set while another build holds the catalog', async () => {
    await seed(12);
    const insights = createInsightStore(betterSqliteDriver(t.db), { labelChunks: { products: 7, deleteRows: 5 } });
    await insights.refreshLabels(shop, NOW.toISOString(), LABEL_THRESHOLDS);
    const first = published();
    // A build holds the catalog: nothing is computed, the published set is the answer.
    t.db.prepare('UPDATE catalogs SET insights_lease = ?, insights_lease_until = ? WHERE id = ?').run('other', Date.now() + 60_000, shop);
    insertEvents(t.db, shop, [{ visitor: 'late', type: 'purchase', at: daysBefore(NOW, 0, 1), items: ['SKU-0001'] }]);
    const answered = await insights.refreshLabels(shop, NOW.toISOString(), LABEL_THRESHOLDS);
    expect(answered.labels_version).toBe(1);
    expect(published()).toEqual(first);
    // It died half-way through version 2; its lease runs out.
    t.db.prepare("INSERT INTO product_labels (catalog_id, labels_version, product_id, labels) VALUES (?, 2, 'SKU-0001', '[\"bestseller\"]')").run(shop);
    t.db.prepare('UPDATE catalogs SET insights_lease_until = ? WHERE id = ?').run(Date.now() - 1, shop);
    const expected = await reference();
    expect((await insights.refreshLabels(shop, NOW.toISOString(), LABEL_THRESHOLDS)).labels_version).toBe(2);
    expect(published()).toEqual(expected);
    expect(versions()).toEqual([1, 2]);
  });

  it('housekeeping refreshes at most the given number of stale catalogs, the stalest first', async () => {
    for (const slug of ['fresh', 'stale', 'staler', 'never']) await t.putCatalog(slug);
    const setRefreshed = (slug: string, at: string | null) =>
      t.db.prepare('UPDATE catalogs SET labels_refreshed_at = ? WHERE slug = ?').run(at, slug);
    setRefreshed('fresh', daysBefore(NOW, 0, 0.5).toISOString());
    setRefreshed('stale', daysBefore(NOW, 0, 2).toISOString());
    setRefreshed('staler', daysBefore(NOW, 0, 5).toISOString());
    const first = await runHousekeeping(t.deps, NOW, { maxLabelRefreshes: 2 });
    expect(first.labels_refreshed).toEqual(['never', 'staler']);
    const second = await runHousekeeping(t.deps, NOW, { maxLabelRefreshes: 2 });
    expect(second.labels_refreshed).toEqual(['stale']);
    expect((await runHousekeeping(t.deps, NOW)).labels_refreshed).toEqual([]);
  });
});
