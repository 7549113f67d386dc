/**
 * Erasure by e-mail (`POST /admin/catalogs/:catalog/erasures`): every visitor of the catalog
 * with that address's hash loses their events and profile; everyone else keeps theirs. The hash
 * is checked against node:crypto's SHA-256, computed here, apart from the app's Web Crypto code.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from './helpers/app';

const ALICE = 'Alice.Smith@Example.com';
const aliceHash = createHash('sha256').update('alice.smith@example.com', 'utf8').digest('hex');
const bobHash = createHash('sha256').update('bob@example.com', 'utf8').digest('hex');

let seq = 0;
const eid = () => `era-${String(++seq).padStart(8, '0')}`;

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await t.putCatalog('shop');
  await t.putCatalog('other');
});
afterEach(() => t.close());

async function collect(catalog: string, vid: string, events: Array<Record<string, unknown>>) {
  const res = await t.app.request('/collect', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ catalog, vid, consent: true, events: events.map((e) => ({ event_id: eid(), ...e })) }),
  });
  expect(res.status).toBe(200);
}

async function erase(body: unknown, catalog = 'shop') {
  const res = await t.admin(`/admin/catalogs/${catalog}/erasures`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { res, json: (await res.json()) as any };
}

const rows = (sql: string, ...params: unknown[]) => t.db.prepare(sql).all(...params) as Array<Record<string, unknown>>;

/**
 * Alice on two browsers (identified once by her raw address, once by a hash the shop computed),
 * Bob, an anonymous visitor, and Alice's address in another catalog.
 */
async function seed() {
  await collect('shop', 'alice-laptop-01', [
    { type: 'identify', email: `  ${ALICE} ` },
    { type: 'view_item', id: 'SKU-1' },
    { type: 'purchase', items: [{ id: 'SKU-1' }, { id: 'SKU-2' }], transaction_id: 'o-1' },
  ]);
  await collect('shop', 'alice-phone-0001', [
    { type: 'view_item', id: 'SKU-3', email_sha256: aliceHash.toUpperCase() },
    { type: 'search', q: 'boots' },
  ]);
  await collect('shop', 'bob-desktop-001', [
    { type: 'identify', email: 'bob@example.com' },
    { type: 'view_item', id: 'SKU-1' },
  ]);
  await collect('shop', 'anonymous-0001', [{ type: 'add_to_cart', id: 'SKU-2' }]);
  await collect('other', 'alice-laptop-01', [{ type: 'view_item', id: 'SKU-9', email: ALICE }]);
}

