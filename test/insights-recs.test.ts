import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHistory, searchWords } from '../src/insights/recommend';
import { csv, makeTestApp, row, type TestApp } from './helpers/app';
import { catalogId, daysBefore, insertEvents, insertVisitor, repeated, type TestEvent } from './helpers/events';

const NOW = new Date('2026-11-23T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

let t: TestApp;
let shop: number;

const PRODUCTS: Array<[id: string, title: string, type: string, extra?: Record<string, string>]> = [
  ['A', 'Trail Shoe', 'Shoes'],
  ['B', 'Road Shoe', 'Shoes'],
  ['C', 'Rain Jacket', 'Apparel > Coats'],
  ['D', 'Wool Hat', 'Apparel > Hats'],
  ['E', 'Silk Scarf', 'Apparel > Accessories'],
  ['F', 'Backpack', 'Bags'],
  ['G', 'Blue Ceramic Mug', 'Home > Kitchen'],
  ['H', 'Green Tea Pot', 'Home > Kitchen'],
  ['K', 'Blue Glass Mug', 'Home > Kitchen'],
  ['OOS', 'Old Lamp', 'Home', { availability: 'out of stock' }],
  ['SOCK-1', 'Hiking Sock', 'Shoes'],
  ['SOCK-2', 'Running Sock', 'Shoes'],
  ['TEE', 'Tee', 'Apparel > Shirts'],
  ['TEE-M', 'Tee M', 'Apparel > Shirts', { item_group_id: 'TEE', size: 'M' }],
  ['TEE-S', 'Tee S', 'Apparel > Shirts', { item_group_id: 'TEE', size: 'S' }],
  ['Z', 'Rain Cover', 'Bags'],
];

beforeEach(async () => {
  t = await makeTestApp({ now: NOW });
  await t.putCatalog('shop');
  const rows = PRODUCTS.map(([id, title, product_type, extra], i) => row(i + 1, { id, title, product_type, ...extra }));
  expect((await t.importText('shop', csv(rows), { format: 'csv' })).res.status).toBe(201);
  shop = catalogId(t.db);

  // Other shoppers: G sells best, then H; w1 bought F with Z; v9 viewed A and K.
  insertEvents(t.db, shop, [
    ...repeated('g', 'purchase', 'G', 3, daysBefore(NOW, 2)),
    ...repeated('h', 'purchase', 'H', 2, daysBefore(NOW, 2)),
    { visitor: 'w1', type: 'purchase', at: daysBefore(NOW, 3), items: ['F', 'Z'] },
    { visitor: 'v9', type: 'view_item', at: daysBefore(NOW, 1), items: ['A'] },
    { visitor: 'v9', type: 'view_item', at: daysBefore(NOW, 1, 1), items: ['K'] },
  ]);
});
afterEach(() => t.close());

/** visitor-1: viewed A, B, the out-of-stock lamp, C and a variant; left D in the cart; removed E; bought F. */
function seedShopper(consent = true) {
  insertVisitor(t.db, shop, { id: 'visitor-1', consent });
  const events: TestEvent[] = [
    { visitor: 'visitor-1', type: 'view_item', at: daysBefore(NOW, 4, 1), items: ['F'] },
    { visitor: 'visitor-1', type: 'add_to_cart', at: daysBefore(NOW, 4, 0.5), items: ['F'] },
    { visitor: 'visitor-1', type: 'purchase', at: daysBefore(NOW, 4), items: ['F'], order: 'o-1' },
    { visitor: 'visitor-1', type: 'view_item', at: hoursAgo(3.5), items: ['A'] },
    { visitor: 'visitor-1', type: 'view_item', at: hoursAgo(3), items: ['A'] },
    { visitor: 'visitor-1', type: 'view_item', at: hoursAgo(2.5), items: ['GONE'] },
    { visitor: 'visitor-1', type: 'view_item', at: hoursAgo(2), items: ['B'] },
    { visitor: 'visitor-1', type: 'view_item', at: hoursAgo(1.5), items: ['OOS'] },
    { visitor: 'visitor-1', type: 'view_item', at: hoursAgo(1), items: ['C'] },
    { visitor: 'visitor-1', type: 'add_to_cart', at: hoursAgo(0.8), items: ['D'] },
    { visitor: 'visitor-1', type: 'add_to_cart', at: hoursAgo(0.7), items: ['E'] },
    { visitor: 'visitor-1', type: 'remove_from_cart', at: hoursAgo(0.6), items: ['E'] },
    { visitor: 'visitor-1', type: 'view_item', at: hoursAgo(0.4), items: ['TEE-S'] },
    { visitor: 'visitor-1', type: 'view_item', at: hoursAgo(0.3), items: ['TEE'] },
  ];
  insertEvents(t.db, shop, events);
}

async function recs(path: string) {
  const res = await t.app.request(path);
  return { res, body: (await res.json()) as { items: Array<Record<string, unknown>> } & Record<string, unknown> };
}

const pairs = (items: Array<Record<string, unknown>>) => items.map((i) => `${String(i.id)}:${String(i.reason)}`);

/** A label refresh: it also recomputes the viewed/bought-together pairs recommendations read. */
async function refresh() {
  expect((await t.admin('/admin/catalogs/shop/labels/refresh', { method: 'POST' })).status).toBe(200);
}

describe('GET /recs/:catalog/:visitorId', () => {
  it('orders the abandoned cart first, then recently viewed newest first, then the other sources', async () => {
    seedShopper();
    await refresh();
    const { res, body } = await recs('/recs/shop/visitor-1?limit=24');
    expect(res.status).toBe(200);
    expect(pairs(body.items).slice(0, 10)).toEqual([
      'D:abandoned_cart',
      'TEE-S:recently_viewed',
      'C:recently_viewed',
      'B:recently_viewed',
      'A:recently_viewed',
      'SOCK-1:top_category', // Shoes: the category visitor-1 viewed most
      'SOCK-2:top_category',
      'Z:bought_together', // bought with F by another shopper
      'K:viewed_together', // viewed with A by another shopper
      'G:bestseller',
    ]);
  });

  it('reads viewed/bought together as of the last label refresh', async () => {
    seedShopper();
    const before = pairs((await recs('/recs/shop/visitor-1?limit=24')).body.items);
    expect(before.filter((p) => /together/.test(p))).toEqual([]);
    await refresh();
    const after = pairs((await recs('/recs/shop/visitor-1?limit=24')).body.items);
    expect(after).toContain('Z:bought_together');
    expect(after).toContain('K:viewed_together');
  });

  it('never recommends what the visitor bought, out-of-stock items or parents of variants', async () => {
    seedShopper();
    await refresh();
    const { body } = await recs('/recs/shop/visitor-1?limit=24');
    const ids = body.items.map((i) => i.id);
    expect(ids).not.toContain('F');
    expect(ids).not.toContain('OOS');
    expect(ids).not.toContain('TEE');
    expect(ids).not.toContain('GONE');
    expect(new Set(ids).size).toBe(ids.length);
    // E was removed from the cart: it may come back as a best seller, not as the abandoned cart
    expect(body.items.find((i) => i.id === 'E')?.reason).not.toBe('abandoned_cart');
  });

  it('answers with product data only', async () => {
    seedShopper();
    const { res, body } = await recs('/recs/shop/visitor-1');
    expect(body.items).toHaveLength(8);
    expect(Object.keys(body).sort()).toEqual(['catalog', 'items']);
    for (const item of body.items) {
      expect(Object.keys(item).sort()).toEqual(['id', 'image_link', 'link', 'price', 'reason', 'sale_price', 'title']);
    }
    expect(body.items[0]).toMatchObject({ id: 'D', title: 'Wool Hat', price: '14.00 EUR', sale_price: null });
    expect(JSON.stringify(body)).not.toMatch(/2026-|o-1|visitor-1/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toMatch(/private/);
  });

  it('gives an unknown visitor best sellers, in stock and no parents', async () => {
    const { res, body } = await recs('/recs/shop/someone-new?limit=24');
    expect(res.status).toBe(200);
    expect(body.items.every((i) => i.reason === 'bestseller')).toBe(true);
    expect(body.items.slice(0, 2).map((i) => i.id)).toEqual(['G', 'H']);
    const ids = body.items.map((i) => i.id);
    expect(ids).not.toContain('OOS');
    expect(ids).not.toContain('TEE');
    expect(ids).toHaveLength(PRODUCTS.length - 2);
  });

  it('does not personalise for a visitor without ad consent', async () => {
    seedShopper(false);
    const { body } = await recs('/recs/shop/visitor-1?limit=5');
    expect(body.items.every((i) => i.reason === 'bestseller')).toBe(true);
  });

  it('matches recent searches, best selling first once labels exist', async () => {
    insertVisitor(t.db, shop, { id: 'searcher-1' });
    insertEvents(t.db, shop, [{ visitor: 'searcher-1', type: 'search', at: hoursAgo(1), search: '  Blue MUG ' }]);
    await refresh();
    const { body } = await recs('/recs/shop/searcher-1?limit=3');
    expect(pairs(body.items)).toEqual(['G:search', 'K:search', 'H:bestseller']);
  });

  it('validates the visitor id, the limit and the catalog', async () => {
    expect((await t.app.request('/recs/shop/bad%20id-1')).status).toBe(400);
    expect((await t.app.request('/recs/shop/short')).status).toBe(400);
    expect((await t.app.request(`/recs/shop/${'x'.repeat(65)}`)).status).toBe(400);
    for (const limit of ['0', '25', 'abc', '2.5']) {
      expect((await t.app.request(`/recs/shop/visitor-1?limit=${limit}`)).status, limit).toBe(400);
    }
    expect((await t.app.request('/recs/nope/visitor-1')).status).toBe(404);
    const preflight = await t.app.request('/recs/shop/visitor-1', {
      method: 'OPTIONS',
      headers: { origin: 'https://mail.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET');
  });
});

describe('readHistory and searchWords', () => {
  it('treats a later purchase or removal as closing an add, per product', () => {
    const h = readHistory([
      { product_id: 'X', type: 'add_to_cart', occurred_at: '5' },
      { product_id: 'Y', type: 'purchase', occurred_at: '4' },
      { product_id: 'Y', type: 'add_to_cart', occurred_at: '3' },
      { product_id: 'Z', type: 'remove_from_cart', occurred_at: '2' },
      { product_id: 'Z', type: 'add_to_cart', occurred_at: '1' },
      { product_id: 'W', type: 'add_to_cart', occurred_at: '0' },
    ]);
    expect(h.abandoned).toEqual(['X', 'W']);
    expect([...h.purchased]).toEqual(['Y']);
  });

  it('splits a query into a few distinct words', () => {
    expect(searchWords('  Blue MUG, blue  a / set+of two handles ')).toEqual(['blue', 'mug', 'set', 'of']);
  });
});
