/**
 * The creative routes end to end: the real app, the real SQLite store, the real renderer
 * (satori, resvg, sharp) and the real file blob cache. Photos come from the test app's photo map.
 */
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { runHousekeeping } from '../src/jobs/housekeeping';
import { sign } from '../src/creative/signing';
import { productCreativeUrl, visitorCreativeUrl } from '../src/creative/urls';
import { csv, makeTestApp, type TestApp } from './helpers/app';
import { catalogId, insertEvents, insertVisitor } from './helpers/events';

let t: TestApp;
const PHOTO = 'https://shop.example.com/images/tee.jpg';

async function photo(colour = '#3b82f6', width = 900, height = 900): Promise<Uint8Array> {
  return new Uint8Array(await sharp({ create: { width, height, channels: 3, background: colour } }).jpeg().toBuffer());
}

const product = (over: Record<string, string | number> = {}) => ({
  id: 'TEE-1',
  title: 'Organic Cotton T-Shirt',
  description: 'Soft.',
  link: 'https://shop.example.com/p/tee',
  image_link: PHOTO,
  price: '49.99 EUR',
  availability: 'in stock',
  brand: 'Acme',
  ...over,
});

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await t.app.request(path, { headers });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { res, bytes };
}

beforeEach(async () => {
  t = await makeTestApp();
  await t.putCatalog('shop', { locale: 'nl-NL' });
  t.photos.set(PHOTO, await photo());
  const { res } = await t.importText('shop', csv([product(), product({ id: 'TEE-2', title: '<script>alert(1)</script>' })]));
  expect(res.status).toBeLessThan(300);
});
afterEach(() => t.close());

