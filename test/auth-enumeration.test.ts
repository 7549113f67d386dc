/**
 * Auth and abuse (issue 7), checked against the app's own route table so a new route cannot be
 * forgotten:
 * - every route under /admin (JSON API /admin/catalogs/…, web UI /admin, /admin/c/…) refuses a
 *   request without credentials, with a wrong bearer token, and (state-changing methods) with a
 *   valid session cookie but no CSRF token; only an explicit allow-list is public by design;
 * - feed tokens open only the feed (and catalog) they were issued for;
 * - the only outbound HTTP client in src/ is the SSRF-guarded photo fetcher (static scan).
 * Rate limits (/collect: signals-collect.test.ts, /img: creative-routes.test.ts) and CSV formula
 * neutralisation (audience export: insights-audiences.test.ts, import issues.csv:
 * admin-ui-settings-import.test.ts) have their tests beside their features.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ASSETS } from '../src/admin-ui/assets';
import { csv, makeTestApp, row, type TestApp } from './helpers/app';
import { signIn, type UiSession } from './helpers/ui';

/** Routes that answer without credentials, on purpose: the sign-in page and the UI's scripts. */
const PUBLIC_ADMIN_ROUTES = [
  'ALL /admin/assets/*', // uiHeaders middleware (CSP etc.)
  'ALL /admin/login', // uiHeaders middleware
  'GET /admin/assets/:file',
  'GET /admin/login',
  'POST /admin/login',
];

const WRONG_TOKEN = 'wrong-admin-token-0123456789';

interface RouteEntry {
  method: string;
  path: string;
}

interface Probe {
  /** the route table entry, `METHOD /path` */
  route: string;
  method: string;
  url: string;
  kind: 'api' | 'ui';
}

interface Fixtures {
  catalog: string;
  importId: string;
  productId: string;
  feed: string;
  segment: string;
  visitor: string;
  asset: string;
}

const isAdminPath = (path: string) => path === '/admin' || path.startsWith('/admin/');
/** The JSON API sits under /admin/catalogs behind adminAuth, whose middleware is `ALL /admin/*`. */
const isApiPath = (path: string) => path === '/admin/*' || path === '/admin/catalogs' || path.startsWith('/admin/catalogs/');

/** A concrete URL for a route pattern: params get plausible values that exist in the fixtures. */
function fill(path: string, f: Fixtures): string {
  return path
    .replace(/^\/admin\/c\/\*$/, `/admin/c/${f.catalog}`)
    .replace(/:([A-Za-z_]\w*)(\{[^}]*\})?/g, (_m, name: string, pattern: string | undefined) => {
      if (name === 'catalog') return f.catalog;
      if (name === 'id') return pattern?.includes('0-9') ? f.importId : f.productId;
      if (name === 'feed') return f.feed;
      if (name === 'name') return f.segment;
      if (name === 'visitorId') return f.visitor;
      if (name === 'upload') return 'upload-probe-1';
      if (name === 'file') return f.asset;
      // A param this test does not know yet still gets a value: an unguarded handler answers
      // 200/400/404 to it, never the 401/303 expected below.
      return 'probe1';
    })
    .replace(/\*/g, 'probe');
}

