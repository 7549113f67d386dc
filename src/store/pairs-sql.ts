/**
 * "Viewed together" and "bought together" (recommendations' cross-sell), computed with each label
 * refresh into product_pairs. Finding, per request, the visitors who viewed a product needs an
 * index of every event by product, which is what made ingestion expensive
 * (migrations/0005_signals_write_path.sql); these pairs change slowly, so an hourly snapshot
 * serves them, and a recommendation reads a few rows.
 *
 * Bounded on both sides so one heavy visitor or one popular product costs the same as any other:
 * a visitor contributes their PAIR_PRODUCTS most recent distinct products of the type (at most
 * 90 pairs each), and a product keeps its PAIRS_PER_PRODUCT most shared partners.
 *
 * Built in chunks whose size does not grow with the shop (migrations/0008_insights_in_chunks.sql):
 * 1. pair_sources, a range of visitors at a time: each one's recent products;
 * 2. product_pairs under the next generation, a range of products at a time;
 * 3. one statement moves catalogs.pairs_generation, which readers follow; then the sources and
 *    the old generation are deleted, again in chunks.
 * A turn of the event loop separates the chunks (./chunked), so on Node requests are served in
 * between. It runs under the insights build's lease (./catalog-lease), after the labels.
 */
import { leaseHeld, LeaseLost, type CatalogLease } from './catalog-lease';
import { deleteInChunks, EVENT_VISITOR_BOUND, inRanges } from './chunked';
import type { SqlDriver, SqlStatement, SqlValue } from './sql';

export const PAIR_TYPES = ['view_item', 'purchase'] as const;
export type PairType = (typeof PAIR_TYPES)[number];
const PAIR_PRODUCTS = 10;
const PAIRS_PER_PRODUCT = 20;

export interface PairChunks {
  /** events (of any type or age) whose visitors one pair_sources chunk covers */
  sourceEvents: number;
  /** pair_sources rows whose products one product_pairs chunk covers */
  pairSources: number;
  /** rows per DELETE when clearing sources and old generations */
  deleteRows: number;
}

/**
 * Sized for ~50-100 ms of SQLite each on Node (bench/insights.ts). D1, with no event loop to share
 * and a budget of calls per invocation, takes larger ones (src/runtime/worker-parts.ts).
 */
export const PAIR_CHUNKS: PairChunks = { sourceEvents: 10_000, pairSources: 10_000, deleteRows: 10_000 };

const TYPES_SQL = PAIR_TYPES.map((t) => `'${t}'`).join(', ');

/**
 * ?1 catalog, ?2 window start (ISO), ?3 visitors after, ?4 visitors up to, ?5 products per visitor,
 * ?6 lease token.
 * `+e.occurred_at` keeps the planner on events_visitor (the chunk's visitors), not events_time.
 */
const INSERT_SOURCES = `INSERT OR IGNORE INTO pair_sources (catalog_id, type, product_id, visitor_id)
SELECT ?1, type, product_id, visitor_id FROM (
  SELECT visitor_id, type, product_id,
    row_number() OVER (PARTITION BY visitor_id, type ORDER BY last DESC, product_id) AS pos
  FROM (
    SELECT e.visitor_id, e.type, j.value ->> 0 AS product_id, max(e.occurred_at) AS last
    FROM events e, json_each(e.items) j
    WHERE e.catalog_id = ?1 AND e.visitor_id > ?3 AND e.visitor_id <= ?4
      AND +e.occurred_at >= ?2 AND e.type IN (${TYPES_SQL})
    GROUP BY e.visitor_id, e.type, product_id))
WHERE pos <= ?5 AND ${leaseHeld('?6')}`;

/** As EVENT_VISITOR_BOUND (./chunked), over the products of pair_sources of one type (?2), after ?3, ?4 rows on. */
const PRODUCT_BOUND = `SELECT
  (SELECT product_id FROM pair_sources WHERE catalog_id = ?1 AND type = ?2 AND product_id > ?3 ORDER BY product_id LIMIT 1 OFFSET ?4) AS hi,
  (SELECT max(product_id) FROM pair_sources WHERE catalog_id = ?1 AND type = ?2) AS last`;

/**
 * ?1 catalog, ?2 type, ?3 products after, ?4 products up to, ?5 generation, ?6 pairs per product,
 * ?7 lease token.
 * `a` is read along the primary key (the chunk's products), `b` along pair_sources_visitor.
 */
const INSERT_PAIRS = `INSERT OR IGNORE INTO product_pairs (catalog_id, generation, type, product_id, other_id, visitors)
SELECT ?1, ?5, ?2, product_id, other_id, visitors FROM (
  SELECT product_id, other_id, visitors,
    row_number() OVER (PARTITION BY product_id ORDER BY visitors DESC, other_id) AS pos
  FROM (
    SELECT a.product_id, b.product_id AS other_id, count(*) AS visitors
    FROM pair_sources a JOIN pair_sources b
      ON b.catalog_id = a.catalog_id AND b.visitor_id = a.visitor_id AND b.type = a.type AND b.product_id <> a.product_id
    WHERE a.catalog_id = ?1 AND a.type = ?2 AND a.product_id > ?3 AND a.product_id <= ?4
    GROUP BY a.product_id, b.product_id))
WHERE pos <= ?6 AND ${leaseHeld('?7')}`;

