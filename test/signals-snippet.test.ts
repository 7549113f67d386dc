/**
 * GET /t.js: the snippet is served cacheable and small, and behaves in a (fake) browser:
 * it queues before consent, sends after, hashes e-mails in the page, forgets, and what it sends
 * is accepted by /collect.
 */
import { createHash, webcrypto } from 'node:crypto';
import vm from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from './helpers/app';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await t.putCatalog('shop');
  await t.putCatalog('optout', { consent_mode: 'opt-out' });
});
afterEach(() => t.close());

async function script(query = '?c=shop'): Promise<string> {
  const res = await t.app.request(`/t.js${query}`);
  expect(res.status).toBe(200);
  return res.text();
}

interface Sent {
  url: string;
  body: string;
  via: 'beacon' | 'fetch';
  init?: RequestInit;
}

interface BrowserOptions {
  src?: string;
  dataset?: Record<string, string>;
  gpc?: boolean;
  beacon?: boolean;
  storage?: 'ok' | 'throws';
  queued?: unknown[][];
}

/** Runs the snippet in a fresh V8 context with just enough of a browser around it. */
function browser(source: string, opts: BrowserOptions = {}) {
  const sent: Sent[] = [];
  const store = new Map<string, string>();
  const cookies = new Map<string, string>();
  let timers: Array<() => void> = [];
  const listeners = new Map<string, Array<() => void>>();
  const localStorage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, String(v)),
    removeItem: (k: string) => void store.delete(k),
  };
  const document = {
    currentScript: { src: opts.src ?? 'https://adfeed.example/t.js?c=shop', dataset: opts.dataset ?? {} },
    visibilityState: 'visible',
    get cookie() {
      return [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    },
    set cookie(line: string) {
      const [pair, ...attrs] = line.split(';');
      const [k, v] = pair!.split('=') as [string, string];
      if (attrs.some((a) => a.trim() === 'max-age=0')) cookies.delete(k.trim());
      else cookies.set(k.trim(), v);
    },
    addEventListener: (type: string, fn: () => void) => listeners.set(type, [...(listeners.get(type) ?? []), fn]),
  };
  const navigator = {
    globalPrivacyControl: opts.gpc ?? false,
    sendBeacon:
      opts.beacon === false
        ? undefined
        : (url: string, body: string) => {
            sent.push({ url, body: String(body), via: 'beacon' });
            return true;
          },
  };
  const window: Record<string, unknown> = {
    navigator,
    document,
    crypto: webcrypto,
    location: { protocol: 'https:' },
    fetch: (url: string, init: RequestInit) => {
      sent.push({ url, body: String(init.body), via: 'fetch', init });
      return Promise.resolve({ ok: true });
    },
    addEventListener: (type: string, fn: () => void) => listeners.set(type, [...(listeners.get(type) ?? []), fn]),
  };
  Object.defineProperty(window, 'localStorage', {
    get() {
      if (opts.storage === 'throws') throw new Error('SecurityError: storage disabled');
      return localStorage;
    },
  });
  if (opts.queued) window.adfeed = Object.assign(() => undefined, { q: opts.queued });
  const context = vm.createContext({
    window,
    document,
    navigator,
    location: window.location,
    TextEncoder,
    setTimeout: (fn: () => void) => timers.push(fn),
  });
  vm.runInContext(source, context);
  const adfeed = window.adfeed as (cmd: string, arg?: unknown) => void;
  return {
    adfeed,
    sent,
    store,
    cookies,
    /** Runs the timers the snippet set (its send delay). */
    tick() {
      const due = timers;
      timers = [];
      for (const fn of due) fn();
    },
    fire: (type: string) => (listeners.get(type) ?? []).forEach((fn) => fn()),
  };
}

/** Delivers what the snippet sent to the app, as the browser would. */
async function deliver(s: Sent) {
  const url = new URL(s.url);
  const res = await t.app.request(url.pathname + url.search, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    body: s.body,
  });
  return { status: res.status, json: (await res.json()) as any };
}

