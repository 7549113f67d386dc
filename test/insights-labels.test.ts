import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedDefinitionError, parseDefinitions, type FeedDefinition } from '../src/feeds/definition';
import { DiagnosticsCollector } from '../src/feeds/diagnostics';
import { generateFeed } from '../src/feeds/generate';
import type { ProductPerformance } from '../src/store/port';
import { csv, makeTestApp, row, type TestApp } from './helpers/app';
import { catalogId, daysBefore, insertEvents, repeated, type TestEvent } from './helpers/events';
import { collect, makeCatalog, makeProduct, pagesOf } from './helpers/products';

const NOW = new Date('2026-11-23T12:00:00Z');
const parser = new XMLParser({ parseTagValue: false, isArray: (name) => name === 'item' });

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ now: NOW });
});
afterEach(() => t.close());

/** Ten products imported 40 days ago; five days ago one got cheaper, one dearer, one was added. */
async function seedCatalog() {
  t.setNow(daysBefore(NOW, 40));
  await t.putCatalog('shop');
  const quantities = [2, 20, 20, 20, 20, 20, 20, 3, 50, 0];
  const rows = quantities.map((q, i) =>
    row(i + 1, { quantity: q, price: '30.00 EUR', availability: q === 0 ? 'out of stock' : 'in stock' }),
  );
  expect((await t.importText('shop', csv(rows), { format: 'csv' })).res.status).toBe(201);

  t.setNow(daysBefore(NOW, 5));
  rows[5] = { ...rows[5]!, price: '20.00 EUR' }; // SKU-0006 cheaper
  rows[6] = { ...rows[6]!, price: '35.00 EUR' }; // SKU-0007 dearer
  rows.push(row(11, { quantity: 20 })); // SKU-0011 new
  expect((await t.importText('shop', csv(rows), { format: 'csv' })).res.status).toBe(201);
  t.setNow(NOW);
}

function seedEvents() {
  const at = (days: number, hours = 0) => daysBefore(NOW, days, hours);
  const events: TestEvent[] = [
    // tracking has run for more than 30 days; this view is outside every window
    { visitor: 'old', type: 'view_item', at: at(35), items: ['SKU-0001'] },
    // SKU-0001: 3 purchases, 2 views, 1 cart, quantity 2 → bestseller + low_stock
    ...repeated('b1', 'purchase', 'SKU-0001', 1, at(2)),
    ...repeated('b2', 'purchase', 'SKU-0001', 1, at(10)),
    ...repeated('b3', 'purchase', 'SKU-0001', 1, at(20)),
    ...repeated('v1', 'view_item', 'SKU-0001', 2, at(1)),
    { visitor: 'c1', type: 'add_to_cart', at: at(2), items: ['SKU-0001'] },
    // SKU-0002: 2 purchases → rank 2 of 11 live products, inside the top 10 % (ceil(1.1) = 2)
    ...repeated('b4', 'purchase', 'SKU-0002', 2, at(3)),
    ...repeated('v2', 'view_item', 'SKU-0002', 1, at(3)),
    // SKU-0003: 12 views this week, 2 earlier → trending
    ...repeated('v3', 'view_item', 'SKU-0003', 12, at(1)),
    ...repeated('v3old', 'view_item', 'SKU-0003', 2, at(20)),
    // SKU-0004: 1 purchase (rank 3: not a bestseller), only 3 views this week (under the minimum)
    ...repeated('b5', 'purchase', 'SKU-0004', 1, at(4)),
    ...repeated('v4', 'view_item', 'SKU-0004', 3, at(1)),
    ...repeated('v4old', 'view_item', 'SKU-0004', 10, at(15)),
    // SKU-0005: 12 views this week but 40 before: a busy product, not a rising one
    ...repeated('v5', 'view_item', 'SKU-0005', 12, at(1)),
    ...repeated('v5old', 'view_item', 'SKU-0005', 40, at(14)),
    // one view each for 6, 7, 8 so only their price / stock labels show
    ...repeated('v6', 'view_item', 'SKU-0006', 1, at(1)),
    ...repeated('v7', 'view_item', 'SKU-0007', 1, at(1)),
    ...repeated('v8', 'view_item', 'SKU-0008', 1, at(1)),
    // an event of a product not in the catalog is ignored
    ...repeated('x', 'view_item', 'GONE', 3, at(1)),
  ];
  insertEvents(t.db, catalogId(t.db), events);
}

function storedLabels(version?: number): Record<string, { labels: string[] } & Record<string, unknown>> {
  const v = version ?? (t.db.prepare('SELECT labels_version AS v FROM catalogs WHERE slug = ?').get('shop') as { v: number }).v;
  const rows = t.db
    .prepare('SELECT * FROM product_labels WHERE labels_version = ? ORDER BY product_id')
    .all(v) as Array<Record<string, unknown> & { product_id: string; labels: string }>;
  return Object.fromEntries(rows.map((r) => [r.product_id, { ...r, labels: JSON.parse(r.labels) as string[] }]));
}

