/**
 * Feeds with creative image links (a definition's `image`): image_link points at the product's
 * creative with `v` = its content key, the photo moves to additional_image_link, Google keeps
 * photos for overlay templates, and image feeds' ETags move with the hour.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser } from 'fast-xml-parser';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import metaCreativesJson from '../feeds/meta-creatives.json' with { type: 'json' };
import { createApp } from '../src/app';
import { productCreativeUrl } from '../src/creative/urls';
import { TEMPLATES } from '../templates/index';
import { FeedDefinitionError, parseDefinitions, type FeedDefinition } from '../src/feeds/definition';
import { ADMIN_TOKEN, csv, makeTestApp, row, type TestApp } from './helpers/app';

const PUBLIC_URL = 'https://feeds.example.com';

const extraFeeds = parseDefinitions([
  { file: 'feeds/meta-creatives.json', json: metaCreativesJson },
  { file: 'test/google-creatives', json: { name: 'google-creatives', channel: 'google', format: 'xml', image: { template: 'badge' } } },
  { file: 'test/meta-landscape', json: { name: 'meta-landscape', channel: 'meta', format: 'csv', image: { template: 'badge', size: '1200x628', format: 'png' } } },
]);

let t: TestApp;
/** The test app (with its creative renderer) serving the extra definitions too. */
let app: ReturnType<typeof createApp>;

beforeEach(async () => {
  t = await makeTestApp();
  const feeds: FeedDefinition[] = [...t.deps.feeds.filter((d) => !extraFeeds.some((e) => e.name === d.name)), ...extraFeeds];
  app = createApp({ ...t.deps, feeds });
  await t.putCatalog('shop');
});
afterEach(() => t.close());

