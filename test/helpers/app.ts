/** A fresh app on a fresh SQLite file per test: the real store, the real routes. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app';
import type { AppDeps } from '../../src/deps';
import { parseSettings } from '../../src/env';
import { PhotoError } from '../../src/creative/ports';
import { nodeCreativeParts } from '../../src/runtime/node-creative';
import { nodeDeps, openNodeStore } from '../../src/runtime/node-parts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export async function makeTestApp(opts: { maxUploadMb?: number; now?: Date } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'adfeed-test-'));
  const file = join(dir, 'test.db');
  let now = opts.now ?? new Date('2026-11-23T12:00:00Z');
  const { store, db, close } = await openNodeStore(file, now);
  const settings = parseSettings({
    ADMIN_TOKEN,
    ADFEED_DB: file,
    PUBLIC_URL: 'https://feeds.example.com',
    MAX_UPLOAD_MB: String(opts.maxUploadMb ?? 16),
    // tests stand in for clients behind a proxy: X-Forwarded-For tells them apart
    TRUST_PROXY: 'true',
  });
  // Product photos come from this map instead of the network (the real fetcher has its own tests).
  const photos = new Map<string, Uint8Array>();
  const photoFetches: string[] = [];
  const fetchPhoto = async (url: string) => {
    photoFetches.push(url);
    const bytes = photos.get(url);
    if (!bytes) throw new PhotoError('fetch_failed', `test photo ${url} not found (404)`);
    return { bytes, url };
  };
  const deps: AppDeps = { ...nodeDeps(store, settings), clock: () => now, creative: nodeCreativeParts(fetchPhoto) };
  const app = createApp(deps);

  const admin = (path: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.headers ?? {}) } });

  async function putCatalog(slug = 'shop', settings: Record<string, unknown> = {}) {
    const res = await admin(`/admin/catalogs/${slug}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Test Shop', link: 'https://shop.example.com', currency: 'EUR', ...settings }),
    });
    if (res.status >= 300) throw new Error(`putCatalog failed: ${res.status} ${await res.text()}`);
    return res.json();
  }

  async function importText(
    slug: string,
    body: string | Uint8Array,
    q: { format?: string; mode?: string; confirm?: boolean; contentType?: string } = {},
  ) {
    const params = new URLSearchParams();
    if (q.format) params.set('format', q.format);
    if (q.mode) params.set('mode', q.mode);
    if (q.confirm) params.set('confirm', '1');
    const res = await admin(`/admin/catalogs/${slug}/imports?${params}`, {
      method: 'POST',
      headers: q.contentType ? { 'content-type': q.contentType } : {},
      body: body as BodyInit,
    });
    return { res, json: (await res.json()) as any };
  }

  return {
    app,
    store,
    db,
    deps,
    file,
    admin,
    putCatalog,
    importText,
    photos,
    photoFetches,
    setNow: (d: Date) => {
      now = d;
    },
    close: () => {
      close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof makeTestApp>>;

export function csv(rows: Array<Record<string, string | number>>): string {
  const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [header.join(','), ...rows.map((r) => header.map((h) => quote(String(r[h] ?? ''))).join(','))].join('\n') + '\n';
}

/** A valid product row in Google attribute names. */
export function row(i: number, overrides: Record<string, string | number> = {}): Record<string, string | number> {
  return {
    id: `SKU-${String(i).padStart(4, '0')}`,
    title: `Product ${i}`,
    description: `Description of product ${i}`,
    link: `https://shop.example.com/p/${i}`,
    image_link: `https://shop.example.com/img/${i}.jpg`,
    availability: 'in stock',
    price: `${(10 + i).toFixed(2)} EUR`,
    brand: 'Acme',
    gtin: '',
    mpn: `MPN-${i}`,
    condition: 'new',
    ...overrides,
  };
}
