/**
 * The InsightStore over any SqlDriver (better-sqlite3, D1): labels, recommendation candidates,
 * audience segments. Set-based SQL throughout: a label refresh is an INSERT … SELECT per range of
 * products (src/store/labels-sql.ts), not a query per product; segment membership is one
 * condition per kind (src/store/segments-sql.ts).
 *
 * Tables and why they are shaped so: migrations/0005_signals_write_path.sql. Catalog-wide counts
 * read product_event_days (per product and day); co-occurrence reads product_pairs, written
 * by each label refresh (./pairs-sql); one visitor's history and segment membership read events
 * through events_visitor (catalog, visitor, time), the products of each event from events.items.
 */
import { LABELS, LONG_WINDOW_DAYS, type Label, type LabelThresholds } from '../insights/labels';
import type { InsightStore, LabelSet, RecProduct, StoredSegment } from '../insights/port';
import type { SegmentDefinition } from '../insights/segments';
import { nextTurn } from '../util/turn';
import { rollUpEvents } from './event-rollup';
import { withCatalogLease } from './catalog-lease';
import { ago, LABEL_CHUNKS, refreshLabelSet, type LabelChunks } from './labels-sql';
import { PAIR_CHUNKS, PARTNERS, refreshPairs, type PairChunks } from './pairs-sql';
import { segmentCondition } from './segments-sql';
import type { SqlDriver } from './sql';

interface SegmentRow {
  name: string;
  definition: string;
  created_at: string;
  updated_at: string;
}

