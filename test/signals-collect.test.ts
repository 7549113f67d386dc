/**
 * POST /collect and GET /px.gif: validation per event, deduplication, aliases, the HTTP
 * defences (CORS, body cap, JSON shape, rate limit, bots) and the coalescing write queue.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import type { SqlDriver, SqlStatement } from '../src/store/sql';
import { createWriteQueue } from '../src/store/write-queue';
import { makeTestApp, type TestApp } from './helpers/app';

const ORIGIN = 'https://shop.example.com';
const VID = 'visitor-000001';
let seq = 0;
const eid = () => `evt-${String(++seq).padStart(8, '0')}`;

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await t.putCatalog('shop', { allowed_origins: [ORIGIN] });
});
afterEach(() => t.close());

async function collect(body: unknown, init: { headers?: Record<string, string>; query?: string; app?: { request: TestApp['app']['request'] } } = {}) {
  const res = await (init.app ?? t.app).request(`/collect${init.query ?? ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { res, json: text ? JSON.parse(text) : null };
}

const count = (table: string, where = '1 = 1') => (t.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;

describe('POST /collect', () => {
  it('keeps the good events of a batch and reports each bad one by index and reason', async () => {
    const { res, json } = await collect({
      catalog: 'shop',
      vid: VID,
      consent: true,
      events: [
        { type: 'view_item', event_id: eid(), items: [{ id: 'SKU-1' }] },
        { type: 'teleport', event_id: eid(), id: 'SKU-1' },
        { type: 'add_to_cart', event_id: eid(), items: [{ id: 'SKU-1', quantity: 2, price: 9.5 }] },
        { type: 'view_item', id: 'SKU-2' },
        { type: 'add_to_cart', event_id: eid() },
        'not an object',
        { type: 'search', event_id: eid(), search_term: 'red shoes' },
      ],
    });
    expect(res.status).toBe(200);
    expect(json.accepted).toBe(3);
    expect(json.rejected.map((r: { index: number }) => r.index)).toEqual([1, 3, 4, 5]);
    expect(json.rejected[0].reason).toMatch(/unknown event type/);
    expect(json.rejected[1].reason).toMatch(/event_id/);
    expect(json.rejected[2].reason).toMatch(/at least one product/);
    expect(count('events')).toBe(3);
    const cart = t.db.prepare("SELECT quantity, price_micros FROM event_items WHERE type = 'add_to_cart'").get();
    expect(cart).toEqual({ quantity: 2, price_micros: 9_500_000 });
    expect(t.db.prepare("SELECT search_query FROM events WHERE type = 'search'").get()).toEqual({ search_query: 'red shoes' });
  });

  it('stores a duplicate event id once, within a batch and across requests, items included', async () => {
    const id = eid();
    const first = await collect({
      catalog: 'shop',
      vid: VID,
      consent: true,
      events: [
        { type: 'view_item', event_id: id, id: 'SKU-1' },
        { type: 'view_item', event_id: id, id: 'SKU-1' },
      ],
    });
    expect(first.json).toMatchObject({ accepted: 1, duplicates: 1 });
    // A retry naming another product adds nothing: the event was already stored.
    const retry = await collect({ catalog: 'shop', vid: VID, consent: true, events: [{ type: 'view_item', event_id: id, id: 'SKU-9' }] });
    expect(retry.json).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(count('events')).toBe(1);
    expect(t.db.prepare('SELECT product_id FROM event_items').all()).toEqual([{ product_id: 'SKU-1' }]);
  });

  it('takes text/plain (sendBeacon) and ?catalog=', async () => {
    const { res, json } = await collect(
      JSON.stringify({ vid: VID, consent: true, events: [{ type: 'view_item', event_id: eid(), id: 'SKU-1' }] }),
      { headers: { 'content-type': 'text/plain;charset=UTF-8' }, query: '?catalog=shop' },
    );
    expect(res.status).toBe(200);
    expect(json.accepted).toBe(1);
  });

  it("accepts Meta's event names, content_ids, contents and Conversions API nesting", async () => {
    const seconds = Math.floor(new Date('2026-11-23T11:00:00Z').getTime() / 1000);
    const { json } = await collect({
      catalog: 'shop',
      vid: VID,
      consent: true,
      events: [
        { event_name: 'ViewContent', event_id: eid(), content_ids: ['SKU-1', 'SKU-2'], content_type: 'product' },
        { type: 'AddToCart', event_id: eid(), contents: [{ id: 'SKU-1', quantity: 1, item_price: 12.5 }] },
        { type: 'InitiateCheckout', event_id: eid(), content_ids: ['SKU-1'] },
        { type: 'Search', event_id: eid(), search_string: 'boots' },
        {
          event_name: 'Purchase',
          event_id: eid(),
          event_time: seconds,
          custom_data: { content_ids: ['SKU-1'], value: 25, currency: 'eur', order_id: 'ORD-7' },
        },
        { type: 'Lead', event_id: eid() },
      ],
    });
    expect(json.accepted).toBe(5);
    expect(json.rejected).toEqual([{ index: 5, reason: 'type: unknown event type "Lead"' }]);
    const rows = t.db.prepare('SELECT type, occurred_at, order_id, value_micros, currency, search_query FROM events ORDER BY rowid').all();
    expect(rows.map((r: any) => r.type)).toEqual(['view_item', 'add_to_cart', 'begin_checkout', 'search', 'purchase']);
    expect(rows[4]).toMatchObject({ occurred_at: '2026-11-23T11:00:00.000Z', order_id: 'ORD-7', value_micros: 25_000_000, currency: 'EUR' });
    expect(rows[3]).toMatchObject({ search_query: 'boots' });
    expect(count('event_items', "type = 'view_item'")).toBe(2);
    expect(t.db.prepare("SELECT price_micros FROM event_items WHERE type = 'add_to_cart'").get()).toEqual({ price_micros: 12_500_000 });
  });

  it('takes GA4 items[].item_id and view_item_list categories', async () => {
    const { json } = await collect({
      catalog: 'shop',
      vid: VID,
      consent: true,
      events: [
        { name: 'view_item', event_id: eid(), params: { items: [{ item_id: 'SKU-3', price: '4.20' }] } },
        { type: 'view_item_list', event_id: eid(), item_list_name: 'Shoes' },
      ],
    });
    expect(json.accepted).toBe(2);
    expect(t.db.prepare("SELECT list_id FROM events WHERE type = 'view_item_list'").get()).toEqual({ list_id: 'Shoes' });
    expect(t.db.prepare('SELECT product_id, price_micros FROM event_items').get()).toEqual({ product_id: 'SKU-3', price_micros: 4_200_000 });
  });

  it('reads null as absent and takes an order number as the event id', async () => {
    const { json } = await collect({
      catalog: 'shop',
      vid: VID,
      consent: true,
      events: [
        { type: 'purchase', event_id: '1001', order_id: '1001', value: null, currency: null, items: [{ id: 'SKU-1', quantity: null, price: 5 }] },
        { type: 'view_item', event_id: eid(), id: 'SKU-2', list_id: null, ts: null },
      ],
    });
    expect(json).toMatchObject({ accepted: 2, rejected: [] });
    expect(t.db.prepare("SELECT event_id, order_id, value_micros FROM events WHERE type = 'purchase'").get()).toEqual({
      event_id: '1001',
      order_id: '1001',
      value_micros: null,
    });
  });

  it('clamps future and ancient times to the receive time and says so', async () => {
    const now = new Date('2026-11-23T12:00:00Z').getTime();
    const { json } = await collect({
      catalog: 'shop',
      vid: VID,
      consent: true,
      events: [
        { type: 'view_item', event_id: eid(), id: 'A', ts: now - 60_000 },
        { type: 'view_item', event_id: eid(), id: 'B', ts: '2026-11-23T11:30:00.000Z' },
        { type: 'view_item', event_id: eid(), id: 'C', ts: now + 86_400_000 },
        { type: 'view_item', event_id: eid(), id: 'D', ts: '2020-01-01T00:00:00Z' },
        { type: 'view_item', event_id: eid(), id: 'E', ts: 'yesterday' },
      ],
    });
    expect(json.accepted).toBe(4);
    expect(json.clamped.map((c: { index: number }) => c.index)).toEqual([2, 3]);
    expect(json.clamped[0].reason).toMatch(/future/);
    expect(json.rejected).toEqual([{ index: 4, reason: expect.stringMatching(/^ts:/) }]);
    const at = Object.fromEntries(
      (t.db.prepare('SELECT product_id, occurred_at FROM event_items').all() as Array<{ product_id: string; occurred_at: string }>).map(
        (r) => [r.product_id, r.occurred_at],
      ),
    );
    expect(at).toEqual({
      A: '2026-11-23T11:59:00.000Z',
      B: '2026-11-23T11:30:00.000Z',
      C: '2026-11-23T12:00:00.000Z',
      D: '2026-11-23T12:00:00.000Z',
    });
  });

  it('caps items per event, events per batch and string lengths', async () => {
    const items = Array.from({ length: 51 }, (_, i) => ({ id: `SKU-${i}` }));
    const { json } = await collect({
      catalog: 'shop',
      vid: VID,
      consent: true,
      events: [
        { type: 'purchase', event_id: eid(), items },
        { type: 'search', event_id: eid(), search_term: 'x'.repeat(201) },
        { type: 'view_item', event_id: eid(), id: 'x'.repeat(101) },
        { type: 'purchase', event_id: eid(), items: items.slice(0, 50) },
      ],
    });
    expect(json.rejected.map((r: { index: number }) => r.index)).toEqual([0, 1, 2]);
    expect(json.accepted).toBe(1);
    expect(count('event_items')).toBe(50);

    const many = Array.from({ length: 101 }, () => ({ type: 'view_item', event_id: eid(), id: 'A' }));
    const tooMany = await collect({ catalog: 'shop', vid: VID, consent: true, events: many });
    expect(tooMany.res.status).toBe(400);
    expect(tooMany.json.message).toMatch(/at most 100 events/);
  });

  it('answers 413 to a body over 64 KiB, declared or streamed', async () => {
    const big = JSON.stringify({ catalog: 'shop', vid: VID, events: [{ type: 'search', event_id: eid(), q: 'x'.repeat(70_000) }] });
    const declared = await collect(big);
    expect(declared.res.status).toBe(413);
    expect(declared.json.error).toBe('payload_too_large');

    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let at = 0; at < bytes.length; at += 8192) c.enqueue(bytes.slice(at, at + 8192));
        c.close();
      },
    });
    const res = await t.app.request('/collect', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: stream,
      // @ts-expect-error Node's fetch needs duplex for stream bodies
      duplex: 'half',
    });
    expect(res.status).toBe(413);
    expect(count('events')).toBe(0);
  });

  it('refuses deep JSON, __proto__ keys, bad JSON and other content types', async () => {
    let deep: unknown = { type: 'view_item' };
    for (let i = 0; i < 10; i++) deep = { nested: deep };
    const tooDeep = await collect({ catalog: 'shop', vid: VID, events: [deep] });
    expect(tooDeep.res.status).toBe(400);
    expect(tooDeep.json.message).toMatch(/deeper/);

    const proto = await collect(`{"catalog":"shop","vid":"${VID}","events":[{"type":"view_item","event_id":"${eid()}","id":"A","__proto__":{"admin":true}}]}`);
    expect(proto.res.status).toBe(400);
    expect(proto.json.message).toMatch(/__proto__/);

    const broken = await collect('{"catalog": "shop", ');
    expect(broken.res.status).toBe(400);
    expect(broken.json.error).toBe('invalid_json');

    const form = await collect('catalog=shop', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.res.status).toBe(415);

    const unknown = await collect({ catalog: 'nope', vid: VID, events: [{ type: 'view_item', event_id: eid(), id: 'A' }] });
    expect(unknown.res.status).toBe(404);
    expect(count('events')).toBe(0);
  });

  it('lets allowed origins read the answer and refuses others with 403', async () => {
    const body = { catalog: 'shop', vid: VID, consent: true, events: [{ type: 'view_item', event_id: eid(), id: 'A' }] };
    const allowed = await collect(body, { headers: { origin: ORIGIN } });
    expect(allowed.res.status).toBe(200);
    expect(allowed.res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.res.headers.get('vary')).toMatch(/Origin/);

    const refused = await collect({ ...body, events: [{ type: 'view_item', event_id: eid(), id: 'B' }] }, { headers: { origin: 'https://evil.example' } });
    expect(refused.res.status).toBe(403);
    expect(refused.json.error).toBe('origin_not_allowed');
    expect(refused.res.headers.get('access-control-allow-origin')).toBeNull();
    expect(count('events')).toBe(1);

    const preflight = await t.app.request('/collect?catalog=shop', {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/content-type/);
    // Without ?catalog=, any catalog allowing the origin will do: the POST itself is checked again.
    const anyCatalog = await t.app.request('/collect', { method: 'OPTIONS', headers: { origin: ORIGIN } });
    expect(anyCatalog.status).toBe(204);
    const badPreflight = await t.app.request('/collect?catalog=shop', { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(badPreflight.status).toBe(403);
    expect(badPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a preflight naming no catalog from one read of the catalogs a second, and rate-limits preflights', async () => {
    let reads = 0;
    const store = new Proxy(t.deps.store, {
      get: (target, key, receiver) =>
        key === 'listCatalogs'
          ? () => {
              reads++;
              return target.listCatalogs();
            }
          : Reflect.get(target, key, receiver),
    });
    const app = createApp({ ...t.deps, store, collectRateLimit: { perSecond: 1, burst: 20 } });
    const preflight = (origin: string, ip = '203.0.113.7') =>
      app.request('/collect', { method: 'OPTIONS', headers: { origin, 'x-forwarded-for': ip } });
    // Many origins, one address: each answer is right, and the catalogs are read once.
    for (let i = 0; i < 10; i++) expect((await preflight(i % 2 ? ORIGIN : `https://other-${i}.example`)).status).toBe(i % 2 ? 204 : 403);
    expect(reads).toBe(1);
    // Preflights spend the address's tokens like the requests they announce.
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push((await preflight(ORIGIN)).status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    expect((await preflight(ORIGIN, '198.51.100.2')).status).toBe(204);
  });

  it('answers 429 with Retry-After once an address used its burst, per address', async () => {
    const app = createApp({ ...t.deps, collectRateLimit: { perSecond: 1, burst: 3 } });
    const body = () => ({ catalog: 'shop', vid: VID, consent: true, events: [{ type: 'view_item', event_id: eid(), id: 'A' }] });
    const from = (ip: string) => ({ app, headers: { 'x-forwarded-for': `${ip}, 10.0.0.1` } });
    for (let i = 0; i < 3; i++) expect((await collect(body(), from('203.0.113.7'))).res.status).toBe(200);
    const limited = await collect(body(), from('203.0.113.7'));
    expect(limited.res.status).toBe(429);
    expect(limited.json.error).toBe('rate_limited');
    expect(Number(limited.res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await collect(body(), from('198.51.100.2'))).res.status).toBe(200);
    // The bucket refills with time.
    t.setNow(new Date('2026-11-23T12:00:02Z'));
    expect((await collect(body(), from('203.0.113.7'))).res.status).toBe(200);
    expect(count('events')).toBe(5);
  });

  it('drops crawlers and headless browsers without counting them', async () => {
    for (const ua of ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Mozilla/5.0 HeadlessChrome/120.0']) {
      const { res } = await collect({ catalog: 'shop', vid: VID, consent: true, events: [{ type: 'view_item', event_id: eid(), id: 'A' }] }, { headers: { 'user-agent': ua } });
      expect(res.status).toBe(204);
    }
    const phone = 'Mozilla/5.0 (Linux; Android 9; CUBOT X19) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36';
    const { res } = await collect({ catalog: 'shop', vid: VID, consent: true, events: [{ type: 'view_item', event_id: eid(), id: 'A' }] }, { headers: { 'user-agent': phone } });
    expect(res.status).toBe(200);
    expect(count('events')).toBe(1);
    expect(count('consent_drops')).toBe(0);
  });

  it('commits every event of concurrent requests', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, r) =>
        collect({
          catalog: 'shop',
          vid: `visitor-${String(r).padStart(6, '0')}`,
          consent: true,
          events: Array.from({ length: 25 }, (_, i) => ({ type: 'view_item', event_id: eid(), id: `SKU-${i}` })),
        }),
      ),
    );
    expect(results.every((r) => r.res.status === 200 && r.json.accepted === 25)).toBe(true);
    expect(count('events')).toBe(1000);
    expect(count('event_items')).toBe(1000);
    expect(count('visitors')).toBe(40);
  });

  it('takes real purchases (UCI Online Retail, 2010-12-01) when the sample is present', async (ctx) => {
    const file = join(import.meta.dirname, '..', '..', 'shared', 'data', 'uci-online-retail', '2010-12-01.csv');
    if (!existsSync(file)) return ctx.skip();
    const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/).slice(1);
    const orders = new Map<string, { customer: string; items: Array<{ id: string; quantity: number; price: number }> }>();
    for (const line of lines) {
      // InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country (Description may be quoted)
      const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, ''));
      const [invoice, stock, , qty, , price, customer] = cells;
      if (!invoice || invoice.startsWith('C') || !customer || Number(qty) <= 0) continue; // cancellations, guests
      const order = orders.get(invoice) ?? { customer: customer.replace('.0', ''), items: [] };
      order.items.push({ id: stock!, quantity: Number(qty), price: Number(price) });
      orders.set(invoice, order);
    }
    const events = [...orders].map(([invoice, o]) => ({
      type: 'Purchase',
      event_id: `uci-${invoice}`,
      vid: `customer-${o.customer}`,
      transaction_id: invoice,
      items: o.items.slice(0, 50),
      value: Math.round(o.items.reduce((s, i) => s + i.quantity * i.price, 0) * 100) / 100,
      currency: 'GBP',
    }));
    expect(events.length).toBeGreaterThan(100);
    let accepted = 0;
    for (let at = 0; at < events.length; at += 20) {
      const { json } = await collect({ catalog: 'shop', consent: true, events: events.slice(at, at + 20) });
      expect(json.rejected).toEqual([]);
      accepted += json.accepted;
    }
    expect(accepted).toBe(events.length);
    expect(count('events', "type = 'purchase'")).toBe(events.length);
    expect(count('event_items')).toBe(events.reduce((n, e) => n + new Set(e.items.map((i) => i.id)).size, 0));
  });
});

describe('GET /px.gif', () => {
  const px = (query: string, headers: Record<string, string> = {}) => t.app.request(`/px.gif?${query}`, { headers });

  it('stores one event and answers a valid 1x1 GIF that is never cached', async () => {
    const res = await px(`c=shop&e=view_item&vid=${VID}&id=SKU-1&eid=px-00000001&consent=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(res.headers.get('cache-control')).toMatch(/no-store/);
    expect(res.headers.get('x-adfeed-result')).toBe('stored');
    const gif = new Uint8Array(await res.arrayBuffer());
    expect(gif.byteLength).toBe(43);
    expect(new TextDecoder().decode(gif.slice(0, 6))).toBe('GIF89a');
    expect(gif[6]! | (gif[7]! << 8)).toBe(1); // width
    expect(gif[8]! | (gif[9]! << 8)).toBe(1); // height
    expect(gif[gif.length - 1]).toBe(0x3b); // trailer
    expect(t.db.prepare('SELECT product_id, type FROM event_items').all()).toEqual([{ product_id: 'SKU-1', type: 'view_item' }]);

    expect((await px(`c=shop&e=view_item&vid=${VID}&id=SKU-1&eid=px-00000001&consent=1`)).headers.get('x-adfeed-result')).toBe('duplicate');
  });

  it('answers the GIF even when it refuses the event, with the reason in a header', async () => {
    const cases: Array<[string, RegExp]> = [
      [`c=nope&e=view_item&vid=${VID}&id=A&eid=px-00000002&consent=1`, /^not_found$/],
      [`c=shop&e=view_item&vid=${VID}&id=A&consent=1`, /^rejected; event_id/],
      [`c=shop&e=view_item&vid=${VID}&id=A&eid=px-00000003`, /^dropped_consent$/],
      [`c=shop&e=ViewContent&vid=x&id=A&eid=px-00000004&consent=1`, /^rejected; vid/],
    ];
    for (const [query, expected] of cases) {
      const res = await px(query);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/gif');
      expect(res.headers.get('x-adfeed-result')).toMatch(expected);
      expect((await res.arrayBuffer()).byteLength).toBe(43);
    }
    expect((await px(`c=shop&e=view_item&vid=${VID}&id=A&eid=px-00000005&consent=1`, { 'user-agent': 'bingbot/2.0' })).headers.get('x-adfeed-result')).toBe('bot');
    expect(count('events')).toBe(0);
  });

  it('takes Meta names and several ids', async () => {
    const res = await px(`c=shop&e=AddToCart&vid=${VID}&id=SKU-1&id=SKU-2,SKU-3&eid=px-00000006&consent=1`);
    expect(res.headers.get('x-adfeed-result')).toBe('stored');
    expect(count('event_items', "type = 'add_to_cart'")).toBe(3);
  });
});

describe('write queue', () => {
  function fakeDriver(fail: (s: SqlStatement) => boolean = () => false) {
    const batches: SqlStatement[][] = [];
    const driver: Pick<SqlDriver, 'batch'> = {
      async batch(statements) {
        batches.push([...statements]);
        if (statements.some(fail)) throw new Error('constraint failed');
        return statements.map(() => ({ changes: 1 }));
      },
    };
    return { driver: driver as SqlDriver, batches };
  }

  it('commits concurrent submissions in one transaction and answers each after it', async () => {
    const { driver, batches } = fakeDriver();
    const queue = createWriteQueue(driver);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => queue.submit([{ sql: `s${i}` }, { sql: `t${i}` }])));
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((s) => s.sql)).toEqual(Array.from({ length: 10 }, (_, i) => [`s${i}`, `t${i}`]).flat());
    expect(results).toEqual(Array.from({ length: 10 }, () => [1, 1]));
  });

  it('commits at once when enough statements wait', async () => {
    const { driver, batches } = fakeDriver();
    const queue = createWriteQueue(driver, { maxStatements: 4, schedule: () => undefined });
    const a = queue.submit([{ sql: 'a' }, { sql: 'b' }]);
    const b = queue.submit([{ sql: 'c' }, { sql: 'd' }]);
    await Promise.all([a, b]);
    expect(batches).toHaveLength(1);
  });

  it('retries a failed shared transaction job by job, so only the bad one fails', async () => {
    const { driver, batches } = fakeDriver((s) => s.sql === 'bad');
    const queue = createWriteQueue(driver);
    const [good1, bad, good2] = await Promise.allSettled([queue.submit([{ sql: 'ok1' }]), queue.submit([{ sql: 'bad' }]), queue.submit([{ sql: 'ok2' }])]);
    expect(good1.status).toBe('fulfilled');
    expect(bad.status).toBe('rejected');
    expect(good2.status).toBe('fulfilled');
    expect(batches.map((b) => b.map((s) => s.sql))).toEqual([['ok1', 'bad', 'ok2'], ['ok1'], ['bad'], ['ok2']]);
  });
});
