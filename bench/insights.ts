/**
 * npm run bench:insights [-- --products 1000000 --events 1000000 --visitors 50000]
 *
 * The insights refresh (labels, then "viewed / bought together" pairs) that runs hourly per
 * catalog, on a fresh SQLite file: a catalog imported through the real import path, then a month
 * of synthetic traffic (seeded: visitors pick products with a skew towards popular ones; 90 %
 * views, 5 % carts, 5 % purchases; times spread over 30 days).
 *
 * For labels and for pairs, side by side:
 * 1. Baseline: the one statement over the whole catalog each used to be (bench/reference-sql.ts),
 *    which holds Node's main thread, and for the INSERT it was, the write lock, start to end.
 * 2. The chunked build (src/store/labels-sql.ts, src/store/pairs-sql.ts): wall time, transactions,
 *    and the longest the event loop went without a turn (a 1 ms interval timer measures it):
 *    what a request arriving during the refresh waits at most.
 * 3. The same for an audience segment's count (cart abandoners over 30 days), which the segments
 *    tab shows for each segment.
 * 4. The same for the stats page's event figures (per day and type, top products' viewers, the
 *    funnel) over 30 days.
 * 5. A check that both give the same rows.
 *
 * Log (2 cores, load 0.2-0.5):
 * - pairs alone first, 1,000,000 events, 50,000 visitors, 10,000 products: one statement 17.3 s,
 *   all of it one stall; chunked 20.4 s in 217 transactions, longest stall 136 ms, same pairs.
 * - labels in chunks: at first 21 s for 20,000 products, the planner running the price-drop
 *   window again per product once the chunk's range was in it; `drops AS MATERIALIZED` fixed it.
 * - defaults (1,000,000 products, 1,000,000 events): labels one statement 8.4 s, chunked 4.0 s in
 *   54 transactions, longest stall 294 ms; pairs 17.3 s against 20.1 s in 215, longest stall
 *   140 ms; the same 1,000,000 label rows and 241,881 pairs.
 * - segment counts in ranges of visitors (50,000 visitors): one statement 1.9-2.0 s; ranges of
 *   5,000 2.1 s with a longest stall of 274 ms, of 2,000 (kept) 2.1 s and 93 ms; with each
 *   range's end found inside its count (one call a range): 1.8 s against 1.7 s, 77 ms. Pairs'
 *   longest stall moved between 140 and 314 ms across these runs.
 * - stats' event figures in ranges of visitors (100,000 products, 1,000,000 events): one
 *   statement each 9.3-10.8 s, all stalls; ranges of 20,000 events 6.1 s, longest stall 318 ms;
 *   of 10,000 8.1 s and 271 ms (the product-day queries before the ranges are about as long).
 *   20,000 kept.
 * - Last, defaults, every statement guarded by the lease (load 1.0-1.3, a reviewer running):
 *   labels 8.4 s one stall → 4.1 s, longest 282 ms; pairs 18.3 s → 22.0 s, 158 ms; segment count
 *   2.6 s → 2.6 s, 119 ms; stats' event figures 12.8 s → 9.3 s, 353 ms; all rows the same.
 */
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LABEL_THRESHOLDS, LONG_WINDOW_DAYS } from '../src/insights/labels';
import { openNodeStore, PROJECT_ROOT, sqlDriverOf } from '../src/runtime/node-parts';
import { withCatalogLease } from '../src/store/catalog-lease';
import { openSqlite } from '../src/store/drivers/better-sqlite3';
import { rollUpEvents } from '../src/store/event-rollup';
import { ago, LABEL_CHUNKS, refreshLabelSet } from '../src/store/labels-sql';
import { createInsightStore } from '../src/store/insights-sql';
import { PAIR_CHUNKS, refreshPairs } from '../src/store/pairs-sql';
import { segmentCondition } from '../src/store/segments-sql';
import { signalStats } from '../src/store/signals-stats-sql';
import type { SqlDriver } from '../src/store/sql';
import { rng } from './random';
import {
  LABELS_ONE_STATEMENT,
  labelsOneStatementParams,
  PAIRS_ONE_STATEMENT,
  STATS_FUNNEL_ONE_STATEMENT,
  STATS_PER_DAY_ONE_STATEMENT,
  STATS_TOP_VIEWED_ONE_STATEMENT,
} from './reference-sql';
import { seedBenchCatalog } from './seed';

