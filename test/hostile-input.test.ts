/**
 * Hostile input through the real app (issue 7): every upload an attacker or a broken export
 * could send is answered with a clear status, and the live catalog is never left half-changed.
 *
 * Each table row says which answer is the designed one:
 * - `refused`: a 4xx with the JSON error envelope `{error, message}`, and the live catalog is
 *   byte-for-byte what it was (same version, same products);
 * - `per_row`: a 2xx import report naming the bad rows by line; the good rows (if any) land, the
 *   bad ones do not, and no product outside the expected set appears;
 * - `accepted`: hostile-looking but valid (BOM, mixed newlines, UTF-16 without BOM, a 1 MB
 *   description): imported as data.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import type { BlobCache } from '../src/cache/blob-cache';
import { cacheDirFor } from '../src/runtime/node-parts';
import { csv, makeTestApp, row, type TestApp } from './helpers/app';

const MAX_UPLOAD_MB = 2;
const BASE = [row(1), row(2), row(3)];
const BASE_IDS = ['SKU-0001', 'SKU-0002', 'SKU-0003'];
const HEADER = Object.keys(row(1)).join(',');
const line = (r: Record<string, string | number>) => Object.values(r).join(',');

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({ maxUploadMb: MAX_UPLOAD_MB });
  await t.putCatalog('shop');
});
afterAll(() => t.close());

/** Restores the three base products before each case, so every case starts from the same catalog. */
async function resetCatalog(): Promise<void> {
  const { res } = await t.importText('shop', csv(BASE), { format: 'csv', confirm: true });
  expect(res.status).toBe(201);
}

interface Snapshot {
  version: number;
  ids: string[];
  /** sha-256 of the products as the API lists them: any change to any field shows */
  digest: string;
}

async function snapshot(): Promise<Snapshot> {
  const catalog = (await (await t.admin('/admin/catalogs/shop')).json()) as { version: number };
  const page = (await (await t.admin('/admin/catalogs/shop/products?limit=500')).json()) as { items: Array<{ id: string }> };
  return {
    version: catalog.version,
    ids: page.items.map((p) => p.id),
    digest: createHash('sha256').update(JSON.stringify(page.items)).digest('hex'),
  };
}

function expectEnvelope(json: any, message: RegExp): void {
  expect(json).toMatchObject({ error: expect.any(String), message: expect.any(String) });
  expect(json.error).toMatch(/^[a-z_]+$/);
  expect(json.message).toMatch(message);
  expect(JSON.stringify(json)).not.toMatch(/at .+\.ts:\d+|node_modules/); // no stack traces
}

function expectNoPollution(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
  expect(typeof ({} as any).constructor).toBe('function');
  expect(({} as any).constructor).toBe(Object);
}

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const utf16le = (s: string) => Uint8Array.from(Buffer.from(s, 'utf16le'));
const latin1 = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
/** A few KB of gzip that inflate to 8 MB of CSV-ish text, past the 2 MB cap. */
const gzipBomb = () => Uint8Array.from(gzipSync(Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.alloc(8 << 20, 'a')])));

type Expect =
  | { kind: 'refused'; status: number; message: RegExp }
  | { kind: 'per_row'; status: number; invalidLines: number[]; ids: string[]; reason: RegExp }
  | { kind: 'accepted'; status: number; ids: string[] };

interface Case {
  name: string;
  body: () => string | Uint8Array;
  query?: { format?: string; mode?: string; contentType?: string };
  headers?: Record<string, string>;
  expect: Expect;
}

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<rss xmlns:g="http://base.google.com/ns/1.0"><channel><item><g:id>1</g:id><title>&lol9;</title></item></channel></rss>`;

const xxe = `<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss xmlns:g="http://base.google.com/ns/1.0"><channel><item><g:id>SKU-0009</g:id><title>&xxe;</title>
<link>https://shop.example.com/p/9</link><g:price>1.00 EUR</g:price></item></channel></rss>`;

