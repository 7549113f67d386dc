-- The hourly insights refresh (labels, then "viewed / bought together") in bounded chunks
-- instead of one statement each (issue 3). The labels need no new table: a chunk writes the
-- next labels_version, as the one statement did (src/store/labels-sql.ts). The pairs need the
-- tables below. Both run under one lease on the catalog row (the last columns).
--
-- 0005's refresh was one INSERT … SELECT over every event of the 30-day window. Its cost grows
-- with the traffic: on 1,000,000 events (50,000 visitors, 10,000 products) it took 18 s, all of
-- it on Node's main thread and under the write lock, once an hour, and on D1 it would pass the
-- 30 s a statement may run. src/store/pairs-sql.ts now builds the pairs in two passes of small
-- statements, each bounded by a number of rows rather than by the size of the shop (a range
-- ends on a whole visitor or product, so one visitor's own events, or one product's own
-- viewers, are one statement however many there are):
-- * pair_sources: each visitor's most recent distinct products of a type, written a range of
--   visitors at a time (along events_visitor). Keyed by product, with a second index by
--   visitor, so the next pass can start from a product. It holds visitor ids only while a build
--   runs, and an erasure deletes from it too.
-- * product_pairs: a range of products at a time, each product's most shared partners, written
--   under the next generation. catalogs.pairs_generation names the generation that
--   recommendations read, and moves in one statement once every range is written: a reader sees
--   the old set or the new one, never half of each.
--
-- product_pairs holds derived data only: it is recreated empty (the primary key gains the
-- generation) and the next label refresh fills it.
--
-- Plain SQL for both our migrate() and `wrangler d1 migrations apply`: no PRAGMA, no
-- transaction statements (both runners wrap a migration in one).

DROP TABLE product_pairs;

CREATE TABLE product_pairs (
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  -- written by the refresh that set catalogs.pairs_generation to it
  generation INTEGER NOT NULL,
  -- view_item: viewed together; purchase: bought together
  type TEXT NOT NULL,
  product_id TEXT NOT NULL,
  other_id TEXT NOT NULL,
  -- visitors who had both among their recent products in the window of the refresh
  visitors INTEGER NOT NULL,
  PRIMARY KEY (catalog_id, generation, type, product_id, other_id)
) WITHOUT ROWID;

CREATE TABLE pair_sources (
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  product_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  PRIMARY KEY (catalog_id, type, product_id, visitor_id)
) WITHOUT ROWID;
-- the pairs pass joins on (catalog, visitor, type); an erasure deletes by (catalog, visitor)
CREATE INDEX pair_sources_visitor ON pair_sources (catalog_id, visitor_id, type, product_id);

ALTER TABLE catalogs ADD COLUMN pairs_generation INTEGER NOT NULL DEFAULT 0;
-- The insights build under way (labels, then pairs; src/store/catalog-lease.ts), if any: a
-- random token, and until when (ms since the epoch) it holds the catalog unless it renews (each
-- chunk does). A build whose process died is taken over then.
ALTER TABLE catalogs ADD COLUMN insights_lease TEXT;
ALTER TABLE catalogs ADD COLUMN insights_lease_until INTEGER;
