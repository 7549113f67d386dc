/**
 * "Viewed / bought together" built in chunks (src/store/pairs-sql.ts, migrations/0008): the
 * same pairs as one statement over the whole window, however small the chunks; readers see the
 * published generation whole while a build runs; the lease (src/store/catalog-lease.ts) keeps
 * two builds apart and lets a dead one be taken over, and a build that lost it writes nothing
 * more; an erasure reaches a build under way; nothing of a build stays behind, not even when it fails or dies; the event
 * loop turns between chunks.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { betterSqliteDriver } from '../src/store/drivers/better-sqlite3';
import { withCatalogLease } from '../src/store/catalog-lease';
import { PARTNERS, refreshPairs, type PairChunks } from '../src/store/pairs-sql';
import type { SqlDriver } from '../src/store/sql';
import { rng } from '../bench/random';
import { PAIRS_ONE_STATEMENT } from '../bench/reference-sql';
import { makeTestApp, type TestApp } from './helpers/app';
import { catalogId, daysBefore, insertEvents, type TestEvent } from './helpers/events';

const NOW = new Date('2026-11-23T12:00:00Z');
const SINCE = daysBefore(NOW, 30).toISOString();
const TINY: PairChunks = { sourceEvents: 7, pairSources: 5, deleteRows: 3 };

let t: TestApp;
let shop: number;
let db: SqlDriver;

beforeEach(async () => {
  t = await makeTestApp({ now: NOW });
  await t.putCatalog('shop');
  shop = catalogId(t.db);
  db = betterSqliteDriver(t.db);
});
afterEach(() => t.close());

/** One pairs build under the catalog's lease: true once published, null when it did not run or gave up. */
const build = (driver: SqlDriver, since: string, chunks: PairChunks) =>
  withCatalogLease(driver, shop, async (lease) => {
    await refreshPairs(driver, lease, since, chunks);
    return true;
  });

const published = () =>
  t.db
    .prepare(
      `SELECT type, product_id, other_id, visitors FROM product_pairs
       WHERE catalog_id = ? AND generation = (SELECT pairs_generation FROM catalogs WHERE id = ?)
       ORDER BY type, product_id, other_id`,
    )
    .all(shop, shop);
const reference = () => db.all(PAIRS_ONE_STATEMENT, [shop, SINCE]);
const count = (sql: string) => (t.db.prepare(sql).get() as { n: number }).n;
const catalogRow = () =>
  t.db.prepare('SELECT pairs_generation, insights_lease, insights_lease_until FROM catalogs WHERE id = ?').get(shop) as {
    pairs_generation: number;
    insights_lease: string | null;
    insights_lease_until: number | null;
  };

/**
 * Seeded traffic: 60 visitors over 40 products (popular ones far more often), views, carts and
 * purchases of one to three products, some outside the window, and one visitor with far more
 * events than a chunk covers.
 */
function traffic(seed: number, events = 900): TestEvent[] {
  const r = rng(seed);
  const product = () => `P-${String(Math.floor(r() * r() * 40)).padStart(2, '0')}`;
  const out: TestEvent[] = [];
  for (let i = 0; i < events; i++) {
    const heavy = r() < 0.1;
    const pick = r();
    out.push({
      visitor: heavy ? 'visitor-heavy' : `visitor-${String(Math.floor(r() * 60)).padStart(3, '0')}`,
      type: pick < 0.7 ? 'view_item' : pick < 0.85 ? 'add_to_cart' : 'purchase',
      at: daysBefore(NOW, Math.floor(r() * 40), r() * 24),
      items: Array.from({ length: 1 + Math.floor(r() * r() * 3) }, product),
    });
  }
  return out;
}

