/**
 * npm run bench:feeds [-- --sizes 100000,1000000]
 *
 * The Google XML feed generated through the real app (store pages → pipeline → HTTP body),
 * at each catalog size, next to a naive baseline in the same run: fast-xml-parser's XMLBuilder
 * building the whole document in memory (what most feed plugins do). Each measurement runs in
 * its own child process, so peak RSS is that of the measured work alone.
 * Also, over loopback HTTP: conditional GET (If-None-Match hit) latency, and serving a version
 * already generated (the feed file cache).
 *
 * npm run bench:feeds -- --image [--sizes 100000]
 *
 * The cost of creative image links instead: the same Meta XML feed with and without
 * `image: {template: 'badge'}` (every image_link a creative URL carrying its content key).
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { XMLBuilder } from 'fast-xml-parser';
import { serve } from '@hono/node-server';
import { createApp } from '../src/app';
import { formatMoney } from '../src/catalog/money';
import type { CreativeParts } from '../src/creative/service';
import { parseSettings } from '../src/env';
import { parseDefinitions } from '../src/feeds/definition';
import { builtinDefinitions } from '../src/feeds/definitions-bundle';
import { feedPages } from '../src/feeds/pages';
import { nodeDeps, openNodeStore, PROJECT_ROOT } from '../src/runtime/node-parts';
import { seedBenchCatalog } from './seed';

const SELF = fileURLToPath(import.meta.url);
const OUT = join(PROJECT_ROOT, 'bench', 'out');
const SLUG = 'bench';
const settings = parseSettings({ ADMIN_TOKEN: 'bench-admin-token-123456', PUBLIC_URL: 'https://feeds.example.com' });

/** The `--image` pair: one Meta XML feed, without and with creative image links. */
const IMAGE_FEEDS = parseDefinitions([
  { file: 'bench/meta-plain', json: { name: 'bench-meta', channel: 'meta', format: 'xml' } },
  { file: 'bench/meta-creatives', json: { name: 'bench-creatives', channel: 'meta', format: 'xml', image: { template: 'badge', size: '1080x1080' } } },
]);

/** Feeds only mint creative URLs, they never render: parts that are never called will do. */
const NO_RENDERER: CreativeParts = {
  svg: () => Promise.reject(new Error('not rendering in the feed bench')),
  rasterizer: {
    svg: () => Promise.reject(new Error('not rendering')),
    preparePhoto: () => Promise.reject(new Error('not rendering')),
    decodePrepared: () => Promise.reject(new Error('not rendering')),
    encode: () => Promise.reject(new Error('not rendering')),
  },
  fonts: [],
  fetchPhoto: () => Promise.reject(new Error('not rendering')),
};

interface Result {
  ok: boolean;
  products?: number;
  bytes?: number;
  ms?: number;
  firstByteMs?: number;
  maxRssMb: number;
  error?: string;
}

