/**
 * The runtime contract: what every way of running adfeed must do, over real HTTP. The same
 * cases run against the Node server (contract-node.test.ts) and the Worker served by local
 * workerd through wrangler (contract-worker.test.ts): import, feeds, 304, events and their erasure,
 * recommendations, a rendered creative, the cached paths and the admin's guard.
 */
import http from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servePhotos, type PhotoServer } from './photo-server';

/** A GET with no Accept-Encoding at all (fetch always sends one). */
function rawGet(url: string): Promise<{ encoding: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks).toString('utf8') }));
      })
      .on('error', reject);
  });
}

export const CONTRACT_TOKEN = 'contract-admin-token-0123456789';

export interface Target {
  url: string;
  /** one run of the periodic job, the way this runtime schedules it (timer on Node, Cron Trigger on Workers) */
  housekeeping(): Promise<void>;
  stop(): Promise<void>;
  /** the runtime's log, shown when a case fails */
  log?(): string;
}

/** Starts the runtime under test; photos for creatives are served from `photoOrigin` on 127.0.0.1. */
export type StartTarget = (env: { ADMIN_TOKEN: string; PHOTO_FETCH_ALLOW: string; publicUrlFor: (url: string) => string }) => Promise<Target>;

const SHOP = 'contract-shop';
const VID = 'visitor-contract-01';

function catalogCsv(photoOrigin: string): string {
  const rows = [
    'id,title,description,link,image_link,price,sale_price,availability,brand,condition,google_product_category,product_type,gtin',
    `SKU-1,Trail runner Štefan,Light trail shoe,https://shop.example.com/p/1,${photoOrigin}/photo/1.jpg,89.95 EUR,69.95 EUR,in_stock,Acme,new,187,Shoes > Running,4006381333931`,
    `SKU-2,Rain jacket,Waterproof jacket,https://shop.example.com/p/2,${photoOrigin}/photo/2.jpg,129.00 EUR,,in_stock,Acme,new,5598,Clothing > Jackets,`,
    `SKU-3,Wool socks,Warm socks,https://shop.example.com/p/3,${photoOrigin}/photo/3.jpg,12.50 EUR,,out_of_stock,Acme,new,209,Clothing > Socks,`,
    `SKU-4,Bad price row,No price,https://shop.example.com/p/4,${photoOrigin}/photo/4.jpg,free,,in_stock,Acme,new,,,`,
    `SKU-5,Cap,Sun cap,https://shop.example.com/p/5,${photoOrigin}/photo/5.jpg,19.00 EUR,,in_stock,Acme,new,173,Clothing > Caps,`,
  ];
  return rows.join('\n') + '\n';
}

