import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { FeedFormat } from '../src/feeds/channels/channel';
import { parseDefinitions, type FeedDefinition } from '../src/feeds/definition';
import { builtinDefinitions } from '../src/feeds/definitions-bundle';
import { DiagnosticsCollector } from '../src/feeds/diagnostics';
import { CHUNK_CHARS, generateFeed } from '../src/feeds/generate';
import type { FeedProduct } from '../src/store/port';
import { anyText, collect, makeCatalog, makeProduct, pagesOf } from './helpers/products';

const NOW = new Date('2026-06-01T12:00:00Z');

function definition(name: string): FeedDefinition {
  const found = builtinDefinitions.find((d) => d.name === name);
  if (!found) throw new Error(`no built-in feed ${name}`);
  return found;
}

async function run(
  products: FeedProduct[],
  def: FeedDefinition | string,
  format?: FeedFormat,
): Promise<{ text: string; chunks: string[]; diagnostics: ReturnType<DiagnosticsCollector['toJSON']> }> {
  const d = typeof def === 'string' ? definition(def) : def;
  const diagnostics = new DiagnosticsCollector();
  const chunks: string[] = [];
  for await (const chunk of generateFeed(pagesOf(products, 7), {
    catalog: makeCatalog(),
    definition: d,
    format: format ?? d.format,
    publicUrl: 'https://feeds.example.com',
    now: NOW,
    diagnostics,
  }))
    chunks.push(chunk);
  return { text: chunks.join(''), chunks, diagnostics: diagnostics.toJSON() };
}

type Item = Record<string, unknown>;

const xmlParser = new XMLParser({
  parseTagValue: false,
  trimValues: false,
  ignoreAttributes: false,
  isArray: (name) => ['item', 'g:additional_image_link', 'g:shipping'].includes(name),
});

function parseRss(text: string): { channel: Item; items: Item[] } {
  expect(XMLValidator.validate(text)).toBe(true);
  const doc = xmlParser.parse(text) as { rss: { channel: Item & { item?: Item[] } } };
  return { channel: doc.rss.channel, items: doc.rss.channel.item ?? [] };
}

function parseCsv(text: string, delimiter = ','): { header: string[]; rows: Array<Record<string, string>> } {
  const records = parse(text, { delimiter, relax_quotes: delimiter === '\t', quote: delimiter === '\t' ? false : '"' }) as string[][];
  const header = records[0] ?? [];
  const rows = records.slice(1);
  for (const row of rows) expect(row).toHaveLength(header.length);
  return { header, rows: rows.map((row) => Object.fromEntries(header.map((h, i) => [h, row[i] ?? '']))) };
}

const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/u;

