import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProductInput } from '../src/catalog/map';
import type { Product } from '../src/catalog/product';
import { readProducts } from '../src/catalog/read-products';
import { csv, makeTestApp, row } from './helpers/app';
import { httpUrl, isValidGtin, productHash, validateProduct, validateProductWithSchema, type ValidationResult } from '../src/catalog/validate';

const base: ProductInput = {
  id: 'SKU-1',
  title: 'Lamp',
  description: 'A lamp.',
  link: 'https://shop.example/lamp',
  price: '15.00 EUR',
  availability: 'in stock',
};

function validate(input: ProductInput, currency = 'EUR'): ValidationResult {
  return validateProduct(input, { currency, line: 7 });
}

function ok(input: ProductInput, currency = 'EUR'): { product: Product; warnings: string[] } {
  const result = validate(input, currency);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.issues)}`);
  return { product: result.product, warnings: result.warnings.map((w) => `${w.field}: ${w.reason}`) };
}

describe('a valid product', () => {
  it('gets defaults for everything the row does not say', () => {
    const { product, warnings } = ok(base);
    expect(product).toEqual({
      id: 'SKU-1',
      title: 'Lamp',
      description: 'A lamp.',
      link: 'https://shop.example/lamp',
      image_link: null,
      additional_image_link: [],
      availability: 'in_stock',
      availability_date: null,
      price: { micros: 15_000_000, currency: 'EUR' },
      sale_price: null,
      sale_price_effective_date: null,
      brand: null,
      gtin: null,
      mpn: null,
      identifier_exists: null,
      condition: 'new',
      google_product_category: null,
      product_type: null,
      item_group_id: null,
      color: null,
      size: null,
      gender: null,
      age_group: null,
      material: null,
      pattern: null,
      quantity: null,
      shipping: [],
      custom_label_0: null,
      custom_label_1: null,
      custom_label_2: null,
      custom_label_3: null,
      custom_label_4: null,
      extra: {},
    });
    expect(warnings).toEqual([]);
  });

  it('keeps unknown keys as extra, safely', () => {
    const { product } = ok({ ...base, 'Warehouse Bin': ' B-07 ', ['__proto__' as string]: 'x', empty: '  ' });
    expect(Object.entries(product.extra)).toEqual([['Warehouse Bin', 'B-07'], ['__proto__', 'x']]);
    expect(Object.getPrototypeOf(product.extra)).toBe(Object.prototype);
    const withProto = ok(JSON.parse(`{"id":"1","title":"t","link":"https://a.example/x","price":"1","__proto__":"x"}`) as ProductInput);
    expect(Object.getPrototypeOf(withProto.product.extra)).toBe(Object.prototype);
    expect(Object.keys(withProto.product.extra)).toEqual(['__proto__']);
  });
});

describe('required attributes', () => {
  it('refuses the row with one issue per problem, each with line, field and value', () => {
    const result = validate({ title: '  ', link: '/lamp', price: 'cheap', availability: 'maybe' });
    expect(result).toEqual({
      ok: false,
      issues: [
        { line: 7, field: 'id', reason: 'is required' },
        { line: 7, field: 'title', reason: 'is empty', value: '  ' },
        { line: 7, field: 'link', reason: 'is not an absolute http(s) URL', value: '/lamp' },
        { line: 7, field: 'price', reason: 'not a price: "cheap"', value: 'cheap' },
        { line: 7, field: 'availability', reason: expect.stringContaining('not an availability'), value: 'maybe' },
      ],
    });
  });

  it('refuses an id over 240 characters and shortens the value it reports', () => {
    const result = validate({ ...base, id: 'x'.repeat(241) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]).toMatchObject({ field: 'id', reason: 'is longer than 240 characters' });
    expect(result.issues[0]!.value!.length).toBeLessThanOrEqual(80);
    expect(ok({ ...base, id: 'x'.repeat(240) }).product.id).toHaveLength(240);
  });

  it('takes http(s) links only', () => {
    for (const link of ['ftp://shop.example/x', 'javascript:alert(1)', 'https://', 'shop.example/x']) {
      expect(validate({ ...base, link }).ok, link).toBe(false);
    }
    expect(ok({ ...base, link: ' https://Shop.Example/a b ' }).product.link).toBe('https://shop.example/a%20b');
  });

  it('refuses a type it cannot read', () => {
    const result = validate({ ...base, title: [{ a: 'b' }] });
    expect(result).toMatchObject({ ok: false, issues: [{ field: 'title', reason: 'must be text' }] });
  });
});

describe('prices', () => {
  it.each([
    ['1.299,00 €', 'EUR', 1_299_000_000, 'EUR'],
    ['15.00 EUR', 'USD', 15_000_000, 'EUR'],
    ['EUR 15', 'USD', 15_000_000, 'EUR'],
    ['19,99', 'EUR', 19_990_000, 'EUR'],
    ['$1,299.99', 'EUR', 1_299_990_000, 'USD'],
    ['1500', 'JPY', 1_500_000_000, 'JPY'],
  ])('%s (default %s)', (price, currency, micros, expected) => {
    expect(ok({ ...base, price }, currency).product.price).toEqual({ micros, currency: expected });
  });

  it('warns when a separator is ambiguous', () => {
    const { product, warnings } = ok({ ...base, price: '1,299' });
    expect(product.price.micros).toBe(1_299_000_000);
    expect(warnings).toEqual([expect.stringMatching(/^price: .*thousands separator/)]);
  });

  it('keeps a sale price below the price, drops any other with a warning', () => {
    expect(ok({ ...base, sale_price: '9.99 EUR' }).product.sale_price).toEqual({ micros: 9_990_000, currency: 'EUR' });
    for (const [sale, reason] of [['15.00 EUR', 'is not below price'], ['20 EUR', 'is not below price'], ['5 USD', 'another currency'], ['free', 'not a price']] as const) {
      const { product, warnings } = ok({ ...base, sale_price: sale });
      expect(product.sale_price).toBeNull();
      expect(warnings).toEqual([expect.stringContaining(reason)]);
    }
  });

  it('reads sale dates as an ISO 8601 interval, with a slash or a space', () => {
    const sale = { ...base, sale_price: '9 EUR' };
    expect(ok({ ...sale, sale_price_effective_date: '2026-03-01T00:00+01:00/2026-03-31T23:59+01:00' }).product.sale_price_effective_date).toBe(
      '2026-03-01T00:00+01:00/2026-03-31T23:59+01:00',
    );
    expect(ok({ ...sale, sale_price_effective_date: '2026-03-01 2026-03-31' }).product.sale_price_effective_date).toBe('2026-03-01/2026-03-31');
    expect(ok({ ...sale, sale_price_effective_date: '2026-03-01 00:00:00 2026-03-31 23:59:59' }).product.sale_price_effective_date).toBe(
      '2026-03-01T00:00:00/2026-03-31T23:59:59',
    );
    for (const bad of ['March', '2026-03-31/2026-03-01', '2026-13-01/2026-14-01']) {
      const { product, warnings } = ok({ ...sale, sale_price_effective_date: bad });
      expect(product.sale_price_effective_date, bad).toBeNull();
      expect(warnings[0]).toMatch(/^sale_price_effective_date: .*ignored$/);
    }
  });
});

describe('GTIN', () => {
  it.each(['4006381333931', '036000291452', '96385074', '00012345678905', '10012345678902'])('%s has a valid check digit', (gtin) => {
    expect(isValidGtin(gtin)).toBe(true);
  });

  it.each(['4006381333932', '036000291453', '96385075', '00000000000000', '400638133393', '4006381333931x', ''])('%s is refused', (gtin) => {
    expect(isValidGtin(gtin)).toBe(false);
  });

  it('accepts every code whose last digit is computed the GS1 way (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(7, 11, 12, 13), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 13, maxLength: 13 }), (len, digits) => {
        const body = digits.slice(0, len);
        if (body.every((d) => d === 0)) return;
        const sum = body.reduce((s, d, i) => s + d * ((len - i) % 2 === 1 ? 3 : 1), 0);
        const code = body.join('') + String((10 - (sum % 10)) % 10);
        expect(isValidGtin(code)).toBe(true);
        const wrong = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
        expect(isValidGtin(wrong)).toBe(false);
      }),
    );
  });

  it('drops a bad GTIN with a warning instead of refusing the product', () => {
    const { product, warnings } = ok({ ...base, gtin: '4006381333932' });
    expect(product.gtin).toBeNull();
    expect(warnings).toEqual(['gtin: has a wrong check digit; ignored']);
    expect(ok({ ...base, gtin: "'4006-3813-3393-1" }).product.gtin).toBe('4006381333931');
    expect(ok({ ...base, gtin: '4.00638E+12' }).warnings).toEqual(['gtin: is not 8, 12, 13 or 14 digits; ignored']);
    expect(ok({ ...base, gtin: '00012345678905' }).product.gtin).toBe('00012345678905');
  });
});

describe('availability and quantity', () => {
  it('assumes in stock, with a warning, when neither is given', () => {
    const { product, warnings } = ok({ ...base, availability: undefined });
    expect(product.availability).toBe('in_stock');
    expect(warnings).toEqual(['availability: is missing; in_stock assumed']);
  });

  it('derives availability from the quantity', () => {
    expect(ok({ ...base, availability: undefined, quantity: '3' }).product).toMatchObject({ availability: 'in_stock', quantity: 3 });
    expect(ok({ ...base, availability: undefined, quantity: '0' }).product).toMatchObject({ availability: 'out_of_stock', quantity: 0 });
    expect(ok({ ...base, availability: undefined, quantity: '-4' }).product).toMatchObject({ availability: 'out_of_stock', quantity: 0 });
    expect(ok({ ...base, quantity: '2.0' }).product.quantity).toBe(2);
    expect(ok({ ...base, quantity: 'lots' }).warnings).toEqual(['quantity: is not a whole number; ignored']);
  });

  it('lets an explicit availability win over the quantity', () => {
    expect(ok({ ...base, availability: 'preorder', quantity: '0', availability_date: '2026-05-01' }).product).toMatchObject({
      availability: 'preorder',
      availability_date: '2026-05-01',
    });
  });
});

describe('vocabularies', () => {
  it.each([
    ['gender', 'men', 'male'], ['gender', "Women's", 'female'], ['gender', 'Unisex', 'unisex'], ['gender', 'Damen', 'female'],
    ['age_group', 'Adults', 'adult'], ['age_group', 'children', 'kids'], ['age_group', 'newborn', 'newborn'],
    ['condition', 'Used', 'used'], ['condition', 'refurbished', 'refurbished'], ['condition', 'NewCondition', 'new'],
  ] as const)('%s %s → %s', (field, raw, expected) => {
    expect(ok({ ...base, [field]: raw }).product[field]).toBe(expected);
  });

  it('drops an unknown word with a warning; condition then defaults to new', () => {
    const { product, warnings } = ok({ ...base, gender: 'robot', condition: 'mint' });
    expect(product).toMatchObject({ gender: null, condition: 'new' });
    expect(warnings).toHaveLength(2);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^gender: is not a gender/), expect.stringMatching(/^condition: is not a condition/)]));
  });

  it('reads identifier_exists as yes/no', () => {
    expect(ok({ ...base, identifier_exists: 'no' }).product.identifier_exists).toBe(false);
    expect(ok({ ...base, identifier_exists: 'TRUE' }).product.identifier_exists).toBe(true);
    expect(ok({ ...base, identifier_exists: 'perhaps' }).product.identifier_exists).toBeNull();
  });
});

describe('shipping', () => {
  it('reads the text form, several rules, and objects; UK becomes GB with a warning', () => {
    const { product, warnings } = ok({ ...base, shipping: 'US:CA:Overnight:16.00 USD, UK::Standard:4.95 GBP,DE:::0 EUR' });
    expect(product.shipping).toEqual([
      { country: 'US', region: 'CA', service: 'Overnight', price: { micros: 16_000_000, currency: 'USD' } },
      { country: 'GB', service: 'Standard', price: { micros: 4_950_000, currency: 'GBP' } },
      { country: 'DE', price: { micros: 0, currency: 'EUR' } },
    ]);
    expect(warnings).toEqual(['shipping: shipping country UK is not an ISO 3166 code; GB used']);
    expect(ok({ ...base, shipping: [{ country: 'nl', price: '4,95' }] }).product.shipping).toEqual([{ country: 'NL', price: { micros: 4_950_000, currency: 'EUR' } }]);
  });

  it('drops a rule with a bad country or price and keeps the others', () => {
    const { product, warnings } = ok({ ...base, shipping: 'USA:5 USD,US:free,FR:3 EUR' });
    expect(product.shipping).toEqual([{ country: 'FR', price: { micros: 3_000_000, currency: 'EUR' } }]);
    expect(warnings).toHaveLength(2);
  });
});

describe('images', () => {
  it('drops bad additional images one by one and never repeats the main image', () => {
    const { product, warnings } = ok({
      ...base,
      image_link: 'https://cdn.example/1.jpg',
      additional_image_link: ['https://cdn.example/1.jpg', 'https://cdn.example/2.jpg', 'data:image/png;base64,xx', 'https://cdn.example/2.jpg'],
    });
    expect(product.additional_image_link).toEqual(['https://cdn.example/2.jpg']);
    expect(warnings).toEqual(['additional_image_link: is not an absolute http(s) URL; ignored']);
  });

  it('drops a bad main image with a warning', () => {
    const { product, warnings } = ok({ ...base, image_link: 'file:///etc/passwd' });
    expect(product.image_link).toBeNull();
    expect(warnings).toEqual(['image_link: is not an absolute http(s) URL; ignored']);
  });

  it('returns URLs exactly as the URL parser would (property)', () => {
    const chars = fc.constantFrom(...'abcXYZ019-._~!$&()*+,;=:@/?#%\' "<>é'.split(''));
    fc.assert(
      fc.property(fc.constantFrom('http', 'https', 'HTTPS'), fc.constantFrom('shop.example', 'Shop.Example', 'a-b.c0', '127.0.0.1', 'x.y:8080'), fc.string({ unit: chars }), (scheme, host, path) => {
        const raw = `${scheme}://${host}/${path}`;
        let expected: string | null = null;
        try {
          expected = new URL(raw).href;
        } catch {
          expected = null;
        }
        expect(httpUrl(raw)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('text', () => {
  it('trims, collapses whitespace, decodes entities and strips control characters', () => {
    const { product } = ok({ ...base, title: '  Tom &amp; Jerry\u0000\t caf&eacute;\u200b  ', brand: 'A\u0007\u00a0B' });
    expect(product.title).toBe('Tom & Jerry café\u200b');
    expect(product.brand).toBe('A B');
  });

  it('turns an HTML description into text, keeping its line breaks', () => {
    const { product } = ok({
      ...base,
      description: '<p>Warm &amp; <b>soft</b>.</p>\r\n<ul><li>Cotton</li><li>Machine&nbsp;wash</li></ul><script>alert(1)</script><!-- x -->',
    });
    expect(product.description).toBe('Warm & soft.\n\nCotton\nMachine wash');
  });

  it('uses the title when there is no description, with a warning', () => {
    const { product, warnings } = ok({ ...base, description: ' <p></p> ' });
    expect(product.description).toBe('Lamp');
    expect(warnings).toEqual(['description: is missing; the title is used']);
  });

  it('takes the first entry of a list given for a single-valued attribute', () => {
    expect(ok({ ...base, color: ['', 'Red', 'Blue'], size: [] }).product).toMatchObject({ color: 'Red', size: null });
  });

  it('does not make a product its own group', () => {
    expect(ok({ ...base, item_group_id: 'SKU-1' }).product.item_group_id).toBeNull();
    expect(ok({ ...base, item_group_id: 'G' }).product.item_group_id).toBe('G');
  });
});

describe('the text fast path', () => {
  it('gives what the zod schema path gives, for any text-only row', () => {
    const values: Record<string, string[]> = {
      id: ['SKU-1', ' ', '', 'x'.repeat(241), 'G'],
      title: ['Lamp', '', ' Two  words ', 'A &amp; B'],
      description: ['', '<p>Warm</p>', 'Plain.'],
      link: ['https://shop.example/a', '/relative', 'ftp://x', ''],
      image_link: ['https://shop.example/i.jpg', 'nope', ''],
      additional_image_link: ['https://a.example/1.jpg, https://a.example/2.jpg', 'bad, https://a.example/3.jpg'],
      availability: ['in stock', 'sold out', 'maybe', '', 'https://schema.org/InStock'],
      price: ['15.00 EUR', '1,299', 'abc', '', '12 USD'],
      sale_price: ['10 EUR', '20 EUR', '5 USD', 'x'],
      sale_price_effective_date: ['2026-03-01/2026-03-31', '2026-03-31/2026-03-01', 'soon'],
      gtin: ['4006381333931', '4006381333932', '123'],
      quantity: ['3', '-2', 'lots', '0'],
      condition: ['new', 'gebraucht', 'broken'],
      gender: ['men', 'x'],
      shipping: ['NL::Standard:4.95 EUR', 'UK:Express:9 GBP', 'nowhere'],
      identifier_exists: ['no', 'perhaps'],
      item_group_id: ['SKU-1', 'G'],
      availability_date: ['2026-05-01', 'later'],
      'Some Column': ['kept', ''],
    };
    const row = fc.record(
      Object.fromEntries(Object.entries(values).map(([k, v]) => [k, fc.constantFrom(...v)])),
      { requiredKeys: [] },
    ) as fc.Arbitrary<ProductInput>;
    const list = fc.array(fc.constantFrom('https://a.example/1.jpg', 'bad', ''), { maxLength: 3 });
    fc.assert(
      fc.property(row, fc.option(list, { nil: undefined }), (input, images) => {
        if (images !== undefined) input = { ...input, additional_image_link: images };
        const ctx = { currency: 'EUR', line: 3 };
        expect(validateProduct(input, ctx)).toEqual(validateProductWithSchema(input, ctx));
      }),
      { numRuns: 500 },
    );
  });
});

const PINNED_HASH = '2f62ed51b5b65220';

describe('productHash', () => {
  it('is a deterministic 64-bit hex hash of the content, independent of key order', () => {
    const { product } = ok(base);
    const reordered = Object.fromEntries(Object.entries(product).reverse()) as unknown as Product;
    expect(productHash(product)).toMatch(/^[0-9a-f]{16}$/);
    expect(productHash(reordered)).toBe(productHash(product));
    expect(productHash({ ...product, price: { currency: 'EUR', micros: 15_000_000 } })).toBe(productHash(product));
  });

  it('is stable: equal content hashes alike whatever the key order, any change shows', () => {
    const { product } = ok(base);
    // Stored with every product: a new hash function makes the next import see every
    // product as changed, so a change here must be deliberate.
    expect(productHash(product)).toBe(PINNED_HASH);
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '"', '\\', '\n', '\u0001', '\ud83d', '\ude00', '😀', ' ', ',') });
    const shuffled = <T extends object>(o: T, seed: number): T => {
      const entries = Object.entries(o);
      entries.sort((x, y) => ((x[0].length * 7 + seed) % 5) - ((y[0].length * 7 + seed) % 5) || (seed % 2 ? 1 : -1));
      return Object.fromEntries(entries) as T;
    };
    fc.assert(
      fc.property(text, text, fc.dictionary(text, text, { maxKeys: 4 }), fc.integer(), fc.boolean(), fc.nat(), (title, color, extra, micros, flag, seed) => {
        const p: Product = {
          ...product,
          title,
          color,
          extra,
          identifier_exists: flag,
          price: { micros, currency: 'EUR' },
          sale_price: flag ? { micros: 1, currency: 'EUR' } : null,
          shipping: [{ country: 'NL', price: { micros, currency: 'EUR' }, service: color }],
          additional_image_link: [title, color],
        };
        const same: Product = {
          ...shuffled(p, seed),
          extra: shuffled(extra, seed + 1),
          price: { currency: 'EUR', micros },
          shipping: [{ service: color, price: { currency: 'EUR', micros }, country: 'NL' }],
        };
        expect(productHash(same)).toBe(productHash(p));
        const changed = [
          { ...p, title: `${title}x` },
          { ...p, color: title === color ? `${color}x` : title },
          { ...p, extra: { ...extra, [`${title}!`]: 'x' } },
          { ...p, price: { micros: micros + 1, currency: 'EUR' } },
          { ...p, identifier_exists: !flag },
          { ...p, additional_image_link: [color, title].concat(title === color ? ['x'] : []) },
          { ...p, shipping: [{ country: 'NL', price: { micros, currency: 'EUR' } }] },
        ];
        for (const q of changed) expect(productHash(q)).not.toBe(productHash(p));
      }),
      { numRuns: 300 },
    );
    // lone surrogates are text too (JSON escapes them, so UTF-8 does not turn them all into U+FFFD)
    expect(productHash({ ...product, title: '\ud800' })).not.toBe(productHash({ ...product, title: '\udc00' }));
  });

  it('changes when anything a feed shows changes', () => {
    const { product } = ok(base);
    const hashes = new Set([
      productHash(product),
      productHash({ ...product, title: 'Lamp!' }),
      productHash({ ...product, price: { micros: 15_000_001, currency: 'EUR' } }),
      productHash({ ...product, additional_image_link: ['https://a.example/1.jpg'] }),
      productHash({ ...product, extra: { a: 'b' } }),
      productHash({ ...product, quantity: 0 }),
    ]);
    expect(hashes.size).toBe(6);
  });
});

