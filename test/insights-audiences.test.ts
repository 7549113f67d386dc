import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { neutraliseFormula, safeCsvCell } from '../src/util/csv-safe';
import { csv, makeTestApp, row, type TestApp } from './helpers/app';
import { catalogId, daysBefore, insertEvents, insertVisitor } from './helpers/events';

const NOW = new Date('2026-11-23T12:00:00Z');
/** Computed here, apart from the helpers that stored the hashes: trimmed, lower-cased, SHA-256, hex. */
const hashOf = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest('hex');

let t: TestApp;
let shop: number;

beforeEach(async () => {
  t = await makeTestApp({ now: NOW });
  await t.putCatalog('shop');
  await t.importText(
    'shop',
    csv([
      row(1, { id: 'MUG', product_type: 'Home > Kitchen' }),
      row(2, { id: 'HAT', product_type: 'Apparel > Hats' }),
      row(3, { id: 'HOMEWARE', product_type: 'Homeware' }),
    ]),
    { format: 'csv' },
  );
  shop = catalogId(t.db);

  const at = (days: number) => daysBefore(NOW, days);
  insertVisitor(t.db, shop, { id: 'a1', email: 'ann@example.com', consent: true });
  insertVisitor(t.db, shop, { id: 'a2', email: ' Bob@Example.COM ', consent: false });
  insertVisitor(t.db, shop, { id: 'a3', consent: true });
  insertVisitor(t.db, shop, { id: 'a4', email: 'cy@example.com', consent: true });
  insertVisitor(t.db, shop, { id: 'a5', email: 'di@example.com', consent: true });
  insertVisitor(t.db, shop, { id: 'a6', email: 'ANN@example.com', consent: true }); // Ann's second device
  insertVisitor(t.db, shop, { id: 'a7', email: 'ed@example.com', consent: true });
  insertEvents(t.db, shop, [
    { visitor: 'a1', type: 'add_to_cart', at: at(2), items: ['MUG'] },
    { visitor: 'a2', type: 'add_to_cart', at: at(2), items: ['MUG'] },
    { visitor: 'a3', type: 'add_to_cart', at: at(1), items: ['HAT'] },
    { visitor: 'a4', type: 'add_to_cart', at: at(3), items: ['MUG'] },
    { visitor: 'a4', type: 'purchase', at: at(2), items: ['MUG'] },
    { visitor: 'a5', type: 'add_to_cart', at: at(20), items: ['MUG'] }, // outside a 7-day window
    { visitor: 'a6', type: 'add_to_cart', at: at(1), items: ['HAT'] },
    { visitor: 'a7', type: 'add_to_cart', at: at(1), items: ['HAT'] },
    { visitor: 'a7', type: 'remove_from_cart', at: at(0.5), items: ['HAT'] },
    { visitor: 'a1', type: 'view_item', at: at(3), items: ['MUG'] },
    { visitor: 'a7', type: 'view_item', at: at(3), items: ['HOMEWARE'] },
    { visitor: 'a4', type: 'view_item_list', at: at(3), list: 'Home' },
    { visitor: 'a5', type: 'search', at: at(4), search: 'Blue MUGS' },
  ]);
});
afterEach(() => t.close());

