import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Product } from '../src/catalog/product';
import {
  CSV_COLUMNS,
  DEMO_EPOCH,
  csvStream,
  generateCsvChunks,
  generateNdjsonChunks,
  generateProducts,
  gtinCheckDigit,
} from '../src/demo/catalog-generator';

const BASE = 'https://shop.example';

function take(count: number, seed?: number): Product[] {
  return [...generateProducts({ count, baseUrl: BASE, ...(seed === undefined ? {} : { seed }) })];
}

/** GS1 mod-10, written independently of the generator: weights 1,3,1,3,... from the left for GTIN-13. */
function isValidGtin13(gtin: string): boolean {
  if (!/^\d{13}$/.test(gtin)) return false;
  const digits = [...gtin].map(Number);
  const sum = digits.slice(0, 12).reduce((s, d, i) => s + d * (i % 2 === 0 ? 1 : 3), 0);
  return (10 - (sum % 10)) % 10 === digits[12];
}

describe('generateProducts', () => {
  const products = take(5000);

  it('is deterministic for a seed, and row i does not depend on count', () => {
    expect(take(200)).toEqual(products.slice(0, 200));
    expect(take(10)[5]).toEqual(take(1000)[5]);
    const other = take(200, 7);
    expect(other).not.toEqual(products.slice(0, 200));
    expect(take(200, 7)).toEqual(other);
  });

  it('yields exactly count rows', () => {
    expect(products).toHaveLength(5000);
    expect(take(0)).toHaveLength(0);
    expect(take(1)).toHaveLength(1);
    expect(() => take(-1)).toThrow(RangeError);
  });

  it('gives unique, zero-padded ids in sorted order, with links and images on the base URL', () => {
    const ids = products.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const p of products) {
      expect(p.id).toMatch(/^P-\d{6}(-[A-Z0-9]+)*$/);
      expect(p.id.length).toBeLessThanOrEqual(50);
      expect(p.link).toBe(`${BASE}/p/${p.id}`);
      expect(p.image_link).toBe(`${BASE}/demo/images/${p.id}.jpg`);
      expect(p.additional_image_link.length).toBeLessThanOrEqual(10);
      for (const extra of p.additional_image_link) expect(extra).toMatch(new RegExp(`^${BASE}/demo/images/${p.id}-\\d\\.jpg$`));
    }
  });

  it('gives GTIN-13s with valid check digits, none shared', () => {
    const gtins = products.flatMap((p) => (p.gtin ? [p.gtin] : []));
    expect(gtins.length).toBeGreaterThan(products.length * 0.8);
    for (const gtin of gtins) expect(isValidGtin13(gtin), gtin).toBe(true);
    expect(new Set(gtins).size).toBe(gtins.length);
    for (const p of products) expect(p.gtin ?? p.mpn).toBeTruthy();
  });

  it('computes GS1 check digits', () => {
    expect(gtinCheckDigit('400638133393')).toBe(1); // 4006381333931, GS1's own example
    expect(gtinCheckDigit('590123412345')).toBe(7); // 5901234123457
    expect(gtinCheckDigit('03600029145')).toBe(2); // UPC-A 036000291452
    expect(gtinCheckDigit('9638507')).toBe(4); // EAN-8 96385074
  });

  it('builds variant groups: a parent, then 2-6 variants with distinct colour/size pointing at it', () => {
    const byId = new Map(products.map((p) => [p.id, p]));
    const groups = new Map<string, Product[]>();
    for (const p of products) {
      if (p.item_group_id) groups.set(p.item_group_id, [...(groups.get(p.item_group_id) ?? []), p]);
    }
    // The last group may be cut by count; every complete one is checked.
    const last = products[products.length - 1]!.item_group_id;
    if (last) groups.delete(last);
    expect(groups.size).toBeGreaterThan(100);
    for (const [parentId, variants] of groups) {
      const parent = byId.get(parentId);
      expect(parent, parentId).toBeDefined();
      expect(parent!.item_group_id).toBeNull();
      expect(variants.length).toBeGreaterThanOrEqual(2);
      expect(variants.length).toBeLessThanOrEqual(6);
      const keys = variants.map((v) => `${v.color}|${v.size}`);
      expect(new Set(keys).size).toBe(variants.length);
      for (const v of variants) {
        expect(v.id.startsWith(`${parentId}-`)).toBe(true);
        expect(v.color !== null || v.size !== null).toBe(true);
      }
    }
    const parents = products.filter((p) => groups.has(p.id) || p.id === last).length;
    const bases = products.filter((p) => p.item_group_id === null).length;
    expect(parents / bases).toBeGreaterThan(0.25);
    expect(parents / bases).toBeLessThan(0.45);
  });

  it('prices positive with shop-like endings; sale below price, with a window', () => {
    let onSale = 0;
    const windows = { past: 0, current: 0, future: 0 };
    for (const p of products) {
      expect(p.price.micros).toBeGreaterThan(0);
      expect(p.price.currency).toBe('EUR');
      expect(Number.isInteger(p.price.micros / 10_000)).toBe(true);
      expect([0, 95, 99]).toContain((p.price.micros / 10_000) % 100);
      if (p.sale_price) {
        onSale++;
        expect(p.sale_price.micros).toBeGreaterThan(0);
        expect(p.sale_price.micros).toBeLessThan(p.price.micros);
        const [start, end] = p.sale_price_effective_date!.split('/').map((d) => Date.parse(d!));
        expect(start).toBeLessThan(end!);
        if (end! < DEMO_EPOCH) windows.past++;
        else if (start! > DEMO_EPOCH) windows.future++;
        else windows.current++;
      } else {
        expect(p.sale_price_effective_date).toBeNull();
      }
    }
    expect(onSale / products.length).toBeGreaterThan(0.12);
    expect(onSale / products.length).toBeLessThan(0.3);
    expect(windows.past && windows.current && windows.future).toBeGreaterThan(0);
  });

  it('follows the availability rules and fills apparel attributes', () => {
    const seen = new Set(products.map((p) => p.availability));
    expect(seen).toEqual(new Set(['in_stock', 'out_of_stock', 'preorder', 'backorder']));
    for (const p of products) {
      if (p.availability === 'preorder' || p.availability === 'backorder') {
        expect(Date.parse(p.availability_date!)).toBeGreaterThan(DEMO_EPOCH);
      }
      if (p.product_type!.startsWith('Apparel')) {
        expect(p.gender).not.toBeNull();
        expect(p.age_group).not.toBeNull();
      }
      expect(p.title.length).toBeLessThanOrEqual(150);
      expect(p.description.length).toBeGreaterThan(40);
    }
    expect(products.some((p) => p.quantity !== null && p.quantity >= 1 && p.quantity <= 5)).toBe(true);
    expect(new Set(products.map((p) => p.brand)).size).toBeGreaterThanOrEqual(25);
    expect(new Set(products.map((p) => p.product_type!.split(' > ')[0])).size).toBeGreaterThanOrEqual(7);
  });

  it('puts the hard values in the first rows', () => {
    const first = take(10);
    const text = first.map((p) => `${p.title}\n${p.description}`).join('\n');
    expect(text).toContain('&');
    expect(text).toContain('"');
    expect(text).toMatch(/[α-ω]/);
    expect(text).toMatch(/[\u3040-\u30ff]/);
    expect(text).toMatch(/\p{Extended_Pictographic}/u);
    expect(first.some((p) => p.item_group_id !== null)).toBe(true);
  });

  it('does not read the clock: windows move with the epoch option only', () => {
    const shifted = [...generateProducts({ count: 50, baseUrl: BASE, epoch: DEMO_EPOCH + 86_400_000 })];
    const base = take(50);
    const withSale = base.findIndex((p) => p.sale_price_effective_date);
    expect(withSale).toBeGreaterThanOrEqual(0);
    const [a] = base[withSale]!.sale_price_effective_date!.split('/');
    const [b] = shifted[withSale]!.sale_price_effective_date!.split('/');
    expect(Date.parse(b!) - Date.parse(a!)).toBe(86_400_000);
  });
});

