import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanLine, cleanMultiline, createRowMapper, decodeEntities, detectDialect, normalizeAvailability, normalizeKey, stripHtml } from '../src/catalog/map';
import { looksLikeHtml } from '../src/catalog/map/text';
import type { ImportFormat } from '../src/catalog/parse';
import type { Product } from '../src/catalog/product';
import { readProducts, type ProductEvent } from '../src/catalog/read-products';
import { body } from './helpers/streams';

const SHOP = 'https://shop.example';
const DATA = new URL('../../shared/data/', import.meta.url).pathname;
const MAGENTO = `${DATA}magento2-sample-data/products.csv`;
const RETAIL = `${DATA}google-retail-tutorial/products.json`;
const RETAIL_INVALID = `${DATA}google-retail-tutorial/products_some_invalid.json`;


interface Imported {
  products: Product[];
  lines: number[];
  invalid: Extract<ProductEvent, { kind: 'invalid' }>[];
  warnings: string[];
  done: Extract<ProductEvent, { kind: 'done' }>;
}

async function importFile(content: string | Uint8Array, format: ImportFormat, currency = 'EUR'): Promise<Imported> {
  const out: Imported = { products: [], lines: [], invalid: [], warnings: [], done: null as never };
  for await (const event of readProducts(body(content), { format, currency, baseLink: SHOP, maxBytes: 50 << 20 })) {
    if (event.kind === 'product') {
      out.products.push(event.product);
      out.lines.push(event.line);
      for (const w of event.warnings) out.warnings.push(`${event.line} ${w.field}: ${w.reason}`);
    } else if (event.kind === 'invalid') out.invalid.push(event);
    else out.done = event;
  }
  return out;
}

const byId = (products: Product[]) => new Map(products.map((p) => [p.id, p]));

describe('column names', () => {
  it('reduces every spelling to one key', () => {
    for (const k of ['Image Link', 'image link', 'g:image_link', 'imageLink', 'IMAGE-LINK', ' image_link ']) {
      expect(normalizeKey(k)).toBe('image_link');
    }
    expect(normalizeKey('Body (HTML)')).toBe('body_html');
    expect(normalizeKey('In stock?')).toBe('in_stock');
    expect(normalizeKey('Attribute 1 value(s)')).toBe('attribute_1_value_s');
    expect(normalizeKey('priceInfo')).toBe('price_info');
  });
});

describe('generic files (Google attribute names and aliases)', () => {
  it('maps aliases, splits image lists, resolves relative URLs and keeps unknown columns as extra', async () => {
    const csv = [
      'SKU,Product Name,URL,Main Image,Additional Images,Stock,EAN,Manufacturer,Categories,Regular Price,Special Price,Colour,Warehouse Bin',
      'A-1,Lamp,/products/lamp,//cdn.example/lamp.jpg,"https://cdn.example/1.jpg|https://cdn.example/2.jpg, /img/3.jpg",12,4006381333931,Acme,Home > Lights,"1.299,00 €",999 EUR,Red,B-07',
      'A-2,Chair,https://shop.example/chair,https://cdn.example/chair.jpg,,out of stock,,,Home,49.90,,,',
    ].join('\n');
    const { products, done } = await importFile(csv, 'csv');
    expect(done.dialect).toBe('generic');
    const [lamp, chair] = products;
    expect(lamp).toMatchObject({
      id: 'A-1',
      title: 'Lamp',
      link: 'https://shop.example/products/lamp',
      image_link: 'https://cdn.example/lamp.jpg',
      additional_image_link: ['https://cdn.example/1.jpg', 'https://cdn.example/2.jpg', 'https://shop.example/img/3.jpg'],
      quantity: 12,
      availability: 'in_stock',
      gtin: '4006381333931',
      brand: 'Acme',
      product_type: 'Home > Lights',
      price: { micros: 1_299_000_000, currency: 'EUR' },
      sale_price: { micros: 999_000_000, currency: 'EUR' },
      color: 'Red',
      extra: { 'Warehouse Bin': 'B-07' },
    });
    expect(chair).toMatchObject({ id: 'A-2', availability: 'out_of_stock', quantity: null, price: { micros: 49_900_000, currency: 'EUR' } });
  });

  it('prefers the Google name over an alias and keeps the alias column as extra', async () => {
    const { products } = await importFile('sku,id,title,link,price\nS1,G1,T,https://shop.example/t,5\n', 'csv');
    expect(products[0]).toMatchObject({ id: 'G1', extra: { sku: 'S1' } });
  });

  it('reads Google names from JSON, XML and TSV alike', async () => {
    const tsv = 'id\ttitle\tlink\tprice\tavailability\tImage Link\n1\tT\thttps://shop.example/1\t15.00 EUR\tin stock\thttps://shop.example/1.jpg\n';
    const xml = `<rss xmlns:g="http://base.google.com/ns/1.0"><channel><item><g:id>1</g:id><title>T</title><link>https://shop.example/1</link><g:price>15.00 EUR</g:price><g:availability>in stock</g:availability><g:image_link>https://shop.example/1.jpg</g:image_link></item></channel></rss>`;
    const json = JSON.stringify([{ id: 1, title: 'T', link: 'https://shop.example/1', price: { value: '15.00', currency: 'EUR' }, availability: 'in stock', imageLink: 'https://shop.example/1.jpg' }]);
    for (const [text, format] of [[tsv, 'tsv'], [xml, 'xml'], [json, 'json']] as const) {
      const { products } = await importFile(text, format);
      expect(products[0], format).toMatchObject({ id: '1', title: 'T', price: { micros: 15_000_000, currency: 'EUR' }, availability: 'in_stock', image_link: 'https://shop.example/1.jpg' });
    }
  });
});

