/**
 * `npm run bench:worker [-- --products 100000 --seconds 5 --concurrency 16]`
 *
 * The same app on both runtimes in one run, side by side:
 * - Node: `npm start` (better-sqlite3, file blob cache, sharp), in this process;
 * - Workers: src/runtime/worker.ts in local workerd through `wrangler dev --local` (D1, R2 and
 *   the wasm creative parts, all local), a child process.
 *
 * 1. The catalog (demo generator, `--products` rows) is uploaded to each over HTTP: import time.
 * 2. Google feed, uncached: generated from the store by keyset pages (first byte, total,
 *    products/s); then the cached copy (file / R2); then gzip, generated and cached.
 * 3. Cached creative: one badge rendered (time of that first render), then GETs of it from a
 *    child-process load generator at fixed concurrency: responses/s, p50, p99.
 *
 * Local workerd is not Cloudflare's edge (no data centre, D1 and R2 are SQLite files and a
 * local store behind the same APIs), so its figures compare code paths on one machine, not a
 * deployment. The load average is printed first: on a shared 2-core machine it moves figures.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { csvStream } from '../src/demo/catalog-generator';
import { parseSettings } from '../src/env';
import { startServer } from '../src/runtime/node';
import { PROJECT_ROOT } from '../src/runtime/node-parts';
import { freePort, startLocalWorker } from '../src/runtime/wrangler-local';
import { servePhotos } from '../test/contract/photo-server';
import { runHttpLoad, type LoadResult } from './http-load';

const TOKEN = 'bench-admin-token-0123456789';
const SLUG = 'bench';

const { values } = parseArgs({
  options: {
    products: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '16' },
  },
});
const PRODUCTS = Number(values.products);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);

interface Timed {
  status: number;
  firstByteMs: number;
  totalMs: number;
  bytes: number;
  cache: string;
}

/** One GET, timed to its first body byte and its end, body counted, not kept. */
function timedGet(url: string, headers: Record<string, string> = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(url, { headers: { 'accept-encoding': 'identity', ...headers } }, (res) => {
      let bytes = 0;
      let firstByteMs = 0;
      res.on('data', (d: Buffer) => {
        if (bytes === 0) firstByteMs = performance.now() - t0;
        bytes += d.length;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, firstByteMs, totalMs: performance.now() - t0, bytes, cache: String(res.headers['x-cache'] ?? '-') }),
      );
    });
    req.on('error', reject);
  });
}

async function csvBody(origin: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await new Response(csvStream({ count: PRODUCTS, baseUrl: origin })).arrayBuffer());
}

interface RuntimeFigures {
  importMs: number;
  feed: { uncached: Timed; cached: Timed; gzipUncached: Timed; gzipCached: Timed };
  creative: { firstRenderMs: number; load: LoadResult; floor: LoadResult };
}

async function measure(url: string, csv: Uint8Array<ArrayBuffer>): Promise<RuntimeFigures> {
  const admin = { authorization: `Bearer ${TOKEN}` };
  const put = await fetch(`${url}/admin/catalogs/${SLUG}`, {
    method: 'PUT',
    headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Bench shop', link: 'https://shop.example.com', currency: 'EUR', locale: 'nl-NL' }),
  });
  if (put.status >= 300) throw new Error(`catalog: ${put.status} ${await put.text()}`);
  const t0 = performance.now();
  const imported = await fetch(`${url}/admin/catalogs/${SLUG}/imports?mode=replace&confirm=1`, {
    method: 'POST',
    headers: { ...admin, 'content-type': 'text/csv' },
    body: csv,
  });
  const report = (await imported.json()) as { counts?: { valid: number } };
  const importMs = performance.now() - t0;
  console.log(`  ${url}: imported in ${fmt(importMs)} ms`);
  await settle(url);
  if (imported.status !== 201) throw new Error(`import: ${imported.status} ${JSON.stringify(report).slice(0, 300)}`);

  const feedUrl = `${url}/feeds/${SLUG}/google.xml`;
  const uncached = await timedGet(feedUrl);
  const cached = await timedGet(feedUrl);
  const gzipUncached = await timedGet(feedUrl, { 'accept-encoding': 'gzip' });
  const gzipCached = await timedGet(feedUrl, { 'accept-encoding': 'gzip' });

  // the first product of the catalog, as the feed lists it
  const firstId = /<g:id>([^<]+)<\/g:id>/.exec(await (await fetch(feedUrl)).text())?.[1];
  const imagePath = `/img/${SLUG}/badge/${encodeURIComponent(firstId!)}.jpg`;
  const r0 = performance.now();
  const first = await fetch(`${url}${imagePath}`);
  await first.arrayBuffer();
  const firstRenderMs = performance.now() - r0;
  if (first.status !== 200) throw new Error(`creative: ${first.status}`);
  const load = await runHttpLoad(url, [imagePath], { seconds: SECONDS, concurrency: CONCURRENCY });
  // the floor of this runtime and load generator: the app's cheapest answer (a 404, no database)
  const floor = await runHttpLoad(url, ['/no-such-route'], { seconds: SECONDS, concurrency: CONCURRENCY });
  return { importMs, feed: { uncached, cached, gzipUncached, gzipCached }, creative: { firstRenderMs, load, floor } };
}