describe('Google XML', () => {
  it('is RSS 2.0 with the g: namespace and every required attribute per item', async () => {
    const products = [
      makeProduct({ id: 'A1', gtin: '4006381333931' }),
      makeProduct({ id: 'A2', mpn: 'MPN-2', sale_price: { micros: 9_990_000, currency: 'EUR' }, sale_price_effective_date: '2026-05-01T00:00Z/2026-07-01T00:00Z' }),
      makeProduct({ id: 'A3' }),
    ];
    const { text, diagnostics } = await run(products, 'google');
    expect(text).toContain('<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">');
    const { channel, items } = parseRss(text);
    expect(channel.title).toBe('Example Shop');
    expect(channel.link).toBe('https://shop.example.com/');
    expect(typeof channel.description).toBe('string');
    expect(items).toHaveLength(3);
    for (const item of items)
      for (const attr of ['id', 'title', 'description', 'link', 'image_link', 'availability', 'price', 'brand', 'condition'])
        expect(item[`g:${attr}`], `${String(item['g:id'])} g:${attr}`).toBeTruthy();
    const [a1, a2, a3] = items as [Item, Item, Item];
    expect(a1['g:gtin']).toBe('4006381333931');
    expect(a1['g:identifier_exists']).toBeUndefined();
    expect(a2['g:identifier_exists']).toBeUndefined();
    expect(a3['g:identifier_exists']).toBe('no');
    expect(a1['g:price']).toBe('15.00 EUR');
    expect(a1['g:availability']).toBe('in_stock');
    expect(a2['g:sale_price']).toBe('9.99 EUR');
    expect(a2['g:sale_price_effective_date']).toBe('2026-05-01T00:00Z/2026-07-01T00:00Z');
    expect(diagnostics).toMatchObject({ products_read: 3, emitted: 3, left_out: 0 });
  });

  it('stays well-formed with control characters, U+FFFE, lone surrogates and ]]> in a title', async () => {
    const nasty = 'Shirt ]]> & <b>bold</b>\u0000\u0001\u0008\u000B\u001F\uFFFE\uFFFF\uDC00\uD800x \uDBFF 😀';
    const { text, diagnostics } = await run([makeProduct({ id: 'N1', title: nasty, description: `desc ${nasty}` })], 'google');
    expect(FORBIDDEN.test(text)).toBe(false);
    expect(text).not.toContain('CDATA');
    const { items } = parseRss(text);
    expect(items[0]?.['g:title']).toBe('Shirt ]]> & <b>bold</b>x  😀');
    expect(diagnostics.emitted).toBe(1);
  });

  it('writes shipping as nested g:shipping and additional images as repeated elements (max 10)', async () => {
    const images = Array.from({ length: 12 }, (_, i) => `https://cdn.example.com/${i}.jpg`);
    const { text, diagnostics } = await run(
      [
        makeProduct({
          id: 'S1',
          additional_image_link: images,
          shipping: [
            { country: 'US', region: 'CA', service: 'Ground', price: { micros: 9_990_000, currency: 'USD' } },
            { country: 'UK', price: { micros: 0, currency: 'GBP' } },
          ],
        }),
      ],
      'google',
    );
    const item = parseRss(text).items[0]!;
    expect(item['g:additional_image_link']).toEqual(images.slice(0, 10));
    expect(item['g:shipping']).toEqual([
      { 'g:country': 'US', 'g:region': 'CA', 'g:service': 'Ground', 'g:price': '9.99 USD' },
      { 'g:country': 'GB', 'g:price': '0.00 GBP' },
    ]);
    const codes = diagnostics.warnings_by_code.map((w) => w.code);
    expect(codes).toContain('too_many_additional_images');
    expect(codes).toContain('invalid_shipping_country');
  });

  it('truncates a 200-character title at a word boundary and warns', async () => {
    const title = 'Lightweight breathable organic cotton summer shirt '.repeat(4).trim(); // ~203 chars
    expect(title.length).toBeGreaterThan(150);
    const { text, diagnostics } = await run([makeProduct({ id: 'T1', title })], 'google');
    const emitted = String(parseRss(text).items[0]?.['g:title']);
    expect(emitted.length).toBeLessThanOrEqual(150);
    expect(title.startsWith(emitted)).toBe(true);
    expect(title[emitted.length]).toBe(' '); // cut between words, not inside one
    const warning = diagnostics.warnings_by_code.find((w) => w.code === 'title_truncated');
    expect(warning).toMatchObject({ count: 1, examples: [{ id: 'T1' }] });
    expect(diagnostics.emitted).toBe(1);
  });

  it('leaves out items that break a required rule, with reasons, and emits the rest', async () => {
    const products = [
      makeProduct({ id: 'OK1' }),
      makeProduct({ id: 'NOIMG', image_link: null }),
      makeProduct({ id: 'FTPIMG', image_link: 'ftp://shop.example.com/a.jpg' }),
      makeProduct({ id: 'X'.repeat(51) }),
      makeProduct({ id: 'NOBRAND', brand: null }),
      makeProduct({ id: 'USED-NOBRAND', brand: null, condition: 'used' }),
      makeProduct({ id: 'PRE', availability: 'preorder' }),
      makeProduct({ id: 'PRE-DATED', availability: 'preorder', availability_date: '2026-09-01T00:00Z' }),
      makeProduct({ id: 'OK2' }),
    ];
    const { text, diagnostics } = await run(products, 'google');
    const ids = parseRss(text).items.map((i) => i['g:id']);
    expect(ids).toEqual(['OK1', 'USED-NOBRAND', 'PRE-DATED', 'OK2']);
    const reasons = Object.fromEntries(diagnostics.left_out_items.map((i) => [i.id, i.reasons.map((r) => r.code)]));
    expect(reasons).toEqual({
      NOIMG: ['missing_image_link'],
      FTPIMG: ['invalid_image_link'],
      ['X'.repeat(51)]: ['id_too_long'],
      NOBRAND: ['missing_brand'],
      PRE: ['missing_availability_date'],
    });
    expect(diagnostics.left_out_by_reason.find((r) => r.code === 'missing_image_link')).toMatchObject({
      count: 1,
      examples: [{ id: 'NOIMG' }],
    });
    expect(diagnostics).toMatchObject({ products_read: 9, emitted: 4, left_out: 5, left_out_items_truncated: false });
  });

  it('resolves relative image links against the shop home page', async () => {
    const { text } = await run([makeProduct({ id: 'R1', image_link: '/media/r 1.jpg' })], 'google');
    expect(parseRss(text).items[0]?.['g:image_link']).toBe('https://shop.example.com/media/r%201.jpg');
  });

  it('is a well-formed feed with zero items for an empty catalog', async () => {
    const { text, chunks } = await run([], 'google');
    expect(chunks.length).toBeGreaterThan(0);
    const { channel, items } = parseRss(text);
    expect(items).toHaveLength(0);
    expect(channel.title).toBe('Example Shop');
  });

  it('streams in chunks of about 64 KB and never builds the whole document', async () => {
    const products = Array.from({ length: 3000 }, (_, i) => makeProduct({ id: `C${i}` }));
    const { text, chunks } = await run(products, 'google');
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks.slice(1, -1)) {
      expect(chunk.length).toBeGreaterThanOrEqual(CHUNK_CHARS);
      expect(chunk.length).toBeLessThan(CHUNK_CHARS + 4096);
    }
    expect(parseRss(text).items).toHaveLength(3000);
  });
});