const CASES: Case[] = [
  // --- malformed CSV
  {
    name: 'CSV with an unbalanced quote',
    body: () => `${HEADER}\n${line(row(7)).replace('Product 7', '"Product 7')}\n${line(row(8))}\n`,
    query: { format: 'csv' },
    expect: { kind: 'refused', status: 422, message: /quoted field is never closed.*nothing was changed/ },
  },
  {
    name: 'CSV with ragged rows (too many and too few fields)',
    body: () => `${HEADER}\n${line(row(7))},extra,more\n${line(row(8)).split(',').slice(0, 3).join(',')}\n${line(row(9))}\n`,
    query: { format: 'csv', mode: 'upsert' },
    expect: { kind: 'per_row', status: 201, invalidLines: [2, 3], ids: [...BASE_IDS, 'SKU-0009'], reason: /fields but the header has/ },
  },
  {
    name: 'CSV with a BOM and mixed \\r\\n, \\r and \\n newlines',
    body: () => '\ufeff' + [HEADER, line(row(1)), line(row(2)), line(row(3)), line(row(4))].join('\r\n').replace(/\r\n(?=SKU-0002)/, '\r').replace(/\r\n(?=SKU-0004)/, '\n'),
    query: { format: 'csv' },
    expect: { kind: 'accepted', status: 201, ids: [...BASE_IDS, 'SKU-0004'] },
  },
  {
    name: 'CSV with a 1 MB field',
    body: () => csv([...BASE, row(4, { description: 'x'.repeat(1 << 20) })]),
    query: { format: 'csv' },
    expect: { kind: 'accepted', status: 201, ids: [...BASE_IDS, 'SKU-0004'] },
  },
  {
    name: 'CSV with a 1 MB id (per row: ids are capped)',
    body: () => csv([...BASE, row(4, { id: 'I'.repeat(1 << 20) })]),
    query: { format: 'csv' },
    expect: { kind: 'per_row', status: 201, invalidLines: [5], ids: BASE_IDS, reason: /./ },
  },
  {
    name: 'CSV an empty file',
    body: () => '',
    query: { format: 'csv' },
    expect: { kind: 'refused', status: 422, message: /empty/ },
  },
  // --- encodings
  {
    name: 'Latin-1 bytes declared as nothing (read as UTF-8)',
    body: () => latin1(csv([...BASE, row(4, { title: 'Café crème' })])),
    query: { format: 'csv' },
    expect: { kind: 'refused', status: 422, message: /not valid UTF-8.*line 5/ },
  },
  {
    name: 'UTF-16 LE without a BOM (sniffed from the zero bytes)',
    body: () => utf16le(csv([...BASE, row(4, { title: 'Café crème' })])),
    query: { format: 'csv' },
    expect: { kind: 'accepted', status: 201, ids: [...BASE_IDS, 'SKU-0004'] },
  },
  {
    name: 'UTF-16 LE with an odd trailing byte',
    body: () => Uint8Array.from([...utf16le(csv([...BASE])), 0x41]),
    query: { format: 'csv' },
    expect: { kind: 'refused', status: 422, message: /not valid UTF-16LE/ },
  },
  {
    name: 'XML declaring an encoding nobody can decode',
    body: () => `<?xml version="1.0" encoding="x-klingon"?><rss><channel></channel></rss>`,
    query: { format: 'xml' },
    expect: { kind: 'refused', status: 422, message: /x-klingon.*UTF-8/ },
  },
  // --- XML entity attacks
  {
    name: 'XML billion laughs',
    body: () => billionLaughs,
    query: { format: 'xml' },
    expect: { kind: 'refused', status: 422, message: /DOCTYPE/ },
  },
  {
    name: 'XML XXE (SYSTEM file:///etc/passwd)',
    body: () => xxe,
    query: { format: 'xml' },
    expect: { kind: 'refused', status: 422, message: /DOCTYPE/ },
  },
  // --- size
  {
    name: 'gzip bomb (8 KB expanding to 8 MB, past MAX_UPLOAD_MB)',
    body: gzipBomb,
    query: { format: 'csv' },
    headers: { 'content-encoding': 'gzip' },
    expect: { kind: 'refused', status: 413, message: /2 MB limit.*nothing was changed/ },
  },
  {
    name: 'plain body over MAX_UPLOAD_MB',
    body: () => csv([...BASE]) + 'x'.repeat(3 << 20),
    query: { format: 'csv' },
    expect: { kind: 'refused', status: 413, message: /2 MB limit/ },
  },
  {
    name: 'Content-Encoding the server does not take',
    body: () => csv(BASE),
    query: { format: 'csv' },
    headers: { 'content-encoding': 'compress' },
    expect: { kind: 'refused', status: 415, message: /Content-Encoding "compress"/ },
  },
  {
    name: 'corrupt gzip',
    body: () => Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8]),
    query: { format: 'csv' },
    headers: { 'content-encoding': 'gzip' },
    expect: { kind: 'refused', status: 400, message: /not valid gzip data.*nothing was changed/ },
  },
  {
    name: 'truncated gzip (an upload cut off mid-stream)',
    body: () => Uint8Array.from(gzipSync(Buffer.from(csv([...BASE, row(4), row(5)]))).subarray(0, 120)),
    query: { format: 'csv' },
    headers: { 'content-encoding': 'gzip' },
    expect: { kind: 'refused', status: 400, message: /not valid gzip data.*nothing was changed/ },
  },
  // --- JSON / NDJSON
  {
    name: 'NDJSON with a bad line among good ones',
    body: () => [...BASE.map((r) => JSON.stringify(r)), '{"id": broken', JSON.stringify(row(4))].join('\n'),
    query: { format: 'ndjson' },
    expect: { kind: 'per_row', status: 201, invalidLines: [4], ids: [...BASE_IDS, 'SKU-0004'], reason: /invalid JSON/ },
  },
  {
    name: 'JSON array cut short (truncated upload)',
    body: () => JSON.stringify([...BASE, row(4)]).slice(0, -40),
    query: { format: 'json' },
    expect: { kind: 'refused', status: 422, message: /not closed/ },
  },
  {
    name: 'deep JSON: 100k nested arrays in a JSON array import',
    body: () => `[${JSON.stringify(row(4)).replace(/}$/, `,"a":${deep(100_000)}}`)},${JSON.stringify(row(5))}]`,
    query: { format: 'json', mode: 'upsert' },
    expect: { kind: 'per_row', status: 201, invalidLines: [1], ids: [...BASE_IDS, 'SKU-0005'], reason: /nested deeper/ },
  },
  {
    name: 'deep JSON: 100k nested arrays as the whole file',
    body: () => deep(100_000),
    query: { format: 'json', mode: 'upsert' },
    expect: { kind: 'per_row', status: 201, invalidLines: [1], ids: BASE_IDS, reason: /nested deeper/ },
  },
  {
    name: 'deep JSON: 100k nested arrays on an NDJSON line',
    body: () => `${JSON.stringify(row(4)).replace(/}$/, `,"a":${deep(100_000)}}`)}\n${JSON.stringify(row(5))}\n`,
    query: { format: 'ndjson', mode: 'upsert' },
    expect: { kind: 'per_row', status: 201, invalidLines: [1], ids: [...BASE_IDS, 'SKU-0005'], reason: /nested deeper/ },
  },
  {
    name: '__proto__ key in a JSON import',
    body: () => `[${JSON.stringify(row(4)).replace('{', '{"__proto__":{"polluted":"yes"},')},${JSON.stringify(row(5))}]`,
    query: { format: 'json', mode: 'upsert' },
    expect: { kind: 'per_row', status: 201, invalidLines: [1], ids: [...BASE_IDS, 'SKU-0005'], reason: /forbidden key __proto__/ },
  },
  {
    name: 'constructor.prototype keys in an NDJSON import',
    body: () => `${JSON.stringify({ ...row(4), constructor: { prototype: { polluted: 'yes' } } })}\n${JSON.stringify(row(5))}\n`,
    query: { format: 'ndjson', mode: 'upsert' },
    expect: { kind: 'per_row', status: 201, invalidLines: [1], ids: [...BASE_IDS, 'SKU-0005'], reason: /forbidden key constructor/ },
  },
  {
    name: 'a binary blob with no recognisable format',
    body: () => Uint8Array.from([0, 1, 2, 3, 0xff, 0xfe, 0, 0, 9, 8]),
    query: { contentType: 'application/octet-stream' },
    expect: { kind: 'refused', status: 415, message: /cannot tell the file format/ },
  },
  {
    name: 'an unknown ?format=',
    body: () => csv(BASE),
    query: { format: 'xlsx' },
    expect: { kind: 'refused', status: 400, message: /import parameters are not valid/ },
  },
];

