/**
 * SPEC §3: consent modes, consent drop counts, erasure by the visitor and by the admin,
 * retention, and e-mail addresses kept only as SHA-256 hashes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runHousekeeping } from '../src/jobs/housekeeping';
import { decideConsent } from '../src/signals/consent';
import { makeTestApp, type TestApp } from './helpers/app';

const ORIGIN = 'https://shop.example.com';
let seq = 0;
const eid = () => `prv-${String(++seq).padStart(8, '0')}`;
const view = (id = 'SKU-1', extra: Record<string, unknown> = {}) => ({ type: 'view_item', event_id: eid(), id, ...extra });

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

async function collect(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await t.app.request('/collect', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ catalog: 'shop', ...body }),
  });
  return { res, json: (await res.json()) as any };
}

const count = (table: string, where = '1 = 1') => (t.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;
const drops = () => t.db.prepare('SELECT day, type, count FROM consent_drops ORDER BY type').all();

describe('consent', () => {
  it('opt-in (the default) stores only with explicit consent and counts the rest per day and type', async () => {
    await t.putCatalog('shop');
    const { json } = await collect({
      vid: 'visitor-a-0001',
      events: [view(), view('SKU-2', { consent: true }), { type: 'search', event_id: eid(), q: 'boots' }, view('SKU-3', { consent: false })],
    });
    expect(json).toMatchObject({ accepted: 1, dropped_consent: 3 });
    expect(count('events')).toBe(1);
    expect(t.db.prepare('SELECT product_id FROM event_items').all()).toEqual([{ product_id: 'SKU-2' }]);
    expect(drops()).toEqual([
      { day: '2026-11-23', type: 'search', count: 1 },
      { day: '2026-11-23', type: 'view_item', count: 2 },
    ]);
    await collect({ vid: 'visitor-a-0002', events: [view()] });
    expect(drops()).toContainEqual({ day: '2026-11-23', type: 'view_item', count: 3 });
    // Nothing about a visitor without consent is kept, not even the visitor row.
    expect(t.db.prepare('SELECT visitor_id FROM visitors').all()).toEqual([{ visitor_id: 'visitor-a-0001' }]);
  });

  it('ad_consent needs explicit consent for ads; analytics alone stores events', async () => {
    await t.putCatalog('shop');
    await collect({ vid: 'visitor-analytics', consent: { analytics: true, ads: false }, events: [view()] });
    await collect({ vid: 'visitor-full-001', consent: true, events: [view()] });
    await collect({ vid: 'visitor-ads-0001', consent: { ads: true }, events: [view()] });
    await collect({ vid: 'visitor-none-001', consent: { analytics: false, ads: false }, events: [view()] });
    const rows = t.db.prepare('SELECT visitor_id, ad_consent FROM visitors ORDER BY visitor_id').all();
    expect(rows).toEqual([
      { visitor_id: 'visitor-ads-0001', ad_consent: 1 },
      { visitor_id: 'visitor-analytics', ad_consent: 0 },
      { visitor_id: 'visitor-full-001', ad_consent: 1 },
    ]);
    // The last event decides: withdrawing ads consent clears the flag.
    await collect({ vid: 'visitor-full-001', consent: { analytics: true, ads: false }, events: [view()] });
    expect(t.db.prepare("SELECT ad_consent FROM visitors WHERE visitor_id = 'visitor-full-001'").get()).toEqual({ ad_consent: 0 });
  });

  it('opt-out stores without a choice, drops consent=false and Sec-GPC: 1', async () => {
    await t.putCatalog('shop', { consent_mode: 'opt-out' });
    const stored = await collect({ vid: 'visitor-b-0001', events: [view(), view('SKU-2', { consent: false })] });
    expect(stored.json).toMatchObject({ accepted: 1, dropped_consent: 1 });
    expect(t.db.prepare('SELECT ad_consent FROM visitors').get()).toEqual({ ad_consent: 0 });

    const gpc = await collect({ vid: 'visitor-b-0002', events: [view(), view('SKU-2')] }, { 'sec-gpc': '1' });
    expect(gpc.json).toMatchObject({ accepted: 0, dropped_consent: 2 });
    expect(count('events', "visitor_id = 'visitor-b-0002'")).toBe(0);

    // An explicit yes wins over GPC for storage, but never for ad personalisation.
    const explicit = await collect({ vid: 'visitor-b-0003', consent: true, events: [view()] }, { 'sec-gpc': '1' });
    expect(explicit.json.accepted).toBe(1);
    expect(t.db.prepare("SELECT ad_consent FROM visitors WHERE visitor_id = 'visitor-b-0003'").get()).toEqual({ ad_consent: 0 });
    expect(drops()).toEqual([{ day: '2026-11-23', type: 'view_item', count: 3 }]);
  });

  it('decides by mode, consent and GPC', () => {
    type Decision = ReturnType<typeof decideConsent>;
    const table: Array<[Parameters<typeof decideConsent>, Decision]> = [
      [['opt-in', undefined, false], { store: false, adConsent: false, withdrawsAds: false }],
      [['opt-in', true, false], { store: true, adConsent: true, withdrawsAds: false }],
      [['opt-in', { analytics: true }, false], { store: true, adConsent: false, withdrawsAds: false }],
      [['opt-in', { analytics: true, ads: false }, false], { store: true, adConsent: false, withdrawsAds: true }],
      [['opt-in', {}, false], { store: false, adConsent: false, withdrawsAds: false }],
      [['opt-in', false, false], { store: false, adConsent: false, withdrawsAds: true }],
      [['opt-in', true, true], { store: true, adConsent: false, withdrawsAds: true }],
      [['opt-out', undefined, false], { store: true, adConsent: false, withdrawsAds: false }],
      [['opt-out', {}, false], { store: true, adConsent: false, withdrawsAds: false }],
      [['opt-out', false, false], { store: false, adConsent: false, withdrawsAds: true }],
      [['opt-out', { analytics: false }, false], { store: false, adConsent: false, withdrawsAds: false }],
      [['opt-out', { analytics: false, ads: true }, false], { store: true, adConsent: true, withdrawsAds: false }],
      [['opt-out', undefined, true], { store: false, adConsent: false, withdrawsAds: true }],
    ];
    for (const [args, expected] of table) expect([args, decideConsent(...args)]).toEqual([args, expected]);
  });
});

describe('erasure', () => {
  async function seedTwoVisitors() {
    await t.putCatalog('shop', { allowed_origins: [ORIGIN] });
    await collect({
      vid: 'visitor-gone-01',
      consent: true,
      events: [view('SKU-1'), { type: 'purchase', event_id: eid(), items: [{ id: 'SKU-1' }, { id: 'SKU-2' }] }, { type: 'identify', event_id: eid(), email: 'gone@example.com' }],
    });
    await collect({ vid: 'visitor-stays-1', consent: true, events: [view('SKU-1'), view('SKU-3')] });
  }

  it('POST /forget erases every row of that visitor and nothing else', async () => {
    await seedTwoVisitors();
    const res = await t.app.request('/forget', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: ORIGIN },
      body: JSON.stringify({ catalog: 'shop', vid: 'visitor-gone-01' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(await res.json()).toEqual({ erased: { events: 3, event_items: 3, visitors: 1 } });
    for (const table of ['events', 'event_items', 'visitors']) {
      expect(count(table, "visitor_id = 'visitor-gone-01'")).toBe(0);
      expect(count(table, "visitor_id = 'visitor-stays-1'")).toBeGreaterThan(0);
    }
    const refused = await t.app.request('/forget', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
      body: JSON.stringify({ catalog: 'shop', vid: 'visitor-stays-1' }),
    });
    expect(refused.status).toBe(403);
    expect(count('visitors', "visitor_id = 'visitor-stays-1'")).toBe(1);
  });

  it('erases events still waiting in the write queue', async () => {
    const { id } = await t.putCatalog('shop');
    const at = '2026-11-23T12:00:00.000Z';
    // Not awaited: the write sits in the queue when the erasure is submitted behind it.
    const pending = t.deps.signals.recordEvents({
      catalogId: id,
      receivedAt: at,
      events: [{ event_id: eid(), visitor_id: 'visitor-racer-1', type: 'view_item', occurred_at: at, items: [{ product_id: 'A', quantity: null, price_micros: null }], order_id: null, value_micros: null, currency: null, search_query: null, list_id: null }],
      visitors: [{ visitor_id: 'visitor-racer-1', email_sha256: null, keep_email: true, ad_consent: true, first_seen: at, last_seen: at }],
      withdrawn: [],
      drops: [],
    });
    const erased = await t.deps.signals.eraseVisitor(id, 'visitor-racer-1');
    expect((await pending).inserted).toBe(1);
    expect(erased).toEqual({ events: 1, event_items: 1, visitors: 1 });
    expect(count('events') + count('event_items') + count('visitors')).toBe(0);
  });

  it('DELETE /admin/catalogs/:catalog/visitors/:id erases too, for the admin only', async () => {
    await seedTwoVisitors();
    const anonymous = await t.app.request('/admin/catalogs/shop/visitors/visitor-gone-01', { method: 'DELETE' });
    expect(anonymous.status).toBe(401);
    expect(count('events', "visitor_id = 'visitor-gone-01'")).toBe(3);
    const res = await t.admin('/admin/catalogs/shop/visitors/visitor-gone-01', { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ visitor: 'visitor-gone-01', erased: { events: 3, event_items: 3, visitors: 1 } });
    expect(count('events', "visitor_id = 'visitor-gone-01'") + count('event_items', "visitor_id = 'visitor-gone-01'")).toBe(0);
    expect(count('events', "visitor_id = 'visitor-stays-1'")).toBe(2);
    const unknown = await t.admin('/admin/catalogs/shop/visitors/nobody-like-this', { method: 'DELETE' });
    expect(await unknown.json()).toMatchObject({ erased: { events: 0, event_items: 0, visitors: 0 } });
  });
});

describe('retention', () => {
  it("purges events older than the catalog's retention_days, then visitors left without events", async () => {
    await t.putCatalog('shop', { retention_days: 30 });
    t.setNow(new Date('2026-09-01T12:00:00Z'));
    await collect({ vid: 'visitor-old-001', consent: true, events: [view('SKU-1'), view('SKU-2')] });
    await collect({ vid: 'visitor-both-01', consent: true, events: [view('SKU-1')] });
    await collect({ vid: 'visitor-drop-01', events: [view('SKU-1')] }); // a consent drop from that day
    t.setNow(new Date('2026-11-20T12:00:00Z'));
    await collect({ vid: 'visitor-both-01', consent: true, events: [view('SKU-3')] });
    await collect({ vid: 'visitor-new-001', consent: true, events: [view('SKU-4')] });

    const now = new Date('2026-11-23T12:00:00Z');
    const report = await runHousekeeping(t.deps, now);
    expect(report.errors).toEqual([]);
    expect(report.purged).toEqual([
      { catalog: 'shop', before: '2026-10-24T12:00:00.000Z', events: 3, event_items: 3, visitors: 1, consent_drops: 1 },
    ]);
    expect(t.db.prepare('SELECT visitor_id FROM visitors ORDER BY visitor_id').all()).toEqual([
      { visitor_id: 'visitor-both-01' },
      { visitor_id: 'visitor-new-001' },
    ]);
    expect(t.db.prepare('SELECT product_id FROM event_items ORDER BY product_id').all()).toEqual([{ product_id: 'SKU-3' }, { product_id: 'SKU-4' }]);
    expect(count('consent_drops')).toBe(0);
    // Idempotent: a second run finds nothing more.
    const again = await runHousekeeping(t.deps, now);
    expect(again.purged[0]).toMatchObject({ events: 0, event_items: 0, visitors: 0 });
  });

  it('purges visitors across many ranges of the catalog: exactly the old ones without events', async () => {
    await t.putCatalog('shop', { retention_days: 30 });
    const shop = (t.db.prepare("SELECT id FROM catalogs WHERE slug = 'shop'").get() as { id: number }).id;
    const visitor = t.db.prepare('INSERT INTO visitors (catalog_id, visitor_id, ad_consent, first_seen, last_seen) VALUES (?, ?, 1, ?, ?)');
    const event = t.db.prepare(
      "INSERT INTO events (catalog_id, event_id, visitor_id, type, occurred_at, received_at) VALUES (?, ?, ?, 'search', ?, ?)",
    );
    const old = '2026-09-01T12:00:00.000Z';
    const recent = '2026-11-20T12:00:00.000Z';
    t.db.transaction(() => {
      // 9,000 visitors, more than four purge statements' worth: every third one seen lately,
      // every fifth old one still with a (recent) event.
      for (let i = 0; i < 9000; i++) {
        const id = `visitor-${String(i).padStart(5, '0')}`;
        visitor.run(shop, id, old, i % 3 === 0 ? recent : old);
        if (i % 5 === 0) event.run(shop, `e-${i}`, id, recent, recent);
      }
    })();
    const kept = (i: number) => i % 3 === 0 || i % 5 === 0;
    const expectedGone = Array.from({ length: 9000 }, (_, i) => i).filter((i) => !kept(i)).length;
    const report = await t.deps.signals.purgeBefore(shop, '2026-10-24T12:00:00.000Z');
    expect(report.visitors).toBe(expectedGone);
    expect(count('visitors')).toBe(9000 - expectedGone);
    expect(count('visitors', "visitor_id = 'visitor-00001'")).toBe(0);
    expect(count('visitors', "visitor_id = 'visitor-00003'") + count('visitors', "visitor_id = 'visitor-00005'")).toBe(2);
    expect(count('visitors', "visitor_id = 'visitor-08997'")).toBe(1);
    expect(count('visitors', "visitor_id = 'visitor-08998'")).toBe(0);
  });
});

describe('e-mail addresses', () => {
  it('keeps only the SHA-256 of the trimmed, lower-cased address; the address is nowhere in the database', async () => {
    await t.putCatalog('shop');
    const raw = '  Jane.Doe+Ads@Example.COM ';
    const expected = createHash('sha256').update('jane.doe+ads@example.com').digest('hex');
    const { json } = await collect({ vid: 'visitor-mail-01', consent: true, events: [{ type: 'identify', event_id: eid(), email: raw }, view()] });
    expect(json.accepted).toBe(2);
    // An address sent without consent is not even hashed into storage.
    await collect({ vid: 'visitor-mail-02', events: [{ type: 'identify', event_id: eid(), email: 'other.person@example.com' }] });
    // A hash computed by the shop is taken as is (lower-cased).
    const shopHash = createHash('sha256').update('shop@example.com').digest('hex');
    await collect({ vid: 'visitor-mail-03', consent: true, events: [view('SKU-1', { email_sha256: shopHash.toUpperCase() })] });

    expect(t.db.prepare('SELECT visitor_id, email_sha256 FROM visitors ORDER BY visitor_id').all()).toEqual([
      { visitor_id: 'visitor-mail-01', email_sha256: expected },
      { visitor_id: 'visitor-mail-03', email_sha256: shopHash },
    ]);
    await t.deps.signals.drain();
    t.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of [t.file, `${t.file}-wal`]) {
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file).toString('latin1').toLowerCase();
      expect(bytes.includes('jane.doe'), file).toBe(false);
      expect(bytes.includes('example.com '), file).toBe(false);
      expect(bytes.includes('other.person'), file).toBe(false);
    }
  });

  it('refuses an address that is not one, and a malformed hash', async () => {
    await t.putCatalog('shop');
    const { json } = await collect({
      vid: 'visitor-mail-04',
      consent: true,
      events: [
        { type: 'identify', event_id: eid(), email: 'not-an-address' },
        { type: 'identify', event_id: eid(), email_sha256: 'abc' },
      ],
    });
    expect(json.accepted).toBe(0);
    expect(json.rejected.map((r: { reason: string }) => r.reason)).toEqual([
      expect.stringMatching(/^email:/),
      expect.stringMatching(/^email_sha256:/),
    ]);
  });
});

describe('ad consent taken back', () => {
  const hashOf = (email: string) => createHash('sha256').update(email).digest('hex');
  const visitor = (id: string) => t.db.prepare('SELECT ad_consent, email_sha256 FROM visitors WHERE visitor_id = ?').get(id);

  async function exportMeta(): Promise<string> {
    await t.admin('/admin/catalogs/shop/segments/all', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'product_viewers', product_ids: ['SKU-1'], days: 30 }),
    });
    return (await t.admin('/admin/catalogs/shop/segments/all/export?format=meta')).text();
  }

  it('a refused event withdraws a stored visitor’s ad consent and hash, and records no one new', async () => {
    await t.putCatalog('shop');
    await collect({ vid: 'visitor-back-01', consent: true, events: [{ type: 'identify', event_id: eid(), email: 'ann@example.com' }, view()] });
    expect(visitor('visitor-back-01')).toEqual({ ad_consent: 1, email_sha256: hashOf('ann@example.com') });
    expect(await exportMeta()).toContain(hashOf('ann@example.com'));

    // The banner now says no: the event is dropped and counted, and the refusal reaches the visitor row.
    const { json } = await collect({ vid: 'visitor-back-01', consent: false, events: [view('SKU-2')] });
    expect(json).toMatchObject({ accepted: 0, dropped_consent: 1 });
    expect(visitor('visitor-back-01')).toEqual({ ad_consent: 0, email_sha256: null });
    expect(await exportMeta()).toBe('email\r\n');
    // What was stored under consent stays until erased; only the ads side is withdrawn.
    expect(count('events', "visitor_id = 'visitor-back-01'")).toBe(2);

    await collect({ vid: 'visitor-never-01', consent: false, events: [view()] });
    expect(visitor('visitor-never-01')).toBeUndefined();
  });

  it('Sec-GPC takes ad consent back in opt-out mode, even with events that are stored', async () => {
    await t.putCatalog('shop', { consent_mode: 'opt-out' });
    await collect({ vid: 'visitor-gpc-0001', consent: true, events: [view('SKU-1', { email_sha256: hashOf('gpc@example.com') })] });
    expect(visitor('visitor-gpc-0001')).toEqual({ ad_consent: 1, email_sha256: hashOf('gpc@example.com') });
    await collect({ vid: 'visitor-gpc-0001', consent: true, events: [view('SKU-2')] }, { 'sec-gpc': '1' });
    expect(visitor('visitor-gpc-0001')).toEqual({ ad_consent: 0, email_sha256: null });
    expect(count('events', "visitor_id = 'visitor-gpc-0001'")).toBe(2);
  });

  it('keeps no hash for a visitor who allows analytics but not ads', async () => {
    await t.putCatalog('shop');
    const { json } = await collect({
      vid: 'visitor-stats-01',
      consent: { analytics: true, ads: false },
      events: [{ type: 'identify', event_id: eid(), email: 'stats@example.com' }, view()],
    });
    expect(json.accepted).toBe(2);
    expect(visitor('visitor-stats-01')).toEqual({ ad_consent: 0, email_sha256: null });
    // the last event of a request decides: a yes to ads after a no brings the address back only if sent again
    await collect({
      vid: 'visitor-stats-01',
      events: [view('SKU-1', { consent: true, email_sha256: hashOf('stats@example.com') }), view('SKU-2', { consent: { analytics: true } })],
    });
    expect(visitor('visitor-stats-01')).toEqual({ ad_consent: 0, email_sha256: null });
    await collect({ vid: 'visitor-stats-01', consent: true, events: [view('SKU-3')] });
    expect(visitor('visitor-stats-01')).toEqual({ ad_consent: 1, email_sha256: null });
  });

  it('takes a consent change without events: a no to ads withdraws, nothing is stored', async () => {
    await t.putCatalog('shop');
    await collect({ vid: 'visitor-change-1', consent: true, events: [view('SKU-1', { email_sha256: hashOf('c@example.com') })] });
    const { res, json } = await collect({ vid: 'visitor-change-1', consent: { analytics: true }, events: [] });
    expect(res.status).toBe(200);
    expect(json).toEqual({ accepted: 0, duplicates: 0, dropped_consent: 0, rejected: [], clamped: [] });
    expect(visitor('visitor-change-1')).toEqual({ ad_consent: 0, email_sha256: null });
    expect(count('events')).toBe(1);
    expect(drops()).toEqual([]);
    // a yes without events changes nothing; no consent at all is not a consent change
    await collect({ vid: 'visitor-change-1', consent: true, events: [] });
    expect(visitor('visitor-change-1')).toEqual({ ad_consent: 0, email_sha256: null });
    expect((await collect({ vid: 'visitor-change-1', events: [] })).res.status).toBe(400);
    expect((await collect({ events: [], consent: false })).res.status).toBe(400);
  });
});

describe('search terms', () => {
  it('lose e-mail addresses typed into the search box; the event still counts', async () => {
    await t.putCatalog('shop');
    const { json } = await collect({
      vid: 'visitor-search-1',
      consent: true,
      events: [
        { type: 'search', event_id: eid(), q: 'red shoes jane.doe@example.com size 42' },
        { type: 'search', event_id: eid(), q: ' Jane.Doe@Example.COM ' },
      ],
    });
    expect(json.accepted).toBe(2);
    expect(t.db.prepare("SELECT search_query FROM events WHERE type = 'search' ORDER BY rowid").all()).toEqual([
      { search_query: 'red shoes size 42' },
      { search_query: null },
    ]);
    t.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(t.file).toString('latin1').toLowerCase()).not.toContain('jane.doe');
  });
});