describe('variants', () => {
  it('never emits a parent with variants, lists it in diagnostics, and emits each variant with item_group_id', async () => {
    const products = [
      makeProduct({ id: 'TEE', has_variants: true }),
      makeProduct({ id: 'TEE-S', item_group_id: 'TEE', size: 'S', color: 'Blue' }),
      makeProduct({ id: 'TEE-M', item_group_id: 'TEE', size: 'M', color: 'Blue' }),
      makeProduct({ id: 'TEE-X', item_group_id: 'TEE' }),
    ];
    for (const feed of ['google', 'meta', 'tiktok', 'pinterest', 'meta-xml']) {
      const { text, diagnostics } = await run(products, feed);
      expect(text).not.toMatch(/<g:id>TEE<|^TEE,/m);
      expect(diagnostics.left_out_items).toEqual([{ id: 'TEE', reasons: [expect.objectContaining({ code: 'parent_with_variants' })] }]);
      expect(diagnostics.left_out_by_reason[0]).toMatchObject({ code: 'parent_with_variants', count: 1 });
      expect(diagnostics.warnings_by_code).toEqual([
        expect.objectContaining({ code: 'variant_without_distinguishing_attribute', count: 1, examples: [expect.objectContaining({ id: 'TEE-X' })] }),
      ]);
      expect(diagnostics.emitted).toBe(3);
    }
    const items = parseRss((await run(products, 'google')).text).items;
    expect(items.map((i) => [i['g:id'], i['g:item_group_id'], i['g:size'], i['g:color']])).toEqual([
      ['TEE-S', 'TEE', 'S', 'Blue'],
      ['TEE-M', 'TEE', 'M', 'Blue'],
      ['TEE-X', 'TEE', undefined, undefined],
    ]);
  });
});