describe('hostile uploads to POST /admin/catalogs/:catalog/imports', () => {
  beforeEach(resetCatalog);

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await snapshot();
    const params = new URLSearchParams();
    if (c.query?.format) params.set('format', c.query.format);
    if (c.query?.mode) params.set('mode', c.query.mode);
    const res = await t.admin(`/admin/catalogs/shop/imports?${params}`, {
      method: 'POST',
      headers: { ...(c.query?.contentType ? { 'content-type': c.query.contentType } : {}), ...c.headers },
      body: c.body() as BodyInit,
    });
    const json = (await res.json()) as any;
    expect(res.status, JSON.stringify(json).slice(0, 500)).toBe(c.expect.status);
    const after = await snapshot();
    expectNoPollution();

    switch (c.expect.kind) {
      case 'refused':
        expectEnvelope(json, c.expect.message);
        expect(after).toEqual(before);
        break;
      case 'per_row': {
        expect(json.status).toBe('published');
        const lines = json.errors.map((e: { line: number }) => e.line);
        expect(lines).toEqual(c.expect.invalidLines);
        for (const e of json.errors) expect(e.reason).toMatch(c.expect.reason);
        expect(json.counts.invalid).toBe(c.expect.invalidLines.length);
        expect(after.ids).toEqual(c.expect.ids);
        // the base products themselves are untouched
        const base = await Promise.all(BASE_IDS.map(async (id) => (await t.admin(`/admin/catalogs/shop/products/${id}`)).status));
        expect(base).toEqual([200, 200, 200]);
        break;
      }
      case 'accepted':
        expect(json.status).toBe('published');
        expect(json.counts.invalid).toBe(0);
        expect(after.ids).toEqual(c.expect.ids);
        break;
    }
  });

  it('a body streamed without Content-Length past the cap is 413 and changes nothing', async () => {
    const before = await snapshot();
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(ctrl) {
        if (sent === 0) ctrl.enqueue(new TextEncoder().encode(csv(BASE)));
        if (sent++ > 64) ctrl.close(); // 4 MB in all
        else ctrl.enqueue(chunk);
      },
    });
    const res = await t.admin('/admin/catalogs/shop/imports?format=csv', { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expectEnvelope(await res.json(), /MAX_UPLOAD_MB/);
    expect(await snapshot()).toEqual(before);
    expect(sent).toBeLessThan(64); // refused on the chunk that crossed the cap, not after reading it all
  });

  it("SQL-looking ids and text round-trip as data, through the API and every feed", async () => {
    const sqlId = "'; DROP TABLE products; --";
    const sqlTitle = 'Robert\'); DELETE FROM catalogs WHERE 1=1; --" OR ""="';
    const { res, json } = await t.importText('shop', csv([...BASE, row(4, { id: sqlId, title: sqlTitle, brand: "O'Brien" })]), { format: 'csv' });
    expect(res.status, JSON.stringify(json)).toBe(201);
    expect((await snapshot()).ids).toEqual([...BASE_IDS, sqlId].sort());

    const one = await t.admin(`/admin/catalogs/shop/products/${encodeURIComponent(sqlId)}`);
    expect(one.status).toBe(200);
    const { product } = (await one.json()) as any;
    expect(product).toMatchObject({ id: sqlId, title: sqlTitle, brand: "O'Brien" });

    const search = await t.admin(`/admin/catalogs/shop/products?q=${encodeURIComponent("' OR 1=1 --")}`);
    expect(search.status).toBe(200);
    expect(((await search.json()) as any).items).toEqual([]);
    const search2 = await t.admin(`/admin/catalogs/shop/products?q=${encodeURIComponent('DROP TABLE')}`);
    expect(((await search2.json()) as any).items.map((p: any) => p.id)).toEqual([sqlId]);

    const google = await t.app.request('/feeds/shop/google.xml');
    expect(google.status).toBe(200);
    const xml = await google.text();
    const items = new XMLParser({ processEntities: true, htmlEntities: true }).parse(xml).rss.channel.item as Array<Record<string, unknown>>;
    expect(items.map((i) => String(i['g:id']))).toContain(sqlId);
    // the tables are all still there
    const tables = t.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
    expect(tables.map((r) => r.name)).toEqual(expect.arrayContaining(['products', 'catalogs']));

    const del = await t.importText('shop', csv([{ id: sqlId }]), { format: 'csv', mode: 'delete' });
    expect(del.json.changes).toMatchObject({ removed: 1 });
    expect((await snapshot()).ids).toEqual(BASE_IDS);
  });
});

