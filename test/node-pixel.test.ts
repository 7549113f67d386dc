/**
 * Node answers GET /px.gif before Hono (src/runtime/node-pixel.ts). The same requests through
 * the real server and through the Hono route (`app.request`) must give the same answers, the
 * fast path must spend the rate-limit buckets /collect spends, and only GET /px.gif may take it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSettings } from '../src/env';
import { startServer, type RunningServer } from '../src/runtime/node';
import { freePort } from '../src/runtime/wrangler-local';
import { withPixelFastPath } from '../src/runtime/node-pixel';
import { createCollectEdge } from '../src/signals/collect-edge';
import type { RateLimit } from '../src/signals/rate-limit';
import { PIXEL_GIF } from '../src/signals/pixel';
import { ADMIN_TOKEN, makeTestApp, type TestApp } from './helpers/app';

const ORIGIN = 'https://shop.example.com';
let server: RunningServer | undefined;
let t: TestApp | undefined;
let dir = '';

afterEach(async () => {
  await server?.close();
  server = undefined;
  t?.close();
  t = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(rateLimit?: RateLimit): Promise<{ url: string; db: string }> {
  dir = mkdtempSync(join(tmpdir(), 'adfeed-node-pixel-'));
  const port = await freePort();
  const db = join(dir, 'db.sqlite');
  const settings = parseSettings({ ADMIN_TOKEN, ADFEED_DB: db, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` });
  server = await startServer(settings, rateLimit ? { overrides: { collectRateLimit: rateLimit } } : {});
  const url = `http://127.0.0.1:${port}`;
  for (const [slug, consent_mode] of [
    ['shop', 'opt-in'],
    ['gpc-shop', 'opt-out'],
  ] as const) {
    const res = await fetch(`${url}/admin/catalogs/${slug}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: slug, link: 'https://shop.example.com', consent_mode, allowed_origins: [ORIGIN] }),
    });
    expect(res.status).toBeLessThan(300);
  }
  return { url, db };
}

interface Answer {
  status: number;
  result: string | null;
  headers: Record<string, string | null>;
  body: number[];
}

async function answer(res: Response): Promise<Answer> {
  const pick = ['content-type', 'content-length', 'cache-control', 'access-control-allow-origin', 'vary', 'retry-after'];
  return {
    status: res.status,
    result: res.headers.get('x-adfeed-result'),
    headers: Object.fromEntries(pick.map((h) => [h, res.headers.get(h)])),
    body: [...new Uint8Array(await res.arrayBuffer())],
  };
}

// The server runs on the real clock and the test app on a fixed one: both have to be near the
// events' time, or one of them clamps it (a fixed date here broke once the calendar moved on).
const now = Date.now() - 60_000;
/** [query, headers] pairs covering every outcome the pixel has. */
const CASES: Array<[string, Record<string, string>]> = [
  [`c=shop&e=view_item&vid=visitor-0001&id=SKU-1&eid=e-1&consent=1&ts=${now}`, {}],
  [`c=shop&e=view_item&vid=visitor-0001&id=SKU-1&eid=e-1&consent=1&ts=${now}`, {}],
  [`c=shop&e=add_to_cart&vid=visitor-0002&id=SKU-1,SKU-2&id=SKU-3&eid=e-2&consent=true&ts=${now}`, { origin: ORIGIN }],
  [`c=shop&e=view_item&vid=visitor-0003&id=SKU-1&eid=e-3&ts=${now}`, {}],
  [`c=shop&e=search&vid=visitor-0004&q=red+shoes%21&eid=e-4&consent=1&ts=${now}`, {}],
  [`c=shop&e=teleport&vid=visitor-0005&eid=e-5&consent=1`, {}],
  [`c=shop&e=view_item&vid=visitor-0006&id=SKU-1&eid=e-6&consent=1`, { origin: 'https://evil.example' }],
  [`c=shop&e=view_item&vid=visitor-0007&id=SKU-1&eid=e-7&consent=1`, { 'user-agent': 'Googlebot/2.1' }],
  [`c=gpc-shop&e=view_item&vid=visitor-0008&id=SKU-1&eid=e-8&ts=${now}`, { 'sec-gpc': '1' }],
  [`c=gpc-shop&e=view_item&vid=visitor-0009&id=SKU-1&eid=e-9&ts=${now}`, {}],
  [`c=no-such-shop&e=view_item&vid=visitor-0010&id=SKU-1&eid=e-10&consent=1`, {}],
  [``, {}],
];