describe('availability vocabulary', () => {
  it.each([
    ['in stock', 'in_stock'], ['in_stock', 'in_stock'], ['instock', 'in_stock'], ['IN_STOCK', 'in_stock'], ['InStock', 'in_stock'],
    ['https://schema.org/InStock', 'in_stock'], ['available', 'in_stock'], ['1', 'in_stock'], ['true', 'in_stock'], ['Yes', 'in_stock'],
    ['available for order', 'in_stock'], ['limited availability', 'in_stock'],
    ['out of stock', 'out_of_stock'], ['OUT_OF_STOCK', 'out_of_stock'], ['sold out', 'out_of_stock'], ['0', 'out_of_stock'],
    ['false', 'out_of_stock'], ['no', 'out_of_stock'], ['discontinued', 'out_of_stock'],
    ['preorder', 'preorder'], ['pre-order', 'preorder'], ['PreOrder', 'preorder'],
    ['backorder', 'backorder'], ['onbackorder', 'backorder'], ['back order', 'backorder'],
  ])('%s → %s', (word, expected) => {
    expect(normalizeAvailability(word)).toBe(expected);
  });

  it('knows no other words', () => {
    expect(normalizeAvailability('INVALID_VALUE')).toBeNull();
    expect(normalizeAvailability('maybe')).toBeNull();
  });

  it('derives availability from a quantity column, and reads a word in a stock column', async () => {
    const csv = 'id,title,link,price,qty\n1,A,https://shop.example/a,5,3\n2,B,https://shop.example/b,5,0\n3,C,https://shop.example/c,5,in stock\n';
    const { products } = await importFile(csv, 'csv');
    expect(products.map((p) => [p.availability, p.quantity])).toEqual([
      ['in_stock', 3],
      ['out_of_stock', 0],
      ['in_stock', null],
    ]);
  });
});

describe('dialect detection', () => {
  it('names the shop platform from the header', () => {
    expect(detectDialect(['Handle', 'Title', 'Body (HTML)', 'Variant SKU', 'Variant Price'])).toBe('shopify');
    expect(detectDialect(['ID', 'Type', 'SKU', 'Name', 'Regular price', 'Parent'])).toBe('woocommerce');
    expect(detectDialect(['sku', 'product_type', 'name', 'url_key', 'configurable_variations'])).toBe('magento');
    expect(detectDialect(['id', 'title', 'priceInfo', 'uri'])).toBe('google_retail');
    expect(detectDialect(['id', 'title', 'price', 'link'])).toBe('generic');
  });
});