describe('product creatives', () => {
  it('renders a decodable JPEG of the default size, then serves it from cache with the same ETag', async () => {
    const first = await get('/img/shop/badge/TEE-1.jpg');
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get('content-type')).toBe('image/jpeg');
    expect(first.res.headers.get('x-creative-cache')).toBe('render');
    const meta = await sharp(first.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1080, 1080]);
    const etag = first.res.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-z]+"$/);

    const fetchesBefore = t.photoFetches.length;
    const second = await get('/img/shop/badge/TEE-1.jpg');
    expect(second.res.headers.get('x-creative-cache')).toBe('memory');
    expect(second.res.headers.get('etag')).toBe(etag);
    expect(second.bytes).toEqual(first.bytes);
    expect(t.photoFetches.length).toBe(fetchesBefore);

    const notModified = await t.app.request('/img/shop/badge/TEE-1.jpg', { headers: { 'if-none-match': etag } });
    expect(notModified.status).toBe(304);
  });

  it('survives a restart through the blob cache: a new app instance serves the stored file', async () => {
    const first = await get('/img/shop/badge/TEE-1.png');
    expect(first.res.headers.get('x-creative-cache')).toBe('render');
    const restarted = createApp({ ...t.deps });
    const res = await restarted.request('/img/shop/badge/TEE-1.png');
    expect(res.headers.get('x-creative-cache')).toBe('blob');
    expect(res.headers.get('etag')).toBe(first.res.headers.get('etag'));
    expect((await sharp(new Uint8Array(await res.arrayBuffer())).metadata()).format).toBe('png');
  });

  it('housekeeping sweeps creatives and photos not rewritten for 30 days; the next request renders again', async () => {
    await get('/img/shop/badge/TEE-1.jpg');
    const soon = await runHousekeeping(t.deps, new Date(Date.now() + 86_400_000));
    expect(soon.cache_swept).toBe(0);
    const later = await runHousekeeping(t.deps, new Date(Date.now() + 31 * 86_400_000));
    expect(later.errors).toEqual([]);
    expect(later.cache_swept).toBeGreaterThanOrEqual(2); // the creative and its resized photo
    const fresh = createApp({ ...t.deps });
    const res = await fresh.request('/img/shop/badge/TEE-1.jpg');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-creative-cache')).toBe('render');
  });

  it('gives a new ETag when the price changes, and keeps it when only the description does', async () => {
    const before = (await get('/img/shop/badge/TEE-1.webp')).res.headers.get('etag');
    await t.importText('shop', csv([product({ description: 'Softer than ever.' })]), { mode: 'upsert' });
    const afterText = await get('/img/shop/badge/TEE-1.webp');
    expect(afterText.res.headers.get('etag')).toBe(before);
    await t.importText('shop', csv([product({ price: '39.99 EUR' })]), { mode: 'upsert' });
    const afterPrice = await get('/img/shop/badge/TEE-1.webp');
    expect(afterPrice.res.headers.get('etag')).not.toBe(before);
    expect(afterPrice.res.headers.get('x-creative-cache')).toBe('render');
    expect((await sharp(afterPrice.bytes).metadata()).format).toBe('webp');
  });

  it('is immutable when the URL carries the key as v, short-lived otherwise', async () => {
    const plain = await get('/img/shop/badge/TEE-1.jpg');
    expect(plain.res.headers.get('cache-control')).toBe('public, max-age=3600');
    const key = plain.res.headers.get('etag')!.replace(/"/g, '');
    const versioned = await get(`/img/shop/badge/TEE-1.jpg?v=${key}`);
    expect(versioned.res.headers.get('cache-control')).toContain('immutable');
  });

  it('answers 404 with a reason for an unknown template, product, size or extension', async () => {
    const cases: Array<[string, string]> = [
      ['/img/shop/nope/TEE-1.jpg', 'unknown_template'],
      ['/img/shop/badge/NOPE.jpg', 'unknown_product'],
      ['/img/shop/badge/TEE-1.gif', 'not_found'],
      ['/img/nope/badge/TEE-1.jpg', 'not_found'],
      ['/img/shop/recently-viewed/TEE-1.jpg', 'wrong_template_kind'],
    ];
    for (const [path, code] of cases) {
      const res = await t.app.request(path);
      expect(res.status, path).toBe(404);
      const body = (await res.json()) as { error: string; message: string };
      expect(body.error, path).toBe(code);
      expect(body.message.length).toBeGreaterThan(5);
    }
    const size = await t.app.request('/img/shop/badge/TEE-1.jpg?size=999x999');
    expect(size.status).toBe(404);
    expect(((await size.json()) as { error: string }).error).toBe('unknown_size');
  });

  it('refuses a non-default size without a signature and renders it with one', async () => {
    const unsigned = await t.app.request('/img/shop/badge/TEE-1.jpg?size=1200x628');
    expect(unsigned.status).toBe(403);
    expect(((await unsigned.json()) as { error: string }).error).toBe('bad_signature');
    const url = await productCreativeUrl(
      { base: '', signingKey: t.deps.settings.signingKey, catalog: 'shop', template: 'badge', size: '1200x628', format: 'jpg' },
      'TEE-1',
    );
    const signed = await get(url);
    expect(signed.res.status).toBe(200);
    const meta = await sharp(signed.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([1200, 628]);
    // a signature for one size does not open another
    const tampered = await t.app.request(url.replace('1200x628', '1080x1920'));
    expect(tampered.status).toBe(403);
  });

  it('draws a placeholder (not a 500) when the photo is not an image, too large or missing', async () => {
    t.photos.set(PHOTO, new TextEncoder().encode('<html><body>Not found</body></html>'.padEnd(200, ' ')));
    const html = await get('/img/shop/badge/TEE-1.jpg');
    expect(html.res.status).toBe(200);
    expect(html.res.headers.get('x-creative-photo')).toContain('not_an_image');
    expect(html.res.headers.get('cache-control')).toBe('public, max-age=300');
    expect((await sharp(html.bytes).metadata()).width).toBe(1080);

    // 9000 × 8000 = 72 MP, over the 64 MP ceiling; a flat colour compresses to a small PNG
    const huge = new Uint8Array(
      await sharp({ create: { width: 9000, height: 8000, channels: 3, background: '#ff0000' } }).png({ compressionLevel: 1 }).toBuffer(),
    );
    await t.importText('shop', csv([product({ id: 'BIG', image_link: 'https://shop.example.com/images/big.png' })]), { mode: 'upsert' });
    t.photos.set('https://shop.example.com/images/big.png', huge);
    const big = await get('/img/shop/badge/BIG.jpg');
    expect(big.res.status).toBe(200);
    expect(big.res.headers.get('x-creative-photo')).toContain('too_large');

    await t.importText('shop', csv([product({ id: 'GONE', image_link: 'https://shop.example.com/images/gone.jpg' })]), { mode: 'upsert' });
    const gone = await get('/img/shop/badge/GONE.jpg');
    expect(gone.res.status).toBe(200);
    expect(gone.res.headers.get('x-creative-photo')).toContain('fetch_failed');
  });
});