describe('GET /px.gif on Node, in front of Hono', () => {
  it('answers every case as the Hono route does, byte for byte, and stores the same events', async () => {
    const { url, db } = await start();
    t = await makeTestApp({ now: new Date(now + 60_000) });
    for (const [slug, consent_mode] of [
      ['shop', 'opt-in'],
      ['gpc-shop', 'opt-out'],
    ] as const) {
      await t.putCatalog(slug, { consent_mode, allowed_origins: [ORIGIN] });
    }
    for (const [query, headers] of CASES) {
      const path = query ? `/px.gif?${query}` : '/px.gif';
      const fast = await answer(await fetch(`${url}${path}`, { headers }));
      const routed = await answer(await t.app.request(path, { headers }));
      expect({ query, ...fast }).toEqual({ query, ...routed });
      expect(fast.body).toEqual([...PIXEL_GIF]);
    }
    await server!.close();
    server = undefined;
    const rows = (file: Database.Database) =>
      file.prepare('SELECT catalog_id, event_id, visitor_id, type, items, search_query FROM events ORDER BY event_id').all();
    const served = new Database(db, { readonly: true });
    const expected = rows(t.db);
    expect(expected.length).toBe(4);
    expect(rows(served)).toEqual(expected);
    served.close();
  });

  it('spends the same rate-limit buckets as /collect, with Retry-After', async () => {
    const { url } = await start({ perSecond: 0.01, burst: 3 });
    const collect = () =>
      fetch(`${url}/collect`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ catalog: 'shop', vid: 'visitor-0001', consent: true, events: [{ type: 'view_item', event_id: `c-${Math.random()}`, id: 'A' }] }),
      });
    expect((await collect()).status).toBe(200);
    expect((await collect()).status).toBe(200);
    const third = await fetch(`${url}/px.gif?c=shop&e=view_item&vid=visitor-0001&id=A&eid=p-1&consent=1`);
    expect(third.headers.get('x-adfeed-result')).toBe('stored');
    const limited = await fetch(`${url}/px.gif?c=shop&e=view_item&vid=visitor-0001&id=A&eid=p-2&consent=1`);
    expect(limited.status).toBe(200);
    expect(limited.headers.get('x-adfeed-result')).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await collect()).status).toBe(429);
  });

  it('takes GET /px.gif itself and hands every other request to the next listener', async () => {
    t = await makeTestApp();
    await t.putCatalog('shop');
    const passed: string[] = [];
    const listener = withPixelFastPath(createCollectEdge(t.deps), false, (req, res) => {
      passed.push(`${req.method} ${req.url}`);
      res.writeHead(418).end();
    });
    const local = createServer(listener);
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
    try {
      const pixel = await fetch(`${base}/px.gif?c=shop&e=view_item&vid=visitor-0001&id=A&eid=x-1&consent=1`);
      expect(pixel.headers.get('x-adfeed-result')).toBe('stored');
      expect((await fetch(`${base}/px.gif`)).headers.get('x-adfeed-result')).toBe('bad_request');
      for (const [method, path] of [['GET', '/px.gifx'], ['GET', '/px.gif/x'], ['POST', '/px.gif'], ['HEAD', '/px.gif'], ['GET', '/collect']]) {
        expect((await fetch(`${base}${path}`, { method })).status).toBe(418);
      }
      expect(passed).toEqual(['GET /px.gifx', 'GET /px.gif/x', 'POST /px.gif', 'HEAD /px.gif', 'GET /collect']);
    } finally {
      await new Promise((resolve) => local.close(resolve));
    }
  });

  it('answers an HTTP/1.0 request without a Host header, on both paths', async () => {
    const { url } = await start();
    const { port } = new URL(url);
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
        let text = '';
        socket.setEncoding('latin1');
        socket.on('data', (d: string) => (text += d));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
    expect(await raw('GET /healthz HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 /);
    const pixel = await raw('GET /px.gif?c=shop&e=view_item&vid=visitor-0001&id=A&eid=h-1&consent=1 HTTP/1.0\r\n\r\n');
    expect(pixel).toMatch(/^HTTP\/1\.1 200 /);
    expect(pixel).toMatch(/X-Adfeed-Result: stored/i);
  });

  it('leaves every other request to Hono', async () => {
    const { url } = await start();
    // Paths that only start like the pixel, and other methods, get the router's answers.
    for (const [method, path] of [
      ['GET', '/px.gifx'],
      ['GET', '/px.gif/extra'],
      ['POST', '/px.gif'],
    ]) {
      const res = await fetch(`${url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      await res.arrayBuffer();
    }
    // HEAD is the router's too, which answers it from the GET route without a body.
    const head = await fetch(`${url}/px.gif?c=shop`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-adfeed-result')).toMatch(/rejected/);
  });
});