/** Generation, not the file cache: the cache is left out so every run builds the feed from the store. */
async function childStream(dbFile: string, feed = 'google'): Promise<Result> {
  const { store, close } = await openNodeStore(dbFile);
  const app = createApp({
    ...nodeDeps(store, { ...settings, dbFile }),
    blobCache: undefined,
    feeds: [...builtinDefinitions, ...IMAGE_FEEDS],
    creative: NO_RENDERER,
  });
  const started = performance.now();
  const res = await app.request(`/feeds/${SLUG}/${feed}.xml`);
  if (res.status !== 200) throw new Error(`${feed}.xml: ${res.status} ${await res.text()}`);
  const reader = res.body!.getReader();
  let firstByteMs = 0;
  let bytes = 0;
  let items = 0;
  const marker = Buffer.from('<item>');
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!bytes) firstByteMs = performance.now() - started;
    bytes += value.byteLength;
    // Count items on the bytes (no decoding) to prove every product came through. Chunks are
    // encoded whole strings from the writer, so an `<item>` tag never straddles two of them.
    const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    for (let i = buf.indexOf(marker); i >= 0; i = buf.indexOf(marker, i + 6)) items++;
  }
  const ms = performance.now() - started;
  close();
  return { ok: true, products: items, bytes, ms, firstByteMs, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** The naive way: load every product, build one object tree, serialise it in one go. */
async function childNaive(dbFile: string): Promise<Result> {
  const { store, close } = await openNodeStore(dbFile);
  const catalog = (await store.getCatalog(SLUG))!;
  const started = performance.now();
  try {
    const item: unknown[] = [];
    for await (const page of feedPages(store, catalog.id, catalog.version)) {
      for (const p of page) {
        if (p.has_variants) continue;
        item.push({
          'g:id': p.id,
          title: p.title,
          description: p.description,
          link: p.link,
          'g:image_link': p.image_link,
          'g:availability': p.availability,
          'g:price': formatMoney(p.price),
          ...(p.sale_price ? { 'g:sale_price': formatMoney(p.sale_price) } : {}),
          'g:brand': p.brand,
          'g:gtin': p.gtin,
          'g:mpn': p.mpn,
          'g:condition': p.condition,
          'g:product_type': p.product_type,
          'g:item_group_id': p.item_group_id,
          'g:color': p.color,
          'g:size': p.size,
        });
      }
    }
    const xml: string = new XMLBuilder({ ignoreAttributes: false, format: false }).build({
      rss: { '@_version': '2.0', '@_xmlns:g': 'http://base.google.com/ns/1.0', channel: { title: catalog.title, item } },
    });
    const bytes = Buffer.byteLength(xml);
    const ms = performance.now() - started;
    return { ok: true, products: item.length, bytes, ms, firstByteMs: ms, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  } finally {
    close();
  }
}

function runChild(kind: 'stream' | 'naive', dbFile: string, feed = 'google'): Result {
  const r = spawnSync(
    process.execPath,
    ['--max-old-space-size=4096', '--import', 'tsx', SELF, '--child', kind, '--db', dbFile, '--feed', feed],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: 15 * 60_000, cwd: PROJECT_ROOT },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Result;
  } catch {
    const why = r.signal ? `killed (${r.signal})` : /heap out of memory|Invalid string length/i.test(r.stderr) ? 'out of memory / V8 string limit' : `exit ${r.status}`;
    return { ok: false, maxRssMb: 0, error: why };
  }
}

/**
 * Over loopback HTTP with the feed file cache on: the 304 latency of a conditional poll, and
 * the throughput of serving a version that was already generated (the cache is warmed first).
 */
async function servingFigures(dbFile: string): Promise<{ medianMs: number; p99Ms: number; cachedMBps: number; cachedBytes: number }> {
  const { store, close } = await openNodeStore(dbFile);
  const app = createApp(nodeDeps(store, { ...settings, dbFile }));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}/feeds/${SLUG}/google.xml`;
  // Warm the identity (uncompressed) variant: fetch would ask for br and cache that one instead.
  const etag = await new Promise<string>((resolve, reject) => {
    http.get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.headers.etag)));
      res.on('error', reject);
    });
  });

  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers: { 'if-none-match': etag } });
    await res.arrayBuffer();
    if (res.status !== 304) throw new Error(`expected 304, got ${res.status}`);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);

  // node:http rather than fetch for the download: fetch's own cost per byte would be measured too.
  let bytes = 0;
  const t0 = performance.now();
  for (let i = 0; i < 3; i++) {
    bytes += await new Promise<number>((resolve, reject) => {
      http.get(url, (res) => {
        if (res.headers['x-cache'] !== 'hit') reject(new Error('expected a cache hit'));
        let n = 0;
        res.on('data', (chunk: Buffer) => {
          n += chunk.length;
        });
        res.on('end', () => resolve(n));
        res.on('error', reject);
      });
    });
  }
  const secs = (performance.now() - t0) / 1000;
  server.close();
  close();
  return {
    medianMs: times[Math.floor(times.length / 2)]!,
    p99Ms: times[Math.floor(times.length * 0.99)]!,
    cachedMBps: bytes / 1048576 / secs,
    cachedBytes: bytes / 3,
  };
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined ? '-' : n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function row(label: string, r: Result): string {
  if (!r.ok) return `  ${label.padEnd(26)} FAILED: ${r.error}`;
  const secs = r.ms! / 1000;
  return (
    `  ${label.padEnd(26)} ${fmt(r.products! / secs).padStart(9)} products/s  ${fmt(r.bytes! / 1048576 / secs, 1).padStart(7)} MB/s` +
    `  first byte ${fmt(r.firstByteMs, 1).padStart(8)} ms  peak RSS ${fmt(r.maxRssMb).padStart(6)} MB  (${fmt(r.products)} items, ${fmt(r.bytes! / 1048576, 1)} MB in ${fmt(secs, 2)} s)`
  );
}

/** The bench database with `size` products, seeded on first use. */
async function benchDb(size: number): Promise<string> {
  const dbFile = join(OUT, `feeds-${size}.db`);
  if (!existsSync(dbFile)) {
    const t0 = performance.now();
    await seedBenchCatalog(dbFile, SLUG, size);
    console.log(`\n${fmt(size)} products: seeded ${dbFile} in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  } else console.log(`\n${fmt(size)} products (reusing ${dbFile})`);
  return dbFile;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      db: { type: 'string' },
      sizes: { type: 'string', default: '100000,1000000' },
      feed: { type: 'string', default: 'google' },
      image: { type: 'boolean', default: false },
    },
  });
  if (values.child) {
    const result = values.child === 'stream' ? await childStream(values.db!, values.feed) : await childNaive(values.db!);
    console.log(JSON.stringify(result));
    return;
  }
  mkdirSync(OUT, { recursive: true });
  const cores = (await import('node:os')).cpus().length;
  if (values.image) {
    console.log(`Meta XML feed, original photos vs creative image links (node ${process.version}, ${cores} cores)`);
    for (const size of values.sizes.split(',').map(Number)) {
      const dbFile = await benchDb(size);
      const plain = runChild('stream', dbFile, 'bench-meta');
      const creatives = runChild('stream', dbFile, 'bench-creatives');
      console.log(row('meta, original photos', plain));
      console.log(row('meta, image: badge', creatives));
      if (plain.ok && creatives.ok)
        console.log(`  cost per product            ${fmt(((creatives.ms! - plain.ms!) * 1000) / creatives.products!, 2)} µs`);
    }
    return;
  }
  console.log(`Google XML feed generation (node ${process.version}, ${cores} cores)`);
  for (const size of values.sizes.split(',').map(Number)) {
    const dbFile = await benchDb(size);
    console.log(row('adfeed streaming', runChild('stream', dbFile)));
    // The baseline runs at every size: where it dies (heap or V8's string limit) is part of the result.
    console.log(row('naive XMLBuilder', runChild('naive', dbFile)));
    const serving = await servingFigures(dbFile);
    console.log(`  conditional GET (304)      median ${fmt(serving.medianMs, 2)} ms, p99 ${fmt(serving.p99Ms, 2)} ms over loopback HTTP`);
    console.log(`  cached version served      ${fmt(serving.cachedMBps)} MB/s over loopback HTTP (${fmt(serving.cachedBytes / 1048576, 1)} MB feed, file cache hit)`);
  }
  console.log('\ntargets: ≥ 60,000 products/s, peak RSS < 200 MB and first byte < 100 ms at 1,000,000; 304 median < 5 ms; cached ≥ 300 MB/s');
  if (process.env.BENCH_CLEAN) rmSync(OUT, { recursive: true, force: true });
}

await main();