/** Every (method, URL) to try for the /admin routes of an app; ALL entries (middleware, app.all) as GET and POST. */
function adminProbes(routes: readonly RouteEntry[], f: Fixtures): { probes: Probe[]; publicSeen: string[] } {
  const probes = new Map<string, Probe>();
  const publicSeen = new Set<string>();
  for (const r of routes) {
    if (!isAdminPath(r.path)) continue;
    const route = `${r.method} ${r.path}`;
    if (PUBLIC_ADMIN_ROUTES.includes(route)) {
      publicSeen.add(route);
      continue;
    }
    const url = fill(r.path, f);
    for (const method of r.method === 'ALL' ? ['GET', 'POST'] : [r.method]) {
      const key = `${method} ${url}`;
      if (!probes.has(key)) probes.set(key, { route, method, url, kind: isApiPath(r.path) ? 'api' : 'ui' });
    }
  }
  return { probes: [...probes.values()], publicSeen: [...publicSeen].sort() };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What each probe answered that it should not have; empty when every admin route refuses. */
async function refusalProblems(
  app: { request: (url: string, init?: RequestInit) => Response | Promise<Response> },
  probes: readonly Probe[],
  session: UiSession,
): Promise<string[]> {
  const problems: string[] = [];
  const body = (p: Probe): RequestInit =>
    SAFE.has(p.method)
      ? {}
      : p.kind === 'api'
        ? { body: '{}', headers: { 'content-type': 'application/json' } }
        : { body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  const send = (p: Probe, headers: Record<string, string>) => {
    const init = body(p);
    return app.request(p.url, { method: p.method, body: init.body, headers: { ...(init.headers as Record<string, string>), ...headers } });
  };
  const refused = async (p: Probe, res: Response, as: string, wrongToken: boolean) => {
    const where = `${p.method} ${p.url} (${p.route}) ${as}`;
    if (p.kind === 'api') {
      if (res.status !== 401) return `${where}: ${res.status}, expected 401`;
      const challenge = res.headers.get('www-authenticate') ?? '';
      if (!challenge.startsWith('Bearer')) return `${where}: no Bearer challenge`;
      if (wrongToken && !challenge.includes('invalid_token')) return `${where}: challenge without invalid_token`;
      return null;
    }
    if (p.method === 'GET') {
      const location = res.headers.get('location') ?? '';
      return res.status === 303 && location.startsWith('/admin/login?next=')
        ? null
        : `${where}: ${res.status} ${location}, expected 303 to /admin/login`;
    }
    return res.status === 401 || res.status === 403 ? null : `${where}: ${res.status}, expected 401 or 403`;
  };

  for (const p of probes) {
    const anonymous = await refused(p, await send(p, {}), 'without credentials', false);
    if (anonymous) problems.push(anonymous);
    const wrong = await refused(p, await send(p, { authorization: `Bearer ${WRONG_TOKEN}` }), 'with a wrong token', p.kind === 'api');
    if (wrong) problems.push(wrong);
    if (!SAFE.has(p.method)) {
      // A genuine session, but no CSRF token (nor an Origin): a forged cross-site request.
      const res = await send(p, { cookie: session.cookie });
      if (res.status !== 403) problems.push(`${p.method} ${p.url} (${p.route}) with a session but no CSRF token: ${res.status}, expected 403`);
    }
  }
  return problems;
}

let t: TestApp;
let fixtures: Fixtures;
let session: UiSession;

beforeEach(async () => {
  t = await makeTestApp();
  await t.putCatalog('shop');
  const { json } = await t.importText('shop', csv([row(1), row(2)]), { format: 'csv' });
  const segment = await t.admin('/admin/catalogs/shop/segments/cart7', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'cart_abandoners', days: 7 }),
  });
  expect(segment.status).toBeLessThan(300);
  session = await signIn(t.app);
  fixtures = {
    catalog: 'shop',
    importId: String(json.id),
    productId: 'SKU-0001',
    feed: 'meta',
    segment: 'cart7',
    visitor: 'visitor-probe-1',
    asset: Object.keys(ASSETS)[0]!,
  };
});

afterEach(() => t.close());