async function refresh() {
  const res = await t.admin('/admin/catalogs/shop/labels/refresh', { method: 'POST' });
  expect(res.status).toBe(200);
  return (await res.json()) as { labels_version: number; products: number; labelled: Record<string, number> };
}

describe('label refresh', () => {
  it('computes counts and every label from the event history, price history and stock', async () => {
    await seedCatalog();
    seedEvents();
    const summary = await refresh();
    expect(summary.labels_version).toBe(1);
    expect(summary.products).toBe(11);
    expect(summary.labelled).toEqual({ bestseller: 2, trending: 1, price_drop: 1, low_stock: 2, no_views_30d: 2 });

    const labels = storedLabels();
    expect(Object.fromEntries(Object.entries(labels).map(([id, r]) => [id, r.labels]))).toEqual({
      'SKU-0001': ['bestseller', 'low_stock'],
      'SKU-0002': ['bestseller'],
      'SKU-0003': ['trending'],
      'SKU-0004': [],
      'SKU-0005': [],
      'SKU-0006': ['price_drop'],
      'SKU-0007': [],
      'SKU-0008': ['low_stock'],
      'SKU-0009': ['no_views_30d'],
      'SKU-0010': ['no_views_30d'],
      'SKU-0011': [], // added five days ago: too new to say "no views in 30 days"
    });
    expect(labels['SKU-0001']).toMatchObject({
      views_7d: 2,
      views_30d: 2,
      carts_7d: 1,
      carts_30d: 1,
      purchases_7d: 1,
      purchases_30d: 3,
    });
    expect(labels['SKU-0003']).toMatchObject({ views_7d: 12, views_30d: 14 });
    expect(labels.GONE).toBeUndefined();
  });

  it('says nothing about missing views before events have been collected for 30 days', async () => {
    await seedCatalog();
    insertEvents(t.db, catalogId(t.db), repeated('v', 'view_item', 'SKU-0001', 1, daysBefore(NOW, 1)));
    await refresh();
    const labels = storedLabels();
    expect(Object.values(labels).some((r) => r.labels.includes('no_views_30d'))).toBe(false);
  });

  it('publishes each refresh as a new set and keeps only the previous one besides', async () => {
    await seedCatalog();
    seedEvents();
    for (let i = 1; i <= 3; i++) expect((await refresh()).labels_version).toBe(i);
    const versions = t.db.prepare('SELECT DISTINCT labels_version AS v FROM product_labels ORDER BY v').all();
    expect(versions).toEqual([{ v: 2 }, { v: 3 }]);
    const catalog = (await (await t.admin('/admin/catalogs/shop')).json()) as Record<string, unknown>;
    expect(catalog).toMatchObject({ labels_version: 3, labels_refreshed_at: NOW.toISOString() });
  });
});

describe('labels in feeds', () => {
  it('sets custom_label_0 in the Google feed from the labels, in priority order', async () => {
    await seedCatalog();
    seedEvents();
    const before = parser.parse(await (await t.app.request('/feeds/shop/google.xml')).text());
    expect(before.rss.channel.item.some((i: Record<string, unknown>) => 'g:custom_label_0' in i)).toBe(false);

    await refresh();
    const doc = parser.parse(await (await t.app.request('/feeds/shop/google.xml')).text());
    const byId = Object.fromEntries(
      (doc.rss.channel.item as Array<Record<string, string>>).map((i) => [i['g:id'], i['g:custom_label_0']]),
    );
    expect(byId).toEqual({
      'SKU-0001': 'bestseller', // bestseller outranks low_stock
      'SKU-0002': 'bestseller',
      'SKU-0003': 'trending',
      'SKU-0004': undefined,
      'SKU-0005': undefined,
      'SKU-0006': 'price_drop',
      'SKU-0007': undefined,
      'SKU-0008': 'low_stock',
      'SKU-0009': 'no_views_30d',
      'SKU-0010': 'no_views_30d',
      'SKU-0011': undefined,
    });

    const meta = parseCsv(await (await t.app.request('/feeds/shop/meta.csv')).text(), { columns: true }) as Array<
      Record<string, string>
    >;
    expect(meta.find((r) => r.id === 'SKU-0003')?.custom_label_0).toBe('trending');
  });

  it('changes the feed ETag (and Last-Modified) when labels are refreshed', async () => {
    await seedCatalog();
    seedEvents();
    const first = await t.app.request('/feeds/shop/google.xml');
    const etag = first.headers.get('etag')!;
    await first.text();
    expect(first.headers.get('x-labels-version')).toBe('0');
    expect((await t.app.request('/feeds/shop/google.xml', { headers: { 'if-none-match': etag } })).status).toBe(304);

    t.setNow(new Date(NOW.getTime() + 3_600_000));
    await refresh();
    const after = await t.app.request('/feeds/shop/google.xml', { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('x-labels-version')).toBe('1');
    const etag2 = after.headers.get('etag')!;
    expect(etag2).not.toBe(etag);
    expect(await after.text()).toContain('<g:custom_label_0>bestseller</g:custom_label_0>');
    expect(Date.parse(after.headers.get('last-modified')!)).toBe(NOW.getTime() + 3_600_000);
    expect((await t.app.request('/feeds/shop/google.xml', { headers: { 'if-none-match': etag2 } })).status).toBe(304);
  });

  it('labels and counts show in diagnostics runs too', async () => {
    await seedCatalog();
    seedEvents();
    await refresh();
    const res = await t.admin('/admin/catalogs/shop/feeds/google/diagnostics');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { emitted: number }).emitted).toBe(11);
  });
});

