/**
 * The storage port: everything the core asks of a database, async so that D1 (network
 * round trips) can implement it as well as better-sqlite3. All SQL lives behind it.
 */
import type { Catalog, Issue } from '../catalog/catalog';
import type { Product, StoredProduct } from '../catalog/product';
import type { Migration } from './sql';

export type CatalogSettings = Pick<
  Catalog,
  | 'title'
  | 'link'
  | 'currency'
  | 'locale'
  | 'timezone'
  | 'consent_mode'
  | 'allowed_origins'
  | 'retention_days'
  | 'max_drop_share'
>;

export const IMPORT_MODES = ['replace', 'upsert', 'delete'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

export type ImportStatus =
  /** rows are being staged; nothing is visible to feeds yet */
  | 'staging'
  /** staged, but publishing would remove more of the catalog than allowed: waits for confirmation */
  | 'held'
  | 'published'
  /** the file could not be read as a whole (malformed, too large, refused): nothing changed */
  | 'failed';

export interface ImportCounts {
  /** records read from the file */
  rows: number;
  /** rows that passed validation and were staged */
  valid: number;
  /** rows refused with an error */
  invalid: number;
  /** warnings (rows kept, something adjusted) */
  warnings: number;
}

export interface ImportChanges {
  /** live products before the import */
  live_before: number;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
}

export interface ImportReport {
  id: number;
  catalog: string;
  mode: ImportMode;
  format: string;
  status: ImportStatus;
  created_at: string;
  finished_at: string | null;
  counts: ImportCounts;
  changes: ImportChanges | null;
  /** catalog version the import published, when published */
  version: number | null;
  /** why the import is held or failed */
  message: string | null;
  errors: Issue[];
  warnings: Issue[];
  /** true when more issues were found than the report keeps */
  issues_truncated: boolean;
}

/**
 * A product's visitor activity and performance labels from one label refresh (src/insights).
 * Counts are events naming the product in the last 7 and 30 days before the refresh.
 */
export interface ProductPerformance {
  /** label names (src/insights/labels.ts `LABELS`), in that list's order */
  labels: string[];
  views_7d: number;
  views_30d: number;
  carts_7d: number;
  carts_30d: number;
  purchases_7d: number;
  purchases_30d: number;
}

/** A product as feeds read it: the stored product plus facts about its neighbours. */
export interface FeedProduct extends StoredProduct {
  /** other products name this one as their item_group_id: it is a parent and never emitted */
  has_variants: boolean;
  /** from the label refresh the feed is pinned to; null before the first refresh or for newer products */
  performance: ProductPerformance | null;
}

/** What a variant learns from its parent row (Magento `configurable_variations`, WooCommerce `Parent`). */
export interface VariantLink {
  id: string;
  item_group_id: string;
  color?: string;
  size?: string;
}

export interface PricePoint {
  observed_at: string;
  version: number;
  price_micros: number;
  sale_price_micros: number | null;
  currency: string;
}

/** A product's availability from the version it changed in (availability_history). */
export interface StockPoint {
  observed_at: string;
  version: number;
  availability: string;
}

/** What creatives read of a product's past: price and availability points, oldest first. */
export interface ProductHistory {
  prices: PricePoint[];
  stock: StockPoint[];
}

/** A catalog's stored brand kit: colours as saved (null: never set) and the logo, if any. */
export interface StoredBrandKit {
  colours: Record<string, string> | null;
  logo: { content_type: string; width: number; height: number; bytes: Uint8Array; sha256: string } | null;
}

/** One logged poll of a feed (feed_fetches). */
export interface FeedFetch {
  user_agent: string;
  /** the HTTP status answered: 200, 304, 401… */
  status: number;
  fetched_at: string;
}

export interface ProductPage {
  items: StoredProduct[];
  /** pass back as `after` for the next page; null at the end */
  next: string | null;
}

export interface Store {
  /** Apply the migrations not applied yet, in name order. Idempotent. */
  migrate(migrations: readonly Migration[]): Promise<string[]>;
  /** Liveness: one round trip to the database. */
  ping(): Promise<void>;

  getCatalog(slug: string): Promise<Catalog | null>;
  listCatalogs(): Promise<Catalog[]>;
  /** Creates the catalog or updates its settings; bumps its version when it existed. */
  putCatalog(slug: string, settings: CatalogSettings, now: string): Promise<{ catalog: Catalog; created: boolean }>;

  createImport(catalogId: number, mode: ImportMode, format: string, now: string): Promise<number>;
  /** Stage a batch of validated products (a later row with the same id replaces an earlier one). */
  stageProducts(importId: number, products: Array<{ product: Product; hash: string }>): Promise<void>;
  /** Stage ids for a delete import. */
  stageIds(importId: number, ids: string[]): Promise<void>;
  applyVariantLinks(importId: number, links: VariantLink[]): Promise<void>;
  /** What publishing the staged rows would change, against the live catalog now. */
  diffImport(importId: number, catalogId: number, mode: ImportMode): Promise<ImportChanges>;
  /**
   * Atomically make the staged rows the live catalog (one transaction / one D1 batch):
   * bumps the catalog version, closes replaced rows, inserts new ones, records price changes.
   */
  publishImport(importId: number, catalogId: number, mode: ImportMode, now: string): Promise<number>;
  saveImportReport(report: ImportReport): Promise<void>;
  getImportReport(catalogId: number, importId: number): Promise<ImportReport | null>;
  listImports(catalogId: number, limit: number): Promise<ImportReport[]>;
  /** Drop staged rows of an import that will not be published. */
  discardStaged(importId: number): Promise<void>;
  /**
   * After a crash: imports left `staging` are failed and their staged rows dropped, unless
   * `ownerIsAlive` says the import (by its owner and start time) may still be running.
   */
  recoverInterruptedImports(now: string, ownerIsAlive?: (owner: string, createdAt: string) => boolean): Promise<number>;

  /**
   * Keyset page of the products visible at `version`, ordered by id, each with its performance
   * from label set `labelsVersion` (0, the default, means none: performance is null).
   */
  pageFeedProducts(
    catalogId: number,
    version: number,
    after: string | null,
    limit: number,
    labelsVersion?: number,
  ): Promise<FeedProduct[]>;
  countProducts(catalogId: number, version: number): Promise<number>;
  getProduct(catalogId: number, id: string): Promise<StoredProduct | null>;
  /** Admin browsing: optional text search over id/title/brand/gtin, cursor paging. */
  searchProducts(catalogId: number, query: { q?: string; after?: string; limit: number }): Promise<ProductPage>;
  priceHistory(catalogId: number, id: string): Promise<PricePoint[]>;
  availabilityHistory(catalogId: number, id: string): Promise<StockPoint[]>;
  /**
   * The recent price points (up to 12) and the last two availability points of every product
   * with `fromId <= id <= toId` (a feed page's range): what creatives need, in one query per page.
   */
  recentHistories(catalogId: number, fromId: string, toId: string): Promise<Map<string, ProductHistory>>;

  getBrandKit(catalogId: number): Promise<StoredBrandKit>;
  /** Save colours (null: back to defaults) and bump the catalog version: feed image URLs change. */
  putBrandColours(catalogId: number, colours: Record<string, string> | null, now: string): Promise<void>;
  /** Save or (null) remove the logo, bumping the catalog version likewise. */
  putBrandLogo(catalogId: number, logo: StoredBrandKit['logo'], now: string): Promise<void>;

  /** Feed protection: the SHA-256 (hex) of the feed's token, or null when the feed is public. */
  getFeedTokenHash(catalogId: number, feed: string): Promise<string | null>;
  setFeedTokenHash(catalogId: number, feed: string, tokenHash: string | null, now: string): Promise<void>;
  logFeedFetch(catalogId: number, feed: string, userAgent: string, status: number, now: string): Promise<void>;
  /** The feed's most recent fetches (who polled it, with what answer), newest first. */
  recentFeedFetches(catalogId: number, feed: string, limit: number): Promise<FeedFetch[]>;

  /** Delete product versions no reader can still be pinned to, expired held imports, old fetch logs. */
  collectGarbage(now: string): Promise<number>;
}