describe('Shopify product export', () => {
  const header =
    'Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,Published,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Option3 Name,Option3 Value,Variant SKU,Variant Grams,Variant Inventory Tracker,Variant Inventory Qty,Variant Inventory Policy,Variant Fulfillment Service,Variant Price,Variant Compare At Price,Variant Requires Shipping,Variant Taxable,Variant Barcode,Image Src,Image Position,Image Alt Text,Gift Card,SEO Title,SEO Description,Google Shopping / Gender,Google Shopping / MPN,Variant Image,Status';
  const csv = [
    header,
    'tee,Classic Tee,"<p>Soft <b>cotton</b>.</p><p>Second&nbsp;para</p>",Acme,Apparel & Accessories > Clothing > Shirts & Tops,Shirts,"summer, cotton",TRUE,Colour,Red,Size,S,,,TEE-R-S,200,shopify,5,deny,manual,20.00,25.00,TRUE,TRUE,4006381333931,https://cdn.shopify.example/tee-1.jpg,1,,FALSE,,,Unisex,MPN-1,https://cdn.shopify.example/tee-red.jpg,active',
    'tee,,,,,,,,,Red,,M,,,TEE-R-M,200,shopify,0,deny,manual,20.00,25.00,TRUE,TRUE,,https://cdn.shopify.example/tee-2.jpg,2,,,,,,,,',
    'tee,,,,,,,,,Blue,,S,,,,200,shopify,-2,continue,manual,20.00,,TRUE,TRUE,,,,,,,,,,https://cdn.shopify.example/tee-blue.jpg,',
    'tee,,,,,,,,,,,,,,,,,,,,,,,,,https://cdn.shopify.example/tee-3.jpg,3,,,,,,,,',
    'mug,Mug,Plain mug,Acme,,Kitchen,,TRUE,Title,Default Title,,,,,MUG-1,300,,0,deny,manual,9.50,,TRUE,TRUE,,https://cdn.shopify.example/mug.jpg,1,,FALSE,,,,,,active',
    'secret,Draft thing,,Acme,,,,FALSE,Title,Default Title,,,,,DRAFT-1,1,,1,deny,manual,1.00,,TRUE,TRUE,,,,,FALSE,,,,,,draft',
  ].join('\n');

  it('groups variants by handle, inherits product columns and collects images', async () => {
    const { products, lines, done, invalid } = await importFile(csv, 'csv');
    expect(invalid).toEqual([]);
    expect(done.dialect).toBe('shopify');
    const p = byId(products);
    expect([...p.keys()]).toEqual(['TEE-R-S', 'TEE-R-M', 'tee-blue-s', 'MUG-1']);
    expect(lines).toEqual([2, 3, 4, 6]);

    expect(p.get('TEE-R-S')).toMatchObject({
      title: 'Classic Tee',
      description: 'Soft cotton.\n\nSecond para',
      brand: 'Acme',
      product_type: 'Shirts',
      google_product_category: 'Apparel & Accessories > Clothing > Shirts & Tops',
      item_group_id: 'tee',
      color: 'Red',
      size: 'S',
      link: 'https://shop.example/products/tee',
      image_link: 'https://cdn.shopify.example/tee-red.jpg',
      additional_image_link: ['https://cdn.shopify.example/tee-1.jpg', 'https://cdn.shopify.example/tee-2.jpg', 'https://cdn.shopify.example/tee-3.jpg'],
      // compare-at above price: the regular price is the compare-at one
      price: { micros: 25_000_000, currency: 'EUR' },
      sale_price: { micros: 20_000_000, currency: 'EUR' },
      gtin: '4006381333931',
      mpn: 'MPN-1',
      gender: 'unisex',
      quantity: 5,
      availability: 'in_stock',
      extra: { Tags: 'summer, cotton' },
    });
    expect(p.get('TEE-R-M')).toMatchObject({ title: 'Classic Tee', size: 'M', quantity: 0, availability: 'out_of_stock', image_link: 'https://cdn.shopify.example/tee-1.jpg' });
    // no SKU: handle plus options; oversold with "continue" policy: still sellable
    expect(p.get('tee-blue-s')).toMatchObject({ color: 'Blue', quantity: 0, availability: 'in_stock', sale_price: null, price: { micros: 20_000_000 } });
    // a single variant is no group; untracked inventory is always in stock
    expect(p.get('MUG-1')).toMatchObject({ item_group_id: null, availability: 'in_stock', color: null, size: null });
    expect(done.issues).toEqual([expect.objectContaining({ field: 'Status', reason: expect.stringContaining('1 draft') })]);
  });
});