describe('feed definitions and performance', () => {
  const perf = (p: Partial<ProductPerformance>): ProductPerformance => ({
    labels: [],
    views_7d: 0,
    views_30d: 0,
    carts_7d: 0,
    carts_30d: 0,
    purchases_7d: 0,
    purchases_30d: 0,
    ...p,
  });
  const define = (json: Record<string, unknown>): FeedDefinition =>
    parseDefinitions([{ file: 'feeds/t.json', json: { name: 't', channel: 'google', format: 'xml', ...json } }])[0]!;
  const problems = (json: Record<string, unknown>): string => {
    try {
      define(json);
    } catch (err) {
      expect(err).toBeInstanceOf(FeedDefinitionError);
      return (err as FeedDefinitionError).problems.join('\n');
    }
    throw new Error('expected a refusal');
  };
  async function run(products: ReturnType<typeof makeProduct>[], definition: FeedDefinition) {
    const diagnostics = new DiagnosticsCollector();
    const xml = await collect(
      generateFeed(pagesOf(products), {
        catalog: makeCatalog(),
        definition,
        format: 'xml',
        publicUrl: 'https://feeds.example.com',
        now: NOW,
        diagnostics,
      }),
    );
    const items = (parser.parse(xml).rss.channel.item ?? []) as Array<Record<string, string>>;
    return { items, diagnostics: diagnostics.toJSON() };
  }

  it('from_labels takes the first label in the rule order and leaves the field alone otherwise', async () => {
    const definition = define({
      rules: [{ set: 'custom_label_2', from_labels: ['low_stock', 'bestseller'] }],
    });
    const { items } = await run(
      [
        makeProduct({ id: 'A', performance: perf({ labels: ['bestseller', 'low_stock'] }) }),
        makeProduct({ id: 'B', performance: perf({ labels: ['trending'] }), custom_label_2: 'own' }),
        makeProduct({ id: 'C', performance: null }),
      ],
      definition,
    );
    expect(items.map((i) => i['g:custom_label_2'])).toEqual(['low_stock', 'own', undefined]);
  });

  it('reads performance counts and labels in conditions and templates', async () => {
    const definition = define({
      filter: { custom: [{ field: 'performance.views_30d', op: 'gt', value: 5 }] },
      rules: [
        { set: 'custom_label_1', template: '{performance.purchases_30d} sold' },
        { set: 'custom_label_3', value: 'hot', when: { field: 'performance.labels', op: 'contains', value: 'trending' } },
      ],
    });
    const { items } = await run(
      [
        makeProduct({ id: 'A', performance: perf({ views_30d: 9, purchases_30d: 4, labels: ['trending'] }) }),
        makeProduct({ id: 'B', performance: perf({ views_30d: 2 }) }),
        makeProduct({ id: 'C', performance: null }),
      ],
      definition,
    );
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ 'g:id': 'A', 'g:custom_label_1': '4 sold', 'g:custom_label_3': 'hot' });
  });

  it('refuses from_labels on other fields, unknown labels and over-long fixed custom labels', () => {
    expect(problems({ rules: [{ set: 'title', from_labels: ['bestseller'] }] })).toMatch(/custom_label/);
    expect(problems({ rules: [{ set: 'custom_label_0', from_labels: ['popular'] }] })).toMatch(/bestseller, trending/);
    expect(problems({ rules: [{ set: 'custom_label_0', from_labels: ['trending', 'trending'] }] })).toMatch(/listed twice/);
    expect(problems({ rules: [{ set: 'custom_label_4', value: 'x'.repeat(101) }] })).toMatch(/100 characters/);
    expect(problems({ filter: { custom: [{ field: 'performance.nope', op: 'gt', value: 1 }] } })).toMatch(/unknown field/);
  });

  it('warns in diagnostics past 1,000 distinct values of a custom label', async () => {
    const definition = define({ rules: [{ set: 'custom_label_1', template: 'group {id}' }] });
    const products = Array.from({ length: 1003 }, (_, i) => makeProduct({ id: `P${String(i).padStart(5, '0')}` }));
    const { items, diagnostics } = await run(products, definition);
    expect(items).toHaveLength(1003);
    const warning = diagnostics.warnings_by_code.find((w) => w.code === 'custom_label_too_many_values');
    expect(warning?.count).toBe(3);
    expect(warning?.examples[0]?.message).toMatch(/1,000/);
  });
});
