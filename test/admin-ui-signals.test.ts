/** Admin UI: the Signals, Audiences and Pixel snippet tabs, in process (sign-in cookie + CSRF token). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csv, makeTestApp, row, type TestApp } from './helpers/app';
import { signIn, type UiSession } from './helpers/ui';
import { catalogId, daysBefore, insertEvents, insertVisitor } from './helpers/events';

const NOW = new Date('2026-11-23T12:00:00Z');
const XSS = '<img src=x onerror=alert(1)>';

let t: TestApp;
let ui: UiSession;

function seed(): void {
  const db = t.db as never;
  const cat = catalogId(db);
  const day1 = daysBefore(NOW, 1);
  const day3 = daysBefore(NOW, 3);
  for (const id of ['visitor-1', 'visitor-2', 'visitor-3']) insertVisitor(db, cat, { id, email: `${id}@example.com` });
  insertEvents(db, cat, [
    { visitor: 'visitor-1', type: 'view_item', at: day3, items: ['SKU-0001'] },
    { visitor: 'visitor-1', type: 'add_to_cart', at: day3, items: ['SKU-0001'] },
    { visitor: 'visitor-1', type: 'purchase', at: day1, items: ['SKU-0001'], order: 'o-1' },
    { visitor: 'visitor-2', type: 'view_item', at: day1, items: ['SKU-0002'] },
    { visitor: 'visitor-2', type: 'add_to_cart', at: day1, items: ['SKU-0002'] },
    { visitor: 'visitor-3', type: 'view_item', at: day1, items: [XSS] },
    { visitor: 'visitor-3', type: 'search', at: day1, search: 'shirt' },
  ]);
}

beforeEach(async () => {
  t = await makeTestApp({ now: NOW });
  await t.putCatalog('shop');
  const { res } = await t.importText('shop', csv([1, 2, 3].map((i) => row(i))), { format: 'csv' });
  expect(res.status).toBe(201);
  ui = await signIn(t.app);
});
afterEach(() => t.close());

describe('admin UI: signals tab', () => {
  it('needs a session', async () => {
    const res = await t.app.request('/admin/c/shop/signals');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/admin\/login\?next=/);
  });

  it('shows an empty state pointing at the snippet tab before any event', async () => {
    const page = await ui.html('/admin/c/shop/signals');
    expect(page).toContain('No events in the last 30 days');
    expect(page).toContain('href="/admin/c/shop/snippet"');
    expect(page).not.toContain('<svg class="chart"');
  });

  it('charts events per day, the funnel and top products, with the figures of the stats API', async () => {
    seed();
    const page = await ui.html('/admin/c/shop/signals?days=30');
    expect(page).toMatch(/<svg class="chart" role="img" aria-label="[^"]+"/);
    expect(page).toMatch(/<rect class="bar"/);
    expect(page).toContain('<title>');

    const api = (await (await t.admin('/admin/catalogs/shop/stats?days=30')).json()) as any;
    expect(api.funnel).toEqual({ viewed: 3, carted: 2, purchased: 1 });
    for (const [step, n] of Object.entries(api.funnel)) expect(page).toContain(`data-funnel="${step}">${n}</p>`);
    expect(page).toContain('href="/admin/c/shop/products/SKU-0001"');
    // reconciliation: SKU-0001, SKU-0002 known, the odd id is not → 2 of 3
    expect(api.reconciliation.ids_seen).toBe(3);
    expect(page).toContain('66.7 %');
  });

  it('escapes product ids from events', async () => {
    seed();
    const page = await ui.html('/admin/c/shop/signals');
    expect(page).not.toContain(XSS);
    expect(page).not.toMatch(/<img[^>]*onerror/);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('refuses a bad period with a notice instead of failing', async () => {
    seed();
    const page = await ui.html('/admin/c/shop/signals?days=0');
    expect(page).toContain('The period is 1 to 3650 days');
  });

  it('erases a visitor through the form, CSRF-checked', async () => {
    seed();
    expect((await ui.postForm('/admin/c/shop/signals/erase', { visitor: 'visitor-1' }, false)).status).toBe(403);

    const res = await ui.postForm('/admin/c/shop/signals/erase', { visitor: 'visitor-1' });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/admin\/c\/shop\/signals\?erased=visitor-1&events=3/);
    const page = await ui.html(location);
    expect(page).toContain('was erased: 3 events');

    const api = (await (await t.admin('/admin/catalogs/shop/stats?days=30')).json()) as any;
    expect(api.funnel).toEqual({ viewed: 2, carted: 1, purchased: 0 });

    const bad = await ui.postForm('/admin/c/shop/signals/erase', { visitor: 'x' });
    expect(bad.headers.get('location')).toBe('/admin/c/shop/signals?erase=invalid');
    expect(await ui.html(bad.headers.get('location')!)).toContain('That is not a visitor id');
  });

  it('erases by e-mail address through the same form, CSRF-checked, without the address in the URL', async () => {
    seed();
    const page = await ui.html('/admin/c/shop/signals');
    expect(page).toMatch(/<input id="email" name="email" type="email"/);
    expect((await ui.postForm('/admin/c/shop/signals/erase', { email: 'visitor-2@example.com' }, false)).status).toBe(403);
    expect(t.db.prepare("SELECT count(*) AS n FROM events WHERE visitor_id = 'visitor-2'").get()).toEqual({ n: 2 });

    const res = await ui.postForm('/admin/c/shop/signals/erase', { visitor: '', email: '  Visitor-2@Example.com ' });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toBe('/admin/c/shop/signals?erased_by=email&events=2&visitors=1');
    expect(await ui.html(location)).toContain('1 visitor with that e-mail address was erased: 2 events');
    expect(t.db.prepare("SELECT count(*) AS n FROM events WHERE visitor_id = 'visitor-2'").get()).toEqual({ n: 0 });
    expect(t.db.prepare('SELECT visitor_id FROM visitors ORDER BY visitor_id').all()).toEqual([
      { visitor_id: 'visitor-1' },
      { visitor_id: 'visitor-3' },
    ]);

    const none = await ui.postForm('/admin/c/shop/signals/erase', { email: 'nobody@example.com' });
    expect(await ui.html(none.headers.get('location')!)).toContain('No visitor is known by that e-mail address');
    for (const [fields, code] of [
      [{ email: 'not an address' }, 'invalid-email'],
      [{ visitor: 'visitor-1', email: 'visitor-1@example.com' }, 'one'],
      [{ visitor: '', email: '' }, 'none'],
    ] as const) {
      const r = await ui.postForm('/admin/c/shop/signals/erase', fields);
      expect(r.headers.get('location')).toBe(`/admin/c/shop/signals?erase=${code}`);
    }
  });
});

describe('admin UI: audiences tab', () => {
  it('creates a segment through the form and shows its counts and export links', async () => {
    seed();
    expect(await ui.html('/admin/c/shop/audiences')).toContain('No segments yet');

    const res = await ui.postForm('/admin/c/shop/audiences', { name: 'abandoners', kind: 'cart_abandoners', days: '7' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/c/shop/audiences?saved=abandoners&created=1');
    const page = await ui.html(res.headers.get('location')!);
    expect(page).toContain('created');
    // visitor-2 carted without buying; visitor-1 bought
    expect(page).toContain('data-count="visitors">1</strong>');
    expect(page).toContain('data-count="exportable">1</strong>');
    expect(page).toContain('href="/admin/catalogs/shop/segments/abandoners/export?format=meta"');
    expect(page).toContain('href="/admin/catalogs/shop/segments/abandoners/export?format=google"');

    const api = (await (await t.admin('/admin/catalogs/shop/segments/abandoners')).json()) as any;
    expect(api).toMatchObject({ definition: { kind: 'cart_abandoners', days: 7 }, visitors: 1, exportable: 1 });

    // the export link works with the session cookie alone
    const exported = await ui.get('/admin/catalogs/shop/segments/abandoners/export?format=meta');
    expect(exported.status).toBe(200);
    expect((await exported.text()).split('\r\n')[0]).toBe('email');
  });

  it('refuses the form without its CSRF token', async () => {
    const res = await ui.postForm('/admin/c/shop/audiences', { name: 'abandoners', kind: 'cart_abandoners', days: '7' }, false);
    expect(res.status).toBe(403);
    const api = (await (await t.admin('/admin/catalogs/shop/segments')).json()) as any;
    expect(api.segments).toEqual([]);
  });

  it('keeps the values and names the problem when a definition is invalid', async () => {
    const res = await ui.postForm('/admin/c/shop/audiences', { name: 'shirts', kind: 'searchers', days: '30', term: '' });
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(page).toContain('Search term: 1-100 characters.');
    expect(page).toMatch(/<option value="searchers" selected/);
    expect((await ui.postForm('/admin/c/shop/audiences', { name: 'Bad Name', kind: 'purchasers', days: '30' })).status).toBe(422);
  });

  it('says the segment cap beside the form, keeping what was typed', async () => {
    for (let i = 0; i < 100; i++) {
      const put = await t.admin(`/admin/catalogs/shop/segments/s${i}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'purchasers', days: 7 }),
      });
      expect(put.status).toBe(201);
    }
    const res = await ui.postForm('/admin/c/shop/audiences', { name: 'one-more', kind: 'searchers', days: '14', term: 'boots' });
    expect(res.status).toBe(409);
    const page = await res.text();
    expect(page).toContain('at most 100 segments; delete one first');
    expect(page).toContain('value="boots"');
  });

  it('updates a segment with its parameters and deletes it', async () => {
    seed();
    await ui.postForm('/admin/c/shop/audiences', { name: 'viewers', kind: 'purchasers', days: '30' });
    const res = await ui.postForm('/admin/c/shop/audiences', {
      name: 'viewers',
      kind: 'product_viewers',
      days: '30',
      product_ids: 'SKU-0001\nSKU-0002, SKU-0003',
      editing: '1',
    });
    expect(res.headers.get('location')).toBe('/admin/c/shop/audiences?saved=viewers');
    const api = (await (await t.admin('/admin/catalogs/shop/segments/viewers')).json()) as any;
    expect(api).toMatchObject({ definition: { kind: 'product_viewers', product_ids: ['SKU-0001', 'SKU-0002', 'SKU-0003'] }, visitors: 2 });

    const edit = await ui.html('/admin/c/shop/audiences?edit=viewers');
    expect(edit).toContain('Edit segment viewers');
    expect(edit).toContain('SKU-0001\nSKU-0002\nSKU-0003');

    expect((await ui.postForm('/admin/c/shop/audiences/delete', { name: 'viewers' }, false)).status).toBe(403);
    const del = await ui.postForm('/admin/c/shop/audiences/delete', { name: 'viewers' });
    expect(del.headers.get('location')).toBe('/admin/c/shop/audiences?deleted=viewers');
    expect((await t.admin('/admin/catalogs/shop/segments/viewers')).status).toBe(404);
  });
});

describe('admin UI: pixel snippet tab', () => {
  it('fills in the public URL and the catalog, and warns about missing allowed origins', async () => {
    const page = await ui.html('/admin/c/shop/snippet');
    expect(page).toContain('https://feeds.example.com/t.js?c=shop');
    expect(page).toContain('https://feeds.example.com/px.gif?c=shop');
    expect(page).toContain('data-copy=');
    expect(page).toContain('src="/admin/assets/copy.js"');
    expect(page).toContain('No allowed origins');
    expect(page).toContain('opt-in');
    for (const call of ['consent', 'view', 'cart', 'purchase', 'search', 'forget']) expect(page).toContain(`adfeed(&#39;${call}&#39;`);
  });

  it('lists the allowed origins and the opt-out behaviour', async () => {
    await t.putCatalog('shop', { allowed_origins: ['https://shop.example.com'], consent_mode: 'opt-out' });
    const page = await ui.html('/admin/c/shop/snippet');
    expect(page).not.toContain('No allowed origins');
    expect(page).toContain('<code>https://shop.example.com</code>');
    expect(page).toContain('In opt-out mode GPC without an explicit choice counts as a refusal');
  });
});