describe('WooCommerce product export', () => {
  const header =
    'ID,Type,SKU,Name,Published,Is featured?,Visibility in catalog,Short description,Description,Date sale price starts,Date sale price ends,Tax status,Tax class,In stock?,Stock,Low stock amount,Backorders allowed?,Sold individually?,Weight (kg),Length (cm),Width (cm),Height (cm),Allow customer reviews?,Purchase note,Sale price,Regular price,Categories,Tags,Shipping class,Images,Download limit,Download expiry days,Parent,Grouped products,Upsells,Cross-sells,External URL,Button text,Position,Attribute 1 name,Attribute 1 value(s),Attribute 1 visible,Attribute 1 global,Attribute 2 name,Attribute 2 value(s),Attribute 2 visible,Attribute 2 global,Meta: _ean';
  const row = (cells: Record<number, string>) => Array.from({ length: 48 }, (_, i) => cells[i] ?? '').map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',');
  // columns: 0 ID 1 Type 2 SKU 3 Name 4 Published 7 Short 8 Description 9/10 sale dates 13 In stock? 14 Stock
  // 24 Sale price 25 Regular price 26 Categories 27 Tags 29 Images 32 Parent 36 External URL 39-46 attributes 47 Meta: _ean
  const csv = [
    header,
    // a variation listed before its parent: linked at the end
    row({ 0: '20', 1: 'variation', 2: 'hood-blue', 3: 'Hoodie - Blue', 4: '1', 13: '1', 25: '45', 32: 'id:10', 39: 'Color', 40: 'Blue' }),
    row({ 0: '10', 1: 'variable', 2: 'hood', 3: 'Hoodie', 4: '1', 8: '<p>Warm.</p>', 13: '1', 26: 'Clothing > Hoodies, Sale', 29: 'https://wp.example/h1.png, https://wp.example/h2.png', 39: 'Color', 40: 'Blue, Red', 43: 'Brand', 44: 'Woolly' }),
    row({ 0: '21', 1: 'variation', 2: 'hood-red', 3: 'Hoodie - Red', 4: '1', 13: '0', 24: '30', 25: '45', 9: '2026-03-01 00:00:00', 10: '2026-03-31 23:59:59', 29: 'https://wp.example/h-red.png', 32: 'hood', 39: 'Color', 40: 'Red' }),
    row({ 0: '30', 1: 'simple, downloadable', 2: 'ebook', 3: 'E-book', 4: '1', 8: 'A book.', 13: 'backorder', 25: '9.99', 26: 'Books', 29: 'https://wp.example/book.png', 47: '4006381333931' }),
    row({ 0: '31', 1: 'external', 2: 'ext', 3: 'Partner item', 4: '1', 8: 'Elsewhere', 13: '1', 25: '12', 36: 'https://partner.example/item' }),
    row({ 0: '32', 1: 'simple', 2: 'draft', 3: 'Draft', 4: '-1', 25: '1' }),
    row({ 0: '33', 1: 'grouped', 2: 'set', 3: 'Set', 4: '1' }),
  ].join('\n');

  it('links variations to their parent, inherits parent texts and images, and skips drafts', async () => {
    const { products, done, invalid } = await importFile(csv, 'csv');
    expect(invalid).toEqual([]);
    expect(done.dialect).toBe('woocommerce');
    const p = byId(products);
    // the variable parent has no price of its own: it is only its variations' group
    expect([...p.keys()]).toEqual(['hood-blue', 'hood-red', 'ebook', 'ext']);

    expect(p.get('hood-red')).toMatchObject({
      item_group_id: 'hood',
      color: 'Red',
      availability: 'out_of_stock',
      price: { micros: 45_000_000 },
      sale_price: { micros: 30_000_000 },
      sale_price_effective_date: '2026-03-01T00:00:00/2026-03-31T23:59:59',
      description: 'Warm.',
      image_link: 'https://wp.example/h-red.png',
      brand: 'Woolly',
      link: 'https://shop.example/?post_type=product&p=10',
    });
    // the parent came later: no inherited description, a link at the end instead
    expect(p.get('hood-blue')).toMatchObject({ item_group_id: null, color: 'Blue', description: 'Hoodie - Blue' });
    expect(done.links).toEqual([{ id: 'hood-blue', item_group_id: 'hood' }]);

    expect(p.get('ebook')).toMatchObject({ availability: 'backorder', gtin: '4006381333931', product_type: 'Books' });
    expect(p.get('ext')).toMatchObject({ link: 'https://partner.example/item' });
    expect(done.issues.map((i) => i.reason)).toEqual([
      expect.stringContaining('1 private or draft'),
      expect.stringContaining('1 grouped'),
    ]);
  });
});