describe('readProducts', () => {
  it('streams product, invalid and done events with lines', async () => {
    const csv = 'id,title,link,price,gtin\n1,A,https://shop.example/a,5,123\n2,,https://shop.example/b,5,\n3,C,https://shop.example/c,5\n';
    const events = [];
    const bytes = new TextEncoder().encode(csv);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    for await (const event of readProducts(body, { format: 'csv', currency: 'EUR', baseLink: 'https://shop.example', maxBytes: 1 << 20 })) events.push(event);
    expect(events.map((e) => [e.kind, 'line' in e ? e.line : null])).toEqual([
      ['product', 2],
      ['invalid', 3],
      ['invalid', 4],
      ['done', null],
    ]);
    expect(events[0]).toMatchObject({ kind: 'product', warnings: expect.arrayContaining([expect.objectContaining({ field: 'gtin', line: 2 })]) });
    expect(events[1]).toMatchObject({ issues: [{ line: 3, field: 'title', reason: 'is required' }] });
    expect(events[2]).toMatchObject({ issues: [{ line: 4, reason: expect.stringContaining('4 fields but the header has 5') }] });
    expect(events[3]).toEqual({ kind: 'done', links: [], issues: [], dialect: 'generic' });
  });
});

describe('staging', () => {
  it('keeps the last row of an id, within one INSERT and across batches, and says so', async () => {
    const t = await makeTestApp();
    try {
      await t.putCatalog('shop');
      // lines 2 and 3 share a three-row INSERT; line 1002, in the third staging batch of 500, repeats line 6
      const rows = Array.from({ length: 1200 }, (_, i) => row(i + 1));
      rows.splice(1, 0, row(1, { title: 'Second of 1' }));
      rows.splice(1000, 0, row(4, { title: 'Later 4' }));
      const { json } = await t.importText('shop', csv(rows), { format: 'csv' });
      expect(json.status).toBe('published');
      expect(json.counts).toMatchObject({ rows: 1202, valid: 1200 });
      expect(json.warnings).toEqual([
        expect.objectContaining({ line: 3, field: 'id', value: 'SKU-0001', reason: 'duplicate id: this row replaces the one on line 2' }),
        expect.objectContaining({ line: 1002, field: 'id', value: 'SKU-0004', reason: 'duplicate id: this row replaces the one on line 6' }),
      ]);
      const titles = t.db
        .prepare("SELECT item_id, title FROM products WHERE item_id IN ('SKU-0001', 'SKU-0004') AND valid_to IS NULL ORDER BY item_id")
        .all();
      expect(titles).toEqual([
        { item_id: 'SKU-0001', title: 'Second of 1' },
        { item_id: 'SKU-0004', title: 'Later 4' },
      ]);
    } finally {
      t.close();
    }
  });
});
