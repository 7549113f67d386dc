/**
 * Every statement the stores send stays inside D1's limits, whatever the runtime: at most 100
 * bound parameters and 100 KB of SQL per statement, and few enough database calls per request
 * for the Workers Paid plan (1,000). Local workerd does not enforce these, so a real workload
 * (imports in every mode, a full /collect batch, feeds, recommendations, stats, audiences,
 * erasure, housekeeping) runs here on the real app through a driver that records each call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { csvStream } from '../src/demo/catalog-generator';
import { parseSettings } from '../src/env';
import { runHousekeeping } from '../src/jobs/housekeeping';
import { nodeDeps, openNodeStore } from '../src/runtime/node-parts';
import { betterSqliteDriver } from '../src/store/drivers/better-sqlite3';
import { createInsightStore } from '../src/store/insights-sql';
import { createSignalStore } from '../src/store/signals-sql';
import { createSqlStore } from '../src/store/sql-store';
import type { SqlDriver, SqlStatement, SqlValue } from '../src/store/sql';

const D1_MAX_PARAMS = 100;
const D1_MAX_SQL_BYTES = 100_000;
const WORKERS_PAID_CALLS_PER_REQUEST = 1000;
const TOKEN = 'd1-limits-admin-token-0123';

interface Seen {
  calls: number;
  maxParams: number;
  maxSqlBytes: number;
  worst: string;
}

/** Records what each call sends; one `batch` is one call, as one D1 batch is one round trip. */
function recording(inner: SqlDriver, seen: Seen): SqlDriver {
  const note = (sql: string, params?: readonly SqlValue[]) => {
    const n = params?.length ?? 0;
    const bytes = new TextEncoder().encode(sql).length;
    if (n > seen.maxParams) seen.worst = sql.slice(0, 160);
    seen.maxParams = Math.max(seen.maxParams, n);
    seen.maxSqlBytes = Math.max(seen.maxSqlBytes, bytes);
  };
  const one = <A extends unknown[], R>(f: (sql: string, params?: readonly SqlValue[], ...rest: A) => Promise<R>) =>
    (sql: string, params?: readonly SqlValue[], ...rest: A) => {
      seen.calls++;
      note(sql, params);
      return f(sql, params, ...rest);
    };
  return {
    all: one(inner.all.bind(inner)) as SqlDriver['all'],
    get: one(inner.get.bind(inner)) as SqlDriver['get'],
    values: one(inner.values.bind(inner)),
    run: one(inner.run.bind(inner)),
    batch: (statements: readonly SqlStatement[]) => {
      seen.calls++;
      for (const s of statements) note(s.sql, s.params);
      return inner.batch(statements);
    },
    exec: inner.exec.bind(inner),
  };
}

describe('D1 limits under a real workload', () => {
  const seen: Seen = { calls: 0, maxParams: 0, maxSqlBytes: 0, worst: '' };
  const perRequest: Array<{ what: string; calls: number }> = [];
  let dir: string;
  let close: () => void;
  let app: ReturnType<typeof createApp>;
  let deps: Parameters<typeof createApp>[0];

  /** One request, with the database calls it made. */
  async function request(what: string, path: string, init: RequestInit = {}) {
    const before = seen.calls;
    const res = await app.request(path, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers ?? {}) } });
    const body = await res.text();
    await deps.signals.drain();
    perRequest.push({ what, calls: seen.calls - before });
    expect(res.status, `${what}: ${body.slice(0, 300)}`).toBeLessThan(300);
    return body;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'adfeed-d1-limits-'));
    const file = join(dir, 'db.sqlite');
    const opened = await openNodeStore(file);
    close = opened.close;
    const driver = recording(betterSqliteDriver(opened.db), seen);
    const settings = parseSettings({ ADMIN_TOKEN: TOKEN, ADFEED_DB: file, PUBLIC_URL: 'https://feeds.example.com' });
    deps = {
      ...nodeDeps(opened.store, settings),
      store: createSqlStore(driver),
      signals: createSignalStore(driver),
      insights: createInsightStore(driver),
      creative: undefined,
      collectRateLimit: null,
    };
    app = createApp(deps);
  });

  afterAll(() => {
    close?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports, collects, serves and erases within the limits', async () => {
    await request('catalog', '/admin/catalogs/shop', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Shop', link: 'https://shop.example.com', currency: 'EUR', consent_mode: 'opt-out' }),
    });
    const csv = await new Response(csvStream({ count: 2000, baseUrl: 'https://shop.example.com' })).text();
    await request('replace import, 2,000 products', '/admin/catalogs/shop/imports?mode=replace', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    const ids = [...csv.matchAll(/^([^,\n]+),/gm)].slice(1).map((m) => m[1]!);
    const half = csv.split('\n').slice(0, 1001).join('\n');
    await request('upsert import, 1,000 products', '/admin/catalogs/shop/imports?mode=upsert', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: half });
    await request('delete import, 50 ids', '/admin/catalogs/shop/imports?mode=delete&confirm=1', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: `id\n${ids.slice(0, 50).join('\n')}\n` });

    // a batch as large as /collect takes (its 64 KiB cap): 50 events of 20 items each
    const items = ids.slice(100, 120).map((id) => ({ id, quantity: 1, price: 9.99 }));
    const events = Array.from({ length: 50 }, (_, i) => ({
      type: i % 5 === 4 ? 'purchase' : i % 2 ? 'add_to_cart' : 'view_item',
      event_id: `evt-limits-${i}`,
      items,
      ...(i % 5 === 4 ? { transaction_id: `order-${i}`, value: 499.5, currency: 'EUR' } : {}),
    }));
    await request('collect, 50 events × 20 items', '/collect', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ catalog: 'shop', vid: 'visitor-limits-1', consent: true, email_sha256: 'a'.repeat(64), events }),
    });
    await request('pixel', `/px.gif?c=shop&vid=visitor-limits-2&e=view_item&eid=px-1&id=${ids[120]}`);

    await request('labels refresh', '/admin/catalogs/shop/labels/refresh', { method: 'POST' });
    for (const feed of ['google.xml', 'meta.csv', 'meta.xml', 'tiktok.csv']) await request(`feed ${feed}`, `/feeds/shop/${feed}`);
    await request('recommendations', '/recs/shop/visitor-limits-1?limit=24');
    await request('stats', '/admin/catalogs/shop/stats');
    await request('erase visitor', '/admin/catalogs/shop/visitors/visitor-limits-1', { method: 'DELETE' });
    const before = seen.calls;
    const report = await runHousekeeping(deps, new Date());
    perRequest.push({ what: 'housekeeping', calls: seen.calls - before });
    expect(report.errors).toEqual([]);

    console.log(
      `D1 limits: max ${seen.maxParams} parameters, ${seen.maxSqlBytes} bytes of SQL per statement; database calls: ` +
        perRequest.map((r) => `${r.what} ${r.calls}`).join(', '),
    );
    expect(seen.maxParams, seen.worst).toBeLessThanOrEqual(D1_MAX_PARAMS);
    expect(seen.maxSqlBytes).toBeLessThanOrEqual(D1_MAX_SQL_BYTES);
    for (const r of perRequest) expect(r.calls, r.what).toBeLessThanOrEqual(WORKERS_PAID_CALLS_PER_REQUEST);
    // a 2,000-product import is a few dozen calls: one per staged batch of 500, then the swap
    expect(perRequest.find((r) => r.what.startsWith('replace'))!.calls).toBeLessThan(40);
  });
});