describe('Magento 2 export', () => {
  const csv = [
    'sku,store_view_code,attribute_set_code,product_type,categories,product_websites,name,description,short_description,weight,product_online,price,special_price,special_price_from_date,special_price_to_date,url_key,base_image,qty,is_in_stock,additional_attributes,configurable_variations,additional_images',
    'MH01-S-Red,,Top,simple,"Default Category/Men/Tops,Default Category",base,Hoodie-S-Red,"<p>Warm &amp; soft.</p>",,1,1,52,39,2026-01-01 00:00:00,2026-01-31 00:00:00,hoodie-s-red,/m/h/mh01-red.jpg,100,1,"has_options=0,size=S,color=Red,climate=Cool|Windy",,"/m/h/mh01-red-back.jpg,/m/h/mh01-red.jpg"',
    'MH01,,Top,configurable,"Default Category/Men/Tops",base,Hoodie,"<p>Warm &amp; soft.</p>",,,1,52,,,,,/m/h/mh01.jpg,0,1,"material=Wool,manufacturer=Acme","sku=MH01-S-Red,size=S,color=Red|sku=MH01-M-Red,size=M,color=Red",',
    'MH01,default,Top,configurable,,,Kapuzenpullover,,,,,,,,,,,,,,,',
    'MH02,,Top,simple,,base,Off,,,,2,10,,,,off,,1,0,,,',
  ].join('\n');

  it('reads parents, variations, media paths, url keys and additional attributes', async () => {
    const { products, done } = await importFile(csv, 'csv', 'USD');
    expect(done.dialect).toBe('magento');
    const p = byId(products);
    expect([...p.keys()]).toEqual(['MH01-S-Red', 'MH01']);
    expect(p.get('MH01-S-Red')).toMatchObject({
      title: 'Hoodie-S-Red',
      description: 'Warm & soft.',
      link: 'https://shop.example/hoodie-s-red.html',
      image_link: 'https://shop.example/media/catalog/product/m/h/mh01-red.jpg',
      additional_image_link: ['https://shop.example/media/catalog/product/m/h/mh01-red-back.jpg'],
      price: { micros: 52_000_000, currency: 'USD' },
      sale_price: { micros: 39_000_000, currency: 'USD' },
      sale_price_effective_date: '2026-01-01T00:00:00/2026-01-31T00:00:00',
      product_type: 'Men > Tops',
      color: 'Red',
      size: 'S',
      quantity: 100,
      availability: 'in_stock',
      extra: { weight: '1', climate: 'Cool, Windy' },
    });
    // no url_key: Magento derives it from the name; a parent's qty is not stock
    expect(p.get('MH01')).toMatchObject({ link: 'https://shop.example/hoodie.html', quantity: null, material: 'Wool', brand: 'Acme', availability: 'in_stock' });
    expect(done.links).toEqual([
      { id: 'MH01-S-Red', item_group_id: 'MH01', size: 'S', color: 'Red' },
      { id: 'MH01-M-Red', item_group_id: 'MH01', size: 'M', color: 'Red' },
    ]);
    expect(done.issues.map((i) => i.reason)).toEqual([
      expect.stringContaining('1 store-view rows'),
      expect.stringContaining('1 disabled'),
    ]);
  });

  describe.skipIf(!existsSync(MAGENTO))('the Luma sample catalogue (shared data)', () => {
    it('maps all 1,994 rows, with 147 parents linking their 1,847 variants', async () => {
      const { products, lines, invalid, done, warnings } = await importFile(readFileSync(MAGENTO), 'csv', 'USD');
      expect(invalid).toEqual([]);
      expect(products).toHaveLength(1994);
      expect(done.dialect).toBe('magento');
      const parents = new Set(done.links.map((l) => l.item_group_id));
      expect(parents.size).toBe(147);
      expect(done.links).toHaveLength(1847);
      const ids = new Set(products.map((p) => p.id));
      for (const link of done.links) {
        expect(ids.has(link.id)).toBe(true);
        expect(ids.has(link.item_group_id)).toBe(true);
      }
      expect(done.links[0]).toEqual({ id: 'MH01-XS-Black', item_group_id: 'MH01', size: 'XS', color: 'Black' });

      const p = byId(products);
      const variant = p.get('MH01-XS-Black')!;
      expect(variant).toMatchObject({
        title: 'Chaz Kangeroo Hoodie-XS-Black',
        link: 'https://shop.example/chaz-kangeroo-hoodie-xs-black.html',
        image_link: 'https://shop.example/media/catalog/product/m/h/mh01-black_main.jpg',
        price: { micros: 52_000_000, currency: 'USD' },
        availability: 'in_stock',
        quantity: 100,
        color: 'Black',
        size: 'XS',
        product_type: 'Men > Tops > Hoodies & Sweatshirts',
      });
      expect(variant.description).toMatch(/^Ideal for cold-weather training/);
      expect(variant.description).toContain('\n• Two-tone gray heather hoodie.');
      expect(variant.description).not.toMatch(/<|&bull;/);
      expect(p.get('MH01')).toMatchObject({ link: 'https://shop.example/chaz-kangeroo-hoodie.html', material: 'Wool' });
      // 1,946 multi-line HTML fields must not shift line numbers (checked against Python's csv module)
      const lineOf = new Map(products.map((prod, i) => [prod.id, lines[i]]));
      expect(lineOf.get('MH01-XS-Black')).toBe(2);
      expect(lineOf.get('MH01-XS-Gray')).toBe(4);
      expect(lineOf.get('MH01-XS-Orange')).toBe(6);
      expect(lineOf.get('WT09')).toBe(3484);
      expect(lines[lines.length - 1]).toBe(3940); // WSH12, the last row
      expect(warnings).toEqual([]);
    });
  });
});

