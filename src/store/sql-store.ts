/**
 * The catalog Store over any SqlDriver (better-sqlite3, D1). Its SQL lives here; the signals and
 * insights stores sit beside it in src/store/.
 *
 * Statements stay within D1's limits: at most 100 bound parameters each (three product rows per
 * INSERT), and multi-statement work goes through `batch`, which is one transaction on both drivers.
 */
import type { Catalog, ConsentMode } from '../catalog/catalog';
import { PERFORMANCE_SELECT, performanceFromValues } from './performance-row';
import { PRODUCT_COLUMNS, PRODUCT_WIDTH, productFromValues, productSelect, pushProductValues } from './product-row';
import type {
  FeedFetch,
  FeedProduct,
  ImportChanges,
  ImportMode,
  ImportReport,
  ImportStatus,
  PricePoint,
  ProductHistory,
  ProductPage,
  StockPoint,
  Store,
  VariantLink,
} from './port';
import type { Migration, SqlDriver, SqlStatement, SqlValue } from './sql';

interface CatalogRow {
  id: number;
  slug: string;
  title: string;
  link: string;
  currency: string;
  locale: string;
  timezone: string;
  consent_mode: string;
  allowed_origins: string;
  retention_days: number;
  max_drop_share: number;
  version: number;
  created_at: string;
  updated_at: string;
}

function toCatalog(row: CatalogRow): Catalog {
  return {
    ...row,
    consent_mode: row.consent_mode as ConsentMode,
    allowed_origins: JSON.parse(row.allowed_origins) as string[],
  };
}

const COLS = PRODUCT_COLUMNS.join(', ');
const STAGED_COLS = PRODUCT_COLUMNS.map((c) => `s.${c}`).join(', ');
const PLACEHOLDERS = ['?', '?', ...PRODUCT_COLUMNS.map(() => '?')].join(', ');

/** A product row visible to a reader pinned at catalog version ?2 (alias `p`). */
const VISIBLE_AT = 'p.valid_from <= ?2 AND (p.valid_to IS NULL OR p.valid_to > ?2)';
const CURRENT_VERSION = '(SELECT version FROM catalogs WHERE id = ?1)';

/** Which live rows an import closes, by mode. Unchanged rows (same hash) stay open under replace/upsert. */
const CLOSE_WHERE: Record<ImportMode, string> = {
  replace: `NOT EXISTS (SELECT 1 FROM staged_products s WHERE s.import_id = ?2 AND s.item_id = products.item_id AND s.content_hash = products.content_hash)`,
  upsert: `EXISTS (SELECT 1 FROM staged_products s WHERE s.import_id = ?2 AND s.item_id = products.item_id AND s.content_hash <> products.content_hash)`,
  delete: `EXISTS (SELECT 1 FROM staged_ids s WHERE s.import_id = ?2 AND s.item_id = products.item_id)`,
};

export interface SqlStoreOptions {
  /**
   * This process, recorded on the imports it starts (`host:pid` on Node), so recovery in another
   * process can tell a live import from a crashed one.
   */
  importOwner?: string;
}

