/**
 * The admin UI's Products, Feeds and Creatives tabs and the chart components, in process
 * (app.request): sign in through the form, then read the pages with the session cookie and post
 * their forms with the page's CSRF token like a browser would.
 */
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BarChart, LineChart, niceTicks } from '../src/admin-ui/charts';
import { createApp } from '../src/app';
import { parseDefinitions } from '../src/feeds/definition';
import { fetcherName } from '../src/admin-ui/pages/feeds';
import { csv, makeTestApp, row, type TestApp } from './helpers/app';
import { signIn, type UiSession } from './helpers/ui';

let t: TestApp;
let ui: UiSession;

const XSS = '<script>alert(1)</script>';
const XSS_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

/** `src` of every `<img class="creative">`, entities decoded. */
function creativeSources(page: string): string[] {
  return [...page.matchAll(/<img class="creative" src="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
}

async function jpeg(colour: string): Promise<Uint8Array> {
  return new Uint8Array(await sharp({ create: { width: 600, height: 600, channels: 3, background: colour } }).jpeg().toBuffer());
}

const PRODUCTS = [
  row(1, { title: 'Organic Cotton T-Shirt', brand: 'Acme' }),
  row(2, { title: XSS, brand: 'Evil & Co' }),
  row(3, { id: 'TEE/3 blue', title: 'Blue tee', brand: 'Bluecorp' }),
];

async function importProducts(rows = PRODUCTS): Promise<void> {
  const { res, json } = await t.importText('shop', csv(rows));
  expect(res.status, JSON.stringify(json)).toBeLessThan(300);
}

beforeEach(async () => {
  t = await makeTestApp();
  await t.putCatalog('shop');
  for (const [i, colour] of [[1, '#3b82f6'], [2, '#ef4444'], [3, '#10b981']] as const) {
    t.photos.set(`https://shop.example.com/img/${i}.jpg`, await jpeg(colour));
  }
  ui = await signIn(t.app);
});
afterEach(() => t.close());

describe('products tab', () => {
  it('needs a session', async () => {
    const res = await t.app.request('/admin/c/shop/products');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/admin\/login\?next=/);
  });

  it('lists products with a labelled search box, thumbnails and links, escaping titles', async () => {
    await importProducts();
    const page = await ui.html('/admin/c/shop/products');
    expect(page).toContain('aria-current="page">Products</a>');
    expect(page).toMatch(/<label for="q">[^<]+<\/label>/);
    expect(page).toContain('id="q" name="q" type="search"');
    expect(page).toContain(XSS_ESCAPED);
    expect(page).not.toContain(XSS);
    expect(page).toContain('Evil &amp; Co');
    expect(page).toContain('<img class="thumb" src="https://shop.example.com/img/1.jpg" alt="" loading="lazy"');
    for (const id of ['SKU-0001', 'SKU-0002']) expect(page).toContain(`href="/admin/c/shop/products/${id}"`);
    expect(page).toContain('href="/admin/c/shop/products/TEE%2F3%20blue"');
    expect(page).toContain('11.00'); // price of row 1
    expect(page).toContain('in stock');
    expect(page).not.toContain('Next page');
  });

  it('searches and pages with a keyset "Next page" link', async () => {
    await importProducts([...Array.from({ length: 53 }, (_, i) => row(i + 1)), row(99, { title: 'Special Lamp' })]);
    const first = await ui.html('/admin/c/shop/products');
    expect(first).toContain('SKU-0050');
    expect(first).not.toContain('SKU-0051');
    const next = /<a class="button" href="([^"]+)" rel="next">Next page<\/a>/.exec(first)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBe('/admin/c/shop/products?after=SKU-0050');
    const second = await ui.html(next!);
    expect(second).toContain('SKU-0051');
    expect(second).toContain('SKU-0099');
    expect(second).not.toContain('>SKU-0050<');
    expect(second).toContain('First page');

    const found = await ui.html('/admin/c/shop/products?q=lamp');
    expect(found).toContain('Special Lamp');
    expect(found).not.toContain('SKU-0001');
    expect(found).toContain('value="lamp"');
    expect(await ui.html('/admin/c/shop/products?q=nothing-matches')).toContain('No product matches');
  });

  it('product page: escaped title, attributes, a step chart of two price points, availability and labels notice', async () => {
    await importProducts();
    t.setNow(new Date('2026-11-30T12:00:00Z'));
    await importProducts([PRODUCTS[0]!, { ...PRODUCTS[1]!, price: '9.50 EUR', availability: 'out of stock' }, PRODUCTS[2]!]);
    ui = await signIn(t.app); // a week later: the session has expired
    const page = await ui.html('/admin/c/shop/products/SKU-0002');
    expect(page).toContain(`<h1>${XSS_ESCAPED}</h1>`);
    expect(page).not.toContain(XSS);
    expect(page).toMatch(/<th scope="row"[^>]*>description<\/th>/);
    expect(page).toContain('href="https://shop.example.com/p/2"');

    const svg = /<svg class="chart" role="img" aria-label="([^"]+)"[\s\S]*?<\/svg>/.exec(page);
    expect(svg, 'price chart').toBeTruthy();
    expect(svg![1]).toBe(`Price history of ${XSS_ESCAPED}`);
    expect(svg![0]).toContain(`<title>Price history of ${XSS_ESCAPED}</title>`);
    expect(svg![0]).toContain('<desc>2 price points');
    expect(svg![0].match(/<circle /g)).toHaveLength(2);
    const d = /<path d="([^"]+)"/.exec(svg![0])![1]!;
    expect(d).toMatch(/^M[\d.]+ [\d.]+ H[\d.]+ V[\d.]+/); // a step: across, then down to the new price
    expect(svg![0]).toMatch(/€\s?12\.00|12\.00/); // the old price on an axis label or tooltip
    // availability history: in stock, then out of stock (newest first)
    const stock = page.slice(page.indexOf('id="availability"'));
    expect(stock.indexOf('out of stock')).toBeLessThan(stock.indexOf('in stock'));
    expect(page).toContain('Performance labels have not been computed');
  });

  it('product page handles ids with slashes and spaces, and answers 404 for unknown products', async () => {
    await importProducts();
    const page = await ui.html('/admin/c/shop/products/TEE%2F3%20blue');
    expect(page).toContain('<h1>Blue tee</h1>');
    const missing = await ui.html('/admin/c/shop/products/NOPE', 404);
    expect(missing).toContain('no live product');
    expect((await ui.get('/admin/c/nope/products')).status).toBe(404);
  });

  it('product page shows every product template as img.creative whose URLs return JPEGs', async () => {
    await importProducts();
    const page = await ui.html('/admin/c/shop/products/SKU-0001');
    const srcs = creativeSources(page);
    const productTemplates = (t.deps.templates ?? (await import('../templates/index')).TEMPLATES).filter((x) => x.kind === 'product');
    expect(srcs).toHaveLength(productTemplates.length * 2);
    for (const tpl of productTemplates) {
      expect(srcs).toContain(`/img/shop/${tpl.name}/SKU-0001.jpg`);
      expect(srcs.some((s) => s.startsWith(`/img/shop/${tpl.name}/SKU-0001.jpg?size=300x250&sig=`))).toBe(true);
    }
    for (const src of srcs) {
      const res = await t.app.request(src);
      expect(res.status, src).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(res.headers.get('x-creative-photo'), `${src} drawn without its photo`).toBeNull();
      const meta = await sharp(new Uint8Array(await res.arrayBuffer())).metadata();
      expect(meta.format).toBe('jpeg');
      expect(`${meta.width}x${meta.height}`).toBe(src.includes('300x250') ? '300x250' : '1080x1080');
    }
  }, 60_000);

  it('product page shows performance labels and counts after a label refresh', async () => {
    await importProducts();
    const refreshed = await t.admin('/admin/catalogs/shop/labels/refresh', { method: 'POST' });
    expect(refreshed.status).toBe(200);
    const page = await ui.html('/admin/c/shop/products/TEE%2F3%20blue');
    expect(page).toContain('From the label refresh of');
    expect(page).toMatch(/<th scope="row">Views<\/th><td class="num">0<\/td><td class="num">0<\/td>/);
    expect(page).toContain('aria-label="Activity of Blue tee in 30 days"');
  });
});