describe('Google Retail API JSON', () => {
  it('maps priceInfo, brands, categories, colours, sizes and images', async () => {
    const ndjson = [
      JSON.stringify({
        id: 'P1', title: 'Tee', brands: ['Google'], categories: ['Apparel > Shirts', 'Sale'],
        priceInfo: { currencyCode: 'USD', price: '16', originalPrice: '45.0', priceEffectiveTime: '2020-08-01T12:00:00+00:00', priceExpireTime: '2120-08-01T12:00:00+00:00' },
        availability: 'OUT_OF_STOCK', availableQuantity: 0, colorInfo: { colorFamilies: ['Blue'], colors: ['Light blue', 'Navy'] },
        sizes: ['S', 'M'], uri: 'https://store.example/tee', images: [{ uri: 'https://store.example/1.jpg' }, { uri: 'https://store.example/2.jpg' }],
        attributes: [{ key: 'material', value: { text: ['Cotton'] } }, { key: 'ecofriendly', value: { text: ['Low-impact fabrics'] } }],
      }),
      JSON.stringify({ id: 'P2', title: 'Pen', priceInfo: { currencyCode: 'USD', price: '3' }, availability: 'IN_STOCK', uri: 'https://store.example/pen', sizes: ['One'] }),
    ].join('\n');
    const { products, done } = await importFile(ndjson, 'ndjson');
    expect(done.dialect).toBe('google_retail');
    expect(products[0]).toMatchObject({
      id: 'P1', brand: 'Google', product_type: 'Apparel > Shirts', availability: 'out_of_stock', quantity: 0,
      price: { micros: 45_000_000, currency: 'USD' }, sale_price: { micros: 16_000_000, currency: 'USD' },
      sale_price_effective_date: '2020-08-01T12:00:00+00:00/2120-08-01T12:00:00+00:00',
      color: 'Light blue/Navy', size: null, material: 'Cotton', link: 'https://store.example/tee',
      image_link: 'https://store.example/1.jpg', additional_image_link: ['https://store.example/2.jpg'],
      extra: { sizes: 'S, M', ecofriendly: 'Low-impact fabrics' },
    });
    expect(products[1]).toMatchObject({ id: 'P2', size: 'One', price: { micros: 3_000_000 }, sale_price: null });
  });

  describe.skipIf(!existsSync(RETAIL))('the Retail tutorial data (shared data)', () => {
    it('maps all 316 products of products.json', async () => {
      const { products, invalid, done } = await importFile(readFileSync(RETAIL), 'json', 'USD');
      expect(invalid).toEqual([]);
      expect(products).toHaveLength(316);
      expect(done.dialect).toBe('google_retail');
      expect(products.filter((p) => p.availability === 'in_stock')).toHaveLength(154);
      expect(products.filter((p) => p.availability === 'out_of_stock')).toHaveLength(162);
      expect(products.every((p) => p.link.startsWith('https://shop.googlemerchandisestore.com/'))).toBe(true);
      expect(products[0]).toMatchObject({ id: 'GGCOGOAC101259', title: '#IamRemarkable Pen', brand: '#IamRemarkable', price: { micros: 45_000_000, currency: 'USD' }, sale_price: { micros: 16_000_000 } });
    });

    it('refuses the invalid availability of products_some_invalid.json by line', async () => {
      const { products, invalid } = await importFile(readFileSync(RETAIL_INVALID), 'ndjson', 'USD');
      expect(products).toHaveLength(2);
      expect(invalid).toEqual([
        { kind: 'invalid', line: 1, issues: [expect.objectContaining({ field: 'availability', value: 'INVALID_VALUE' })] },
      ]);
    });
  });
});

