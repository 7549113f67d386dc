import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { FeedDefinitionError, parseDefinitions, type FeedDefinition } from '../src/feeds/definition';
import { builtinDefinitions } from '../src/feeds/definitions-bundle';
import { DiagnosticsCollector } from '../src/feeds/diagnostics';
import { generateFeed } from '../src/feeds/generate';
import { compileTemplate } from '../src/feeds/template';
import type { FeedProduct } from '../src/store/port';
import { collect, makeCatalog, makeProduct, pagesOf } from './helpers/products';

function define(json: Record<string, unknown>): FeedDefinition {
  return parseDefinitions([{ file: 'feeds/test.json', json: { name: 'test', channel: 'google', format: 'xml', ...json } }])[0]!;
}

function problems(json: unknown, file = 'feeds/bad.json'): string[] {
  try {
    parseDefinitions([{ file, json }]);
  } catch (err) {
    expect(err).toBeInstanceOf(FeedDefinitionError);
    return (err as FeedDefinitionError).problems;
  }
  throw new Error('expected the definition to be refused');
}

const parser = new XMLParser({ parseTagValue: false, isArray: (name) => name === 'item' });

async function run(products: FeedProduct[], definition: FeedDefinition) {
  const diagnostics = new DiagnosticsCollector();
  const text = await collect(
    generateFeed(pagesOf(products), {
      catalog: makeCatalog(),
      definition,
      format: definition.format,
      publicUrl: 'https://feeds.example.com',
      now: new Date('2026-06-01T00:00:00Z'),
      diagnostics,
    }),
  );
  const doc = parser.parse(text) as { rss: { channel: { item?: Array<Record<string, string>> } } };
  return { items: doc.rss.channel.item ?? [], diagnostics: diagnostics.toJSON() };
}

describe('built-in definitions', () => {
  it('parse, and cover every shipped feed', () => {
    const byName = Object.fromEntries(builtinDefinitions.map((d) => [d.name, d]));
    expect(Object.keys(byName).sort()).toEqual(['google', 'meta', 'meta-creatives', 'meta-xml', 'microsoft', 'pinterest', 'tiktok']);
    expect(byName.google).toMatchObject({ channel: 'google', format: 'xml' });
    expect(byName.microsoft).toMatchObject({ channel: 'google', format: 'xml' });
    expect(byName.meta).toMatchObject({ channel: 'meta', format: 'csv' });
    expect(byName['meta-xml']).toMatchObject({ channel: 'meta', format: 'xml' });
    expect(byName.tiktok).toMatchObject({ channel: 'tiktok', format: 'csv' });
    expect(byName.pinterest).toMatchObject({ channel: 'pinterest' });
  });

  it('keep out-of-stock products in the Meta feed', () => {
    const meta = builtinDefinitions.find((d) => d.name === 'meta')!;
    expect(meta.filter?.availability).toBeUndefined();
  });
});

describe('parseDefinitions errors', () => {
  it('names the file and the path of each problem', () => {
    const found = problems({
      name: 'x',
      channel: 'google',
      format: 'xml',
      rules: [{ set: 'title', template: '{brand} {colour}' }],
    });
    expect(found).toEqual([expect.stringMatching(/^feeds\/bad\.json: rules\[0\]\.template: unknown field "\{colour\}"/)]);
  });

  it('refuses a format the channel does not take', () => {
    expect(problems({ name: 'tt', channel: 'tiktok', format: 'xml' })).toEqual([
      'feeds/bad.json: format: TikTok feeds are csv, tsv, not xml',
    ]);
  });

  it('refuses unknown keys (typos) and unknown channels', () => {
    expect(problems({ name: 'x', channel: 'google', format: 'xml', filters: {} })[0]).toMatch(/feeds\/bad\.json: .*filters/);
    expect(problems({ name: 'x', channel: 'bing', format: 'xml' })[0]).toMatch(/^feeds\/bad\.json: channel: /);
  });

  it('explains the rule shapes when a rule matches none', () => {
    expect(problems({ name: 'x', channel: 'google', format: 'xml', rules: [{ set: 'title', tmpl: 'x' }] })).toEqual([
      expect.stringMatching(/^feeds\/bad\.json: rules\[0\]: a rule is one of \{set, from\}/),
    ]);
  });

  it('refuses rules that write read-only or unknown fields, and enum values outside the vocabulary', () => {
    expect(problems({ name: 'x', channel: 'google', format: 'xml', rules: [{ set: 'id', value: 'a' }] })[0]).toMatch(
      /rules\[0\]\.set: field "id" cannot be set/,
    );
    expect(
      problems({ name: 'x', channel: 'google', format: 'xml', rules: [{ set: 'availability', value: 'maybe' }] })[0],
    ).toMatch(/rules\[0\]: availability must be one of in_stock/);
    expect(
      problems({ name: 'x', channel: 'google', format: 'xml', filter: { custom: [{ field: 'price', op: 'gt', value: 'ten' }] } })[0],
    ).toMatch(/filter\.custom\[0\]\.value/);
  });

  it('lists problems of every file and duplicate names together', () => {
    let error: FeedDefinitionError | undefined;
    try {
      parseDefinitions([
        { file: 'feeds/a.json', json: { name: 'same', channel: 'google', format: 'xml' } },
        { file: 'feeds/b.json', json: { name: 'same', channel: 'meta', format: 'csv' } },
        { file: 'feeds/c.json', json: { name: 'Bad Name', channel: 'meta', format: 'csv' } },
      ]);
    } catch (err) {
      error = err as FeedDefinitionError;
    }
    expect(error?.problems).toEqual([
      'feeds/b.json: name "same" is already used by feeds/a.json',
      expect.stringMatching(/^feeds\/c\.json: name: /),
    ]);
    expect(error?.message).toContain('feeds/c.json');
  });

  it('accepts and keeps an image template', () => {
    expect(define({ image: { template: 'badge' } }).image).toEqual({ template: 'badge', size: '1080x1080', format: 'jpg' });
    expect(() => define({ image: { template: 'sale-badge' } })).toThrow(/badge/);
  });
});