const toSegment = (r: SegmentRow): StoredSegment => ({
  name: r.name,
  definition: JSON.parse(r.definition) as SegmentDefinition,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

/** Live, in stock, ordered by a label-set column: shared by the candidate queries. */
const CANDIDATES = `SELECT p.item_id FROM products p
  LEFT JOIN product_labels l ON l.catalog_id = ?1 AND l.labels_version = ?2 AND l.product_id = p.item_id
  WHERE p.catalog_id = ?1 AND p.valid_to IS NULL AND p.availability <> 'out_of_stock'`;

/** What a visitor's search is matched against (SQLite's lower() folds ASCII only). */
const SEARCHED_TEXT = "lower(p.title || ' ' || coalesce(p.brand, '') || ' ' || coalesce(p.product_type, ''))";

export interface InsightStoreOptions {
  /** how much one statement of the label refresh covers (./labels-sql) */
  labelChunks?: LabelChunks;
  /** how much one statement of the pairs refresh covers (./pairs-sql) */
  pairChunks?: PairChunks;
  /**
   * visitors one segment count statement tests, and an export page looks at at least (default
   * 2,000: ~100 ms of SQLite for cart abandoners, bench/insights.ts)
   */
  visitorChunk?: number;
}

export function createInsightStore(db: SqlDriver, options: InsightStoreOptions = {}): InsightStore {
  const { labelChunks = LABEL_CHUNKS, pairChunks = PAIR_CHUNKS, visitorChunk = 2_000 } = options;
  async function labelSet(catalogId: number): Promise<LabelSet> {
    const catalog = await db.get<{ labels_version: number; labels_refreshed_at: string | null }>(
      'SELECT labels_version, labels_refreshed_at FROM catalogs WHERE id = ?',
      [catalogId],
    );
    const version = catalog?.labels_version ?? 0;
    const labelled = Object.fromEntries(LABELS.map((l) => [l, 0])) as Record<Label, number>;
    const total = await db.get<{ n: number }>(
      'SELECT count(*) AS n FROM product_labels WHERE catalog_id = ? AND labels_version = ?',
      [catalogId, version],
    );
    const rows = await db.all<{ label: string; n: number }>(
      `SELECT j.value AS label, count(*) AS n FROM product_labels l, json_each(l.labels) j
       WHERE l.catalog_id = ? AND l.labels_version = ? AND l.labels <> '[]' GROUP BY j.value`,
      [catalogId, version],
    );
    for (const r of rows) if (r.label in labelled) labelled[r.label as Label] = r.n;
    return { labels_version: version, refreshed_at: catalog?.labels_refreshed_at ?? null, products: total?.n ?? 0, labelled };
  }

  return {
    async refreshLabels(catalogId, now, t: LabelThresholds) {
      // The labels read the per-product day counts: bring them up to date first.
      await rollUpEvents(db);
      // Labels, then pairs, each published in one statement of its own, in chunks of bounded
      // size between them. While another build holds the catalog, its result will be as fresh:
      // answer with the set published now.
      await withCatalogLease(db, catalogId, async (lease) => {
        await refreshLabelSet(db, lease, now, t, labelChunks);
        await refreshPairs(db, lease, ago(now, LONG_WINDOW_DAYS), pairChunks);
      });
      return labelSet(catalogId);
    },

    labelSet,

    async personalisable(catalogId, visitorId) {
      const row = await db.get<{ ad_consent: number }>(
        'SELECT ad_consent FROM visitors WHERE catalog_id = ? AND visitor_id = ?',
        [catalogId, visitorId],
      );
      return row?.ad_consent === 1;
    },

    async visitorHistory(catalogId, visitorId, since, limit) {
      return db.all(
        `SELECT j.value ->> 0 AS product_id, e.type, e.occurred_at FROM events e, json_each(e.items) j
         WHERE e.catalog_id = ? AND e.visitor_id = ? AND e.occurred_at >= ?
           AND e.type IN ('view_item', 'add_to_cart', 'remove_from_cart', 'purchase')
         ORDER BY e.occurred_at DESC LIMIT ?`,
        [catalogId, visitorId, since, limit],
      );
    },

    async recentSearches(catalogId, visitorId, since, limit) {
      const rows = await db.all<{ q: string }>(
        `SELECT lower(trim(search_query)) AS q FROM events
         WHERE catalog_id = ? AND visitor_id = ? AND occurred_at >= ? AND type = 'search' AND search_query IS NOT NULL
         GROUP BY q ORDER BY max(occurred_at) DESC LIMIT ?`,
        [catalogId, visitorId, since, limit],
      );
      return rows.map((r) => r.q).filter((q) => q !== '');
    },

    async recProducts(catalogId, ids) {
      if (ids.length === 0) return [];
      // `+c.valid_to` keeps the parent check on products_group (catalog, item_group_id).
      const rows = await db.all<Omit<RecProduct, 'has_variants'> & { has_variants: number }>(
        `SELECT p.item_id AS id, p.title, p.link, p.image_link, p.availability, p.quantity,
                p.price_micros, p.sale_price_micros, p.currency, p.product_type,
                EXISTS (SELECT 1 FROM products c WHERE c.catalog_id = ?1 AND c.item_group_id = p.item_id
                          AND c.item_id <> p.item_id AND +c.valid_to IS NULL) AS has_variants
         FROM products p
         WHERE p.catalog_id = ?1 AND p.valid_to IS NULL AND p.item_id IN (SELECT value FROM json_each(?2))`,
        [catalogId, JSON.stringify(ids)],
      );
      return rows.map((r) => ({ ...r, has_variants: r.has_variants === 1 }));
    },

    async productsMatching(catalogId, words, labelsVersion, limit) {
      if (words.length === 0) return [];
      const tests = words.map((_, i) => `instr(${SEARCHED_TEXT}, ?${i + 4}) > 0`).join(' AND ');
      const rows = await db.all<{ item_id: string }>(
        `${CANDIDATES} AND ${tests}
         ORDER BY coalesce(l.purchases_30d, 0) DESC, coalesce(l.views_30d, 0) DESC, p.item_id LIMIT ?3`,
        [catalogId, labelsVersion, limit, ...words],
      );
      return rows.map((r) => r.item_id);
    },

    async productsOfType(catalogId, productType, labelsVersion, limit) {
      const rows = await db.all<{ item_id: string }>(
        `${CANDIDATES} AND p.product_type = ?4
         ORDER BY coalesce(l.views_30d, 0) DESC, coalesce(l.purchases_30d, 0) DESC, p.item_id LIMIT ?3`,
        [catalogId, labelsVersion, limit, productType],
      );
      return rows.map((r) => r.item_id);
    },

    async alsoInteracted(catalogId, seeds, type, limit) {
      if (seeds.length === 0) return [];
      const rows = await db.all<{ other_id: string }>(PARTNERS, [catalogId, type, JSON.stringify(seeds), limit]);
      return rows.map((r) => r.other_id);
    },

    async bestSellers(catalogId, labelsVersion, since, limit) {
      if (labelsVersion > 0) {
        const rows = await db.all<{ item_id: string }>(
          `${CANDIDATES} ORDER BY coalesce(l.purchases_30d, 0) DESC, coalesce(l.views_30d, 0) DESC, p.item_id LIMIT ?3`,
          [catalogId, labelsVersion, limit],
        );
        return rows.map((r) => r.item_id);
      }
      // No label set yet: count purchases from the day counts, brought up to date.
      await rollUpEvents(db);
      const rows = await db.all<{ item_id: string }>(
        `SELECT p.item_id FROM products p
         LEFT JOIN (SELECT product_id, sum(purchases) AS n FROM product_event_days
                    WHERE catalog_id = ?1 AND day >= substr(?2, 1, 10) GROUP BY product_id) s
           ON s.product_id = p.item_id
         WHERE p.catalog_id = ?1 AND p.valid_to IS NULL AND p.availability <> 'out_of_stock'
         ORDER BY coalesce(s.n, 0) DESC, p.item_id LIMIT ?3`,
        [catalogId, since, limit],
      );
      return rows.map((r) => r.item_id);
    },

    async putSegment(catalogId, name, definition, now) {
      const existed = await db.get<{ n: number }>('SELECT 1 AS n FROM segments WHERE catalog_id = ? AND name = ?', [
        catalogId,
        name,
      ]);
      await db.run(
        `INSERT INTO segments (catalog_id, name, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (catalog_id, name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`,
        [catalogId, name, JSON.stringify(definition), now, now],
      );
      const row = await db.get<SegmentRow>('SELECT * FROM segments WHERE catalog_id = ? AND name = ?', [catalogId, name]);
      return { segment: toSegment(row!), created: !existed };
    },

    async getSegment(catalogId, name) {
      const row = await db.get<SegmentRow>('SELECT * FROM segments WHERE catalog_id = ? AND name = ?', [catalogId, name]);
      return row ? toSegment(row) : null;
    },

    async listSegments(catalogId) {
      return (await db.all<SegmentRow>('SELECT * FROM segments WHERE catalog_id = ? ORDER BY name', [catalogId])).map(
        toSegment,
      );
    },

    async deleteSegment(catalogId, name) {
      const r = await db.run('DELETE FROM segments WHERE catalog_id = ? AND name = ?', [catalogId, name]);
      return r.changes > 0;
    },

    async countSegment(catalogId, definition, since) {
      const cond = segmentCondition(definition, since);
      // A range of visitors per statement (each tested against its own events), summed: a count
      // over every visitor at once held Node's main thread for as long as the shop is big. Each
      // statement finds its own range's end (`bound`), so a range is one database call.
      const counts = { visitors: 0, exportable: 0 };
      for (let lo = ''; ; ) {
        const r = await db.get<{ hi: string | null; visitors: number; exportable: number | null }>(
          `WITH bound AS (SELECT max(visitor_id) AS hi FROM (
             SELECT visitor_id FROM visitors WHERE catalog_id = ? AND visitor_id > ? ORDER BY visitor_id LIMIT ?))
           SELECT bound.hi AS hi, count(v.visitor_id) AS visitors, sum(v.email_sha256 IS NOT NULL AND v.ad_consent = 1) AS exportable
           FROM bound LEFT JOIN visitors v ON v.catalog_id = ? AND v.visitor_id > ? AND v.visitor_id <= bound.hi AND ${cond.sql}`,
          [catalogId, lo, visitorChunk, catalogId, lo, ...cond.params],
        );
        if (!r?.hi) return counts;
        counts.visitors += r.visitors;
        counts.exportable += r.exportable ?? 0;
        lo = r.hi;
        await nextTurn();
      }
    },

    async pageSegmentHashes(catalogId, definition, since, after, limit) {
      const cond = segmentCondition(definition, since);
      // Along the partial index visitors_email: each address once (two visitor ids can share
      // one), in hash order, so the export keeps nothing in memory to deduplicate. A page is the
      // next `limit` hashed visitors, whichever of them match: paging by matches instead made a
      // page of a rare segment scan every visitor after `after`.
      const bound = await db.get<{ hi: string | null }>(
        `SELECT max(email_sha256) AS hi FROM (
           SELECT email_sha256 FROM visitors WHERE catalog_id = ? AND email_sha256 IS NOT NULL AND email_sha256 > ?
           ORDER BY email_sha256 LIMIT ?)`,
        // Never fewer than a visitor range: Workers look at 50,000 a page, far fewer D1 calls.
        [catalogId, after, Math.max(limit, visitorChunk)],
      );
      if (!bound?.hi) return { hashes: [], next: null };
      const rows = await db.all<{ email_sha256: string }>(
        `SELECT DISTINCT v.email_sha256 FROM visitors v
         WHERE v.catalog_id = ? AND v.email_sha256 IS NOT NULL AND v.email_sha256 > ? AND v.email_sha256 <= ? AND v.ad_consent = 1
           AND ${cond.sql}
         ORDER BY v.email_sha256`,
        [catalogId, after, bound.hi, ...cond.params],
      );
      return { hashes: rows.map((r) => r.email_sha256), next: bound.hi };
    },
  };
}
