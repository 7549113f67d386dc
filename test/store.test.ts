/** The SQL store against a real SQLite file: versioned reads, atomic publish, recovery, GC. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Catalog } from '../src/catalog/catalog';
import type { Product } from '../src/catalog/product';
import { feedPages } from '../src/feeds/pages';
import { makeTestApp, type TestApp } from './helpers/app';
import { makeProduct } from './helpers/products';

let t: TestApp;
let catalog: Catalog;

function product(id: string, title = `Product ${id}`, price = 10): Product {
  return makeProduct({ id, title, price: { micros: price * 1e6, currency: 'EUR' } });
}

async function publish(products: Product[], mode: 'replace' | 'upsert' = 'replace', now = '2026-11-23T12:00:00.000Z') {
  const id = await t.store.createImport(catalog.id, mode, 'csv', now);
  await t.store.stageProducts(id, products.map((p) => ({ product: p, hash: `${p.title}|${p.price.micros}` })));
  return t.store.publishImport(id, catalog.id, mode, now);
}

async function titlesAt(version: number): Promise<string[]> {
  const out: string[] = [];
  for await (const page of feedPages(t.store, catalog.id, version, 2)) out.push(...page.map((p) => p.title));
  return out;
}

beforeEach(async () => {
  t = await makeTestApp();
  await t.putCatalog('shop');
  catalog = (await t.store.getCatalog('shop'))!;
});
afterEach(() => t.close());

describe('product rows', () => {
  it('every attribute survives a round trip through the store', async () => {
    const full = makeProduct({
      id: 'full',
      additional_image_link: ['https://shop.example.com/a2.jpg'],
      availability: 'preorder',
      availability_date: '2026-12-01T00:00:00Z',
      sale_price: { micros: 9_990_000, currency: 'EUR' },
      sale_price_effective_date: '2026-11-01T00:00:00Z/2026-11-30T23:59:59Z',
      gtin: '4006381333931',
      mpn: 'MPN-1',
      identifier_exists: true,
      condition: 'refurbished',
      google_product_category: '212',
      product_type: 'Apparel > Tops',
      item_group_id: 'grp',
      color: 'Navy',
      size: 'M',
      gender: 'female',
      age_group: 'adult',
      material: 'cotton',
      pattern: 'striped',
      quantity: 3,
      shipping: [{ country: 'NL', service: 'Standard', price: { micros: 4_950_000, currency: 'EUR' } }],
      custom_label_0: 'a',
      custom_label_1: 'b',
      custom_label_2: 'c',
      custom_label_3: 'd',
      custom_label_4: 'e',
      extra: { season: 'winter' },
    });
    await publish([full]);
    const { content_hash: _h, updated_at: _u, has_variants: _v, performance: _p, ...expected } = full;
    const stored = (await t.store.getProduct(catalog.id, 'full'))!;
    const { content_hash, updated_at, ...rest } = stored;
    expect(rest).toEqual(expected);
    expect(content_hash).toBeTruthy();
    expect(updated_at).toBe('2026-11-23T12:00:00.000Z');
  });
});

describe('versioned catalog', () => {
  it('a reader pinned at a version keeps seeing it after later publishes', async () => {
    const v1 = await publish([product('a', 'A1'), product('b', 'B1'), product('c', 'C1')]);
    const v2 = await publish([product('a', 'A2'), product('c', 'C1'), product('d', 'D2')]);
    expect(v2).toBe(v1 + 1);
    expect(await titlesAt(v1)).toEqual(['A1', 'B1', 'C1']);
    expect(await titlesAt(v2)).toEqual(['A2', 'C1', 'D2']);
    expect(await t.store.countProducts(catalog.id, v1)).toBe(3);
  });

  it('publish is all or nothing: a failure inside it leaves the catalog as it was', async () => {
    const v1 = await publish([product('a', 'A1')]);
    // Make the last statements of publish fail after the product rows were already touched.
    t.db.exec(`CREATE TRIGGER boom BEFORE INSERT ON price_history WHEN NEW.item_id = 'poison'
               BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    await expect(publish([product('a', 'A2'), product('poison')])).rejects.toThrow(/injected failure/);
    const after = (await t.store.getCatalog('shop'))!;
    expect(after.version).toBe(v1);
    expect(await titlesAt(v1)).toEqual(['A1']);
    expect((await t.store.getProduct(catalog.id, 'a'))!.title).toBe('A1');
  });

  it('an import interrupted while staging is failed on restart and changes nothing', async () => {
    await publish([product('a', 'A1')]);
    const id = await t.store.createImport(catalog.id, 'replace', 'csv', '2026-11-23T12:00:00.000Z');
    await t.store.stageProducts(id, [{ product: product('x'), hash: 'h' }]);
    // (the process dies here)
    expect(await t.store.recoverInterruptedImports('2026-11-23T12:05:00.000Z')).toBe(1);
    expect(t.db.prepare('SELECT count(*) AS n FROM staged_products').get()).toEqual({ n: 0 });
    expect(t.db.prepare('SELECT status FROM imports WHERE id = ?').get(id)).toEqual({ status: 'failed' });
    const live = (await t.store.getCatalog('shop'))!;
    expect(await titlesAt(live.version)).toEqual(['A1']);
  });

  it('garbage collection drops closed versions only once no reader can be pinned to them', async () => {
    await publish([product('a', 'A1')], 'replace', '2026-11-23T10:00:00.000Z');
    const v2 = await publish([product('a', 'A2')], 'replace', '2026-11-23T10:00:00.000Z');
    const v3 = await publish([product('a', 'A3')], 'replace', '2026-11-23T11:59:00.000Z');
    const rows = () => (t.db.prepare('SELECT count(*) AS n FROM products').get() as { n: number }).n;
    expect(rows()).toBe(3);
    // v2 was published two hours ago: the row it closed (A1) can go; A2, closed by v3 a minute ago, stays.
    await t.store.collectGarbage('2026-11-23T12:00:00.000Z');
    expect(rows()).toBe(2);
    expect(await titlesAt(v2)).toEqual(['A2']);
    expect(await titlesAt(v3)).toEqual(['A3']);
  });

  it('records a price point only when the price changes', async () => {
    await publish([product('a', 'A', 10)]);
    await publish([product('a', 'A renamed', 10)]);
    await publish([product('a', 'A renamed', 12)]);
    const history = await t.store.priceHistory(catalog.id, 'a');
    expect(history.map((p) => p.price_micros)).toEqual([10e6, 12e6]);
  });

  it('flags parents whose variants are visible', async () => {
    const parent = product('tee');
    const v1 = { ...product('tee-s'), item_group_id: 'tee', size: 'S' };
    const version = await publish([parent, v1]);
    const seen = [];
    for await (const page of feedPages(t.store, catalog.id, version)) seen.push(...page);
    expect(seen.map((p) => [p.id, p.has_variants])).toEqual([
      ['tee', true],
      ['tee-s', false],
    ]);
  });
});

describe('recovery beside a running process', () => {
  it('leaves an import owned by another live process alone, and fails those of dead or unknown owners', async () => {
    const { spawnSync } = await import('node:child_process');
    const { hostname } = await import('node:os');
    const { openNodeStore } = await import('../src/runtime/node-parts');
    const t = await makeTestApp();
    try {
      await t.putCatalog('shop');
      const catalogId = (t.db.prepare('SELECT id FROM catalogs WHERE slug = ?').get('shop') as { id: number }).id;
      // a process that has exited: its pid is free
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
      const owners = {
        live: `${hostname()}:${process.ppid}`, // the test runner's parent: certainly running
        dead: `${hostname()}:${dead}`,
        elsewhere: `another-host:${process.ppid}`, // cannot be checked from here: treated as crashed
      };
      const insert = t.db.prepare(
        "INSERT INTO imports (catalog_id, mode, format, status, created_at, owner) VALUES (?, 'replace', 'csv', 'staging', ?, ?)",
      );
      const ids = Object.fromEntries(
        Object.entries(owners).map(([k, owner]) => [k, Number(insert.run(catalogId, '2026-11-23T12:00:00Z', owner).lastInsertRowid)]),
      );
      // a second process opening the same database (the CLI beside the server) runs recovery
      const second = await openNodeStore(t.file, new Date('2026-11-23T12:05:00Z'));
      second.close();
      const status = (id: number) => (t.db.prepare('SELECT status FROM imports WHERE id = ?').get(id) as { status: string }).status;
      expect(status(ids.live!)).toBe('staging');
      expect(status(ids.dead!)).toBe('failed');
      expect(status(ids.elsewhere!)).toBe('failed');
    } finally {
      t.close();
    }
  });
});
