/**
 * The admin web UI in a real browser: playwright-core drives Debian's Chromium (/usr/bin/chromium)
 * against the real Node server (startServer) on 127.0.0.1, a temp database, and a tiny photo
 * server on 127.0.0.1 so creatives carry real photos. One browser and one server for the file;
 * the tests run in order and share state (signed in, one catalog, one import).
 *
 * Screenshots of the main pages go to test/artifacts/screenshots/ (git-ignored) for a person to
 * look at. Without Chromium the file is skipped locally and fails in CI (`CI` set): install it
 * with `apt-get install chromium` (.ci/run does).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLValidator } from 'fast-xml-parser';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSettings } from '../src/env';
import { startServer, type RunningServer } from '../src/runtime/node';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) {
  const message = `admin UI browser tests need ${CHROMIUM}: install Debian's chromium: apt-get install chromium`;
  if (process.env.CI) throw new Error(message);
  console.warn(`${message} (skipping test/admin-ui.browser.test.ts)`);
}

const ADMIN_TOKEN = 'browser-admin-token-0123456789';
const SLUG = 'browser-shop';
const SHOP_TITLE = 'Browser Shop';
const XSS_TITLE = '<script>alert("x")</script>';
const SHOTS = fileURLToPath(new URL('./artifacts/screenshots/', import.meta.url));

/** The photo server's three photos: a coloured square with a lighter block, one colour each. */
const PHOTO_COLOURS: Record<string, { r: number; g: number; b: number }> = {
  '1': { r: 200, g: 80, b: 60 },
  '2': { r: 60, g: 120, b: 200 },
  '3': { r: 70, g: 160, b: 90 },
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Product photos: GET /photos/<n>.jpg, a 600×600 JPEG (a coloured square with a lighter block). */
async function startPhotoServer(): Promise<{ base: string; requests: string[]; close(): Promise<void> }> {
  const photos = new Map<string, Buffer>();
  for (const [n, colour] of Object.entries(PHOTO_COLOURS)) {
    const block = await sharp({ create: { width: 300, height: 300, channels: 3, background: { r: 245, g: 240, b: 230 } } })
      .png()
      .toBuffer();
    photos.set(
      `/photos/${n}.jpg`,
      await sharp({ create: { width: 600, height: 600, channels: 3, background: colour } })
        .composite([{ input: block, top: 150, left: 150 }])
        .jpeg({ quality: 85 })
        .toBuffer(),
    );
  }
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = photos.get((req.url ?? '').split('?')[0]!);
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such photo');
      return;
    }
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(body.length) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** CSV text for the upload and the physical line number of its one bad row (the header is line 1). */
function catalogCsv(photoBase: string): { text: string; badLine: number; goodIds: string[]; badId: string } {
  const header = ['id', 'title', 'description', 'link', 'image_link', 'availability', 'price', 'brand', 'mpn', 'condition'];
  const rows: Array<Record<string, string>> = [
    { id: 'SKU-0001', title: 'Merino sweater', photo: '1', price: '59.95 EUR' },
    { id: 'SKU-0002', title: XSS_TITLE, photo: '2', price: '19.50 EUR' },
    { id: 'SKU-0003', title: 'Wool socks without a price', photo: '3', price: '' },
    { id: 'SKU-0004', title: 'Linen shirt', photo: '3', price: '39.00 EUR' },
  ].map((r, i) => ({
    id: r.id!,
    title: r.title!,
    description: `Description of ${r.id}`,
    link: `https://shop.example.com/p/${i + 1}`,
    image_link: `${photoBase}/photos/${r.photo}.jpg`,
    availability: 'in stock',
    price: r.price!,
    brand: 'Acme',
    mpn: `MPN-${i + 1}`,
    condition: 'new',
  }));
  const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [header.join(','), ...rows.map((r) => header.map((h) => quote(r[h] ?? '')).join(','))];
  const badIndex = rows.findIndex((r) => r.price === '');
  return {
    text: lines.join('\n') + '\n',
    badLine: badIndex + 2, // lines are 1-based and line 1 is the header
    goodIds: rows.filter((r) => r.price !== '').map((r) => r.id!),
    badId: rows[badIndex]!.id!,
  };
}

describe.skipIf(!HAVE_CHROMIUM)('admin UI in Chromium', () => {
  let dir = '';
  let server: RunningServer | undefined;
  let photos: Awaited<ReturnType<typeof startPhotoServer>> | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let base = '';
  const dialogs: string[] = [];
  /** uncaught script errors and console errors (CSP refusals, failed loads): reported, not failed on */
  const pageErrors: string[] = [];
  /** set while test 8 provokes 403s on purpose, so they are not reported */
  let provoking = false;
  const upload = { csv: '', badLine: 0, goodIds: [] as string[], badId: '' };

  const url = (path: string) => `${base}${path}`;
  const cat = (rest = '') => `/admin/c/${SLUG}${rest}`;

  /** Navigates and fails with the status and the start of the body when the page is not there (yet). */
  async function open(path: string): Promise<void> {
    const res = await page.goto(url(path), { waitUntil: 'load' });
    if (!res || res.status() >= 400) {
      const body = res ? (await res.text()).slice(0, 300) : 'no response';
      throw new Error(`GET ${path} answered ${res?.status() ?? '-'}: ${body}`);
    }
  }

  /** A full-page screenshot once images have settled (a slow one does not hold the test up). */
  async function shot(name: string): Promise<void> {
    await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
    // Loaded images are decoded off the main thread (decoding="async"): wait so the picture shows them.
    await page.evaluate(() => Promise.all(Array.from(document.images).map((img) => (img.complete && img.naturalWidth ? img.decode().catch(() => undefined) : undefined))));
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  /** fetch() from inside the page: same origin, the session cookie, the browser's own Origin header. */
  function pageFetch(path: string, init: { method: string; headers?: Record<string, string>; body?: string; form?: Record<string, string> }) {
    return page.evaluate(
      async ({ path, init }) => {
        const res = await fetch(path, {
          method: init.method,
          headers: init.headers,
          body: init.form ? new URLSearchParams(init.form) : init.body,
        });
        return { status: res.status, body: await res.text() };
      },
      { path, init },
    );
  }

  beforeAll(async () => {
    // Overwritten by name, not emptied first: another run at the same time keeps its pictures.
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'adfeed-browser-'));
    photos = await startPhotoServer();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const settings = parseSettings({
      ADMIN_TOKEN,
      ADFEED_DB: join(dir, 'adfeed.db'),
      PORT: String(port),
      PUBLIC_URL: base,
      PHOTO_FETCH_ALLOW: '127.0.0.1',
    });
    // startServer listens on $HOST (0.0.0.0 by default): keep the test server on loopback.
    const host = process.env.HOST;
    process.env.HOST = '127.0.0.1';
    try {
      server = await startServer(settings);
    } finally {
      if (host === undefined) delete process.env.HOST;
      else process.env.HOST = host;
    }
    const csv = catalogCsv(photos.base);
    Object.assign(upload, { csv: csv.text, badLine: csv.badLine, goodIds: csv.goodIds, badId: csv.badId });

    // launch() refuses --user-data-dir; a persistent context takes it, a fresh temp folder here.
    context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 800 },
    });
    context.setDefaultTimeout(10_000);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss().catch(() => undefined);
    });
    page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !(provoking && m.text().includes('403'))) pageErrors.push(`${page.url()}: console: ${m.text()} (${m.location().url})`);
    });
  }, 30_000);

  afterAll(async () => {
    if (pageErrors.length) console.warn(`errors in the admin UI's pages:\n${pageErrors.join('\n')}`);
    await context?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await photos?.close().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('1. signs in with the admin token (a wrong token shows an error and makes no session)', async () => {
    await open('/admin');
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await shot('00-sign-in');

    await page.fill('#token', 'not-the-admin-token-at-all');
    await Promise.all([page.waitForURL(/failed=1/), page.click('form[action="/admin/login"] button[type=submit]')]);
    await expect(page.locator('[role=alert]').textContent()).resolves.toMatch(/not valid/i);
    expect((await context!.cookies()).some((c) => c.name === 'adfeed_session')).toBe(false);
    await open('/admin');
    expect(new URL(page.url()).pathname).toBe('/admin/login');

    await page.fill('#token', ADMIN_TOKEN);
    await Promise.all([page.waitForURL(url('/admin')), page.click('form[action="/admin/login"] button[type=submit]')]);
    expect(new URL(page.url()).pathname).toBe('/admin');
    const session = (await context!.cookies()).find((c) => c.name === 'adfeed_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await expect(page.locator('h1').textContent()).resolves.toBe('Catalogs');
    expect(await page.locator('meta[name="csrf-token"]').getAttribute('content')).toBeTruthy();
    await shot('01-catalogs-empty');
  });

  it('2. creates a catalog through the form and lands on its settings page', async () => {
    await page.fill('#slug', SLUG);
    await page.fill('#title', SHOP_TITLE);
    await page.fill('#link', 'https://shop.example.com');
    await page.fill('#currency', 'EUR');
    await page.fill('#locale', 'en-GB');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url() === url(cat()) && r.request().isNavigationRequest()),
      page.click('form[action="/admin/catalogs-new"] button[type=submit]'),
    ]);
    await page.waitForLoadState('load');
    expect(new URL(page.url()).pathname).toBe(cat());
    expect(res.status(), `settings page ${cat()} answered ${res.status()}`).toBeLessThan(400);
    await expect(page.locator('nav.tabs a[aria-current="page"]').textContent()).resolves.toBe('Settings');
    expect(await page.locator('form input[name="_csrf"]').count()).toBeGreaterThan(0);
    await shot('02-settings');

    await open('/admin');
    await expect(page.locator(`a[href="${cat()}"]`).textContent()).resolves.toBe(SHOP_TITLE);
    await shot('01-catalogs');
  });

  it('3. uploads a CSV with a bad row and shows the line-numbered error', async () => {
    await open(cat());
    await Promise.all([page.waitForURL(url(cat('/import'))), page.click(`nav.tabs a[href="${cat('/import')}"]`)]);
    expect(await page.locator('input#file[type=file]').count()).toBe(1);
    expect(await page.locator('progress#upload-progress').count()).toBe(1);
    const replace = page.locator('input[type=radio][value="replace"]');
    if (await replace.count()) await replace.check();
    await page.setInputFiles('#file', { name: 'catalog.csv', mimeType: 'text/csv', buffer: Buffer.from(upload.csv) });
    await shot('03-import');
    await Promise.all([page.waitForURL(new RegExp(`${cat('/imports/')}[^/?#]+$`), { timeout: 15_000 }), page.click('button#upload')]);
    await page.locator('table#import-errors').waitFor();

    const rows = await page.locator('table#import-errors tbody tr').evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td, th')).map((cell) => (cell.textContent ?? '').trim())),
    );
    // Warnings share the table; the bad row's error is the one on its line that names the price.
    const bad = rows.find((cells) => cells[0] === String(upload.badLine) && /price/i.test(cells.slice(1).join(' ')));
    expect(bad, `a row starting with line ${upload.badLine} about the price: ${JSON.stringify(rows)}`).toBeTruthy();
    expect(bad!.slice(1).join(' ')).toMatch(/required|empty|missing/i);
    await shot('04-import-report');
  }, 25_000);

  it('4. shows the feed URLs and the google feed opens as XML with the good products', async () => {
    await open(cat('/feeds'));
    const googleUrl = `${base}/feeds/${SLUG}/google.xml`;
    // Shown in a read-only field with Copy beside it (or as text): visible either way.
    const field = page.locator(`input[value="${googleUrl}"]`);
    const shown = (await field.count()) ? field.first() : page.getByText(googleUrl, { exact: true }).first();
    expect(await shown.isVisible(), `${googleUrl} visible on the feeds page`).toBe(true);
    const link = page.locator('a.feed-url[href*="/google.xml"]').first();
    const href = await link.getAttribute('href');
    expect(href).toBeTruthy();
    expect(new URL(href!, page.url()).href).toBe(googleUrl);
    expect(await link.isVisible()).toBe(true);
    await shot('07-feeds');

    const res = await page.request.get(new URL(href!, page.url()).href);
    expect(res.status()).toBe(200);
    const xml = await res.text();
    expect(xml).toContain('<rss');
    expect(XMLValidator.validate(xml)).toBe(true);
    for (const id of upload.goodIds) expect(xml).toContain(`<g:id>${id}</g:id>`);
    expect(xml).not.toContain(upload.badId);
  });

  it('5. product page shows a creative image that loads (real photo)', async () => {
    const id = upload.goodIds[0]!;
    const creativeAnswers: Array<{ url: string; status: number; photo: string | undefined }> = [];
    const onResponse = (r: import('playwright-core').Response) => {
      if (r.request().resourceType() === 'image' && r.url().includes('/img/')) {
        creativeAnswers.push({ url: r.url(), status: r.status(), photo: r.headers()['x-creative-photo'] });
      }
    };
    page.on('response', onResponse);
    try {
      await open(cat(`/products/${encodeURIComponent(id)}`));
      expect(await page.locator('img.creative').count()).toBeGreaterThan(0);
      await page.waitForFunction(
        () => Array.from(document.querySelectorAll('img.creative')).some((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0),
        null,
        { timeout: 15_000 },
      );
      await shot('06-product');
    } finally {
      page.off('response', onResponse);
    }
    expect(photos!.requests.some((r) => r.startsWith('/photos/1.jpg')), `photo server requests: ${photos!.requests.join(', ')}`).toBe(true);
    // A creative drawn over a placeholder says why in X-Creative-Photo; these have the real photo.
    const loaded = creativeAnswers.filter((a) => a.status === 200);
    expect(loaded.length, JSON.stringify(creativeAnswers)).toBeGreaterThan(0);
    expect(loaded.filter((a) => a.photo !== undefined), 'creatives drawn without their photo').toEqual([]);
  }, 25_000);

  it('6. events posted to /collect show up as a chart on the signals tab', async () => {
    const id = upload.goodIds[0]!;
    // Chromium says "HeadlessChrome" and /collect drops bots, so the events come from Node, as a shop's server would send them.
    const res = await fetch(url('/collect'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        catalog: SLUG,
        vid: 'visitor-browser-01',
        consent: true,
        events: [
          { type: 'view_item', event_id: 'browser-e1', id },
          { type: 'view_item', event_id: 'browser-e2', id: upload.goodIds[1] },
          { type: 'add_to_cart', event_id: 'browser-e3', items: [{ id, quantity: 1, price: 59.95 }] },
          { type: 'purchase', event_id: 'browser-e4', order_id: 'B-1', items: [{ id, quantity: 1, price: 59.95 }], value: 59.95, currency: 'EUR' },
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 4, rejected: [] });

    // The stats API counts them (the admin API with the bearer token) before the page is read.
    const stats = await fetch(url(`/admin/catalogs/${SLUG}/stats?days=30`), { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(stats.status).toBe(200);
    const perDay = ((await stats.json()) as { events_per_day: Array<{ count: number }> }).events_per_day;
    expect(perDay.reduce((sum, d) => sum + d.count, 0)).toBe(4);

    await open(cat('/signals'));
    await page.locator('svg.chart').first().waitFor();
    expect(await page.locator('svg.chart rect, svg.chart path').count()).toBeGreaterThan(0);
    await shot('09-signals');
  }, 25_000);

  it('7. a <script> product title is shown as text, on the list and the product page, and never runs', async () => {
    const xssId = 'SKU-0002';
    await open(cat('/products'));
    expect(await page.locator('body').textContent()).toContain(XSS_TITLE);
    for (const id of upload.goodIds) expect(await page.locator('main').textContent()).toContain(id);
    await shot('05-products');
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await shot('05-products-phone');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }

    await open(cat(`/products/${encodeURIComponent(xssId)}`));
    expect(await page.locator('body').textContent()).toContain(XSS_TITLE);
    const injected = await page.evaluate(() => Array.from(document.scripts).filter((s) => (s.textContent ?? '').includes('alert(')).length);
    expect(injected).toBe(0);
    await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
    expect(dialogs).toEqual([]);
  });

  it('the creatives, audiences and snippet tabs render', async () => {
    await open(cat('/creatives'));
    await shot('08-creatives');
    await open(cat('/audiences'));
    await shot('10-audiences');
    await open(cat('/snippet'));
    expect(await page.locator('main').textContent()).toContain(`/t.js?c=${SLUG}`);
    await shot('11-snippet');
  }, 25_000);

  it('8. refuses state changes without the CSRF token, and accepts them with it', async () => {
    await open(cat());
    provoking = true;
    const form = await pageFetch(cat('/settings'), { method: 'POST', form: { title: 'x' } });
    expect(form.status, form.body.slice(0, 200)).toBe(403);

    const body = JSON.stringify({ title: SHOP_TITLE });
    const bare = await pageFetch(`/admin/catalogs/${SLUG}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body });
    expect(bare.status, bare.body.slice(0, 200)).toBe(403);
    expect(bare.body).toMatch(/csrf/i);

    const token = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    expect(token).toBeTruthy();
    const withToken = await pageFetch(`/admin/catalogs/${SLUG}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token! },
      body,
    });
    expect(withToken.status, withToken.body.slice(0, 200)).toBe(200);
    provoking = false;
    expect(JSON.parse(withToken.body)).toMatchObject({ title: SHOP_TITLE });
    expect(dialogs).toEqual([]);
  });

  it('9. signs out; /admin then goes to the sign-in page', async () => {
    await open('/admin');
    await Promise.all([page.waitForURL(/\/admin\/login/), page.click('form.signout button[type=submit]')]);
    expect((await context!.cookies()).some((c) => c.name === 'adfeed_session')).toBe(false);
    await open('/admin');
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    expect(await page.locator('#token').count()).toBe(1);
  });
});