describe('render budget', () => {
  it('limits new renders per client with 429, while cached images keep coming', async () => {
    const limited = createApp({ ...t.deps, renderRateLimit: { perSecond: 0.001, burst: 2 } });
    const ask = (path: string) => limited.request(path, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect((await ask('/img/shop/badge/TEE-1.jpg')).status).toBe(200);
    expect((await ask('/img/shop/badge/TEE-2.jpg')).status).toBe(200);
    const third = await ask('/img/shop/badge/TEE-1.png');
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
    // already rendered: served from cache, not counted
    const again = await ask('/img/shop/badge/TEE-1.jpg');
    expect(again.status).toBe(200);
    expect(again.headers.get('x-creative-cache')).not.toBe('render');
    // another address has its own budget
    expect((await limited.request('/img/shop/badge/TEE-1.png', { headers: { 'x-forwarded-for': '203.0.113.10' } })).status).toBe(200);
  });
});

describe('per-visitor creatives', () => {
  async function seedVisitor() {
    const shop = catalogId(t.db);
    insertVisitor(t.db, shop, { id: 'visitor-0001', consent: true });
    insertEvents(t.db, shop, [
      { visitor: 'visitor-0001', type: 'view_item', at: new Date('2026-11-23T10:00:00Z'), items: ['TEE-2'] },
      { visitor: 'visitor-0001', type: 'add_to_cart', at: new Date('2026-11-23T10:05:00Z'), items: ['TEE-1'] },
    ]);
  }

  it('refuses an unsigned or tampered per-visitor URL', async () => {
    await seedVisitor();
    const unsigned = await t.app.request('/img/shop/recently-viewed/v/visitor-0001.jpg');
    expect(unsigned.status).toBe(403);
    const url = await visitorCreativeUrl(
      { base: '', signingKey: t.deps.settings.signingKey, catalog: 'shop', template: 'recently-viewed', size: '1080x1080', format: 'jpg' },
      'visitor-0001',
    );
    const other = await t.app.request(url.replace('visitor-0001', 'visitor-0002'));
    expect(other.status).toBe(403);
    const wrongKey = await sign('another-signing-key-0123456789', '/img/shop/recently-viewed/v/visitor-0001.jpg', new URLSearchParams());
    const forged = await t.app.request(`/img/shop/recently-viewed/v/visitor-0001.jpg?sig=${wrongKey}`);
    expect(forged.status).toBe(403);
  });

  it('renders the visitor’s products when signed, privately cached', async () => {
    await seedVisitor();
    const url = await visitorCreativeUrl(
      { base: '', signingKey: t.deps.settings.signingKey, catalog: 'shop', template: 'cart-reminder', size: '300x250', format: 'png' },
      'visitor-0001',
    );
    const { res, bytes } = await get(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, max-age=600');
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 300, 250]);
  });
});

describe('brand kit', () => {
  it('validates colours, stores a logo re-encoded, and changes the creative', async () => {
    const before = (await get('/img/shop/badge/TEE-1.jpg')).res.headers.get('etag');
    const bad = await t.admin('/admin/catalogs/shop/brand-kit', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ primary: 'red' }),
    });
    expect(bad.status).toBe(422);
    const ok = await t.admin('/admin/catalogs/shop/brand-kit', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ primary: '#0F766E', corner: 'pill' }),
    });
    expect(ok.status).toBe(200);
    const kit = (await ok.json()) as { primary: string; corner: string; accent: string };
    expect(kit).toMatchObject({ primary: '#0f766e', corner: 'pill', accent: '#dc2626' });
    const afterColours = (await get('/img/shop/badge/TEE-1.jpg')).res.headers.get('etag');
    expect(afterColours).not.toBe(before);

    const svg = await t.admin('/admin/catalogs/shop/brand-kit/logo', {
      method: 'PUT',
      body: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="file:///etc/passwd"/></svg>',
    });
    expect(svg.status).toBe(415);
    const logoPng = await sharp({ create: { width: 1200, height: 400, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 0 } } }).png().toBuffer();
    const logo = await t.admin('/admin/catalogs/shop/brand-kit/logo', { method: 'PUT', body: new Uint8Array(logoPng) });
    expect(logo.status).toBe(200);
    expect(((await logo.json()) as { logo: unknown }).logo).toEqual({ content_type: 'image/png', width: 600, height: 200 });
    const withLogo = await get('/img/shop/badge/TEE-1.jpg');
    expect(withLogo.res.status).toBe(200);
    expect(withLogo.res.headers.get('etag')).not.toBe(afterColours);
  });
});

describe('contact sheet', () => {
  it('lists signed creative URLs that render, with titles escaped', async () => {
    const res = await t.admin('/admin/catalogs/shop/creatives?template=badge&size=1200x628');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)</script>');
    const srcs = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(srcs).toHaveLength(2);
    const img = await get(srcs[0]!);
    expect(img.res.status).toBe(200);
    expect((await sharp(img.bytes).metadata()).width).toBe(1200);
    // without the admin token: refused
    expect((await t.app.request('/admin/catalogs/shop/creatives')).status).toBe(401);
  });
});