describe('filters', () => {
  it('count what each clause removed', async () => {
    const definition = define({
      filter: {
        availability: ['in_stock'],
        product_type_prefix: 'Apparel',
        price: { min: 10, max: 100 },
        brand: ['Acme', 'globex'],
        exclude_ids: ['BANNED'],
        custom: [
          { name: 'not hidden', field: 'custom_label_0', op: 'neq', value: 'hidden' },
          { field: 'extra.season', op: 'in', value: ['summer', 'all'] },
        ],
      },
    });
    const apparel = { product_type: 'Apparel > Shirts', extra: { season: 'summer' } };
    const products = [
      makeProduct({ id: 'KEEP1', ...apparel }),
      makeProduct({ id: 'KEEP2', ...apparel, brand: 'GLOBEX ' }),
      makeProduct({ id: 'OOS', ...apparel, availability: 'out_of_stock' }),
      makeProduct({ id: 'HOME', product_type: 'Home > Kitchen', extra: { season: 'summer' } }),
      makeProduct({ id: 'NOTYPE', extra: { season: 'summer' } }),
      makeProduct({ id: 'CHEAP', ...apparel, price: { micros: 5_000_000, currency: 'EUR' } }),
      makeProduct({ id: 'DEAR', ...apparel, price: { micros: 150_000_000, currency: 'EUR' } }),
      makeProduct({ id: 'OTHERBRAND', ...apparel, brand: 'Initech' }),
      makeProduct({ id: 'BANNED', ...apparel }),
      makeProduct({ id: 'HIDDEN', ...apparel, custom_label_0: 'Hidden' }),
      makeProduct({ id: 'WINTER', product_type: 'apparel > coats', extra: { season: 'winter' } }),
    ];
    const { items, diagnostics } = await run(products, definition);
    expect(items.map((i) => i['g:id'])).toEqual(['KEEP1', 'KEEP2']);
    const counts = Object.fromEntries(diagnostics.filtered_by_clause.map((c) => [c.clause, c.count]));
    expect(counts).toEqual({
      availability: 1,
      product_type_prefix: 2,
      price: 2,
      brand: 1,
      exclude_ids: 1,
      'not hidden': 1,
      'custom: extra.season in ["summer","all"]': 1,
    });
    expect(diagnostics).toMatchObject({ products_read: 11, emitted: 2, filtered_out: 9, left_out: 0 });
    expect(diagnostics.filtered_by_clause.find((c) => c.clause === 'price')?.example_ids).toEqual(['CHEAP', 'DEAR']);
  });

  it('compare numbers with gt/lt and test presence with exists', async () => {
    const definition = define({
      filter: {
        custom: [
          { field: 'quantity', op: 'gt', value: 0 },
          { field: 'sale_price', op: 'exists' },
          { field: 'gtin', op: 'exists', value: false },
        ],
      },
    });
    const sale = { micros: 9_000_000, currency: 'EUR' };
    const { items } = await run(
      [
        makeProduct({ id: 'YES', quantity: 3, sale_price: sale }),
        makeProduct({ id: 'NOSTOCK', quantity: 0, sale_price: sale }),
        makeProduct({ id: 'NOSALE', quantity: 3 }),
        makeProduct({ id: 'GTIN', quantity: 3, sale_price: sale, gtin: '4006381333931' }),
      ],
      definition,
    );
    expect(items.map((i) => i['g:id'])).toEqual(['YES']);
  });
});

