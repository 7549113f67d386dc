/**
 * npm run soak [-- --minutes 2 --concurrency 16 --products 2000]
 *
 * Load and soak (issue 7): the real Node server (src/runtime/node.ts startServer) in a child
 * process on 127.0.0.1 with a fresh SQLite file in a temp directory, a demo catalog
 * (src/demo/catalog-generator.ts) whose photos a small loopback image server here provides, then
 * for the given time mixed traffic with bounded concurrency:
 * - feed polls (five feeds; half the polls send If-None-Match with the last ETag, so 304s too);
 * - event batches to POST /collect (10 % of events without consent: dropped for consent);
 * - product creatives from /img (a pool of products: first renders, then cache hits);
 * - an upsert import every minute (the first one 20 s in).
 * The server's RSS is read from /proc/<pid>/status while it runs. At the end it prints
 * requests/s, errors by kind, p50/p99 latency per kind, RSS start/end/growth and the event
 * reconciliation: sent = stored (counted in the database after the server stopped) + dropped for
 * consent (from the stats API). Exits non-zero when the reconciliation fails or any request failed.
 *
 * Loopback only: the target is always the child server this script starts, and every request
 * checks that its host is a loopback address. The per-address rate limits (/collect, /img) are
 * off in the child: a generator on one address would otherwise measure the limiter
 * (test/signals-collect.test.ts and test/creative-routes.test.ts cover the limits).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { generateCsvChunks, generateProducts } from '../src/demo/catalog-generator';
import { serveDemoImages } from '../src/demo/images';
import { parseSettings } from '../src/env';
import { PROJECT_ROOT } from '../src/runtime/node-parts';
import { startServer } from '../src/runtime/node';
import { rng } from './random';

const SELF = fileURLToPath(import.meta.url);
const TOKEN = 'soak-admin-token-0123456789';
const CATALOG = 'soak';
const FEEDS = ['google.xml', 'meta.csv', 'pinterest.csv', 'tiktok.csv', 'microsoft.xml'];
const TEMPLATE = 'badge';
const BATCH = 20;
const NO_CONSENT_SHARE = 0.1;
const IMAGE_POOL = 300;
/** Request mix for the workers (imports run on their own timer). */
const MIX: Array<[Kind, number]> = [
  ['collect', 0.6],
  ['feed', 0.25],
  ['img', 0.15],
];
type Kind = 'collect' | 'feed' | 'img' | 'import';

// ---------------------------------------------------------------- loopback only

function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

function requireLoopback(url: URL): void {
  if (!isLoopbackHost(url.hostname)) throw new Error(`soak: refusing non-loopback target ${url.host}`);
}

// ---------------------------------------------------------------- child: the server