const admin = (path: string) => app.request(path, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

async function metaRows(feed = 'meta-creatives'): Promise<Record<string, Record<string, string>>> {
  const res = await app.request(`/feeds/shop/${feed}.csv`);
  expect(res.status).toBe(200);
  const records = parseCsv(await res.text(), { columns: true }) as Array<Record<string, string>>;
  return Object.fromEntries(records.map((r) => [r.id!, r]));
}

const IMAGE_LINK = /^https:\/\/feeds\.example\.com\/img\/shop\/badge\/([^/?]+)\.jpg\?v=([0-9a-z]+)$/;

function keyOf(link: string | undefined): string {
  const m = IMAGE_LINK.exec(link ?? '');
  expect(m, link).not.toBeNull();
  return m![2]!;
}

describe('image in a definition', () => {
  const define = (image: unknown, channel = 'meta') =>
    parseDefinitions([{ file: 'feeds/x.json', json: { name: 'x', channel, format: channel === 'google' ? 'xml' : 'csv', image } }])[0]!;
  const problems = (image: unknown): string[] => {
    try {
      define(image);
    } catch (err) {
      expect(err).toBeInstanceOf(FeedDefinitionError);
      return (err as FeedDefinitionError).problems;
    }
    throw new Error('expected the definition to be refused');
  };

  it('defaults to a square JPEG', () => {
    expect(define({ template: 'badge' }).image).toEqual({ template: 'badge', size: '1080x1080', format: 'jpg' });
    expect(define({ template: 'badge', size: '1080x1920', format: 'png' }).image).toEqual({ template: 'badge', size: '1080x1920', format: 'png' });
  });

  it('names the product templates when the template is unknown or not a product template', () => {
    const products = TEMPLATES.filter((t) => t.kind === 'product').map((t) => t.name);
    const [unknown] = problems({ template: 'sale-badge' });
    expect(unknown).toMatch(/^feeds\/x\.json: image\.template: unknown image template "sale-badge"; product templates: /);
    for (const name of products) expect(unknown).toContain(name);
    const visitor = TEMPLATES.find((t) => t.kind === 'visitor');
    if (visitor) expect(problems({ template: visitor.name })[0]).toContain(`"${visitor.name}" is a visitor template`);
  });

  it('refuses unknown sizes, formats and keys', () => {
    expect(problems({ template: 'badge', size: 1080 })[0]).toMatch(/image\.size: size is one of 1080x1080, 1200x628/);
    expect(problems({ template: 'badge', format: 'webp' })[0]).toMatch(/image\.format: format is jpg or png/);
    expect(problems({ template: 'badge', sizes: '1080x1080' })).toHaveLength(1);
  });

  it('accepts an overlay template on a Google definition (the feed keeps photos instead)', () => {
    expect(define({ template: 'badge' }, 'google').image?.template).toBe('badge');
  });
});

describe('meta feed with image: badge', () => {
  it('points image_link at the creative and moves the photo to additional_image_link', async () => {
    const more = Array.from({ length: 20 }, (_, i) => `https://shop.example.com/more/${i}.jpg`);
    await t.importText(
      'shop',
      JSON.stringify([
        row(1),
        // the photo is also listed among the additional images: it appears once
        row(2, { additional_image_link: 'https://shop.example.com/side.jpg,https://shop.example.com/img/2.jpg' }),
        // already 20 additional images: the photo takes the first place, the last one makes room
        row(3, { additional_image_link: more.join(',') }),
        row(4, { image_link: '' }),
      ]),
      { format: 'json' },
    );
    const rows = await metaRows();

    expect(rows['SKU-0001']!.image_link).toMatch(IMAGE_LINK);
    expect(IMAGE_LINK.exec(rows['SKU-0001']!.image_link!)![1]).toBe('SKU-0001');
    expect(rows['SKU-0001']!.additional_image_link).toBe('https://shop.example.com/img/1.jpg');
    expect(rows['SKU-0002']!.additional_image_link).toBe('https://shop.example.com/img/2.jpg,https://shop.example.com/side.jpg');
    const third = rows['SKU-0003']!.additional_image_link!.split(',');
    expect(third).toHaveLength(20);
    expect(third[0]).toBe('https://shop.example.com/img/3.jpg');
    expect(third.slice(1)).toEqual(more.slice(0, 19));
    // no photo, no creative: left out as any feed leaves it out
    expect(rows['SKU-0004']).toBeUndefined();

    // the URL is exactly what the creative module mints
    const v = keyOf(rows['SKU-0001']!.image_link);
    const minted = await productCreativeUrl(
      { base: PUBLIC_URL, signingKey: t.deps.settings.signingKey, catalog: 'shop', template: 'badge', size: '1080x1080', format: 'jpg', v },
      'SKU-0001',
    );
    expect(rows['SKU-0001']!.image_link).toBe(minted);

    const diag = (await (await admin('/admin/catalogs/shop/feeds/meta-creatives/diagnostics')).json()) as any;
    expect(diag.feed_warnings).toEqual([]);
    expect(diag.left_out_by_reason.map((r: any) => r.code)).toContain('missing_image_link');
    expect(diag.warnings_by_code.find((w: any) => w.code === 'additional_image_displaced')?.examples[0].id).toBe('SKU-0003');
  });

  it('keeps v across fetches and description edits; a new price or an opening sale window changes it', async () => {
    const sale = { sale_price: '9.00 EUR', sale_price_effective_date: '2026-11-24T00:00:00Z/2026-11-30T00:00:00Z' };
    await t.importText('shop', csv([row(1), row(2, sale), row(3)]), { format: 'csv' });
    const first = await metaRows();
    const second = await metaRows();
    const v1 = keyOf(first['SKU-0001']!.image_link);
    const v2 = keyOf(first['SKU-0002']!.image_link);
    const v3 = keyOf(first['SKU-0003']!.image_link);
    expect(new Set([v1, v2, v3]).size).toBe(3);
    expect(keyOf(second['SKU-0001']!.image_link)).toBe(v1);

    // description only (a new catalog version): the image does not change, nor does its URL
    await t.importText('shop', csv([row(1, { description: 'A different description' }), row(3, { price: '99.00 EUR' })]), {
      format: 'csv',
      mode: 'upsert',
    });
    const edited = await metaRows();
    expect(edited['SKU-0001']!.description).toBe('A different description');
    expect(keyOf(edited['SKU-0001']!.image_link)).toBe(v1);
    // a new price is a new image
    expect(keyOf(edited['SKU-0003']!.image_link)).not.toBe(v3);
    expect(keyOf(edited['SKU-0002']!.image_link)).toBe(v2);

    // the sale window opens: the badge appears, so the URL changes; nothing else does
    t.setNow(new Date('2026-11-24T01:00:00Z'));
    const onSale = await metaRows();
    expect(keyOf(onSale['SKU-0002']!.image_link)).not.toBe(v2);
    expect(keyOf(onSale['SKU-0001']!.image_link)).toBe(v1);
  });

  it('signs URLs for a size other than the default', async () => {
    await t.importText('shop', csv([row(1)]), { format: 'csv' });
    const link = (await metaRows('meta-landscape'))['SKU-0001']!.image_link!;
    const url = new URL(link);
    expect(url.pathname).toBe('/img/shop/badge/SKU-0001.png');
    expect(url.searchParams.get('size')).toBe('1200x628');
    const v = url.searchParams.get('v')!;
    expect(url.searchParams.get('sig')).toBeTruthy();
    expect(link).toBe(
      await productCreativeUrl(
        { base: PUBLIC_URL, signingKey: t.deps.settings.signingKey, catalog: 'shop', template: 'badge', size: '1200x628', format: 'png', v },
        'SKU-0001',
      ),
    );
  });
});

describe('google feed with an overlay template', () => {
  it('keeps the original photo on image_link and says why in diagnostics and the feed list', async () => {
    await t.importText('shop', csv([row(1, { additional_image_link: 'https://shop.example.com/side.jpg' })]), { format: 'csv' });
    const xml = await (await app.request('/feeds/shop/google-creatives.xml')).text();
    const doc = new XMLParser({ parseTagValue: false, isArray: (n) => n === 'item' || n === 'g:additional_image_link' }).parse(xml);
    const [item] = doc.rss.channel.item as Array<Record<string, unknown>>;
    expect(item!['g:image_link']).toBe('https://shop.example.com/img/1.jpg');
    expect(item!['g:additional_image_link']).toEqual(['https://shop.example.com/side.jpg']);
    expect(xml).not.toContain('/img/shop/badge/');

    const diag = (await (await admin('/admin/catalogs/shop/feeds/google-creatives/diagnostics')).json()) as any;
    expect(diag.emitted).toBe(1);
    expect(diag.feed_warnings).toEqual([
      {
        code: 'image_overlay_refused',
        message: "image.template 'badge' draws promotional overlays, which Google disapproves on image_link; the original photo is used",
      },
    ]);

    const list = (await (await admin('/admin/catalogs/shop/feeds')).json()) as any;
    const byName = Object.fromEntries(list.feeds.map((f: any) => [f.name, f]));
    expect(byName['google-creatives'].warnings.map((w: any) => w.code)).toEqual(['image_overlay_refused']);
    expect(byName['google-creatives'].image).toBeNull();
    expect(byName['meta-creatives'].warnings).toEqual([]);
    expect(byName['meta-creatives'].image).toEqual({ template: 'badge', size: '1080x1080', format: 'jpg' });
  });
});

describe('ETags of image feeds', () => {
  it('change with the hour for image feeds only', async () => {
    await t.importText('shop', csv([row(1)]), { format: 'csv' });
    const tags = async () => {
      const image = await app.request('/feeds/shop/meta-creatives.csv', { method: 'HEAD' });
      const plain = await app.request('/feeds/shop/meta.csv', { method: 'HEAD' });
      return { image: image.headers.get('etag')!, plain: plain.headers.get('etag')!, modified: image.headers.get('last-modified')! };
    };
    t.setNow(new Date('2026-11-23T12:05:00Z'));
    const a = await tags();
    t.setNow(new Date('2026-11-23T12:55:00Z'));
    const b = await tags();
    t.setNow(new Date('2026-11-23T13:01:00Z'));
    const c = await tags();

    expect(b.image).toBe(a.image);
    expect(c.image).not.toBe(a.image);
    expect(c.plain).toBe(a.plain);
    expect(c.plain).toBe(b.plain);
    expect(a.image).not.toBe(a.plain);
    // a poll with only If-Modified-Since gets the new hour's feed too
    expect(Date.parse(c.modified)).toBe(Date.parse('2026-11-23T13:00:00Z'));

    // the hour's feed is cached like any version: a second fetch in the hour is a cache hit
    const first = await app.request('/feeds/shop/meta-creatives.csv');
    await first.text();
    const again = await app.request('/feeds/shop/meta-creatives.csv');
    expect(again.headers.get('x-cache')).toBe('hit');
    expect(await again.text()).toContain('/img/shop/badge/SKU-0001.jpg?v=');
  });
});

describe('end to end', () => {
  it('Meta feed image_link points to a creative that renders', async () => {
    const photo = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#3b82f6' } }).jpeg().toBuffer();
    t.photos.set('https://shop.example.com/img/1.jpg', new Uint8Array(photo));
    await t.importText('shop', csv([row(1, { sale_price: '9.00 EUR' })]), { format: 'csv' });
    const link = (await metaRows())['SKU-0001']!.image_link!;
    const v = keyOf(link);
    const url = new URL(link);
    const res = await app.request(`${url.pathname}${url.search}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    // the route derives the same key the feed put in the URL: the image is immutable at that URL
    expect(res.headers.get('etag')).toBe(`"${v}"`);
    expect(res.headers.get('x-creative-photo')).toBeNull();
    expect(t.photoFetches).toEqual(['https://shop.example.com/img/1.jpg']);
    expect(res.headers.get('cache-control')).toContain('immutable');
    const meta = await sharp(new Uint8Array(await res.arrayBuffer())).metadata();
    expect(meta.format).toBe('jpeg');
    expect([meta.width, meta.height]).toEqual([1080, 1080]);
  });
});