export function createSqlStore(db: SqlDriver, options: SqlStoreOptions = {}): Store {
  return {
    async migrate(migrations: readonly Migration[]) {
      // Same bookkeeping table as `wrangler d1 migrations apply`, so either tool can migrate a database.
      await db.exec(
        'CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)',
      );
      const done = new Set((await db.all<{ name: string }>('SELECT name FROM d1_migrations')).map((r) => r.name));
      const applied: string[] = [];
      for (const m of [...migrations].sort((a, b) => a.name.localeCompare(b.name))) {
        if (done.has(m.name)) continue;
        await db.exec(`BEGIN; ${m.sql}; INSERT INTO d1_migrations (name) VALUES ('${m.name.replace(/'/g, "''")}'); COMMIT;`);
        applied.push(m.name);
      }
      return applied;
    },

    async ping() {
      await db.get('SELECT 1 AS ok');
    },

    async getCatalog(slug) {
      const row = await db.get<CatalogRow>('SELECT * FROM catalogs WHERE slug = ?', [slug]);
      return row ? toCatalog(row) : null;
    },

    async listCatalogs() {
      return (await db.all<CatalogRow>('SELECT * FROM catalogs ORDER BY slug')).map(toCatalog);
    },

    async putCatalog(slug, s, now) {
      const values = [
        s.title,
        s.link,
        s.currency,
        s.locale,
        s.timezone,
        s.consent_mode,
        JSON.stringify(s.allowed_origins),
        s.retention_days,
        s.max_drop_share,
      ];
      const existing = await db.get<{ id: number }>('SELECT id FROM catalogs WHERE slug = ?', [slug]);
      if (existing) {
        // Settings feed into every feed (link, currency, title): a change is a new version.
        await db.batch([
          {
            sql: `UPDATE catalogs SET title = ?, link = ?, currency = ?, locale = ?, timezone = ?, consent_mode = ?,
                  allowed_origins = ?, retention_days = ?, max_drop_share = ?, version = version + 1, updated_at = ?
                  WHERE id = ?`,
            params: [...values, now, existing.id],
          },
          {
            sql: 'INSERT INTO catalog_versions (catalog_id, version, published_at) SELECT id, version, ? FROM catalogs WHERE id = ?',
            params: [now, existing.id],
          },
        ]);
      } else {
        await db.run(
          `INSERT INTO catalogs (slug, title, link, currency, locale, timezone, consent_mode, allowed_origins,
             retention_days, max_drop_share, version, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
          [slug, ...values, now, now],
        );
      }
      const row = await db.get<CatalogRow>('SELECT * FROM catalogs WHERE slug = ?', [slug]);
      return { catalog: toCatalog(row!), created: !existing };
    },

    async createImport(catalogId, mode, format, now) {
      const r = await db.run(
        `INSERT INTO imports (catalog_id, mode, format, status, created_at, owner) VALUES (?, ?, ?, 'staging', ?, ?)`,
        [catalogId, mode, format, now, options.importOwner ?? null],
      );
      return r.lastRowId;
    },

    async stageProducts(importId, products) {
      // Three rows per INSERT: 3 × 30 parameters stays within D1's 100 a statement, and a
      // third of the statements to bind and step. VALUES rows are inserted in order, so a
      // later row with an id already staged still replaces it.
      const perInsert = 3;
      const sql = (rows: number) =>
        `INSERT OR REPLACE INTO staged_products (import_id, item_id, content_hash, ${COLS}) VALUES ${Array(rows).fill(`(?, ${PLACEHOLDERS})`).join(', ')}`;
      const full = sql(perInsert);
      const statements: SqlStatement[] = [];
      for (let i = 0; i < products.length; i += perInsert) {
        const rows = Math.min(perInsert, products.length - i);
        const params: SqlValue[] = [];
        for (let j = i; j < i + rows; j++) {
          params.push(importId);
          pushProductValues(params, products[j]!.product, products[j]!.hash);
        }
        statements.push({ sql: rows === perInsert ? full : sql(rows), params });
      }
      await db.batch(statements);
    },

    async stageIds(importId, ids) {
      const sql = 'INSERT OR IGNORE INTO staged_ids (import_id, item_id) VALUES (?, ?)';
      await db.batch(ids.map((id) => ({ sql, params: [importId, id] })));
    },

    async applyVariantLinks(importId, links: VariantLink[]) {
      // Only fill what the variant row itself left empty: its own columns win over the parent's spec.
      // The link is part of the row's content, so it goes into the hash too (else publish sees "unchanged").
      const sql = `UPDATE staged_products SET
          item_group_id = COALESCE(item_group_id, ?), color = COALESCE(color, ?), size = COALESCE(size, ?),
          content_hash = content_hash || ':' || ?
        WHERE import_id = ? AND item_id = ?`;
      for (let i = 0; i < links.length; i += 500) {
        await db.batch(
          links.slice(i, i + 500).map((l) => ({
            sql,
            params: [l.item_group_id, l.color ?? null, l.size ?? null, `${l.item_group_id}|${l.color ?? ''}|${l.size ?? ''}`, importId, l.id],
          })),
        );
      }
    },

    async diffImport(importId, catalogId, mode) {
      const live = await db.get<{ n: number }>(
        'SELECT count(*) AS n FROM products WHERE catalog_id = ? AND valid_to IS NULL',
        [catalogId],
      );
      const liveBefore = live?.n ?? 0;
      if (mode === 'delete') {
        const r = await db.get<{ removed: number }>(
          `SELECT count(*) AS removed FROM staged_ids s
           JOIN products p ON p.catalog_id = ?1 AND p.valid_to IS NULL AND p.item_id = s.item_id
           WHERE s.import_id = ?2`,
          [catalogId, importId],
        );
        return { live_before: liveBefore, added: 0, updated: 0, unchanged: 0, removed: r?.removed ?? 0 };
      }
      const r = await db.get<{ total: number; added: number | null; unchanged: number | null }>(
        `SELECT count(*) AS total,
                sum(CASE WHEN p.item_id IS NULL THEN 1 ELSE 0 END) AS added,
                sum(CASE WHEN p.content_hash = s.content_hash THEN 1 ELSE 0 END) AS unchanged
         FROM staged_products s
         LEFT JOIN products p ON p.catalog_id = ?1 AND p.valid_to IS NULL AND p.item_id = s.item_id
         WHERE s.import_id = ?2`,
        [catalogId, importId],
      );
      const total = r?.total ?? 0;
      const added = r?.added ?? 0;
      const unchanged = r?.unchanged ?? 0;
      const kept = total - added;
      const changes: ImportChanges = {
        live_before: liveBefore,
        added,
        updated: kept - unchanged,
        unchanged,
        removed: mode === 'replace' ? liveBefore - kept : 0,
      };
      return changes;
    },

    async publishImport(importId, catalogId, mode, now) {
      const p = [catalogId, importId, now];
      const statements: SqlStatement[] = [
        { sql: 'UPDATE catalogs SET version = version + 1, updated_at = ?3 WHERE id = ?1', params: p },
        {
          sql: `INSERT INTO catalog_versions (catalog_id, version, published_at) VALUES (?1, ${CURRENT_VERSION}, ?3)`,
          params: p,
        },
        {
          sql: `UPDATE products SET valid_to = ${CURRENT_VERSION}
                WHERE catalog_id = ?1 AND valid_to IS NULL AND ${CLOSE_WHERE[mode]}`,
          params: p,
        },
      ];
      if (mode !== 'delete') {
        statements.push(
          {
            sql: `INSERT INTO products (catalog_id, item_id, valid_from, valid_to, content_hash, ${COLS}, updated_at)
                  SELECT ?1, s.item_id, ${CURRENT_VERSION}, NULL, s.content_hash, ${STAGED_COLS}, ?3
                  FROM staged_products s
                  WHERE s.import_id = ?2 AND NOT EXISTS (
                    SELECT 1 FROM products p WHERE p.catalog_id = ?1 AND p.valid_to IS NULL AND p.item_id = s.item_id)`,
            params: p,
          },
          {
            // A price point for every product whose price is new or different from the row it replaced.
            sql: `INSERT OR IGNORE INTO price_history (catalog_id, item_id, version, observed_at, price_micros, sale_price_micros, currency)
                  SELECT p.catalog_id, p.item_id, p.valid_from, ?3, p.price_micros, p.sale_price_micros, p.currency
                  FROM products p
                  WHERE p.catalog_id = ?1 AND p.valid_from = ${CURRENT_VERSION} AND NOT EXISTS (
                    SELECT 1 FROM products q WHERE q.catalog_id = ?1 AND q.item_id = p.item_id AND q.valid_to = p.valid_from
                      AND q.price_micros = p.price_micros AND q.sale_price_micros IS p.sale_price_micros AND q.currency = p.currency)`,
            params: p,
          },
          {
            // Likewise an availability point when it is new or changed ("back in stock" creatives).
            sql: `INSERT OR IGNORE INTO availability_history (catalog_id, item_id, version, observed_at, availability)
                  SELECT p.catalog_id, p.item_id, p.valid_from, ?3, p.availability
                  FROM products p
                  WHERE p.catalog_id = ?1 AND p.valid_from = ${CURRENT_VERSION} AND NOT EXISTS (
                    SELECT 1 FROM products q WHERE q.catalog_id = ?1 AND q.item_id = p.item_id AND q.valid_to = p.valid_from
                      AND q.availability = p.availability)`,
            params: p,
          },
        );
      }
      statements.push(
        { sql: 'DELETE FROM staged_products WHERE import_id = ?2', params: p },
        { sql: 'DELETE FROM staged_ids WHERE import_id = ?2', params: p },
        {
          sql: `UPDATE imports SET status = 'published', finished_at = ?3, version = ${CURRENT_VERSION} WHERE id = ?2`,
          params: p,
        },
      );
      await db.batch(statements);
      const row = await db.get<{ version: number }>('SELECT version FROM catalogs WHERE id = ?', [catalogId]);
      return row!.version;
    },

    async saveImportReport(report) {
      await db.run('UPDATE imports SET status = ?, finished_at = ?, version = ?, report = ? WHERE id = ?', [
        report.status,
        report.finished_at,
        report.version,
        JSON.stringify(report),
        report.id,
      ]);
    },

    async getImportReport(catalogId, importId) {
      const row = await db.get<{ report: string | null }>(
        'SELECT report FROM imports WHERE id = ? AND catalog_id = ?',
        [importId, catalogId],
      );
      return row?.report ? (JSON.parse(row.report) as ImportReport) : null;
    },

    async listImports(catalogId, limit) {
      const rows = await db.all<{ report: string | null }>(
        'SELECT report FROM imports WHERE catalog_id = ? AND report IS NOT NULL ORDER BY id DESC LIMIT ?',
        [catalogId, limit],
      );
      return rows.map((r) => JSON.parse(r.report!) as ImportReport);
    },

    async discardStaged(importId) {
      await db.batch([
        { sql: 'DELETE FROM staged_products WHERE import_id = ?', params: [importId] },
        { sql: 'DELETE FROM staged_ids WHERE import_id = ?', params: [importId] },
      ]);
    },

    async recoverInterruptedImports(now, ownerIsAlive) {
      // runImport saves its report only when it finishes, so an import killed mid-way has none.
      // Without one it was invisible after the restart (GET .../imports/:id 404, left out of the
      // list) and the message below reached nobody: a minimal report is written from the row.
      // The same holds for one killed between its publish transaction and saving its report.
      // (issue 7, test/crash-safety.test.ts)
      type Row = { id: number; report: string | null; status: ImportStatus; version: number | null; owner: string | null } & Pick<
        ImportReport,
        'catalog' | 'mode' | 'format' | 'created_at'
      >;
      const stuck = await db.all<Row>(
        `SELECT i.id, i.report, i.status, i.version, i.owner, c.slug AS catalog, i.mode, i.format, i.created_at
         FROM imports i JOIN catalogs c ON c.id = i.catalog_id
         WHERE i.status = 'staging' OR (i.status = 'published' AND i.report IS NULL)`,
      );
      const minimal = (row: Row): ImportReport => ({
        id: row.id,
        catalog: row.catalog,
        mode: row.mode,
        format: row.format,
        status: row.status,
        created_at: row.created_at,
        finished_at: now,
        counts: { rows: 0, valid: 0, invalid: 0, warnings: 0 },
        changes: null,
        version: row.version,
        message: null,
        errors: [],
        warnings: [],
        issues_truncated: false,
      });
      let interrupted = 0;
      for (const row of stuck) {
        // another process that is still running owns it: not interrupted, leave it be
        if (row.owner !== null && row.owner !== options.importOwner && ownerIsAlive?.(row.owner, row.created_at)) continue;
        const report = row.report ? (JSON.parse(row.report) as ImportReport) : minimal(row);
        if (row.status === 'published') {
          await db.run('UPDATE imports SET report = ? WHERE id = ?', [JSON.stringify({ ...report, status: 'published' }), row.id]);
          continue;
        }
        interrupted++;
        const message = 'interrupted before it was published (the server stopped); the live catalog is unchanged';
        await db.batch([
          { sql: 'DELETE FROM staged_products WHERE import_id = ?', params: [row.id] },
          { sql: 'DELETE FROM staged_ids WHERE import_id = ?', params: [row.id] },
          {
            sql: "UPDATE imports SET status = 'failed', finished_at = ?, report = ? WHERE id = ?",
            params: [now, JSON.stringify({ ...report, status: 'failed', finished_at: now, message }), row.id],
          },
        ]);
      }
      return interrupted;
    },

    async pageFeedProducts(catalogId, version, after, limit, labelsVersion = 0) {
      // `+c.valid_from` keeps the planner on products_group (catalog, item_group_id) for the
      // parent check; left to itself it picks products_version and scans the whole catalog per row.
      // The LEFT JOIN is one primary-key probe per row into the label set the response is pinned to.
      const rows = await db.values(
        `SELECT ${productSelect('p')}, EXISTS (
            SELECT 1 FROM products c WHERE c.catalog_id = ?1 AND c.item_group_id = p.item_id AND c.item_id <> p.item_id
              AND +c.valid_from <= ?2 AND (c.valid_to IS NULL OR c.valid_to > ?2)),
            ${PERFORMANCE_SELECT}
         FROM products p
         LEFT JOIN product_labels l ON l.catalog_id = ?1 AND l.labels_version = ?5 AND l.product_id = p.item_id
         WHERE p.catalog_id = ?1 AND p.item_id > ?3 AND ${VISIBLE_AT}
         ORDER BY p.item_id LIMIT ?4`,
        [catalogId, version, after ?? '', limit, labelsVersion],
      );
      return rows.map((v): FeedProduct => {
        const product = productFromValues(v) as FeedProduct;
        product.has_variants = v[PRODUCT_WIDTH] === 1;
        product.performance = performanceFromValues(v, PRODUCT_WIDTH + 1);
        return product;
      });
    },

    async countProducts(catalogId, version) {
      const r = await db.get<{ n: number }>(
        `SELECT count(*) AS n FROM products p WHERE p.catalog_id = ?1 AND ${VISIBLE_AT}`,
        [catalogId, version],
      );
      return r?.n ?? 0;
    },

    async getProduct(catalogId, id) {
      const [row] = await db.values(
        `SELECT ${productSelect('p')} FROM products p WHERE p.catalog_id = ? AND p.valid_to IS NULL AND p.item_id = ?`,
        [catalogId, id],
      );
      return row ? productFromValues(row) : null;
    },

    async searchProducts(catalogId, { q, after, limit }) {
      const params: Array<string | number> = [catalogId, after ?? ''];
      let where = 'catalog_id = ? AND valid_to IS NULL AND item_id > ?';
      if (q?.trim()) {
        const like = `%${q.trim().toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
        where += ` AND (lower(item_id) LIKE ? ESCAPE '\\' OR lower(title) LIKE ? ESCAPE '\\' OR lower(coalesce(brand, '')) LIKE ? ESCAPE '\\' OR gtin = ?)`;
        params.push(like, like, like, q.trim());
      }
      const rows = await db.values(`SELECT ${productSelect('products')} FROM products WHERE ${where} ORDER BY item_id LIMIT ?`, [
        ...params,
        limit + 1,
      ]);
      const items = rows.slice(0, limit).map(productFromValues);
      return { items, next: rows.length > limit ? (items[items.length - 1]?.id ?? null) : null } satisfies ProductPage;
    },

    async priceHistory(catalogId, id) {
      return db.all<PricePoint>(
        `SELECT observed_at, version, price_micros, sale_price_micros, currency FROM price_history
         WHERE catalog_id = ? AND item_id = ? ORDER BY version`,
        [catalogId, id],
      );
    },

    async availabilityHistory(catalogId, id) {
      return db.all<StockPoint>(
        `SELECT observed_at, version, availability FROM availability_history
         WHERE catalog_id = ? AND item_id = ? ORDER BY version`,
        [catalogId, id],
      );
    },

    async recentHistories(catalogId, fromId, toId) {
      const out = new Map<string, ProductHistory>();
      const entry = (id: string) => {
        let h = out.get(id);
        if (!h) out.set(id, (h = { prices: [], stock: [] }));
        return h;
      };
      // A plain range scan in primary-key order, trimmed to the newest points per product here
      // (measured faster than a row_number() window over the same range). Prices keep 12: enough
      // for the 30-day reference price of a drop (src/creative/facts.ts) unless a price changed
      // more than ten times in six weeks; availability needs only the last two.
      const keepLast = <T,>(n: number) => (list: T[], point: T) => {
        list.push(point);
        if (list.length > n) list.shift();
      };
      const keepPrices = keepLast<PricePoint>(12);
      const keepStock = keepLast<StockPoint>(2);
      const prices = await db.all<PricePoint & { item_id: string }>(
        `SELECT item_id, observed_at, version, price_micros, sale_price_micros, currency
         FROM price_history WHERE catalog_id = ?1 AND item_id BETWEEN ?2 AND ?3 ORDER BY item_id, version`,
        [catalogId, fromId, toId],
      );
      for (const { item_id, ...point } of prices) keepPrices(entry(item_id).prices, point);
      const stock = await db.all<StockPoint & { item_id: string }>(
        `SELECT item_id, observed_at, version, availability
         FROM availability_history WHERE catalog_id = ?1 AND item_id BETWEEN ?2 AND ?3 ORDER BY item_id, version`,
        [catalogId, fromId, toId],
      );
      for (const { item_id, ...point } of stock) keepStock(entry(item_id).stock, point);
      return out;
    },

    async getBrandKit(catalogId) {
      const row = await db.get<{ brand_kit: string | null }>('SELECT brand_kit FROM catalogs WHERE id = ?', [catalogId]);
      const logo = await db.get<{ content_type: string; width: number; height: number; bytes: Uint8Array; sha256: string }>(
        'SELECT content_type, width, height, bytes, sha256 FROM brand_logos WHERE catalog_id = ?',
        [catalogId],
      );
      return {
        colours: row?.brand_kit ? (JSON.parse(row.brand_kit) as Record<string, string>) : null,
        logo: logo ? { ...logo, bytes: new Uint8Array(logo.bytes) } : null,
      };
    },

    async putBrandColours(catalogId, colours, now) {
      await db.batch([
        { sql: 'UPDATE catalogs SET brand_kit = ?, version = version + 1, updated_at = ? WHERE id = ?', params: [colours ? JSON.stringify(colours) : null, now, catalogId] },
        { sql: 'INSERT INTO catalog_versions (catalog_id, version, published_at) SELECT id, version, ? FROM catalogs WHERE id = ?', params: [now, catalogId] },
      ]);
    },

    async putBrandLogo(catalogId, logo, now) {
      await db.batch([
        logo
          ? {
              sql: `INSERT INTO brand_logos (catalog_id, content_type, width, height, bytes, sha256, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (catalog_id) DO UPDATE SET content_type = excluded.content_type, width = excluded.width,
                      height = excluded.height, bytes = excluded.bytes, sha256 = excluded.sha256, updated_at = excluded.updated_at`,
              params: [catalogId, logo.content_type, logo.width, logo.height, logo.bytes, logo.sha256, now],
            }
          : { sql: 'DELETE FROM brand_logos WHERE catalog_id = ?', params: [catalogId] },
        { sql: 'UPDATE catalogs SET version = version + 1, updated_at = ? WHERE id = ?', params: [now, catalogId] },
        { sql: 'INSERT INTO catalog_versions (catalog_id, version, published_at) SELECT id, version, ? FROM catalogs WHERE id = ?', params: [now, catalogId] },
      ]);
    },

    async getFeedTokenHash(catalogId, feed) {
      const r = await db.get<{ token_hash: string }>(
        'SELECT token_hash FROM feed_tokens WHERE catalog_id = ? AND feed = ?',
        [catalogId, feed],
      );
      return r?.token_hash ?? null;
    },

    async setFeedTokenHash(catalogId, feed, tokenHash, now) {
      if (tokenHash === null) {
        await db.run('DELETE FROM feed_tokens WHERE catalog_id = ? AND feed = ?', [catalogId, feed]);
      } else {
        await db.run(
          `INSERT INTO feed_tokens (catalog_id, feed, token_hash, created_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (catalog_id, feed) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
          [catalogId, feed, tokenHash, now],
        );
      }
    },

    async logFeedFetch(catalogId, feed, userAgent, status, now) {
      await db.run('INSERT INTO feed_fetches (catalog_id, feed, user_agent, status, fetched_at) VALUES (?, ?, ?, ?, ?)', [
        catalogId,
        feed,
        userAgent.slice(0, 300),
        status,
        now,
      ]);
    },

    async recentFeedFetches(catalogId, feed, limit) {
      // newest first on the (catalog_id, feed, fetched_at) index; rowid breaks ties within one timestamp
      return db.all<FeedFetch>(
        `SELECT user_agent, status, fetched_at FROM feed_fetches
         WHERE catalog_id = ? AND feed = ? ORDER BY fetched_at DESC, rowid DESC LIMIT ?`,
        [catalogId, feed, limit],
      );
    },

    async collectGarbage(now) {
      const ago = (ms: number) => new Date(Date.parse(now) - ms).toISOString();
      const HOUR = 3_600_000;
      const results = await db.batch([
        {
          // A row closed at version W is only seen by readers pinned before W; an hour after W was
          // published no feed response can still be streaming from such a pin.
          sql: `DELETE FROM products WHERE valid_to IS NOT NULL AND valid_to <= (
                  SELECT max(v.version) FROM catalog_versions v WHERE v.catalog_id = products.catalog_id AND v.published_at < ?)`,
          params: [ago(HOUR)],
        },
        // Held imports nobody confirmed within a day lose their staged rows (confirming then answers 410).
        {
          sql: `DELETE FROM staged_products WHERE import_id IN (SELECT id FROM imports WHERE status = 'held' AND created_at < ?)`,
          params: [ago(24 * HOUR)],
        },
        { sql: 'DELETE FROM feed_fetches WHERE fetched_at < ?', params: [ago(30 * 24 * HOUR)] },
      ]);
      return results[0]?.changes ?? 0;
    },
  };
}