describe('POST /admin/catalogs/:catalog/erasures', () => {
  it('erases every visitor with that address, and nothing of anyone else', async () => {
    await seed();
    // what ingestion stored is the same independent hash
    expect(rows("SELECT visitor_id, email_sha256 FROM visitors WHERE visitor_id LIKE 'alice%' ORDER BY catalog_id, visitor_id")).toEqual([
      { visitor_id: 'alice-laptop-01', email_sha256: aliceHash },
      { visitor_id: 'alice-phone-0001', email_sha256: aliceHash },
      { visitor_id: 'alice-laptop-01', email_sha256: aliceHash },
    ]);
    const before = rows('SELECT catalog_id, event_id FROM events WHERE visitor_id NOT LIKE ? ORDER BY event_id', 'alice%');

    const { res, json } = await erase({ email: ` ${ALICE.toUpperCase()}  ` });
    expect(res.status).toBe(200);
    // identify, view, purchase (2 products); view, search: 5 events naming 4 products, 2 visitors
    expect(json).toEqual({ email_sha256: aliceHash, erased: { events: 5, event_items: 4, visitors: 2 } });

    const shop = (rows("SELECT id FROM catalogs WHERE slug = 'shop'")[0] as { id: number }).id;
    expect(rows("SELECT * FROM events WHERE catalog_id = ? AND visitor_id LIKE 'alice%'", shop)).toEqual([]);
    expect(rows("SELECT * FROM event_items WHERE catalog_id = ? AND visitor_id LIKE 'alice%'", shop)).toEqual([]);
    expect(rows('SELECT * FROM visitors WHERE catalog_id = ? AND email_sha256 = ?', shop, aliceHash)).toEqual([]);
    // Bob, the anonymous visitor and Alice in the other catalog are untouched
    expect(rows('SELECT catalog_id, event_id FROM events WHERE visitor_id NOT LIKE ? ORDER BY event_id', 'alice%')).toEqual(before);
    expect(rows('SELECT visitor_id, email_sha256 FROM visitors WHERE catalog_id = ? ORDER BY visitor_id', shop)).toEqual([
      { visitor_id: 'anonymous-0001', email_sha256: null },
      { visitor_id: 'bob-desktop-001', email_sha256: bobHash },
    ]);
    expect(rows("SELECT count(*) AS n FROM events e JOIN catalogs c ON c.id = e.catalog_id WHERE c.slug = 'other'")).toEqual([{ n: 1 }]);

    // asked again: nothing left to erase
    expect((await erase({ email_sha256: aliceHash })).json).toEqual({
      email_sha256: aliceHash,
      erased: { events: 0, event_items: 0, visitors: 0 },
    });
  });

  it('takes the hash itself, in either case, and erases the same', async () => {
    await seed();
    const { res, json } = await erase({ email_sha256: aliceHash.toUpperCase() });
    expect(res.status).toBe(200);
    expect(json).toEqual({ email_sha256: aliceHash, erased: { events: 5, event_items: 4, visitors: 2 } });
    expect(rows('SELECT visitor_id FROM visitors WHERE email_sha256 = ? ORDER BY catalog_id', aliceHash)).toEqual([
      { visitor_id: 'alice-laptop-01' },
    ]);
  });

  it('erases events still waiting in the write queue, and the visitor row they create', async () => {
    const shop = (rows("SELECT id FROM catalogs WHERE slug = 'shop'")[0] as { id: number }).id;
    const at = '2026-11-23T11:00:00.000Z';
    const pending = t.deps.signals.recordEvents({
      catalogId: shop,
      receivedAt: at,
      events: [{ event_id: 'queued-1', visitor_id: 'alice-tablet-01', type: 'view_item', occurred_at: at, items: [{ product_id: 'SKU-1', quantity: null, price_micros: null }], order_id: null, value_micros: null, currency: null, search_query: null, list_id: null }],
      visitors: [{ visitor_id: 'alice-tablet-01', email_sha256: aliceHash, keep_email: false, ad_consent: true, first_seen: at, last_seen: at }],
      withdrawn: [],
      drops: [],
    });
    const erased = await t.deps.signals.eraseByEmail(shop, aliceHash);
    await pending;
    expect(erased).toEqual({ events: 1, event_items: 1, visitors: 1 });
    expect(rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }]);
    expect(rows('SELECT count(*) AS n FROM visitors')).toEqual([{ n: 0 }]);
  });

  it('refuses what is not one address or one hash, with reasons, and never echoes the address', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /exactly one of email and email_sha256/],
      [{ email: ALICE, email_sha256: aliceHash }, /exactly one/],
      [{ email: 'not-an-address' }, /email is not an e-mail address/],
      [{ email: `${'a'.repeat(250)}@b.co` }, /longer than 254/],
      [{ email: 42 }, /./],
      [{ email_sha256: 'abc' }, /64 hex characters/],
      [{ email_sha256: 'g'.repeat(64) }, /64 hex characters/],
      [{ visitor: 'alice-laptop-01' }, /unknown field visitor/],
      [['alice@example.com'], /./],
    ];
    for (const [body, reason] of cases) {
      const { res, json } = await erase(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(json.error).toBe('invalid_erasure');
      expect(json.message).toMatch(reason);
      expect(Array.isArray(json.details)).toBe(true);
      expect(JSON.stringify(json)).not.toMatch(/not-an-address|alice/i);
    }
    const bad = await erase('{"email": ');
    expect(bad.res.status).toBe(400);
    expect(bad.json.error).toBe('invalid_json');
    expect((await erase({ email: ALICE }, 'nope')).res.status).toBe(404);
    const anonymous = await t.app.request('/admin/catalogs/shop/erasures', { method: 'POST', body: JSON.stringify({ email: ALICE }) });
    expect(anonymous.status).toBe(401);
  });

  it('keeps no trace of the raw address in the database file', async () => {
    await seed();
    await erase({ email: ALICE });
    t.db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(t.file).toString('latin1').toLowerCase();
    expect(bytes).not.toContain('alice.smith@example.com');
    expect(bytes).not.toContain('bob@example.com');
  });
});