export function contractSuite(name: string, start: StartTarget): void {
  describe(`runtime contract: ${name}`, () => {
    let target: Target;
    let photos: PhotoServer;
    let publicUrl = '';
    const admin = (path: string, init: RequestInit = {}) =>
      fetch(`${target.url}${path}`, { ...init, headers: { authorization: `Bearer ${CONTRACT_TOKEN}`, ...(init.headers ?? {}) } });

    beforeAll(async () => {
      photos = await servePhotos();
      target = await start({
        ADMIN_TOKEN: CONTRACT_TOKEN,
        PHOTO_FETCH_ALLOW: '127.0.0.1/32',
        publicUrlFor: (url) => (publicUrl = url),
      });
    }, 180_000);

    afterAll(async () => {
      await target?.stop();
      await photos?.close();
    });

    /** Failing cases print the runtime's log: a Worker's exception is only there. */
    const withLog = async (work: () => Promise<void>) => {
      try {
        await work();
      } catch (err) {
        console.error(`--- ${name} log ---\n${target.log?.().slice(-4000) ?? ''}`);
        throw err;
      }
    };

    it('refuses the admin API without the token', () =>
      withLog(async () => {
        const res = await fetch(`${target.url}/admin/catalogs`);
        expect(res.status).toBe(401);
      }));

    it('imports a catalog: good rows land, the bad row is reported by line', () =>
      withLog(async () => {
        const put = await admin(`/admin/catalogs/${SHOP}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: 'Contract shop', link: 'https://shop.example.com', currency: 'EUR', consent_mode: 'opt-in', allowed_origins: ['https://shop.example.com'] }),
        });
        expect(put.status).toBe(201);
        const res = await admin(`/admin/catalogs/${SHOP}/imports?mode=replace`, {
          method: 'POST',
          headers: { 'content-type': 'text/csv' },
          body: catalogCsv(photos.origin),
        });
        const report = (await res.json()) as { status: string; counts: { valid: number; invalid: number }; errors: Array<{ line: number }> };
        expect(res.status, JSON.stringify(report)).toBe(201);
        expect(report.status).toBe('published');
        expect(report.counts).toMatchObject({ valid: 4, invalid: 1 });
        expect(report.errors[0]!.line).toBe(5);
      }));

    it('serves the Google feed, then 304 for its ETag', () =>
      withLog(async () => {
        const res = await fetch(`${target.url}/feeds/${SHOP}/google.xml`);
        expect(res.status).toBe(200);
        const xml = await res.text();
        const doc = new XMLParser({ ignoreAttributes: false }).parse(xml) as { rss: { channel: { item: Array<Record<string, unknown>> } } };
        const items = doc.rss.channel.item;
        expect(items.map((i) => i['g:id']).sort()).toEqual(['SKU-1', 'SKU-2', 'SKU-3', 'SKU-5']);
        const sku1 = items.find((i) => i['g:id'] === 'SKU-1')!;
        expect(sku1['g:price']).toBe('89.95 EUR');
        expect(sku1['g:sale_price']).toBe('69.95 EUR');
        expect(sku1['title'] ?? sku1['g:title']).toBe('Trail runner Štefan');
        const etag = res.headers.get('etag');
        expect(etag).toMatch(/^"/);
        const again = await fetch(`${target.url}/feeds/${SHOP}/google.xml`, { headers: { 'if-none-match': etag! } });
        expect(again.status).toBe(304);
        expect(await again.text()).toBe('');
      }));

    it('serves the feed whole from the blob cache the second time, and plain XML to a client that accepts no encoding', () =>
      withLog(async () => {
        const get = () => fetch(`${target.url}/feeds/${SHOP}/google.xml`, { headers: { 'accept-encoding': 'gzip' } });
        // fetch decompresses on its own; the runtimes differ in who compresses (Node: the app,
        // Workers: Cloudflare's edge), so the encoding may be gzip or none, never anything else
        const first = await get();
        const text1 = await first.text();
        expect([null, 'gzip']).toContain(first.headers.get('content-encoding'));
        const second = await get();
        const text2 = await second.text();
        expect(second.headers.get('x-cache')).toBe('hit');
        expect(text2).toBe(text1);
        expect(text1).toContain('<g:id>SKU-5</g:id>');
        expect(text1.trimEnd().endsWith('</rss>')).toBe(true);
        // a poller that sends no Accept-Encoding must get bytes it can read
        const plain = await rawGet(`${target.url}/feeds/${SHOP}/google.xml`);
        expect(plain.encoding).toBeUndefined();
        expect(plain.body.startsWith('<?xml')).toBe(true);
        expect(plain.body).toBe(text1);
      }));

    it('serves the Meta feeds (CSV and XML)', () =>
      withLog(async () => {
        const csv = await fetch(`${target.url}/feeds/${SHOP}/meta.csv`);
        expect(csv.status).toBe(200);
        const lines = (await csv.text()).trim().split('\n');
        expect(lines[0]).toMatch(/^id,/);
        expect(lines).toHaveLength(5);
        const xml = await fetch(`${target.url}/feeds/${SHOP}/meta.xml`);
        expect(xml.status).toBe(200);
        const body = await xml.text();
        expect(body.match(/<g:id>/g)).toHaveLength(4);
      }));

    it('takes events with consent, drops those without, and recommends from them', () =>
      withLog(async () => {
        const post = (body: unknown) =>
          fetch(`${target.url}/collect`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain', origin: 'https://shop.example.com' },
            body: JSON.stringify(body),
          });
        const eid = (n: number) => `evt-contract-${n}`;
        const res = await post({
          catalog: SHOP,
          vid: VID,
          consent: true,
          events: [
            { type: 'view_item', event_id: eid(1), items: [{ id: 'SKU-2' }] },
            { type: 'view_item', event_id: eid(2), items: [{ id: 'SKU-5' }] },
            { type: 'add_to_cart', event_id: eid(3), items: [{ id: 'SKU-1', quantity: 1, price: 69.95 }] },
            { type: 'add_to_cart', event_id: eid(4), items: [{ id: 'SKU-3' }] },
            { type: 'teleport', event_id: eid(5) },
          ],
        });
        const json = (await res.json()) as { accepted: number; rejected: unknown[] };
        expect(res.status, JSON.stringify(json)).toBeLessThan(300);
        expect(json.accepted).toBe(4);
        expect(json.rejected).toHaveLength(1);
        // the same batch again: duplicate event ids are not stored twice
        const retry = await post({ catalog: SHOP, vid: VID, consent: true, events: [{ type: 'view_item', event_id: eid(1), items: [{ id: 'SKU-2' }] }] });
        expect(await retry.json()).toMatchObject({ accepted: 0, duplicates: 1 });
        // no consent in an opt-in catalog: counted, not stored
        const dropped = await post({ catalog: SHOP, vid: 'visitor-no-consent', events: [{ type: 'view_item', event_id: eid(9), items: [{ id: 'SKU-1' }] }] });
        expect(dropped.status).toBeLessThan(300);
        const pixel = await fetch(`${target.url}/px.gif?c=${SHOP}&vid=${VID}&consent=1&e=view_item&eid=${eid(6)}&id=SKU-2`);
        expect(pixel.status).toBe(200);
        expect(pixel.headers.get('content-type')).toBe('image/gif');
        expect(pixel.headers.get('cache-control')).toMatch(/no-store/);

        const recs = await fetch(`${target.url}/recs/${SHOP}/${VID}?limit=10`);
        expect(recs.status).toBe(200);
        const { items } = (await recs.json()) as { items: Array<{ id: string; reason: string }> };
        // the abandoned cart first; SKU-3 is out of stock and never recommended
        expect(items[0]).toMatchObject({ id: 'SKU-1', reason: 'abandoned_cart' });
        expect(items.map((i) => i.id)).not.toContain('SKU-3');
        expect(items.find((i) => i.id === 'SKU-2')?.reason).toBe('recently_viewed');

        const stats = await admin(`/admin/catalogs/${SHOP}/stats`);
        expect(stats.status).toBe(200);
        const s = (await stats.json()) as {
          funnel: { viewed: number; carted: number };
          consent_drops: Array<{ type: string; count: number }>;
          top_viewed: Array<{ id: string; views: number }>;
        };
        expect(s.funnel).toMatchObject({ viewed: 1, carted: 1 });
        expect(s.consent_drops).toEqual([expect.objectContaining({ type: 'view_item', count: 1 })]);
        // SKU-2: the view, the pixel's view; its retried duplicate not counted
        expect(s.top_viewed.find((p) => p.id === 'SKU-2')?.views).toBe(2);
      }));

    it('runs scheduled housekeeping: labels are refreshed from the events and the feed changes with them', () =>
      withLog(async () => {
        const feed = () => fetch(`${target.url}/feeds/${SHOP}/google.xml`);
        const before = await feed();
        await before.text();
        expect(before.headers.get('x-labels-version')).toBe('0');
        await target.housekeeping();
        const after = await feed();
        const xml = await after.text();
        expect(Number(after.headers.get('x-labels-version'))).toBeGreaterThan(0);
        expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
        expect(xml.match(/<g:id>/g)).toHaveLength(4);
        // the label set covers the live catalog, and the feed is pinned to it
        const labels = (await (await admin(`/admin/catalogs/${SHOP}/labels`)).json()) as { labels_version: number; products: number; refreshed_at: string | null };
        expect(labels).toMatchObject({ labels_version: Number(after.headers.get('x-labels-version')), products: 4 });
        expect(labels.refreshed_at).not.toBeNull();
      }));

    it('counts events stored after the newest ones were erased', () =>
      withLog(async () => {
        const viewsOf = async (id: string) => {
          const stats = (await (await admin(`/admin/catalogs/${SHOP}/stats`)).json()) as { top_viewed: Array<{ id: string; views: number }> };
          return stats.top_viewed.find((p) => p.id === id)?.views ?? 0;
        };
        const view = (vid: string, eventId: string) =>
          fetch(`${target.url}/collect`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain', origin: 'https://shop.example.com' },
            body: JSON.stringify({ catalog: SHOP, vid, consent: true, events: [{ type: 'view_item', event_id: eventId, items: [{ id: 'SKU-5' }] }] }),
          });
        const before = await viewsOf('SKU-5');
        expect((await view('visitor-contract-02', 'evt-contract-erased')).status).toBeLessThan(300);
        // stats roll the day counts up: the erased view stays counted, anonymously
        expect(await viewsOf('SKU-5')).toBe(before + 1);
        const erased = await admin(`/admin/catalogs/${SHOP}/visitors/visitor-contract-02`, { method: 'DELETE' });
        expect(await erased.json()).toMatchObject({ erased: { events: 1 } });
        // A plain rowid would hand the erased event's number to this one (migrations/0007_event_seq_autoincrement.sql).
        expect((await view('visitor-contract-03', 'evt-contract-after')).status).toBeLessThan(300);
        expect(await viewsOf('SKU-5')).toBe(before + 2);
      }));

    it('renders a product creative: a PNG of the right size, then the cached copy', () =>
      withLog(async () => {
        const path = `/img/${SHOP}/badge/SKU-1.png`;
        const res = await fetch(`${target.url}${path}`);
        const bytes = new Uint8Array(await res.arrayBuffer());
        expect(res.status, new TextDecoder().decode(bytes.slice(0, 300))).toBe(200);
        expect(res.headers.get('content-type')).toBe('image/png');
        expect(res.headers.get('x-creative-photo')).toBeNull();
        const meta = await sharp(bytes).metadata();
        expect([meta.format, meta.width, meta.height]).toEqual(['png', 1080, 1080]);
        // the photo is in it: the pixel at the photo's centre is the photo's colour, not the placeholder grey
        const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
        const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
        const [r, , b] = at(540, 540);
        expect(r! - b!, `centre pixel ${at(540, 540).join(',')}`).toBeGreaterThan(60);
        expect(photos.hits('/photo/1.jpg')).toBe(1);

        const again = await fetch(`${target.url}${path}`, { headers: { 'if-none-match': res.headers.get('etag')! } });
        expect(again.status).toBe(304);
        const copy = await fetch(`${target.url}${path}`);
        expect(new Uint8Array(await copy.arrayBuffer())).toEqual(bytes);
        expect(photos.hits('/photo/1.jpg')).toBe(1);

        const jpg = await fetch(`${target.url}/img/${SHOP}/badge/SKU-2.jpg`);
        const jpgMeta = await sharp(new Uint8Array(await jpg.arrayBuffer())).metadata();
        expect([jpg.status, jpgMeta.format, jpgMeta.width]).toEqual([200, 'jpeg', 1080]);
      }));

    it('answers 404 with a reason for an unknown product creative', () =>
      withLog(async () => {
        const res = await fetch(`${target.url}/img/${SHOP}/badge/NOPE.png`);
        expect(res.status).toBe(404);
      }));

    it('swaps a replace import in atomically: the feed shows the new catalog whole', () =>
      withLog(async () => {
        const rows = ['id,title,description,link,image_link,price,availability,brand,condition'];
        for (let i = 0; i < 1200; i++) {
          rows.push(`N-${String(i).padStart(4, '0')},New product ${i},Fresh,https://shop.example.com/n/${i},https://shop.example.com/n/${i}.jpg,${(10 + (i % 50)).toFixed(2)} EUR,in_stock,Acme,new`);
        }
        const res = await admin(`/admin/catalogs/${SHOP}/imports?mode=replace&confirm=1`, {
          method: 'POST',
          headers: { 'content-type': 'text/csv' },
          body: rows.join('\n'),
        });
        const report = (await res.json()) as { status: string; changes: { added: number; removed: number } };
        expect(res.status, JSON.stringify(report)).toBe(201);
        expect(report.changes).toMatchObject({ added: 1200, removed: 4 });
        const feed = await (await fetch(`${target.url}/feeds/${SHOP}/google.xml`)).text();
        expect(feed.match(/<g:id>/g)).toHaveLength(1200);
        expect(feed).not.toContain('SKU-1');
        expect(publicUrl).not.toBe('');
      }));
  });
}