describe('pairs refresh in chunks', () => {
  it('publishes exactly what one statement over the whole window computes, with chunks far smaller than the data', async () => {
    insertEvents(t.db, shop, traffic(1));
    const expected = await reference();
    expect(expected.length).toBeGreaterThan(200);
    expect(await build(db, SINCE, TINY)).toBe(true);
    expect(published()).toEqual(expected);
    // nothing of the build stays: no visitor ids, one generation, the lease given back
    expect(count('SELECT count(*) AS n FROM pair_sources')).toBe(0);
    expect(count('SELECT count(DISTINCT generation) AS n FROM product_pairs')).toBe(1);
    expect(catalogRow()).toEqual({ pairs_generation: 1, insights_lease: null, insights_lease_until: null });

    // More traffic: the next build replaces the set whole.
    insertEvents(t.db, shop, traffic(2));
    expect(await build(db, SINCE, { sourceEvents: 50, pairSources: 13, deleteRows: 11 })).toBe(true);
    expect(published()).toEqual(await reference());
    expect(catalogRow().pairs_generation).toBe(2);
    expect(count('SELECT count(DISTINCT generation) AS n FROM product_pairs')).toBe(1);
  });

  it('serves the published set whole to readers while a build runs, and turns the event loop between chunks', async () => {
    insertEvents(t.db, shop, traffic(3));
    await build(db, SINCE, TINY);
    const before = published();
    const partnersOf = (id: string) => db.all(PARTNERS, [shop, 'view_item', JSON.stringify([id]), 20]);
    const readBefore = await partnersOf('P-00');
    expect(readBefore.length).toBeGreaterThan(0);

    insertEvents(t.db, shop, traffic(4));
    const expected = await reference();
    let turns = 0;
    const reads: Array<Promise<unknown[]>> = [];
    const timer = setInterval(() => {
      turns++;
      // Between chunks the old generation is what readers get, all of it.
      if (catalogRow().pairs_generation === 1) reads.push(partnersOf('P-00'));
    }, 0);
    try {
      expect(await build(db, SINCE, TINY)).toBe(true);
    } finally {
      clearInterval(timer);
    }
    expect(turns).toBeGreaterThan(5);
    expect(reads.length).toBeGreaterThan(0);
    for (const read of await Promise.all(reads)) expect(read).toEqual(readBefore);
    expect(published()).toEqual(expected);
    expect(published()).not.toEqual(before);
  });

  it('leaves the catalog to a build that holds a live lease, and takes over one whose lease ran out', async () => {
    insertEvents(t.db, shop, traffic(5));
    t.db.prepare('UPDATE catalogs SET insights_lease = ?, insights_lease_until = ? WHERE id = ?').run('other-build', Date.now() + 60_000, shop);
    expect(await build(db, SINCE, TINY)).toBeNull();
    expect(published()).toEqual([]);
    expect(catalogRow().insights_lease).toBe('other-build');

    // That build died half-way: its lease runs out, its sources and unpublished pairs stay behind.
    t.db.prepare('UPDATE catalogs SET insights_lease_until = ? WHERE id = ?').run(Date.now() - 1, shop);
    t.db.prepare("INSERT INTO pair_sources (catalog_id, type, product_id, visitor_id) VALUES (?, 'view_item', 'P-99', 'visitor-dead')").run(shop);
    t.db.prepare("INSERT INTO product_pairs (catalog_id, generation, type, product_id, other_id, visitors) VALUES (?, 1, 'view_item', 'P-99', 'P-98', 50)").run(shop);
    expect(await build(db, SINCE, TINY)).toBe(true);
    expect(published()).toEqual(await reference());
    expect(count("SELECT count(*) AS n FROM product_pairs WHERE product_id = 'P-99'")).toBe(0);
    expect(count('SELECT count(*) AS n FROM pair_sources')).toBe(0);
    expect(catalogRow().insights_lease).toBeNull();
  });

  it('gives up without publishing, or writing anything more, when another build takes the lease over mid-way', async () => {
    insertEvents(t.db, shop, traffic(6));
    let batches = 0;
    let sourcesAtTakeover = -1;
    const stalled: SqlDriver = {
      ...db,
      batch: async (statements) => {
        // After a few chunks this build stalls past its lease and another one takes the catalog.
        if (++batches === 4) {
          t.db.prepare('UPDATE catalogs SET insights_lease = ?, insights_lease_until = ? WHERE id = ?').run('newer-build', Date.now() + 60_000, shop);
          sourcesAtTakeover = count('SELECT count(*) AS n FROM pair_sources');
        }
        return db.batch(statements);
      },
    };
    expect(await build(stalled, SINCE, TINY)).toBeNull();
    expect(catalogRow()).toMatchObject({ pairs_generation: 0, insights_lease: 'newer-build' });
    expect(published()).toEqual([]);
    // The chunk it ran after losing the lease wrote nothing, and it deleted nothing of what the
    // new owner works from.
    expect(sourcesAtTakeover).toBeGreaterThan(0);
    expect(count('SELECT count(*) AS n FROM pair_sources')).toBe(sourcesAtTakeover);
  });

  it('deletes its visitor ids when it fails, and retention deletes those a dead build left', async () => {
    insertEvents(t.db, shop, traffic(9));
    let batches = 0;
    const failing: SqlDriver = {
      ...db,
      batch: async (statements) => {
        if (++batches === 6) throw new Error('disk I/O error');
        return db.batch(statements);
      },
    };
    await expect(build(failing, SINCE, TINY)).rejects.toThrow('disk I/O error');
    expect(count('SELECT count(*) AS n FROM pair_sources')).toBe(0);
    expect(catalogRow().insights_lease).toBeNull();

    // A process that died mid-build deletes nothing: its lease runs out, retention cleans up.
    t.db.prepare("INSERT INTO pair_sources (catalog_id, type, product_id, visitor_id) VALUES (?, 'view_item', 'P-01', 'visitor-001')").run(shop);
    t.db.prepare('UPDATE catalogs SET insights_lease = ?, insights_lease_until = ? WHERE id = ?').run('dead-build', Date.now() + 60_000, shop);
    await t.deps.signals.purgeBefore(shop, '2020-01-01T00:00:00.000Z');
    expect(count('SELECT count(*) AS n FROM pair_sources')).toBe(1);
    t.db.prepare('UPDATE catalogs SET insights_lease_until = ? WHERE id = ?').run(Date.now() - 1, shop);
    await t.deps.signals.purgeBefore(shop, '2020-01-01T00:00:00.000Z');
    expect(count('SELECT count(*) AS n FROM pair_sources')).toBe(0);
  });

  it('erases a visitor from a build under way', async () => {
    insertEvents(t.db, shop, traffic(7));
    let erased = false;
    const interrupted: SqlDriver = {
      ...db,
      batch: async (statements) => {
        const result = await db.batch(statements);
        // Once the sources are written (the pairs pass has begun), the visitor asks to be forgotten.
        if (!erased && statements.some((s) => s.sql.includes('INSERT OR IGNORE INTO product_pairs'))) {
          erased = true;
          expect(count("SELECT count(*) AS n FROM pair_sources WHERE visitor_id = 'visitor-heavy'")).toBeGreaterThan(0);
          await t.deps.signals.eraseVisitor(shop, 'visitor-heavy');
          expect(count("SELECT count(*) AS n FROM pair_sources WHERE visitor_id = 'visitor-heavy'")).toBe(0);
        }
        return result;
      },
    };
    expect(await build(interrupted, SINCE, TINY)).toBe(true);
    expect(erased).toBe(true);
    expect(count("SELECT count(*) AS n FROM events WHERE visitor_id = 'visitor-heavy'")).toBe(0);
  });

  it('publishes an empty set for a catalog without events in the window, and replaces an old one with it', async () => {
    expect(await build(db, SINCE, TINY)).toBe(true);
    expect(published()).toEqual([]);
    insertEvents(t.db, shop, traffic(8));
    await build(db, SINCE, TINY);
    expect(published().length).toBeGreaterThan(0);
    // A month later every event is outside the window.
    expect(await build(db, NOW.toISOString(), TINY)).toBe(true);
    expect(published()).toEqual([]);
    expect(count('SELECT count(*) AS n FROM product_pairs')).toBe(0);
  });
});