const OUT = join(PROJECT_ROOT, 'bench', 'out');
const SLUG = 'bench';
const fmt = (n: number) => Math.round(n).toLocaleString('en');

/** The longest gap between turns of the event loop while `work` runs. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; stallMs: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  try {
    const result = await work();
    worst = Math.max(worst, performance.now() - last);
    return { result, ms: performance.now() - started, stallMs: worst };
  } finally {
    clearInterval(timer);
  }
}

/** The driver, counting the transactions and statements run outside one (each is one on D1). */
function counting(db: SqlDriver): { db: SqlDriver; calls: () => number } {
  let calls = 0;
  return {
    db: {
      ...db,
      batch: (s) => (calls++, db.batch(s)),
      run: (sql, p) => (calls++, db.run(sql, p)),
    },
    calls: () => calls,
  };
}

function line(what: string, r: { ms: number; stallMs: number }, rows: number, extra = ''): void {
  console.log(`  ${what.padEnd(26)} ${fmt(r.ms).padStart(7)} ms, longest stall ${fmt(r.stallMs).padStart(6)} ms, ${fmt(rows)} rows${extra}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      products: { type: 'string', default: '1000000' },
      events: { type: 'string', default: '1000000' },
      visitors: { type: 'string', default: '50000' },
      seed: { type: 'string', default: '3' },
    },
  });
  const products = Number(values.products);
  const events = Number(values.events);
  const visitors = Number(values.visitors);
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `insights-${process.pid}.db`);
  const remove = () => {
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  };
  remove();
  console.log(`insights bench: node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  // Seeding, not measured: the catalog through the import path, events on a connection of their own.
  const seedStarted = performance.now();
  await seedBenchCatalog(file, SLUG, products);
  const raw = openSqlite(file);
  const catalogId = (raw.prepare('SELECT id FROM catalogs WHERE slug = ?').get(SLUG) as { id: number }).id;
  const ids = (raw.prepare('SELECT item_id FROM products WHERE catalog_id = ? AND valid_to IS NULL ORDER BY item_id').all(catalogId) as Array<{ item_id: string }>).map(
    (r) => r.item_id,
  );
  const r = rng(Number(values.seed));
  const now = Date.now();
  const insert = raw.prepare(
    'INSERT INTO events (catalog_id, event_id, visitor_id, type, occurred_at, received_at, items) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const visitorRow = raw.prepare(
    'INSERT INTO visitors (catalog_id, visitor_id, email_sha256, ad_consent, first_seen, last_seen) VALUES (?, ?, ?, 1, ?, ?)',
  );
  raw.transaction(() => {
    const seen = new Date(now).toISOString();
    // Every visitor has a row; half left a (made-up) address hash.
    for (let v = 0; v < visitors; v++) {
      visitorRow.run(catalogId, `visitor-${String(v).padStart(7, '0')}`, v % 2 ? v.toString(16).padStart(64, '0') : null, seen, seen);
    }
    for (let i = 0; i < events; i++) {
      const visitor = `visitor-${String(Math.floor(r() * visitors)).padStart(7, '0')}`;
      // popular products far more often; a tenth of the catalog at most sees traffic
      const product = ids[Math.floor(r() * r() * Math.min(ids.length, 10_000))]!;
      const at = new Date(now - Math.floor(r() * 30 * 86_400_000)).toISOString();
      const pick = r();
      const type = pick < 0.9 ? 'view_item' : pick < 0.95 ? 'add_to_cart' : 'purchase';
      insert.run(catalogId, `e${i}`, visitor, type, at, at, JSON.stringify([[product, 1, null]]));
    }
  })();
  raw.close();
  const { store, close } = await openNodeStore(file);
  const db = sqlDriverOf(store);
  await rollUpEvents(db);
  console.log(`  seeded ${fmt(products)} products, ${fmt(events)} events, ${fmt(visitors)} visitors in ${fmt(performance.now() - seedStarted)} ms (not measured)`);

  const nowIso = new Date(now).toISOString();
  const since = ago(nowIso, LONG_WINDOW_DAYS);
  const t = LABEL_THRESHOLDS;

  const labelsBase = await longestStall(() =>
    db.all<Record<string, unknown>>(LABELS_ONE_STATEMENT, labelsOneStatementParams(catalogId, nowIso, t)),
  );
  line('labels, one statement', labelsBase, labelsBase.result.length);
  const pairsBase = await longestStall(() => db.all<Record<string, unknown>>(PAIRS_ONE_STATEMENT, [catalogId, since]));
  line('pairs, one statement', pairsBase, pairsBase.result.length);

  const counted = counting(db);
  let labelsChunked = { ms: 0, stallMs: 0, calls: 0 };
  let pairsChunked = { ms: 0, stallMs: 0, calls: 0 };
  await withCatalogLease(counted.db, catalogId, async (lease) => {
    const l = await longestStall(() => refreshLabelSet(counted.db, lease, nowIso, t, LABEL_CHUNKS));
    labelsChunked = { ...l, calls: counted.calls() };
    const p = await longestStall(() => refreshPairs(counted.db, lease, since, PAIR_CHUNKS));
    pairsChunked = { ...p, calls: counted.calls() - labelsChunked.calls };
  });
  // Audience segment counts (the segments tab lists each with its count): cart abandoners, the
  // heaviest test, as one statement over every visitor against the store's ranges of visitors.
  const abandoners = { kind: 'cart_abandoners' as const, days: 30 };
  const segmentBase = await longestStall(() => {
    const cond = segmentCondition(abandoners, since);
    return db.get<{ visitors: number; exportable: number }>(
      `SELECT count(*) AS visitors, sum(v.email_sha256 IS NOT NULL AND v.ad_consent = 1) AS exportable
       FROM visitors v WHERE v.catalog_id = ? AND ${cond.sql}`,
      [catalogId, ...cond.params],
    );
  });
  const segmentChunked = await longestStall(() => createInsightStore(db).countSegment(catalogId, abandoners, since));

  // The stats page's event figures over the 30 days: per day and type, top viewers, funnel.
  const statsBase = await longestStall(async () => {
    const day = since.slice(0, 10);
    return {
      perDay: await db.all(STATS_PER_DAY_ONE_STATEMENT, [catalogId, since]),
      top: await db.all(STATS_TOP_VIEWED_ONE_STATEMENT, [catalogId, since, day, 10]),
      funnel: await db.get(STATS_FUNNEL_ONE_STATEMENT, [catalogId, since]),
    };
  });
  const statsChunked = await longestStall(() => signalStats(db, catalogId, since, 10));

  const labels = await db.all<Record<string, unknown>>(
    `SELECT product_id, views_7d, views_30d, carts_7d, carts_30d, purchases_7d, purchases_30d, labels FROM product_labels
     WHERE catalog_id = ?1 AND labels_version = (SELECT labels_version FROM catalogs WHERE id = ?1) ORDER BY product_id`,
    [catalogId],
  );
  const pairs = await db.all<Record<string, unknown>>(
    `SELECT type, product_id, other_id, visitors FROM product_pairs
     WHERE catalog_id = ?1 AND generation = (SELECT pairs_generation FROM catalogs WHERE id = ?1) ORDER BY type, product_id, other_id`,
    [catalogId],
  );
  line('labels, chunked', labelsChunked, labels.length, `, ${fmt(labelsChunked.calls)} transactions`);
  line('pairs, chunked', pairsChunked, pairs.length, `, ${fmt(pairsChunked.calls)} transactions`);
  line('segment count, one stmt', segmentBase, segmentBase.result?.visitors ?? 0);
  line('segment count, ranges', segmentChunked, segmentChunked.result.visitors);
  line('stats events, one stmt', statsBase, statsBase.result.perDay.length);
  line('stats events, chunked', statsChunked, statsChunked.result.events_per_day.length);
  const sameStats =
    JSON.stringify([statsChunked.result.events_per_day, statsChunked.result.top_viewed, statsChunked.result.funnel]) ===
    JSON.stringify([statsBase.result.perDay, statsBase.result.top, statsBase.result.funnel]);
  const sameLabels = JSON.stringify(labels) === JSON.stringify(labelsBase.result);
  const samePairs = JSON.stringify(pairs) === JSON.stringify(pairsBase.result);
  const sameCount = JSON.stringify(segmentChunked.result) === JSON.stringify({ visitors: segmentBase.result?.visitors, exportable: segmentBase.result?.exportable ?? 0 });
  console.log(
    `  same rows as the one statements: labels ${sameLabels ? 'yes' : 'NO'}, pairs ${samePairs ? 'yes' : 'NO'}, segment count ${sameCount ? 'yes' : 'NO'}, stats ${sameStats ? 'yes' : 'NO'}`,
  );
  close();
  remove();
  if (!sameLabels || !samePairs || !sameCount || !sameStats) process.exitCode = 1;
}

await main();