describe('rules', () => {
  it('build a title from a template, collapsing missing fields', async () => {
    const definition = define({ rules: [{ set: 'title', template: '{brand} {title} {color}' }] });
    const { items } = await run(
      [
        makeProduct({ id: 'A', brand: 'Acme', title: 'Tee', color: 'Blue' }),
        makeProduct({ id: 'B', brand: 'Acme', title: 'Tee' }),
        makeProduct({ id: 'C', brand: null, condition: 'used', title: 'Tee', color: 'Red' }),
      ],
      definition,
    );
    expect(items.map((i) => i['g:title'])).toEqual(['Acme Tee Blue', 'Acme Tee', 'Tee Red']);
  });

  it('run in order: map, default, value, conditional, truncate', async () => {
    const definition = define({
      rules: [
        { set: 'brand', from: 'extra.manufacturer' },
        { set: 'brand', default: 'House Brand' },
        { set: 'custom_label_0', value: 'feed' },
        { set: 'custom_label_1', value: 'on sale', when: { field: 'sale_price', op: 'exists' } },
        { set: 'custom_label_2', value: 'premium', when: { field: 'price', op: 'gt', value: 100 } },
        { set: 'availability', value: 'out_of_stock', when: { field: 'quantity', op: 'eq', value: 0 } },
        { truncate: 'description', max: 12 },
      ],
    });
    const { items, diagnostics } = await run(
      [
        makeProduct({ id: 'MAP', brand: 'Old', extra: { manufacturer: 'Globex' }, description: 'Soft organic cotton shirt' }),
        makeProduct({
          id: 'DEFAULT',
          brand: null,
          sale_price: { micros: 1_000_000, currency: 'EUR' },
          quantity: 0,
          price: { micros: 200_000_000, currency: 'EUR' },
        }),
      ],
      definition,
    );
    expect(items[0]).toMatchObject({
      'g:brand': 'Globex',
      'g:custom_label_0': 'feed',
      'g:description': 'Soft organic',
      'g:availability': 'in_stock',
    });
    expect(items[0]?.['g:custom_label_1']).toBeUndefined();
    expect(items[1]).toMatchObject({
      'g:brand': 'House Brand',
      'g:custom_label_1': 'on sale',
      'g:custom_label_2': 'premium',
      'g:availability': 'out_of_stock',
    });
    // the default brand saved an item that would have been left out for missing_brand
    expect(diagnostics.left_out).toBe(0);
  });

  it('leave the stored product untouched (rules work on a copy)', async () => {
    const product = makeProduct({ id: 'COPY', title: 'Tee', extra: { season: 'summer' } });
    const definition = define({ rules: [{ set: 'title', value: 'Changed' }, { set: 'extra.season', value: 'winter' }] });
    await run([product], definition);
    expect(product.title).toBe('Tee');
    expect(product.extra).toEqual({ season: 'summer' });
  });

  it('warn when a mapped value is not in an attribute vocabulary', async () => {
    const definition = define({ rules: [{ set: 'condition', from: 'extra.state' }] });
    const { items, diagnostics } = await run(
      [makeProduct({ id: 'OK', extra: { state: 'Refurbished' } }), makeProduct({ id: 'BAD', extra: { state: 'like new' } })],
      definition,
    );
    expect(items.map((i) => i['g:condition'])).toEqual(['refurbished', 'new']);
    expect(diagnostics.warnings_by_code).toEqual([expect.objectContaining({ code: 'rule_value_rejected', count: 1 })]);
  });
});

describe('templates', () => {
  const render = (template: string, overrides: Partial<FeedProduct>) => compileTemplate(template)(makeProduct(overrides));

  it('collapse missing fields and their separators', () => {
    const full = { brand: 'Acme', title: 'Tee', color: 'Blue', size: 'M' };
    expect(render('{brand} - {title} ({color}, {size})', full)).toBe('Acme - Tee (Blue, M)');
    expect(render('{brand} - {title} ({color}, {size})', { ...full, brand: null })).toBe('Tee (Blue, M)');
    expect(render('{brand} - {title} ({color}, {size})', { ...full, color: null, size: null })).toBe('Acme - Tee');
    expect(render('{brand} - {title} ({color}, {size})', { ...full, size: null })).toBe('Acme - Tee (Blue)');
    expect(render('{brand} | {color} | {title}', { ...full, color: null })).toBe('Acme | Tee');
    expect(render('{title}   {color}', { ...full, color: '  ' })).toBe('Tee');
  });

  it('read money, extra columns and numbers', () => {
    expect(render('{title} for {price}', { title: 'Tee' })).toBe('Tee for 15.00 EUR');
    expect(render('{extra.season} {title}', { title: 'Tee', extra: { season: 'Summer' } })).toBe('Summer Tee');
    expect(render('{title} ({quantity} left)', { title: 'Tee', quantity: 3 })).toBe('Tee (3 left)');
  });
});