const count = (table: string) => (t.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('GET /t.js', () => {
  it('is small, cacheable, and revalidates with its ETag', async () => {
    const res = await t.app.request('/t.js?c=shop');
    const body = await res.text();
    expect(new TextEncoder().encode(body).byteLength).toBeLessThan(4096);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect(body).toContain('"consent_mode":"opt-in"');
    const again = await t.app.request('/t.js?c=shop', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    // Settings are built in: changing the mode changes the script and its tag.
    await t.putCatalog('shop', { consent_mode: 'opt-out' });
    const changed = await t.app.request('/t.js?c=shop', { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain('"consent_mode":"opt-out"');
    expect((await t.app.request('/t.js?c=nope')).status).toBe(404);
    expect((await t.app.request('/t.js')).status).toBe(200);
  });
});

describe('the snippet in a browser', () => {
  it('opt-in: queues events, stores nothing on the device until consent, then sends them', async () => {
    const b = browser(await script());
    b.adfeed('view', { id: 'SKU-1' });
    b.adfeed('cart', { id: 'SKU-1', quantity: 2, price: 9.5 });
    b.tick();
    b.fire('pagehide');
    expect(b.sent).toEqual([]);
    expect(b.store.size + b.cookies.size).toBe(0);

    b.adfeed('consent', true);
    expect(b.sent).toHaveLength(1);
    const beacon = b.sent[0]!;
    expect(beacon.via).toBe('beacon');
    expect(beacon.url).toBe('https://adfeed.example/collect?catalog=shop');
    const payload = JSON.parse(beacon.body);
    expect(payload).toMatchObject({ catalog: 'shop', consent: true });
    expect(payload.vid).toMatch(/^[0-9a-f]{32}$/);
    expect(b.store.get('adfeed_vid')).toBe(payload.vid);
    expect(b.store.get('adfeed_consent')).toBe('true');
    expect(payload.events.map((e: { type: string }) => e.type)).toEqual(['view_item', 'add_to_cart']);
    expect(new Set(payload.events.map((e: { event_id: string }) => e.event_id)).size).toBe(2);

    const { status, json } = await deliver(beacon);
    expect(status).toBe(200);
    expect(json).toMatchObject({ accepted: 2, rejected: [] });
    expect(t.db.prepare("SELECT quantity, price_micros FROM event_items WHERE type = 'add_to_cart'").get()).toEqual({ quantity: 2, price_micros: 9_500_000 });

    // Later events go out on the next tick, under the same visitor id.
    b.adfeed('view', { id: 'SKU-2' });
    b.tick();
    expect(b.sent).toHaveLength(2);
    expect(JSON.parse(b.sent[1]!.body).vid).toBe(payload.vid);
  });

  it('every command sends an event /collect accepts', async () => {
    const b = browser(await script(), { queued: [['consent', true]] });
    b.adfeed('view', { id: 'SKU-1' });
    b.adfeed('list', { category: 'Shoes' });
    b.adfeed('cart', { id: 'SKU-1', quantity: 1, price: 10 });
    b.adfeed('uncart', { id: 'SKU-1' });
    b.adfeed('checkout', { items: [{ id: 'SKU-1', quantity: 1 }], value: 10, currency: 'EUR' });
    b.adfeed('purchase', { order_id: 'O-1', items: [{ id: 'SKU-1', quantity: 1, price: 10 }], value: 10, currency: 'EUR' });
    b.adfeed('search', 'red shoes');
    b.adfeed('teleport', { id: 'x' });
    b.tick();
    expect(b.sent).toHaveLength(1);
    const { json } = await deliver(b.sent[0]!);
    expect(json).toMatchObject({ accepted: 7, rejected: [], dropped_consent: 0 });
    expect(t.db.prepare('SELECT type FROM events ORDER BY rowid').all().map((r: any) => r.type)).toEqual([
      'view_item',
      'view_item_list',
      'add_to_cart',
      'remove_from_cart',
      'begin_checkout',
      'purchase',
      'search',
    ]);
  });

  it('consent false discards the queue and keeps discarding', async () => {
    const b = browser(await script());
    b.adfeed('view', { id: 'SKU-1' });
    b.adfeed('consent', false);
    b.adfeed('view', { id: 'SKU-2' });
    b.tick();
    expect(b.sent).toEqual([]);
    expect(b.store.get('adfeed_vid')).toBeUndefined();
    b.adfeed('consent', { analytics: true, ads: false });
    b.tick();
    expect(b.sent).toEqual([]); // nothing left from before the yes
    b.adfeed('view', { id: 'SKU-3' });
    b.tick();
    expect(JSON.parse(b.sent[0]!.body)).toMatchObject({ consent: { analytics: true, ads: false }, events: [{ items: [{ id: 'SKU-3' }] }] });
  });

  it('opt-out: sends without a choice, but waits when the browser sends Global Privacy Control', async () => {
    const source = await script('?c=optout');
    const b = browser(source, { src: 'https://adfeed.example/t.js?c=optout' });
    b.adfeed('view', { id: 'SKU-1' });
    b.tick();
    expect(b.sent).toHaveLength(1);
    expect(JSON.parse(b.sent[0]!.body).consent).toBeUndefined();
    expect((await deliver(b.sent[0]!)).json.accepted).toBe(1);

    const gpc = browser(source, { src: 'https://adfeed.example/t.js?c=optout', gpc: true });
    gpc.adfeed('view', { id: 'SKU-1' });
    gpc.tick();
    expect(gpc.sent).toEqual([]);
  });

  it('reads the catalog and mode from data attributes when t.js has no ?c=', async () => {
    const b = browser(await script(''), { src: 'https://adfeed.example/t.js', dataset: { catalog: 'optout', consentMode: 'opt-out' } });
    b.adfeed('view', { id: 'SKU-1' });
    b.tick();
    expect(b.sent[0]!.url).toBe('https://adfeed.example/collect?catalog=optout');
  });

  it('identify hashes the address in the page; the address is never sent', async () => {
    const b = browser(await script(), { queued: [['consent', true]] });
    b.adfeed('identify', { email: '  Jane.Doe@Example.COM ' });
    await new Promise((r) => setTimeout(r, 20)); // SubtleCrypto is asynchronous
    b.tick();
    expect(b.sent).toHaveLength(1);
    expect(b.sent[0]!.body.toLowerCase()).not.toContain('jane');
    const expected = createHash('sha256').update('jane.doe@example.com').digest('hex');
    expect(JSON.parse(b.sent[0]!.body).events[0]).toMatchObject({ type: 'identify', email_sha256: expected });
    expect((await deliver(b.sent[0]!)).json.accepted).toBe(1);
    expect(t.db.prepare('SELECT email_sha256 FROM visitors').get()).toEqual({ email_sha256: expected });
  });

  it('forget erases the visitor on the server, drops the id and stops tracking', async () => {
    const b = browser(await script(), { queued: [['consent', true]] });
    b.adfeed('view', { id: 'SKU-1' });
    b.tick();
    await deliver(b.sent[0]!);
    const vid = b.store.get('adfeed_vid');
    expect(count('events')).toBe(1);

    b.adfeed('forget');
    const forget = b.sent[1]!;
    expect(forget.url).toBe('https://adfeed.example/forget?catalog=shop');
    expect(JSON.parse(forget.body)).toEqual({ catalog: 'shop', vid });
    expect((await deliver(forget)).json).toEqual({ erased: { events: 1, event_items: 1, visitors: 1 } });
    expect(count('events') + count('visitors')).toBe(0);
    expect(b.store.get('adfeed_vid')).toBeUndefined();
    expect(b.store.get('adfeed_consent')).toBe('false');
    b.adfeed('view', { id: 'SKU-2' });
    b.tick();
    expect(b.sent).toHaveLength(2);
  });

  it('tells the server at once when ads consent is taken back, and only then', async () => {
    const b = browser(await script(), { queued: [['consent', true]] });
    b.adfeed('identify', { email: 'ann@example.com' });
    await new Promise((r) => setTimeout(r, 20)); // SubtleCrypto is asynchronous
    b.adfeed('view', { id: 'SKU-1' });
    b.tick();
    for (const s of b.sent) await deliver(s);
    const vid = b.store.get('adfeed_vid');
    expect(t.db.prepare('SELECT ad_consent FROM visitors').get()).toEqual({ ad_consent: 1 });

    b.adfeed('consent', { analytics: true, ads: false });
    const change = b.sent[b.sent.length - 1]!;
    expect(change.url).toBe('https://adfeed.example/collect?catalog=shop');
    expect(JSON.parse(change.body)).toEqual({ catalog: 'shop', vid, consent: { analytics: true, ads: false }, events: [] });
    expect((await deliver(change)).status).toBe(200);
    expect(t.db.prepare('SELECT ad_consent, email_sha256 FROM visitors').get()).toEqual({ ad_consent: 0, email_sha256: null });

    // the same choice again (the banner says it on every page) sends nothing more
    const sent = b.sent.length;
    b.adfeed('consent', { analytics: true, ads: false });
    b.adfeed('consent', false);
    expect(b.sent).toHaveLength(sent);
  });

  it('falls back to fetch keepalive without sendBeacon, and to a cookie without localStorage', async () => {
    const b = browser(await script(), { beacon: false, storage: 'throws', queued: [['consent', true]] });
    b.adfeed('view', { id: 'SKU-1' });
    b.tick();
    expect(b.sent).toHaveLength(1);
    expect(b.sent[0]!.via).toBe('fetch');
    expect(b.sent[0]!.init).toMatchObject({ method: 'POST', keepalive: true, credentials: 'omit' });
    expect(b.cookies.get('adfeed_vid')).toBe(JSON.parse(b.sent[0]!.body).vid);
    expect((await deliver(b.sent[0]!)).json.accepted).toBe(1);
  });

  it('replays calls made before it loaded, in order', async () => {
    const b = browser(await script(), { queued: [['view', { id: 'SKU-1' }], ['search', 'boots'], ['consent', true]] });
    expect(b.sent).toHaveLength(1);
    expect(JSON.parse(b.sent[0]!.body).events.map((e: { type: string }) => e.type)).toEqual(['view_item', 'search']);
  });
});
