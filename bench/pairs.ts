/**
 * npm run bench:pairs [-- --events 1000000 --visitors 50000 --products 10000]
 *
 * The "viewed / bought together" refresh that every label refresh runs, on a fresh SQLite file
 * with a month of synthetic traffic (seeded: visitors pick products with a skew towards popular
 * ones; 90 % views, 5 % carts, 5 % purchases; times spread over 30 days):
 *
 * 1. Baseline: migration 0005's one INSERT … SELECT over the whole window (kept here verbatim),
 *    which holds Node's main thread and the write lock from start to end.
 * 2. The chunked build (src/store/pairs-sql.ts): wall time, the number of chunks, and the longest
 *    the event loop went without a turn (a 1 ms interval timer measures it): what a request
 *    arriving during the refresh waits at most.
 * 3. A check that both published the same pairs.
 *
 * Log (2 cores, load 0.2-0.4; defaults: 1,000,000 events, 50,000 visitors, 10,000 products):
 * - one statement 17.3 s, all of it one stall of the event loop (and of every writer);
 *   chunked 20.4 s in 217 transactions, longest stall 136 ms, the same 241,881 pairs.
 */
import { rmSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openNodeStore, PROJECT_ROOT, sqlDriverOf } from '../src/runtime/node-parts';
import { openSqlite } from '../src/store/drivers/better-sqlite3';
import { PAIR_CHUNKS, refreshPairs } from '../src/store/pairs-sql';
import { rng } from './random';

const OUT = join(PROJECT_ROOT, 'bench', 'out');

/** Migration 0005's refresh, as it ran before the chunked build (generation added to fit the table). */
const ONE_STATEMENT = `
WITH touched AS (
  SELECT e.visitor_id, j.value ->> 0 AS product_id, max(e.occurred_at) AS last
  FROM events e, json_each(e.items) j
  WHERE e.catalog_id = ?1 AND e.occurred_at >= ?2 AND e.type = ?3
  GROUP BY +e.visitor_id, product_id
),
recent AS (
  SELECT visitor_id, product_id FROM (
    SELECT visitor_id, product_id, row_number() OVER (PARTITION BY visitor_id ORDER BY last DESC, product_id) AS pos
    FROM touched)
  WHERE pos <= 10
),
pairs AS (
  SELECT a.product_id, b.product_id AS other_id, count(*) AS visitors
  FROM recent a JOIN recent b ON b.visitor_id = a.visitor_id AND b.product_id <> a.product_id
  GROUP BY a.product_id, b.product_id
)
INSERT INTO product_pairs (catalog_id, generation, type, product_id, other_id, visitors)
SELECT ?1, ?4, ?3, product_id, other_id, visitors FROM (
  SELECT product_id, other_id, visitors,
    row_number() OVER (PARTITION BY product_id ORDER BY visitors DESC, other_id) AS pos
  FROM pairs)
WHERE pos <= 20`;

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
    const ms = performance.now() - started;
    worst = Math.max(worst, performance.now() - last);
    return { result, ms, stallMs: worst };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '1000000' },
      visitors: { type: 'string', default: '50000' },
      products: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '3' },
    },
  });
  const events = Number(values.events);
  const visitors = Number(values.visitors);
  const products = Number(values.products);
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `pairs-${process.pid}.db`);
  const remove = () => {
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  };
  remove();
  console.log(`pairs bench: node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  const { store, close } = await openNodeStore(file);
  const { catalog } = await store.putCatalog(
    'bench',
    { title: 'Bench', link: 'https://shop.example.com', currency: 'EUR', locale: 'en-GB', timezone: 'UTC', consent_mode: 'opt-in', allowed_origins: [], retention_days: 90, max_drop_share: 0.3 },
    new Date().toISOString(),
  );
  const db = sqlDriverOf(store);

  // Seeding on a connection of its own, in one transaction of prepared inserts (not measured).
  const seedStarted = performance.now();
  const raw = openSqlite(file);
  const r = rng(Number(values.seed));
  const now = Date.now();
  const insert = raw.prepare(
    'INSERT INTO events (catalog_id, event_id, visitor_id, type, occurred_at, received_at, items) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  raw.transaction(() => {
    for (let i = 0; i < events; i++) {
      const visitor = `visitor-${String(Math.floor(r() * visitors)).padStart(7, '0')}`;
      const product = `SKU-${Math.floor(r() * r() * products)}`;
      const at = new Date(now - Math.floor(r() * 30 * 86_400_000)).toISOString();
      const pick = r();
      const type = pick < 0.9 ? 'view_item' : pick < 0.95 ? 'add_to_cart' : 'purchase';
      insert.run(catalog.id, `e${i}`, visitor, type, at, at, JSON.stringify([[product, 1, null]]));
    }
  })();
  raw.close();
  console.log(`  seeded ${fmt(events)} events, ${fmt(visitors)} visitors, ${fmt(products)} products in ${fmt(performance.now() - seedStarted)} ms (not measured)`);
  const since = new Date(now - 30 * 86_400_000).toISOString();

  const baseline = await longestStall(async () => {
    await db.batch(['view_item', 'purchase'].map((type) => ({ sql: ONE_STATEMENT, params: [catalog.id, since, type, 999] })));
  });
  const expected = await db.all<Record<string, unknown>>(
    'SELECT type, product_id, other_id, visitors FROM product_pairs WHERE generation = 999 ORDER BY 1, 2, 3',
  );
  await db.run('DELETE FROM product_pairs WHERE generation = 999');
  console.log(`  one statement (0005)   ${fmt(baseline.ms).padStart(7)} ms, longest stall ${fmt(baseline.stallMs).padStart(6)} ms, ${fmt(expected.length)} pairs`);

  let statements = 0;
  const counting = {
    ...db,
    batch: (s: Parameters<typeof db.batch>[0]) => {
      statements++;
      return db.batch(s);
    },
    run: (sql: string, p?: Parameters<typeof db.run>[1]) => {
      statements++;
      return db.run(sql, p);
    },
  };
  const chunked = await longestStall(() => refreshPairs(counting, catalog.id, since, PAIR_CHUNKS));
  const published = await db.all<Record<string, unknown>>(
    `SELECT type, product_id, other_id, visitors FROM product_pairs
     WHERE generation = (SELECT pairs_generation FROM catalogs WHERE id = ?) ORDER BY 1, 2, 3`,
    [catalog.id],
  );
  console.log(
    `  chunked build          ${fmt(chunked.ms).padStart(7)} ms, longest stall ${fmt(chunked.stallMs).padStart(6)} ms, ${fmt(published.length)} pairs, ${fmt(statements)} transactions`,
  );
  const same = JSON.stringify(published) === JSON.stringify(expected);
  console.log(`  same pairs as the one statement: ${same ? 'yes' : 'NO'}`);
  await close();
  remove();
  if (!same || !chunked.result) process.exitCode = 1;
}

await main();