describe('hostile event batches to POST /collect', () => {
  const VID = 'visitor-hostile-01';
  const collect = (body: string, headers: Record<string, string> = {}) =>
    t.app.request('/collect', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const eventCount = () => (t.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  const event = (i: number) => ({ type: 'view_item', event_id: `hostile-${i}`, items: [{ id: 'SKU-0001' }] });

  it.each([
    ['deep JSON: 100k nested arrays (over the 64 KiB cap)', () => `{"catalog":"shop","vid":"${VID}","events":[${deep(100_000)}]}`, 413, /64 KiB/],
    ['deep JSON: 30k nested arrays (under the cap)', () => `{"catalog":"shop","vid":"${VID}","events":[${deep(30_000)}]}`, 400, /nested deeper/],
    ['a batch of 10k events', () => JSON.stringify({ catalog: 'shop', vid: VID, consent: true, events: Array.from({ length: 10_000 }, (_, i) => event(i)) }), 413, /64 KiB/],
    ['a batch of 101 small events', () => JSON.stringify({ catalog: 'shop', vid: VID, consent: true, events: Array.from({ length: 101 }, () => ({})) }), 400, /at most 100 events/],
    ['__proto__ in the envelope', () => `{"catalog":"shop","vid":"${VID}","__proto__":{"polluted":"yes"},"events":[${JSON.stringify(event(1))}]}`, 400, /forbidden key __proto__/],
    ['__proto__ inside an event', () => `{"catalog":"shop","vid":"${VID}","events":[{"type":"view_item","event_id":"p1","__proto__":{"polluted":"yes"},"items":[{"id":"SKU-0001"}]}]}`, 400, /forbidden key __proto__/],
    ['constructor.prototype inside an item', () => `{"catalog":"shop","vid":"${VID}","events":[{"type":"view_item","event_id":"p2","items":[{"id":"SKU-0001","constructor":{"prototype":{"polluted":"yes"}}}]}]}`, 400, /forbidden key constructor/],
    ['not JSON at all', () => `{"catalog":"shop","events":[`, 400, /not valid JSON/],
    ['a JSON array instead of an object', () => `[1,2,3]`, 400, /expected a JSON object/],
    ['a catalog slug with ../', () => JSON.stringify({ catalog: '../../etc/passwd', vid: VID, events: [event(1)] }), 404, /no catalog/],
  ])('%s', async (_name, body, status, message) => {
    const before = eventCount();
    const res = await collect(body());
    const json = (await res.json()) as any;
    expect(res.status, JSON.stringify(json).slice(0, 300)).toBe(status);
    expectEnvelope(json, message);
    expect(eventCount()).toBe(before);
    expectNoPollution();
  });

  it('SQL-looking ids in events are stored as data', async () => {
    const sqlId = "'; DROP TABLE events; --";
    const res = await collect(JSON.stringify({ catalog: 'shop', vid: VID, consent: true, events: [{ type: 'view_item', event_id: 'sql-1', items: [{ id: sqlId }] }] }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).accepted).toBe(1);
    const stored = t.db.prepare('SELECT product_id FROM event_items WHERE product_id = ?').all(sqlId);
    expect(stored).toHaveLength(1);
  });
});

describe('../ in route params', () => {
  /** Every key the app asks its blob cache for; each must resolve inside the cache folder. */
  const keys: string[] = [];
  let app: ReturnType<typeof createApp>;
  let root: string;
  const secret = 'TOP-SECRET-OUTSIDE-THE-CACHE';

  beforeAll(() => {
    root = cacheDirFor(t.file);
    // a file one level above the cache folder, where a ../ would land
    writeFileSync(join(dirname(root), 'passwd.xml'), secret);
    const inner = t.deps.blobCache!;
    const spy: BlobCache = {
      get: (key) => (keys.push(key), inner.get(key)),
      writer: (key) => (keys.push(key), inner.writer(key)),
      sweep: (prefix, older) => (keys.push(prefix), inner.sweep!(prefix, older)),
      prune: (dir, keep) => (keys.push(dir, keep), inner.prune(dir, keep)),
    };
    app = createApp({ ...t.deps, blobCache: spy });
  });

  it.each([
    ['/feeds/..%2f..%2fetc/passwd.xml', 404],
    ['/feeds/shop/..%2f..%2fetc%2fpasswd.xml', 404],
    ['/feeds/shop/..%2fpasswd.xml', 404],
    ['/feeds/shop/%2e%2e%2fpasswd.xml', 404],
    ['/feeds/..%2fshop/google.xml', 404],
    ['/feeds/shop/..%5c..%5cpasswd.xml', 404],
    ['/img/shop/..%2f..%2f/x.jpg', 404],
    ['/img/shop/..%2f..%2fetc%2fpasswd/SKU-0001.jpg', 404],
    ['/img/shop/classic/..%2f..%2f..%2fpasswd.jpg', 404],
    ['/img/..%2f..%2f/classic/SKU-0001.jpg', 404],
    ['/img/shop/..%2f..%2ftemplates%2findex/v/visitor-000001.jpg', 404],
    ['/admin/catalogs/..%2f..%2fetc/products', 404],
    ['/admin/catalogs/shop/products/..%2f..%2f..%2fetc%2fpasswd', 404],
  ])('GET %s → %i, nothing read outside the cache folder', async (path, status) => {
    keys.length = 0;
    const res = await app.request(path, { headers: { authorization: `Bearer ${'test-admin-token-0123456789'}` } });
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(status);
    expectEnvelope(JSON.parse(text), /./);
    expect(text).not.toContain(secret);
    expect(text).not.toMatch(/root:.*:0:0:/);
    for (const key of keys) {
      const rel = relative(root, resolve(root, key));
      expect(rel.startsWith('..') || rel.includes(`..${sep}`), key).toBe(false);
    }
  });

  it('a real feed request only touches keys under feeds/<catalog id>/<feed>/', async () => {
    keys.length = 0;
    const res = await app.request('/feeds/shop/google.xml');
    expect(res.status).toBe(200);
    await res.text();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).toMatch(/^feeds\/\d+\/google\/[A-Za-z0-9._-]*$/);
  });
});