describe('feeds tab', () => {
  it('shows every feed URL with copy and open, protection, item counts and the last fetcher', async () => {
    await importProducts();
    const feed = await t.app.request('/feeds/shop/google.xml', { headers: { 'user-agent': GOOGLEBOT } });
    expect(feed.status).toBe(200);
    await feed.text();
    // the fetch is logged in the background: wait for it
    for (let i = 0; i < 50 && (await t.store.recentFeedFetches(1, 'google', 5)).length === 0; i++) await new Promise((r) => setTimeout(r, 20));

    const page = await ui.html('/admin/c/shop/feeds');
    expect(page).toContain('aria-current="page">Feeds</a>');
    expect(page).toContain('<script src="/admin/assets/copy.js"');
    for (const d of t.deps.feeds) {
      const url = `https://feeds.example.com/feeds/shop/${d.name}.${d.format}`;
      expect(page).toContain(`<input id="url-${d.name}" type="text" readonly="" value="${url}"`);
      expect(page).toContain(`data-copy="${url}" aria-controls="url-${d.name}"`);
      expect(page).toContain(`<a class="feed-url" href="${url}">`);
    }
    expect(page).toContain('<span class="badge">public</span>');
    expect(page).toMatch(/<strong class="item-count">3<\/strong> items of\s*3 products/);

    const google = page.slice(page.indexOf('id="feed-google"'), page.indexOf('</section>', page.indexOf('id="feed-google"')));
    expect(google).toContain('<span class="fetcher">Google</span>');
    expect(google).toContain('Googlebot/2.1');
    const meta = page.slice(page.indexOf('id="feed-meta"'), page.indexOf('</section>', page.indexOf('id="feed-meta"')));
    expect(meta).toContain('Not fetched yet.');
  });

  it('groups left-out products by reason with example ids, on the list and the feed page', async () => {
    await importProducts([...PRODUCTS, row(4, { image_link: '' })]);
    const diag = (await (await t.admin('/admin/catalogs/shop/feeds/google/diagnostics')).json()) as {
      left_out_by_reason: Array<{ code: string; examples: Array<{ id: string }> }>;
    };
    const reason = diag.left_out_by_reason[0];
    expect(reason, 'a product without image is left out of google').toBeTruthy();

    const list = await ui.html('/admin/c/shop/feeds');
    expect(list).toContain('<summary>Why products are left out or adjusted</summary>');
    expect(list).toContain(`<code>${reason!.code}</code>`);

    const page = await ui.html('/admin/c/shop/feeds/google');
    expect(page).toContain('<h1>Feed google</h1>');
    expect(page).toContain('Left out, by reason');
    expect(page).toContain(`<code>${reason!.code}</code>`);
    expect(page).toContain(`href="/admin/c/shop/products/${reason!.examples[0]!.id}"`);
    expect(page).toContain('Left-out products');
    expect(await ui.html('/admin/c/shop/feeds/nope', 404)).toContain('no feed');
  });

  it("shows a definition's feed-wide warning (an overlay template on Google)", async () => {
    await importProducts();
    const [extra] = parseDefinitions([{ file: 'test/google-badge', json: { name: 'google-badge', channel: 'google', format: 'xml', image: { template: 'badge' } } }]);
    const app = createApp({ ...t.deps, feeds: [...t.deps.feeds, extra!] });
    for (const path of ['/admin/c/shop/feeds', '/admin/c/shop/feeds/google-badge']) {
      const res = await app.request(path, { headers: { cookie: ui.cookie } });
      expect(res.status).toBe(200);
      const page = await res.text();
      const card = page.slice(page.indexOf('id="feed-google-badge"'));
      expect(card).toContain('<code>image_overlay_refused</code>');
      expect(card.match(/<code>image_overlay_refused<\/code>/g)).toHaveLength(1);
    }
  });

  it('protects a feed (token shown once, CSRF required) and makes it public again', async () => {
    await importProducts();
    const refused = await ui.postForm('/admin/c/shop/feeds/google/protect', {}, false);
    expect(refused.status).toBe(403);
    expect(await t.store.getFeedTokenHash(1, 'google')).toBeNull();
    const forged = await ui.postForm('/admin/c/shop/feeds/google/protect', { _csrf: 'forged' }, false);
    expect(forged.status).toBe(403);

    const res = await ui.postForm('/admin/c/shop/feeds/google/protect', {});
    expect(res.status).toBe(200);
    const page = await res.text();
    const token = /<input id="token" type="text" readonly="" value="([^"]+)"/.exec(page)?.[1];
    expect(token).toBeTruthy();
    expect(page).toContain(`value="https://feeds.example.com/feeds/shop/google.xml?token=${token}"`);
    expect(page).toContain('shown only this once');
    expect(await t.store.getFeedTokenHash(1, 'google')).not.toBeNull();
    expect((await t.app.request('/feeds/shop/google.xml')).status).toBe(401);
    expect((await t.app.request(`/feeds/shop/google.xml?token=${token}`)).status).toBe(200);

    const list = await ui.html('/admin/c/shop/feeds');
    const google = list.slice(list.indexOf('id="feed-google"'), list.indexOf('</section>', list.indexOf('id="feed-google"')));
    expect(google).toContain('token-protected');
    expect(google).toContain('action="/admin/c/shop/feeds/google/public"');
    expect(list).not.toContain(token!); // shown once only

    expect((await ui.postForm('/admin/c/shop/feeds/google/public', {}, false)).status).toBe(403);
    const made = await ui.postForm('/admin/c/shop/feeds/google/public', {});
    expect(made.status).toBe(303);
    expect(made.headers.get('location')).toBe('/admin/c/shop/feeds?public=google#feed-google');
    expect(await t.store.getFeedTokenHash(1, 'google')).toBeNull();
    expect(await ui.html(made.headers.get('location')!)).toContain('is public again');
    expect((await t.app.request('/feeds/shop/google.xml')).status).toBe(200);
  });

  it('recentFeedFetches: newest first, per feed, limited', async () => {
    await t.store.logFeedFetch(1, 'google', 'a', 200, '2026-11-20T10:00:00.000Z');
    await t.store.logFeedFetch(1, 'google', 'b', 304, '2026-11-22T10:00:00.000Z');
    await t.store.logFeedFetch(1, 'google', 'c', 200, '2026-11-21T10:00:00.000Z');
    await t.store.logFeedFetch(1, 'meta', 'd', 200, '2026-11-23T10:00:00.000Z');
    expect(await t.store.recentFeedFetches(1, 'google', 2)).toEqual([
      { user_agent: 'b', status: 304, fetched_at: '2026-11-22T10:00:00.000Z' },
      { user_agent: 'c', status: 200, fetched_at: '2026-11-21T10:00:00.000Z' },
    ]);
    expect(await t.store.recentFeedFetches(1, 'pinterest', 5)).toEqual([]);
  });

  it('names known fetchers', () => {
    expect(fetcherName(GOOGLEBOT)).toBe('Google');
    expect(fetcherName('Google-Shopping')).toBe('Google');
    expect(fetcherName('facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)')).toBe('Meta');
    expect(fetcherName('meta-externalagent/1.1')).toBe('Meta');
    expect(fetcherName('Mozilla/5.0 (compatible; TikTokSpider; ByteDance)')).toBe('TikTok');
    expect(fetcherName('Pinterestbot/1.0 (+http://www.pinterest.com/bot.html)')).toBe('Pinterest');
    expect(fetcherName('curl/8.5.0')).toBe('curl');
    expect(fetcherName('SomethingElse/1.0')).toBeNull();
  });
});