describe('every admin route needs credentials', () => {
  it('refuses each route in the app’s route table without a token, with a wrong token, and without CSRF', async () => {
    const { probes, publicSeen } = adminProbes(t.app.routes, fixtures);
    // The allow-list is exact: a public route that moved or disappeared is noticed too.
    expect(publicSeen).toEqual([...PUBLIC_ADMIN_ROUTES].sort());
    // Both halves are in the table (sanity: the enumeration sees the mounted sub-apps).
    expect(probes.filter((p) => p.kind === 'api').length).toBeGreaterThan(25);
    expect(probes.filter((p) => p.kind === 'ui').length).toBeGreaterThan(20);
    expect(probes.map((p) => `${p.method} ${p.url}`)).toEqual(
      expect.arrayContaining([
        'GET /admin/catalogs/shop/segments/cart7/export',
        `GET /admin/c/shop/imports/${fixtures.importId}/issues.csv`,
        'DELETE /admin/catalogs/shop/visitors/visitor-probe-1',
        'POST /admin/c/shop/signals/erase',
      ]),
    );
    expect(await refusalProblems(t.app, probes, session)).toEqual([]);
    // Nothing the refused requests asked for happened.
    expect((await t.store.getCatalog('shop'))?.title).toBe('Test Shop');
    expect((await t.admin('/admin/catalogs/shop/segments/cart7')).status).toBe(200);
  });

  it('the public ones answer without credentials', async () => {
    expect((await t.app.request('/admin/login')).status).toBe(200);
    expect((await t.app.request(`/admin/assets/${fixtures.asset}`)).status).toBe(200);
  });

  it('the check catches a route mounted without auth (a UI page outside the session paths, an API route beside adminAuth)', async () => {
    // Routes registered ahead of the real app, as a forgotten guard would leave them.
    const leaky = new Hono();
    leaky.get('/admin/reports', (c) => c.text('open'));
    leaky.post('/admin/c/:catalog/reset', (c) => c.text('done'));
    leaky.get('/admin/catalogs/:catalog/dump', (c) => c.json({ open: true }));
    leaky.route('/', t.app as unknown as Hono);
    const { probes } = adminProbes(leaky.routes, fixtures);
    const problems = await refusalProblems(leaky, probes, session);
    for (const leak of ['GET /admin/reports', 'POST /admin/c/shop/reset', 'GET /admin/catalogs/shop/dump']) {
      expect(problems.some((p) => p.startsWith(`${leak} `)), `${leak} not caught: ${problems.join('\n')}`).toBe(true);
    }
    // …and only those.
    expect(problems.every((p) => /\/admin\/(reports|c\/shop\/reset|catalogs\/shop\/dump) /.test(p))).toBe(true);
  });
});

describe('feed tokens are per feed and per catalog', () => {
  it('a token issued for one feed opens neither another protected feed nor the same feed of another catalog', async () => {
    await t.putCatalog('other');
    await t.importText('other', csv([row(3)]), { format: 'csv' });
    const issue = async (slug: string, feed: string) =>
      ((await (await t.admin(`/admin/catalogs/${slug}/feeds/${feed}/token`, { method: 'POST' })).json()) as { token: string }).token;
    const meta = await issue('shop', 'meta');
    const pinterest = await issue('shop', 'pinterest');
    const otherMeta = await issue('other', 'meta');
    expect(new Set([meta, pinterest, otherMeta]).size).toBe(3);

    const get = (path: string, token: string, how: 'query' | 'basic') =>
      how === 'query'
        ? t.app.request(`${path}?token=${encodeURIComponent(token)}`)
        : t.app.request(path, { headers: { authorization: `Basic ${btoa(`x:${token}`)}` } });
    for (const how of ['query', 'basic'] as const) {
      expect((await get('/feeds/shop/meta.csv', meta, how)).status).toBe(200);
      expect((await get('/feeds/shop/pinterest.csv', pinterest, how)).status).toBe(200);
      expect((await get('/feeds/other/meta.csv', otherMeta, how)).status).toBe(200);
      // the wrong feed's token
      expect((await get('/feeds/shop/pinterest.csv', meta, how)).status).toBe(401);
      expect((await get('/feeds/shop/meta.csv', pinterest, how)).status).toBe(401);
      // the same feed name in another catalog
      expect((await get('/feeds/other/meta.csv', meta, how)).status).toBe(401);
      expect((await get('/feeds/shop/meta.csv', otherMeta, how)).status).toBe(401);
      // the admin token is not a feed token either
      expect((await get('/feeds/shop/meta.csv', 'test-admin-token-0123456789', how)).status).toBe(401);
    }
    // Revoking one feed's token leaves the other feed's token working (and the feed public again).
    expect((await t.admin('/admin/catalogs/shop/feeds/meta/token', { method: 'DELETE' })).status).toBeLessThan(300);
    expect((await get('/feeds/shop/pinterest.csv', meta, 'query')).status).toBe(401);
    expect((await get('/feeds/shop/pinterest.csv', pinterest, 'query')).status).toBe(200);
  });

  it('stores only a hash of the token', async () => {
    const { token } = (await (await t.admin('/admin/catalogs/shop/feeds/meta/token', { method: 'POST' })).json()) as { token: string };
    const dump = JSON.stringify(t.db.prepare("SELECT * FROM sqlite_master WHERE type = 'table'").all());
    const tables = [...dump.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?"?(\w+)"?/g)].map((m) => m[1]!);
    for (const table of tables) {
      const rows = JSON.stringify(t.db.prepare(`SELECT * FROM "${table}"`).all());
      expect(rows.includes(token), `feed token in plain text in table ${table}`).toBe(false);
    }
  });
});

