-- Signals schema for write cost (issue 3). Existing data is carried over.
--
-- Measured with bench/events.ts and a raw-SQLite harness: an event naming one product wrote
-- about 10 B-trees (events + 3 indexes, event_items + 4 indexes, the visitor upsert). What cost
-- most was not the count but the product-keyed trees: every event landed on a random leaf of
-- event_items_product, so each commit wrote about one 4 KiB WAL page per event, and that grows
-- with the table (a tree keyed by product never stops being random, however the rows are
-- batched). So nothing per event is keyed by product any more:
--
-- * events keeps one row per event and now carries its products (`items`, JSON). Its three
--   access paths all write near the end of the tree or of one visitor's range: the unique
--   (catalog, event_id) index (dedup; event ids from the snippet start with the time), the
--   visitor index (recommendations, segments, erasure) and the time index (retention, stats).
-- * event_items is gone as a table. A view of the same name and columns reads events.items,
--   so ad-hoc queries and older tools still work.
-- * product_event_days holds what product queries read: per product and UTC day, its views,
--   carts, purchases and other events. Its size is bounded by products × days, not by events,
--   and today's rows sit together, so an ingest batch touches a few hundred pages at most (one
--   row per product rather than per product and type: a third of the pages). Labels, top
--   products and id reconciliation read it instead of scanning events.
-- * product_pairs holds "viewed / bought together", computed with each label refresh: finding
--   who else viewed a product needed the per-event product index this migration removes.
-- * visitors is keyed by its primary key (WITHOUT ROWID: one B-tree, not two), with a partial
--   index on e-mail hashes for erasure by e-mail. A hash is now kept only while the visitor
--   allows ads (audience exports are its one use): hashes of visitors without ad consent are
--   not carried over.
--
-- Plain SQL for both our migrate() and `wrangler d1 migrations apply`: no PRAGMA, no
-- transaction statements (both runners wrap a migration in one).

CREATE TABLE events_0005 (
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  -- GA4 names: view_item, view_item_list, add_to_cart, remove_from_cart, begin_checkout, purchase, search, identify
  type TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  -- the products the event names, as [[product_id, quantity, price_micros], ...]; NULL when none
  items TEXT,
  order_id TEXT,
  value_micros INTEGER,
  currency TEXT,
  search_query TEXT,
  list_id TEXT,
  UNIQUE (catalog_id, event_id)
);

INSERT INTO events_0005 (catalog_id, event_id, visitor_id, type, occurred_at, received_at, items, order_id,
  value_micros, currency, search_query, list_id)
SELECT e.catalog_id, e.event_id, e.visitor_id, e.type, e.occurred_at, e.received_at,
  (SELECT nullif(json_group_array(json_array(i.product_id, i.quantity, i.price_micros)), '[]') FROM event_items i
   WHERE i.catalog_id = e.catalog_id AND i.event_id = e.event_id),
  e.order_id, e.value_micros, e.currency, e.search_query, e.list_id
FROM events e
ORDER BY e.rowid;

CREATE TABLE product_event_days (
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  -- UTC day of occurred_at, YYYY-MM-DD
  day TEXT NOT NULL,
  product_id TEXT NOT NULL,
  -- events naming the product that day: view_item, add_to_cart, purchase, and any other type
  views INTEGER NOT NULL DEFAULT 0,
  carts INTEGER NOT NULL DEFAULT 0,
  purchases INTEGER NOT NULL DEFAULT 0,
  other_events INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (catalog_id, day, product_id)
) WITHOUT ROWID;

INSERT INTO product_event_days (catalog_id, day, product_id, views, carts, purchases, other_events)
SELECT i.catalog_id, substr(i.occurred_at, 1, 10), i.product_id,
  sum(i.type = 'view_item'), sum(i.type = 'add_to_cart'), sum(i.type = 'purchase'),
  sum(i.type NOT IN ('view_item', 'add_to_cart', 'purchase'))
FROM event_items i
WHERE EXISTS (SELECT 1 FROM events e WHERE e.catalog_id = i.catalog_id AND e.event_id = i.event_id)
GROUP BY 1, 2, 3;

DROP TABLE event_items;
DROP TABLE events;
ALTER TABLE events_0005 RENAME TO events;
CREATE INDEX events_visitor ON events (catalog_id, visitor_id, occurred_at);
CREATE INDEX events_time ON events (catalog_id, occurred_at);

CREATE VIEW event_items AS
SELECT e.catalog_id, e.event_id, j.value ->> 0 AS product_id, e.type, e.visitor_id, e.occurred_at,
  j.value ->> 1 AS quantity, j.value ->> 2 AS price_micros
FROM events e, json_each(e.items) j;

CREATE TABLE product_pairs (
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  -- view_item: viewed together; purchase: bought together
  type TEXT NOT NULL,
  product_id TEXT NOT NULL,
  other_id TEXT NOT NULL,
  -- visitors who had both in the window of the last refresh
  visitors INTEGER NOT NULL,
  PRIMARY KEY (catalog_id, type, product_id, other_id)
) WITHOUT ROWID;

CREATE TABLE visitors_0005 (
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  visitor_id TEXT NOT NULL,
  -- hex SHA-256 of the normalised e-mail address, when the shop sent one
  email_sha256 TEXT,
  -- 1 when the visitor's last event allowed ad personalisation (audience exports need it)
  ad_consent INTEGER NOT NULL DEFAULT 0,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  PRIMARY KEY (catalog_id, visitor_id)
) WITHOUT ROWID;

INSERT INTO visitors_0005 (catalog_id, visitor_id, email_sha256, ad_consent, first_seen, last_seen)
SELECT catalog_id, visitor_id, CASE WHEN ad_consent = 1 THEN email_sha256 END, ad_consent, first_seen, last_seen FROM visitors;

DROP TABLE visitors;
ALTER TABLE visitors_0005 RENAME TO visitors;
-- Erasure by e-mail (a data subject asks the shop by address). Partial: most visitors have none.
CREATE INDEX visitors_email ON visitors (catalog_id, email_sha256) WHERE email_sha256 IS NOT NULL;