describe('Meta CSV', () => {
  it('round-trips quotes, commas, newlines and non-Latin text', async () => {
    const titles = [
      'He said "hello", then left',
      'Line one\nline two\r\nline three',
      '日本語のTシャツ',
      'Ελληνικά προϊόντα',
      'Party 🎉 shirt 👕',
      '"quoted start',
      'trailing comma,',
    ];
    const products = titles.map((title, i) => makeProduct({ id: `M${i}`, title, description: `${title} — description` }));
    const { text } = await run(products, 'meta');
    const { header, rows } = parseCsv(text);
    expect(header.slice(0, 3)).toEqual(['id', 'title', 'description']);
    expect(rows.map((r) => r.title)).toEqual(titles);
    expect(rows.map((r) => r.description)).toEqual(titles.map((t) => `${t} — description`));
  });

  it('uses Meta availability words, one comma-separated additional_image_link column, and flat shipping', async () => {
    const products = [
      makeProduct({
        id: 'M1',
        availability: 'out_of_stock',
        additional_image_link: ['https://cdn.example.com/a.jpg', 'https://cdn.example.com/b,c.jpg'],
        shipping: [
          { country: 'US', region: 'CA', service: 'Ground', price: { micros: 9_990_000, currency: 'USD' } },
          { country: 'NL', price: { micros: 0, currency: 'EUR' } },
        ],
      }),
      makeProduct({ id: 'M2', availability: 'backorder' }),
    ];
    const { text } = await run(products, 'meta');
    const { header, rows } = parseCsv(text);
    expect(header.filter((h) => h === 'additional_image_link')).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      availability: 'out of stock',
      additional_image_link: 'https://cdn.example.com/a.jpg,https://cdn.example.com/b%2Cc.jpg',
      shipping: 'US:CA:Ground:9.99 USD,NL:::0.00 EUR',
      price: '15.00 EUR',
    });
    expect(rows[1]?.availability).toBe('available for order');
  });

  it('keeps out-of-stock products (so Meta stops their ads) and allows 20 additional images', async () => {
    const images = Array.from({ length: 25 }, (_, i) => `https://cdn.example.com/${i}.jpg`);
    const { text } = await run(
      [makeProduct({ id: 'OOS', availability: 'out_of_stock', additional_image_link: images })],
      'meta',
    );
    const { rows } = parseCsv(text);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.additional_image_link?.split(',')).toHaveLength(20);
  });

  it('writes the header even for an empty catalog', async () => {
    const { text } = await run([], 'meta');
    const { header, rows } = parseCsv(text);
    expect(header).toContain('id');
    expect(rows).toHaveLength(0);
  });

  it('requires a brand for every product, used or new', async () => {
    const { diagnostics } = await run([makeProduct({ id: 'U', condition: 'used', brand: null })], 'meta');
    expect(diagnostics.left_out_by_reason.map((r) => r.code)).toEqual(['missing_brand']);
  });
});

describe('Meta XML, TikTok, Pinterest, TSV', () => {
  it('Meta XML is RSS with g: names and Meta availability words', async () => {
    const { text } = await run([makeProduct({ id: 'MX', availability: 'in_stock' })], 'meta-xml');
    const item = parseRss(text).items[0]!;
    expect(item['g:id']).toBe('MX');
    expect(item['g:availability']).toBe('in stock');
  });

  it('TikTok uses sku_id and "in stock"', async () => {
    const { text } = await run([makeProduct({ id: 'TT1' })], 'tiktok');
    const { header, rows } = parseCsv(text);
    expect(header[0]).toBe('sku_id');
    expect(header).not.toContain('id');
    expect(rows[0]).toMatchObject({ sku_id: 'TT1', availability: 'in stock' });
  });

  it('Pinterest uses Google names with its availability words', async () => {
    const { text } = await run([makeProduct({ id: 'P1', availability: 'preorder' })], 'pinterest');
    expect(parseCsv(text).rows[0]).toMatchObject({ id: 'P1', availability: 'preorder' });
    const xml = await run([makeProduct({ id: 'P2' })], 'pinterest', 'xml');
    expect(parseRss(xml.text).items[0]?.['g:availability']).toBe('in stock');
  });

  it('Google TSV replaces tabs and line breaks inside values', async () => {
    const { text } = await run([makeProduct({ id: 'G1', title: 'tab\there\nand newline' })], 'google', 'tsv');
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(2);
    const [header, row] = lines.map((l) => l.split('\t')) as [string[], string[]];
    expect(row).toHaveLength(header.length);
    expect(row[header.indexOf('title')]).toBe('tab here and newline');
  });

  it('refuses a format the channel does not take', async () => {
    await expect(run([], 'tiktok', 'xml')).rejects.toThrow(/TikTok feeds are csv, tsv, not xml/);
  });
});