describe('CSV and NDJSON', () => {
  it('parses back with csv-parse: header first, the same column count on every row', () => {
    const csv = [...generateCsvChunks({ count: 2000, baseUrl: BASE, chunkRows: 300 })].join('');
    const rows = parse(csv, { relax_column_count: false }) as string[][];
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(2001);
    for (const row of rows) expect(row).toHaveLength(CSV_COLUMNS.length);

    const products = take(2000);
    const records = parse(csv, { columns: true }) as Record<string, string>[];
    records.forEach((r, i) => {
      const p = products[i]!;
      expect(r.id).toBe(p.id);
      expect(r.title).toBe(p.title);
      expect(r.description).toBe(p.description);
      expect(r.price).toMatch(/^\d+\.\d{2} EUR$/);
      expect(r.additional_image_link).toBe(p.additional_image_link.join(','));
      expect(r.item_group_id).toBe(p.item_group_id ?? '');
    });
    expect(records.some((r) => /^[A-Z]{2}::\w+:\d+\.\d{2} EUR(,|$)/.test(r.shipping!))).toBe(true);
  });

  it('chunks by chunkRows, header in the first chunk', () => {
    const chunks = [...generateCsvChunks({ count: 25, baseUrl: BASE, chunkRows: 10 })];
    expect(chunks).toHaveLength(3);
    expect(chunks[0]!.startsWith('id,title,description,')).toBe(true);
    expect([...generateCsvChunks({ count: 0, baseUrl: BASE })]).toEqual([CSV_COLUMNS.join(',') + '\r\n']);
  });

  it('streams the same bytes, lazily', async () => {
    const opts = { count: 500, baseUrl: BASE, chunkRows: 100 };
    const text = await new Response(csvStream(opts)).text();
    expect(text).toBe([...generateCsvChunks(opts)].join(''));

    // A reader that stops early leaves the rest ungenerated.
    const reader = csvStream({ count: 1_000_000, baseUrl: BASE, chunkRows: 100 }).getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    await reader.cancel();
  });

  it('writes NDJSON with attribute names and string prices', () => {
    const lines = [...generateNdjsonChunks({ count: 300, baseUrl: BASE, chunkRows: 64 })].join('').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(300);
    const products = take(300);
    lines.forEach((line, i) => {
      const r = JSON.parse(line) as Record<string, unknown>;
      const p = products[i]!;
      expect(r.id).toBe(p.id);
      expect(r.title).toBe(p.title);
      expect(r.price).toMatch(/^\d+\.\d{2} EUR$/);
      if (p.sale_price) expect(r.sale_price).toMatch(/^\d+\.\d{2} EUR$/);
      if (p.gtin) expect(r.gtin).toBe(p.gtin);
    });
  });
});

describe('scale', () => {
  it('streams 100,000 products in bounded memory', () => {
    // Chunks hold exactly chunkRows rows, so 20 chunks of 5000 means 100,000 rows; nothing is kept.
    let chunks = 0;
    let bytes = 0;
    for (const chunk of generateCsvChunks({ count: 100_000, baseUrl: BASE, chunkRows: 5000 })) {
      chunks++;
      bytes += chunk.length;
    }
    expect(chunks).toBe(20);
    expect(bytes).toBeGreaterThan(30_000_000);
  });

  it('counts 100,000 products', () => {
    let n = 0;
    for (const _ of generateProducts({ count: 100_000, baseUrl: BASE })) n++;
    expect(n).toBe(100_000);
  });
});