async function put(name: string, definition: unknown) {
  return t.admin(`/admin/catalogs/shop/segments/${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(definition),
  });
}

async function exported(name: string, format: string) {
  const res = await t.admin(`/admin/catalogs/shop/segments/${name}/export?format=${format}`);
  return { res, text: await res.text() };
}

describe('segments', () => {
  it('creates, counts, lists, replaces and deletes', async () => {
    const created = await put('abandoners', { kind: 'cart_abandoners', days: 7 });
    expect(created.status).toBe(201);
    // a1, a2, a3, a6 abandoned; a4 bought, a5 is too old, a7 removed the item
    expect(await created.json()).toMatchObject({ name: 'abandoners', visitors: 4, exportable: 2 });
    expect((await put('abandoners', { kind: 'cart_abandoners', days: 30 })).status).toBe(200);

    await put('buyers', { kind: 'purchasers', days: 30 });
    await put('home', { kind: 'category_viewers', category: 'HOME', days: 30 });
    await put('mugs', { kind: 'searchers', term: 'mug', days: 30 });
    await put('hat-viewers', { kind: 'product_viewers', product_ids: ['MUG', 'HOMEWARE'], days: 30 });
    const list = (await (await t.admin('/admin/catalogs/shop/segments')).json()) as {
      segments: Array<{ name: string; visitors: number; exportable: number; definition: unknown }>;
    };
    const counts = Object.fromEntries(list.segments.map((s) => [s.name, [s.visitors, s.exportable]]));
    expect(counts).toEqual({
      abandoners: [5, 3], // a5's add is inside 30 days
      buyers: [1, 1],
      // a1 viewed a Home > Kitchen product; a4 viewed the Home list; a7's Homeware is not under Home
      home: [2, 2],
      mugs: [1, 1],
      'hat-viewers': [2, 2],
    });
    expect(list.segments.find((s) => s.name === 'abandoners')?.definition).toEqual({ kind: 'cart_abandoners', days: 30 });

    expect((await t.admin('/admin/catalogs/shop/segments/buyers', { method: 'DELETE' })).status).toBe(204);
    expect((await t.admin('/admin/catalogs/shop/segments/buyers', { method: 'DELETE' })).status).toBe(404);
    expect((await t.admin('/admin/catalogs/shop/segments/buyers')).status).toBe(404);
  });

  it('counts and exports a segment across many ranges of visitors exactly', async () => {
    // 12,000 more visitors, several count statements' and export pages' worth: every other one
    // with an address and ads consent, every seventh a buyer.
    const at = daysBefore(NOW, 2);
    const bulk = (i: number) => `bulk-${String(i).padStart(5, '0')}`;
    const all = Array.from({ length: 12_000 }, (_, i) => i);
    t.db.transaction(() => {
      for (const i of all) insertVisitor(t.db, shop, i % 2 === 0 ? { id: bulk(i), email: `b${i}@example.com`, consent: true } : { id: bulk(i), consent: false });
    })();
    insertEvents(
      t.db,
      shop,
      all.filter((i) => i % 7 === 0).map((i) => ({ visitor: bulk(i), type: 'purchase', at, items: ['MUG'] })),
    );
    const res = await put('buyers', { kind: 'purchasers', days: 30 });
    // a4 bought too; of the bulk buyers, those with an even number left an address
    const buyersWithAddress = all.filter((i) => i % 14 === 0);
    expect(await res.json()).toMatchObject({ visitors: 1 + all.filter((i) => i % 7 === 0).length, exportable: 1 + buyersWithAddress.length });
    const { text } = await exported('buyers', 'meta');
    const lines = text.split('\r\n').filter(Boolean).slice(1);
    expect(lines).toEqual([hashOf('cy@example.com'), ...buyersWithAddress.map((i) => hashOf(`b${i}@example.com`))].sort());
  });

  it('keeps at most 100 segments per catalog; replacing one still works at the cap', async () => {
    for (let i = 0; i < 100; i++) expect((await put(`s${i}`, { kind: 'purchasers', days: 7 })).status).toBe(201);
    const over = await put('s100', { kind: 'purchasers', days: 7 });
    expect(over.status).toBe(409);
    expect(((await over.json()) as { error: string }).error).toBe('too_many_segments');
    expect((await put('s5', { kind: 'purchasers', days: 30 })).status).toBe(200);
  });

  it('refuses invalid definitions and names, and needs the admin token', async () => {
    expect((await put('x', { kind: 'everyone', days: 7 })).status).toBe(422);
    expect((await put('x', { kind: 'cart_abandoners', days: 0 })).status).toBe(422);
    expect((await put('x', { kind: 'searchers', days: 7 })).status).toBe(422);
    expect((await put('x', { kind: 'purchasers', days: 7, extra: 1 })).status).toBe(422);
    expect((await put('Bad%20Name', { kind: 'purchasers', days: 7 })).status).toBe(400);
    const body = await t.admin('/admin/catalogs/shop/segments/x', { method: 'PUT', body: 'not json' });
    expect(body.status).toBe(400);
    expect((await t.app.request('/admin/catalogs/shop/segments')).status).toBe(401);
    expect((await t.app.request('/admin/catalogs/shop/segments/x/export?format=meta')).status).toBe(401);
  });
});

describe('audience export', () => {
  it('Meta: header email, one SHA-256 per consented address, nothing else', async () => {
    await put('abandoners', { kind: 'cart_abandoners', days: 7 });
    const { res, text } = await exported('abandoners', 'meta');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="shop-abandoners-meta.csv"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    // a1 and a6 share Ann's address: once. a2 has no consent, a3 no address.
    expect(text).toBe(`email\r\n${hashOf('ann@example.com')}\r\n`);
    expect(text).not.toContain('@');
  });

  it('Google: header Email, the same hashes', async () => {
    await put('abandoners', { kind: 'cart_abandoners', days: 30 });
    const { text } = await exported('abandoners', 'google');
    const [header, ...lines] = text.split('\r\n');
    expect(header).toBe('Email');
    expect(lines.filter(Boolean).sort()).toEqual([hashOf('ann@example.com'), hashOf('di@example.com')].sort());
    expect(lines.filter(Boolean)).not.toContain(hashOf('bob@example.com'));
  });

  it('an export never holds a stored value that is not a hash', async () => {
    t.db.prepare("UPDATE visitors SET email_sha256 = '=HYPERLINK(\"http://x\")' WHERE visitor_id = 'a6'").run();
    await put('abandoners', { kind: 'cart_abandoners', days: 7 });
    expect((await exported('abandoners', 'meta')).text).toBe(`email\r\n${hashOf('ann@example.com')}\r\n`);
  });

  it('needs a known format and an existing segment', async () => {
    await put('buyers', { kind: 'purchasers', days: 30 });
    expect((await exported('buyers', 'csv')).res.status).toBe(400);
    expect((await t.admin('/admin/catalogs/shop/segments/buyers/export')).status).toBe(400);
    expect((await exported('nobody', 'meta')).res.status).toBe(404);
  });
});

describe('spreadsheet formula injection', () => {
  it('prefixes text a spreadsheet would run as a formula', () => {
    expect(neutraliseFormula('=1+1')).toBe("'=1+1");
    expect(neutraliseFormula('+SUM(A1:A9)')).toBe("'+SUM(A1:A9)");
    expect(neutraliseFormula('@cmd')).toBe("'@cmd");
    expect(neutraliseFormula('-1+2')).toBe("'-1+2");
    expect(neutraliseFormula('-')).toBe("'-");
    expect(neutraliseFormula('\t=1')).toBe("'\t=1");
  });

  it('leaves plain numbers and ordinary text alone', () => {
    for (const value of ['-1', '+3.5', '-0.25', '-2e3', '42', 'hello', 'a=b', '']) {
      expect(neutraliseFormula(value), value).toBe(value);
    }
  });

  it('quotes per RFC 4180 after neutralising', () => {
    expect(safeCsvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(safeCsvCell('a,b')).toBe('"a,b"');
    expect(safeCsvCell('-1')).toBe('-1');
  });
});