describe('outbound requests', () => {
  const SRC = fileURLToPath(new URL('../src', import.meta.url));
  /** The server-side HTTP clients: Node's resolves, checks every address (address-guard.ts) and pins it; the Worker's checks each hop's host. */
  const GUARDED_FETCHERS = ['runtime/node-photo-fetcher.ts', 'runtime/worker-photo-fetcher.ts'];
  /** Developer tooling on the developer's machine (wrangler dev on loopback), never part of a served app. */
  const LOCAL_TOOLING = ['runtime/wrangler-local.ts', 'runtime/dev-worker.ts'];
  /** Script text served to browsers (the admin UI's upload, the shop snippet): runs on the client, not here. */
  const BROWSER_SCRIPTS = ['admin-ui/assets/import-upload.ts', 'admin-ui/assets/copy-buttons.ts', 'signals/snippet.ts'];
  const OUTBOUND = [
    /\bfetch\s*\(/,
    /\bhttps?\s*\.\s*(?:request|get)\s*\(/,
    /from\s+['"](?:node:)?(?:http|https|http2|net|tls|dgram)['"]/,
    /(?:import|require)\s*\(\s*['"](?:node:)?(?:http|https|http2|net|tls|dgram)['"]/,
    /\bundici\b/,
    /\bnew\s+(?:XMLHttpRequest|WebSocket|EventSource)\b/,
    /\bsendBeacon\s*\(/,
  ];

  function files(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx|js|mjs)$/.test(name) ? [p] : [];
    });
  }

  it('only the SSRF-guarded photo fetcher talks to the network from src/', () => {
    const hits = new Set<string>();
    for (const file of files(SRC)) {
      const rel = relative(SRC, file).split('\\').join('/');
      if (BROWSER_SCRIPTS.includes(rel) || LOCAL_TOOLING.includes(rel)) continue;
      // inbound, not outbound: a Worker's `async fetch(request…)` handler and calls into the app
      // Nor type-only imports (erased before anything runs), nor node:http's createServer alone (a listener).
      const text = readFileSync(file, 'utf8')
        .replace(/\basync\s+fetch\s*\(|\bapp\.fetch\s*\(/g, '')
        .replace(/^import\s+type\s[^;]+;$/gm, '')
        .replace(/^import\s*\{\s*createServer\s*\}\s*from\s*['"]node:http['"];$/gm, '');
      if (OUTBOUND.some((re) => re.test(text))) hits.add(rel);
    }
    expect([...hits].sort()).toEqual(GUARDED_FETCHERS);
    // …and those fetchers go through the guard.
    for (const file of GUARDED_FETCHERS) {
      const fetcher = readFileSync(join(SRC, file), 'utf8');
      expect(fetcher).toMatch(/from '\.\.\/creative\/address-guard'/);
      expect(fetcher).toMatch(/isForbiddenAddress/);
    }
    expect(readFileSync(join(SRC, GUARDED_FETCHERS[0]!), 'utf8')).toMatch(/lookup/);
    // the tooling is reached by no served entry (node.ts, worker.ts): test/core-portability.test.ts walks worker.ts
    for (const entry of ['runtime/node.ts', 'runtime/worker.ts', 'app.ts']) {
      expect(readFileSync(join(SRC, entry), 'utf8')).not.toMatch(/wrangler-local|dev-worker/);
    }
  });

  it('the browser-script exceptions are script text, not server code', () => {
    for (const rel of BROWSER_SCRIPTS) {
      const text = readFileSync(join(SRC, rel), 'utf8');
      // no imports of network modules, and every outbound call sits inside a template string
      expect(text).not.toMatch(/from\s+['"](?:node:)?(?:http|https|net|tls)['"]/);
      const code = text.replace(/`(?:[^`\\]|\\.)*`/gs, '``');
      expect(OUTBOUND.some((re) => re.test(code)), rel).toBe(false);
    }
  });
});