/**
 * Local `wrangler dev` stalls the first request after an upload of about 50 MB or more until
 * that request's connection closes (seen with 54 MB; 32 MB is fine; not a deployed Worker's
 * behaviour). So the bench waits, with timeouts, for /healthz before timing anything, and says
 * how long the stall took.
 */
async function settle(url: string): Promise<void> {
  const t0 = performance.now();
  for (;;) {
    const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) })
      .then(async (r) => (await r.arrayBuffer(), r.status === 200))
      .catch(() => false);
    if (ok) break;
  }
  const stalled = performance.now() - t0;
  if (stalled > 1_000) console.log(`  (${url} stalled ${fmt(stalled)} ms after the upload)`);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function feedLine(t: Timed): string {
  return `${t.status} ${mb(t.bytes)} first byte ${fmt(t.firstByteMs)} ms, total ${fmt(t.totalMs)} ms, ${fmt((PRODUCTS / t.totalMs) * 1000)} products/s (${t.cache})`;
}

async function main(): Promise<void> {
  console.log(
    `worker bench: node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ` +
      `${fmt(PRODUCTS)} products, load ${SECONDS} s × ${CONCURRENCY} connections`,
  );
  const photos = await servePhotos();
  const csv = await csvBody(photos.origin);
  console.log(`catalog CSV: ${mb(csv.length)}`);
  const dir = mkdtempSync(join(os.tmpdir(), 'adfeed-bench-worker-'));
  const results: Record<string, RuntimeFigures> = {};
  try {
    const nodePort = await freePort();
    const node = await startServer(
      parseSettings({
        ADMIN_TOKEN: TOKEN,
        ADFEED_DB: join(dir, 'node.db'),
        PORT: String(nodePort),
        PUBLIC_URL: `http://127.0.0.1:${nodePort}`,
        PHOTO_FETCH_ALLOW: '127.0.0.1/32',
      }),
    );
    try {
      results.node = await measure(`http://127.0.0.1:${nodePort}`, csv);
    } finally {
      await node.close();
    }

    const workerPort = await freePort();
    const worker = await startLocalWorker({
      persistTo: join(dir, 'worker-state'),
      port: workerPort,
      vars: { ADMIN_TOKEN: TOKEN, PUBLIC_URL: `http://127.0.0.1:${workerPort}`, PHOTO_FETCH_ALLOW: '127.0.0.1/32', MAX_UPLOAD_MB: '512' },
    });
    try {
      results.workerd = await measure(worker.url, csv);
    } catch (err) {
      console.error(worker.log().slice(-3000));
      throw err;
    } finally {
      await worker.stop();
    }
  } finally {
    await photos.close();
    rmSync(dir, { recursive: true, force: true });
  }

  for (const [name, r] of Object.entries(results)) {
    const { load } = r.creative;
    console.log(`\n${name}`);
    console.log(`  import ${fmt(PRODUCTS)} products over HTTP: ${fmt(r.importMs)} ms (${fmt((PRODUCTS / r.importMs) * 1000)} products/s)`);
    console.log(`  Google feed, generated:        ${feedLine(r.feed.uncached)}`);
    console.log(`  Google feed, cached:           ${feedLine(r.feed.cached)}`);
    console.log(`  Google feed gzip, generated:   ${feedLine(r.feed.gzipUncached)}`);
    console.log(`  Google feed gzip, cached:      ${feedLine(r.feed.gzipCached)}`);
    console.log(`  creative 1080×1080 JPEG, first render: ${fmt(r.creative.firstRenderMs)} ms (photo fetch, resize, render, encode)`);
    console.log(
      `  creative, cached: ${fmt((load.requests / load.ms) * 1000)} responses/s, p50 ${load.p50.toFixed(1)} ms, p99 ${load.p99.toFixed(1)} ms ` +
        `(${JSON.stringify(load.statuses)}, cache ${JSON.stringify(load.cache)})`,
    );
    const { floor } = r.creative;
    console.log(`  floor, the app's cheapest answer (404, no database): ${fmt((floor.requests / floor.ms) * 1000)} responses/s, p50 ${floor.p50.toFixed(1)} ms`);
  }
  const out = join(PROJECT_ROOT, 'bench', 'out');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'worker.json'), JSON.stringify({ at: new Date().toISOString(), loadavg: os.loadavg(), products: PRODUCTS, results }, null, 2));
}

await main();