describe('sale prices', () => {
  it('drops a sale price that is not below the price, and warns about a finished sale', async () => {
    const products = [
      makeProduct({ id: 'S1', sale_price: { micros: 20_000_000, currency: 'EUR' } }),
      makeProduct({
        id: 'S2',
        sale_price: { micros: 10_000_000, currency: 'EUR' },
        sale_price_effective_date: '2026-01-01T00:00Z/2026-02-01T00:00Z',
      }),
    ];
    const { text, diagnostics } = await run(products, 'google');
    const [s1, s2] = parseRss(text).items as [Item, Item];
    expect(s1['g:sale_price']).toBeUndefined();
    expect(s2['g:sale_price']).toBe('10.00 EUR');
    expect(s2['g:sale_price_effective_date']).toBe('2026-01-01T00:00Z/2026-02-01T00:00Z');
    expect(diagnostics.warnings_by_code.map((w) => w.code).sort()).toEqual(['sale_price_expired', 'sale_price_not_below_price']);
  });
});

describe('diagnostics limits', () => {
  it('caps the listed left-out items and examples but counts them all', async () => {
    const products = Array.from({ length: 30 }, (_, i) => makeProduct({ id: `L${i}`, image_link: null }));
    const diagnostics = new DiagnosticsCollector({ maxLeftOutItems: 10, examples: 3 });
    await collect(
      generateFeed(pagesOf(products), {
        catalog: makeCatalog(),
        definition: definition('google'),
        format: 'xml',
        publicUrl: 'https://feeds.example.com',
        now: NOW,
        diagnostics,
      }),
    );
    const json = diagnostics.toJSON();
    expect(json.left_out).toBe(30);
    expect(json.left_out_items).toHaveLength(10);
    expect(json.left_out_items_truncated).toBe(true);
    expect(json.left_out_by_reason).toEqual([
      { code: 'missing_image_link', count: 30, examples: [expect.anything(), expect.anything(), expect.anything()] },
    ]);
  });
});

describe('any strings in any field', () => {
  const stringFields = fc.record({
    id: anyText,
    title: anyText,
    description: anyText,
    brand: anyText,
    color: anyText,
    size: anyText,
    product_type: anyText,
    google_product_category: anyText,
    gtin: anyText,
    mpn: anyText,
    material: anyText,
    pattern: anyText,
    custom_label_0: anyText,
    item_group_id: anyText,
    service: anyText,
    region: anyText,
    image: anyText,
  });
  const products = fc.array(stringFields, { maxLength: 8 }).map((list) =>
    list.map((f, i) =>
      makeProduct({
        ...f,
        id: `P${i}${f.id}`,
        title: `T ${f.title}`,
        description: `D ${f.description}`,
        brand: `B ${f.brand}`,
        item_group_id: f.item_group_id || null,
        additional_image_link: [`https://cdn.example.com/${f.image}`],
        shipping: [{ country: 'DE', region: f.region, service: f.service, price: { micros: 0, currency: 'EUR' } }],
      }),
    ),
  );

  it('gives well-formed XML with one item per emitted product', async () => {
    await fc.assert(
      fc.asyncProperty(products, async (list) => {
        for (const feed of ['google', 'meta-xml']) {
          const { text, diagnostics } = await run(list, feed);
          expect(FORBIDDEN.test(text)).toBe(false);
          expect(parseRss(text).items).toHaveLength(diagnostics.emitted);
          expect(diagnostics.emitted + diagnostics.left_out).toBe(list.length);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('gives parseable CSV with the header column count in every row', async () => {
    await fc.assert(
      fc.asyncProperty(products, async (list) => {
        for (const feed of ['meta', 'tiktok', 'pinterest']) {
          const { text, diagnostics } = await run(list, feed);
          const { rows } = parseCsv(text);
          expect(rows).toHaveLength(diagnostics.emitted);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('gives TSV with the header column count in every row', async () => {
    await fc.assert(
      fc.asyncProperty(products, async (list) => {
        const { text, diagnostics } = await run(list, 'meta', 'tsv');
        const lines = text.split('\n');
        expect(lines.pop()).toBe('');
        const width = lines[0]!.split('\t').length;
        for (const line of lines) expect(line.split('\t')).toHaveLength(width);
        expect(lines).toHaveLength(diagnostics.emitted + 1);
      }),
      { numRuns: 150 },
    );
  });
});

describe('definitions with custom titles', () => {
  it('uses the definition title for the channel title', async () => {
    const [def] = parseDefinitions([{ file: 't.json', json: { name: 't', channel: 'google', format: 'xml', title: 'Spring & Summer' } }]);
    const { text } = await run([], def!);
    expect(parseRss(text).channel.title).toBe('Spring & Summer');
  });
});