describe('createRowMapper', () => {
  it('reports generic before any record and maps record by record', () => {
    const mapper = createRowMapper({ currency: 'EUR', baseLink: SHOP });
    expect(mapper.dialect).toBe('generic');
    const rows = mapper.map({ line: 7, fields: { 'g:id': 'x', Title: 'T', Link: 'p/x', Price: '1' } });
    expect(rows).toEqual([{ line: 7, input: { id: 'x', title: 'T', link: 'https://shop.example/p/x', price: '1' }, warnings: [] }]);
    expect(mapper.finish()).toEqual({ rows: [], links: [], issues: [] });
  });
});

describe('text clean-up', () => {
  // The full clean-up, step by step; cleanLine and cleanMultiline skip it for text it would not change.
  const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]/g;
  const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  const fullLine = (raw: string) =>
    (raw.includes('&') ? decodeEntities(raw) : raw).replace(CONTROL, '').replace(LONE_SURROGATE, '').replace(/\s+/g, ' ').trim();
  const fullMultiline = (raw: string) => {
    let s = looksLikeHtml(raw) ? stripHtml(raw) : raw;
    if (s.includes('&')) s = decodeEntities(s);
    s = s.replace(/\r\n?/g, '\n').replace(CONTROL, '').replace(LONE_SURROGATE, '');
    return s
      .split('\n')
      .map((line) => line.replace(/\s+/g, ' ').trim())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  };

  it('gives what the full clean-up gives, for any text (property)', () => {
    const unit = fc.constantFrom(
      'a', 'é', '😀', ' ', '  ', '\n', '\r', '\r\n', '\t', '\u000b', '\u0001', '\u007f', '\u00a0', '\u2028', '\u3000', '\ufeff',
      '\ud800', '\udc00', '&', '&amp;', '&#x41;', '<', '<p>', '</p>', '<br>', 'b>',
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 14 }), (s) => {
        expect(cleanLine(s)).toBe(fullLine(s));
        expect(cleanMultiline(s)).toBe(fullMultiline(s));
      }),
      { numRuns: 3000 },
    );
  });
});