/** Row-value deletes: both tables are WITHOUT ROWID. ?1 catalog, ?2 rows, ?3 lease token, ?4 generation kept. */
const DELETE_SOURCES = `DELETE FROM pair_sources WHERE (catalog_id, type, product_id, visitor_id) IN (
  SELECT catalog_id, type, product_id, visitor_id FROM pair_sources WHERE catalog_id = ?1 AND ${leaseHeld('?3')} LIMIT ?2)`;
const DELETE_OTHER_GENERATIONS = `DELETE FROM product_pairs WHERE (catalog_id, generation, type, product_id, other_id) IN (
  SELECT catalog_id, generation, type, product_id, other_id FROM product_pairs
  WHERE catalog_id = ?1 AND generation <> ?4 AND ${leaseHeld('?3')} LIMIT ?2)`;
/**
 * Sources no build is working from (one died before deleting them): ?1 catalog, ?2 rows, ?3 now
 * in ms. Retention deletes them, so visitor ids never outlive a failed build for long.
 */
const DELETE_ABANDONED_SOURCES = `DELETE FROM pair_sources WHERE (catalog_id, type, product_id, visitor_id) IN (
  SELECT catalog_id, type, product_id, visitor_id FROM pair_sources WHERE catalog_id = ?1
    AND NOT EXISTS (SELECT 1 FROM catalogs WHERE id = ?1 AND insights_lease IS NOT NULL AND insights_lease_until >= ?3) LIMIT ?2)`;

/** Only while the lease is ours: ?1 catalog, ?2 lease token, ?3 generation. */
const PUBLISH = 'UPDATE catalogs SET pairs_generation = ?3 WHERE id = ?1 AND insights_lease = ?2';

/**
 * Partners of any of the seeds (a JSON array, ?3) in the published generation, most shared
 * first, seeds themselves left out.
 */
export const PARTNERS = `SELECT other_id FROM product_pairs
  WHERE catalog_id = ?1 AND generation = (SELECT pairs_generation FROM catalogs WHERE id = ?1)
    AND type = ?2 AND product_id IN (SELECT value FROM json_each(?3))
    AND other_id NOT IN (SELECT value FROM json_each(?3))
  GROUP BY other_id ORDER BY sum(visitors) DESC, other_id LIMIT ?4`;

/**
 * The statement that takes a visitor's rows out of a build under way (erasure): sources are
 * visitor ids; the pairs counted from them are anonymous, like the day counts.
 */
export function eraseSourcesStatement(catalogId: number, visitorsSql: string, params: readonly SqlValue[]): SqlStatement {
  return { sql: `DELETE FROM pair_sources WHERE catalog_id = ? AND visitor_id IN (${visitorsSql})`, params: [catalogId, ...params] };
}

/**
 * Recomputes the catalog's pairs from the events since `since` and publishes them, under the
 * lease of the insights build (./catalog-lease).
 */
export async function refreshPairs(db: SqlDriver, lease: CatalogLease, since: string, chunks: PairChunks = PAIR_CHUNKS): Promise<void> {
  const { catalogId, token } = lease;
  const deleteSources = () => deleteInChunks(db, DELETE_SOURCES, catalogId, chunks.deleteRows, [token]);
  const current = (await db.get<{ g: number }>('SELECT pairs_generation AS g FROM catalogs WHERE id = ?', [catalogId]))?.g ?? 0;
  const next = current + 1;
  // What a build that died left behind.
  await deleteSources();
  await deleteInChunks(db, DELETE_OTHER_GENERATIONS, catalogId, chunks.deleteRows, [token, current]);

  try {
    await inRanges(
      (lo) => db.get(EVENT_VISITOR_BOUND, [catalogId, lo, chunks.sourceEvents]),
      async (lo, hi) => {
        await lease.step([{ sql: INSERT_SOURCES, params: [catalogId, since, lo, hi, PAIR_PRODUCTS, token] }]);
      },
    );
    for (const type of PAIR_TYPES) {
      await inRanges(
        (lo) => db.get(PRODUCT_BOUND, [catalogId, type, lo, chunks.pairSources]),
        async (lo, hi) => {
          await lease.step([{ sql: INSERT_PAIRS, params: [catalogId, type, lo, hi, next, PAIRS_PER_PRODUCT, token] }]);
        },
      );
    }
  } catch (err) {
    // The visitor ids go with the failed build, while it still holds the lease (a lost lease
    // leaves them to the build that took over).
    if (!(err instanceof LeaseLost)) await deleteSources().catch(() => undefined);
    throw err;
  }
  const [published] = await lease.step([{ sql: PUBLISH, params: [catalogId, token, next] }]);
  if (!published?.changes) throw new LeaseLost();
  // Published: readers follow the new generation. The sources (visitor ids) and the old
  // generation go; a build that dies here leaves them to the next one, which deletes them first,
  // or to retention (deleteAbandonedSources).
  await deleteSources();
  await deleteInChunks(db, DELETE_OTHER_GENERATIONS, catalogId, chunks.deleteRows, [token, next]);
}

/** Deletes pair_sources rows of the catalog when no live build holds it (retention runs this). */
export function deleteAbandonedSources(db: SqlDriver, catalogId: number, rows: number): Promise<number> {
  return deleteInChunks(db, DELETE_ABANDONED_SOURCES, catalogId, rows, [Date.now()]);
}