async function serveChild(dbFile: string, photoHost: string): Promise<void> {
  process.env.HOST = '127.0.0.1';
  const settings = {
    ...parseSettings({ ADMIN_TOKEN: TOKEN, ADFEED_DB: dbFile, PHOTO_FETCH_ALLOW: photoHost }),
    port: 0,
  };
  const server = await startServer(settings, { overrides: { collectRateLimit: null, renderRateLimit: null } });
  process.stdout.write(`${JSON.stringify({ url: server.url.replace('localhost', '127.0.0.1') })}\n`);
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function startChild(dbFile: string, photoHost: string): Promise<{ child: ChildProcess; url: URL }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--serve', dbFile, '--photo-host', photoHost], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      const url = new URL((JSON.parse(line) as { url: string }).url);
      requireLoopback(url);
      resolve({ child, url });
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited ${code} before it was ready: ${out.slice(0, 300)}`)));
  });
}

function stopChild(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

/** VmRSS of a process in bytes (Linux), or null where /proc is not there. */
function rssOf(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- HTTP client

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

function request(
  agent: http.Agent,
  url: URL,
  method: string,
  headers: Record<string, string> = {},
  body?: string,
  keepText = true,
): Promise<Answer> {
  requireLoopback(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        agent,
        headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) adfeed-soak', ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
      },
      (res) => {
        let text = '';
        if (keepText) res.setEncoding('utf8');
        res.on('data', (d: string | Buffer) => {
          if (keepText) text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error('timeout after 60 s')));
    req.on('error', reject);
    req.end(body);
  });
}

// ---------------------------------------------------------------- workload


interface KindStats {
  latencies: number[];
  statuses: Record<string, number>;
  errors: Record<string, number>;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
const mb = (bytes: number | null) => (bytes === null ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(1)} MB`);
const fmt = (n: number) => Math.round(n).toLocaleString('en');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: 'string' },
      'photo-host': { type: 'string', default: '127.0.0.1' },
      minutes: { type: 'string', default: '2' },
      concurrency: { type: 'string', default: '16' },
      products: { type: 'string', default: '2000' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string', default: '7' },
    },
  });
  if (values.serve) {
    await serveChild(values.serve, values['photo-host']!);
    return;
  }
  if (!isLoopbackHost(values.host!)) {
    console.error(`soak: --host ${values.host} is not a loopback address; the soak only runs against a local server`);
    process.exit(2);
  }
  const minutes = Number(values.minutes);
  const concurrency = Number(values.concurrency);
  const products = Number(values.products);
  if (!(minutes > 0 && minutes <= 24 * 60) || !(concurrency >= 1 && concurrency <= 256) || !(products >= 10 && products <= 200_000)) {
    console.error('soak: --minutes must be in (0, 1440], --concurrency 1-256, --products 10-200000');
    process.exit(2);
  }
  const r = rng(Number(values.seed));

  const dir = mkdtempSync(join(os.tmpdir(), 'adfeed-soak-'));
  const dbFile = join(dir, 'soak.db');
  const photos = await serveDemoImages();
  const { child, url: base } = await startChild(dbFile, '127.0.0.1');
  const pid = child.pid!;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency + 2 });
  const auth = { authorization: `Bearer ${TOKEN}` };
  let exitCode = 0;

  try {
    console.log(
      `soak: node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; server pid ${pid} at ${base.origin}, ${minutes} min, concurrency ${concurrency}, ${fmt(products)} products`,
    );
    // ---- set-up: catalog + initial import
    const put = await request(agent, new URL(`/admin/catalogs/${CATALOG}`, base), 'PUT', { ...auth, 'content-type': 'application/json' }, JSON.stringify({ title: 'Soak shop', link: photos.origin, currency: 'EUR', consent_mode: 'opt-in' }));
    if (put.status >= 300) throw new Error(`creating the catalog failed: ${put.status} ${put.text.slice(0, 300)}`);
    const csvFor = (count: number, epoch?: number) => [...generateCsvChunks({ count, baseUrl: photos.origin, ...(epoch ? { epoch } : {}) })].join('');
    const importCsv = (body: string, mode: 'replace' | 'upsert') =>
      request(agent, new URL(`/admin/catalogs/${CATALOG}/imports?format=csv&mode=${mode}&confirm=1`, base), 'POST', { ...auth, 'content-type': 'text/csv' }, body);
    let t0 = performance.now();
    const initial = await importCsv(csvFor(products), 'replace');
    if (initial.status >= 300) throw new Error(`initial import failed: ${initial.status} ${initial.text.slice(0, 300)}`);
    const initialReport = JSON.parse(initial.text) as { counts?: { valid?: number } };
    console.log(`  initial import: ${fmt(initialReport.counts?.valid ?? 0)} valid products in ${fmt(performance.now() - t0)} ms`);
    const ids = [...generateProducts({ count: Math.min(products, IMAGE_POOL), baseUrl: photos.origin })].map((p) => p.id);
    if (!ids.length) throw new Error('no product ids in the demo catalog');

    // ---- traffic
    const stats: Record<Kind, KindStats> = {
      collect: { latencies: [], statuses: {}, errors: {} },
      feed: { latencies: [], statuses: {}, errors: {} },
      img: { latencies: [], statuses: {}, errors: {} },
      import: { latencies: [], statuses: {}, errors: {} },
    };
    const events = { sent: 0, sentNoConsent: 0, accepted: 0, duplicates: 0, droppedConsent: 0, rejected: 0 };
    const etags = new Map<string, string>();
    let seq = 0;
    const run = async (kind: Kind, ok: (a: Answer) => string | null, send: () => Promise<Answer>) => {
      const s = stats[kind];
      const started = performance.now();
      try {
        const answer = await send();
        s.latencies.push(performance.now() - started);
        s.statuses[answer.status] = (s.statuses[answer.status] ?? 0) + 1;
        const problem = ok(answer);
        if (problem) s.errors[problem] = (s.errors[problem] ?? 0) + 1;
      } catch (err) {
        s.latencies.push(performance.now() - started);
        const what = `network: ${err instanceof Error ? err.message.slice(0, 60) : String(err)}`;
        s.errors[what] = (s.errors[what] ?? 0) + 1;
      }
    };
    const httpOk = (a: Answer) => (a.status >= 400 ? `HTTP ${a.status}` : null);

    const collect = () => {
      const vid = `soak-visitor-${Math.floor(r() * 50_000)}`;
      const at = Date.now();
      const batch = Array.from({ length: BATCH }, () => {
        const id = ids[Math.floor(r() * ids.length)]!;
        const e: Record<string, unknown> = {
          type: r() < 0.85 ? 'view_item' : 'add_to_cart',
          event_id: `${at.toString(16)}${(seq++).toString(16).padStart(20, '0')}`,
          ts: at,
          items: [{ id, quantity: 1, price: 19.99 }],
        };
        if (r() < NO_CONSENT_SHARE) {
          e.consent = false;
          events.sentNoConsent++;
        }
        return e;
      });
      events.sent += batch.length;
      return run(
        'collect',
        (a) => {
          if (a.status >= 400) return `HTTP ${a.status}`;
          const j = JSON.parse(a.text) as { accepted?: number; duplicates?: number; dropped_consent?: number; rejected?: unknown[] };
          events.accepted += j.accepted ?? 0;
          events.duplicates += j.duplicates ?? 0;
          events.droppedConsent += j.dropped_consent ?? 0;
          events.rejected += j.rejected?.length ?? 0;
          return j.rejected?.length ? 'events rejected' : null;
        },
        () =>
          request(agent, new URL('/collect', base), 'POST', { 'content-type': 'text/plain;charset=UTF-8' }, JSON.stringify({ catalog: CATALOG, vid, consent: true, events: batch })),
      );
    };
    const feed = () => {
      const file = FEEDS[Math.floor(r() * FEEDS.length)]!;
      const headers: Record<string, string> = { 'accept-encoding': 'gzip' };
      const etag = etags.get(file);
      if (etag && r() < 0.5) headers['if-none-match'] = etag;
      return run(
        'feed',
        (a) => {
          if (typeof a.headers.etag === 'string') etags.set(file, a.headers.etag);
          return httpOk(a);
        },
        () => request(agent, new URL(`/feeds/${CATALOG}/${file}`, base), 'GET', headers, undefined, false),
      );
    };
    const img = () => {
      const id = ids[Math.floor(r() * ids.length)]!;
      const ext = r() < 0.5 ? 'jpg' : 'png';
      return run('img', httpOk, () =>
        request(agent, new URL(`/img/${CATALOG}/${TEMPLATE}/${encodeURIComponent(id)}.${ext}`, base), 'GET', {}, undefined, false),
      );
    };

    const rss: Array<{ at: number; bytes: number }> = [];
    const rssStart = rssOf(pid);
    const sampler = setInterval(() => {
      const v = rssOf(pid);
      if (v !== null) rss.push({ at: performance.now(), bytes: v });
    }, 2_000);

    const durationMs = minutes * 60_000;
    t0 = performance.now();
    const deadline = t0 + durationMs;
    // Upserts: 20 s in, then every minute; a fresh epoch moves sale windows, so rows really change.
    let imports = 0;
    const importing: Array<Promise<void>> = [];
    const importTick = () => {
      if (performance.now() >= deadline) return;
      imports++;
      const count = Math.max(10, Math.floor(products / 4));
      importing.push(
        run('import', (a) => (a.status >= 300 ? `HTTP ${a.status}: ${a.text.slice(0, 80)}` : null), () => importCsv(csvFor(count, Date.now()), 'upsert')),
      );
    };
    const firstImport = setTimeout(() => {
      importTick();
      importTimer = setInterval(importTick, 60_000);
    }, Math.min(20_000, durationMs / 3));
    let importTimer: NodeJS.Timeout | undefined;

    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          let pick = r();
          let kind: Kind = 'collect';
          for (const [k, p] of MIX) {
            if ((pick -= p) < 0) {
              kind = k;
              break;
            }
          }
          await (kind === 'collect' ? collect() : kind === 'feed' ? feed() : img());
        }
      }),
    );
    clearTimeout(firstImport);
    if (importTimer) clearInterval(importTimer);
    await Promise.all(importing);
    const elapsed = performance.now() - t0;
    clearInterval(sampler);
    const rssEnd = rssOf(pid);

    // Dropped for consent, as the stats API reports it (before the server stops).
    const statsRes = await request(agent, new URL(`/admin/catalogs/${CATALOG}/stats?days=30`, base), 'GET', auth);
    if (statsRes.status !== 200) throw new Error(`stats failed: ${statsRes.status} ${statsRes.text.slice(0, 200)}`);
    const report = JSON.parse(statsRes.text) as { consent_drops?: Array<{ count: number }> };
    const droppedApi = (report.consent_drops ?? []).reduce((n, d) => n + d.count, 0);
    agent.destroy();

    const code = await stopChild(child);
    const db = new Database(dbFile, { readonly: true });
    const stored = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    const droppedDb = (db.prepare('SELECT coalesce(sum(count), 0) AS n FROM consent_drops').get() as { n: number }).n;
    db.close();

    // ---- report
    const kinds: Kind[] = ['feed', 'collect', 'img', 'import'];
    const total = kinds.reduce((n, k) => n + stats[k].latencies.length, 0);
    const errors = kinds.reduce((n, k) => n + Object.values(stats[k].errors).reduce((a, b) => a + b, 0), 0);
    console.log(`  ${fmt(total)} requests in ${(elapsed / 1000).toFixed(1)} s: ${fmt((total / elapsed) * 1000)} requests/s; ${fmt(imports)} upsert import(s); server exit ${code}`);
    for (const k of kinds) {
      const s = stats[k];
      const sorted = [...s.latencies].sort((a, b) => a - b);
      const errs = Object.entries(s.errors);
      console.log(
        `  ${k.padEnd(8)} ${fmt(sorted.length).padStart(8)} req  ${fmt((sorted.length / elapsed) * 1000).padStart(6)}/s  p50 ${percentile(sorted, 50).toFixed(1).padStart(7)} ms  p99 ${percentile(sorted, 99).toFixed(1).padStart(8)} ms  statuses ${JSON.stringify(s.statuses)}  errors ${errs.length ? JSON.stringify(s.errors) : 0}`,
      );
    }
    const peak = rss.length ? Math.max(...rss.map((x) => x.bytes)) : null;
    // Warm-up (image pipeline, fonts, caches) vs growth later on: the RSS at each quarter of the run.
    const quarter = (q: number) => rss.find((x) => x.at - t0 >= (q / 4) * elapsed - 2_000)?.bytes ?? null;
    const growth = rssStart !== null && rssEnd !== null ? rssEnd - rssStart : null;
    console.log(`  server RSS: start ${mb(rssStart)}, end ${mb(rssEnd)}, peak ${mb(peak)}, growth ${growth === null ? 'n/a' : `${growth >= 0 ? '+' : ''}${mb(growth)}`}; at 1/4, 2/4, 3/4 of the run ${[1, 2, 3].map((q) => mb(quarter(q))).join(', ')}`);
    const reconciled = events.sent === stored + droppedApi && droppedApi === droppedDb && events.duplicates === 0;
    console.log(
      `  events: sent ${fmt(events.sent)} = stored ${fmt(stored)} + dropped for consent ${fmt(droppedApi)} (stats API; database ${fmt(droppedDb)}; sent without consent ${fmt(events.sentNoConsent)}): ${reconciled ? 'OK' : 'MISMATCH'}` +
        ` (server answered: accepted ${fmt(events.accepted)}, dropped ${fmt(events.droppedConsent)}, duplicates ${fmt(events.duplicates)}, rejected ${fmt(events.rejected)})`,
    );
    console.log(`  errors: ${errors}`);
    if (!reconciled || errors > 0 || code !== 0) exitCode = 1;
  } catch (err) {
    console.error('soak failed:', err);
    exitCode = 1;
  } finally {
    agent.destroy();
    if (child.exitCode === null) await stopChild(child);
    await photos.close();
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
  process.exit(exitCode);
}

await main();