describe('creatives tab', () => {
  it('shows template and size pickers, a grid of signed creatives and the contact sheet link', async () => {
    await importProducts();
    const page = await ui.html('/admin/c/shop/creatives?template=badge&size=300x250');
    expect(page).toContain('aria-current="page">Creatives</a>');
    expect(page).toContain('href="/admin/catalogs/shop/creatives?template=badge&amp;size=300x250"');
    expect(page).toMatch(/aria-current="page">badge/);
    expect(page).toMatch(/aria-current="true">300x250<\/a>/);
    expect(page).toContain(XSS_ESCAPED);
    expect(page).not.toContain(XSS);
    const srcs = creativeSources(page);
    expect(srcs).toHaveLength(3);
    for (const src of srcs) expect(src).toMatch(/^\/img\/shop\/badge\/[^?]+\.jpg\?size=300x250&sig=/);
    const res = await t.app.request(srcs[0]!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');

    // unknown template and size fall back to the defaults
    const fallback = await ui.html('/admin/c/shop/creatives?template=nope&size=9x9');
    expect(fallback).toContain('There is no template');
    expect(creativeSources(fallback).every((s) => !s.includes('size='))).toBe(true);
  });

  it('visitor templates: groups of chosen products, a visitor preview form and a chosen-products form', async () => {
    await importProducts();
    const visitorTemplate = (await import('../templates/index')).TEMPLATES.find((x) => x.kind === 'visitor')!;
    const page = await ui.html(`/admin/c/shop/creatives?template=${visitorTemplate.name}&visitor=visitor-0001&ids=SKU-0001,TEE/3 blue`);
    expect(page).toMatch(/<label for="visitor">Visitor id<\/label>/);
    expect(page).toMatch(/<label for="ids">Product ids<\/label>/);
    const srcs = creativeSources(page);
    const visitor = srcs.find((s) => s.includes('/v/'));
    expect(visitor).toMatch(new RegExp(`^/img/shop/${visitorTemplate.name}/v/visitor-0001\\.jpg\\?sig=`));
    const chosen = srcs.find((s) => s.includes('/p/SKU-0001%2CTEE%2F3%20blue.jpg'));
    expect(chosen, srcs.join('\n')).toBeTruthy();
    // the page's products in groups of one, then two
    expect(srcs).toContain(srcs.find((s) => s.includes('/p/SKU-0001.jpg?sig=')));
    expect(srcs.some((s) => s.includes('/p/SKU-0002%2CTEE%2F3%20blue.jpg?sig='))).toBe(true);
    for (const src of [chosen!, visitor!]) {
      const res = await t.app.request(src);
      expect(res.status, src).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
    }
    // tampering breaks the signature
    expect((await t.app.request(chosen!.replace('SKU-0001', 'SKU-0002'))).status).toBe(403);

    const bad = await ui.html(`/admin/c/shop/creatives?template=${visitorTemplate.name}&visitor=x`);
    expect(bad).toContain('That is not a visitor id');
  }, 60_000);
});

describe('charts', () => {
  const render = (node: unknown) => String(node);

  it('LineChart handles no, one and many points, with title, axes and a step path', () => {
    const none = render(LineChart({ title: 'Empty <chart>', series: [] }));
    expect(none).toContain('<svg class="chart" role="img" aria-label="Empty &lt;chart&gt;"');
    expect(none).toContain('<title>Empty &lt;chart&gt;</title>');
    expect(none).toContain('No data yet');

    const one = render(LineChart({ title: 'One', series: [{ name: 'Price', points: [{ x: 5, y: 3 }] }] }));
    expect(one.match(/<circle /g)).toHaveLength(1);
    expect(one).not.toContain('NaN');

    const many = render(
      LineChart({
        title: 'Many',
        series: [
          { name: 'Price', points: [{ x: 0, y: 10 }, { x: 10, y: 8 }, { x: 20, y: 12 }] },
          { name: 'Sale', dashed: true, points: [{ x: 0, y: null }, { x: 10, y: 6 }, { x: 20, y: null }] },
        ],
        xMax: 30,
        formatY: (y) => `€${y}`,
      }),
    );
    expect(many).not.toContain('NaN');
    expect(many).toContain('>€10</text>');
    expect(many).toContain('>Sale</text>'); // legend
    const paths = [...many.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1]!);
    expect(paths[0]).toMatch(/^M\S+ \S+ H\S+ V\S+ H\S+ V\S+ H\S+$/); // steps, held to xMax
    expect(paths[1]).toMatch(/^M\S+ \S+ H\S+$/); // the sale holds until it ends
  });

  it('BarChart draws labelled bars from zero, and handles no bars', () => {
    const bars = render(BarChart({ title: 'Events', bars: [{ label: 'Views', value: 120 }, { label: 'Carts', value: 0 }, { label: '<b>', value: 7 }] }));
    expect(bars).toContain('<title>Events</title>');
    expect(bars.match(/<rect /g)).toHaveLength(3);
    expect(bars).toContain('>120</text>');
    expect(bars).toContain('&lt;b&gt;');
    expect(bars).not.toContain('NaN');
    expect(render(BarChart({ title: 'None', bars: [] }))).toContain('No data yet');
    expect(render(BarChart({ title: 'Zeros', bars: [{ label: 'a', value: 0 }] }))).not.toContain('NaN');
  });

  it('niceTicks covers the range with round steps', () => {
    expect(niceTicks(0, 100)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(9.5, 12)).toEqual([9, 10, 11, 12]);
    expect(niceTicks(0, 10)).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(niceTicks(0.1, 0.3)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3]);
    expect(niceTicks(5, 5)[0]).toBeLessThan(5);
  });
});
