-- Per-product day counts leave the event write path (issue 3).
--
-- Measured with bench/events.ts and a raw-SQLite harness: upserting product_event_days row by
-- row as each event arrived, each row guarded by "this event is not stored yet", was more than
-- half of the store's cost per event (21-24 µs an event with it, about 11 without). One
-- set-based INSERT … SELECT … GROUP BY over the events stored since the last run does the same
-- counting for about 3 µs an event. So events are stored alone, and src/store/event-rollup.ts
-- adds the new ones to product_event_days in chunks: in the background as they pile up, by the
-- housekeeping job, and before anything reads the counts. Duplicates never reach events, so they
-- count nothing without a guard; events erased before their rollup are never counted at all.
--
-- The rollup remembers how far it got by event sequence number, so that number has to be stable
-- and only grow:
-- * `seq INTEGER PRIMARY KEY` makes the rowid an explicit column: VACUUM may renumber the
--   rowids of a table without one. The table is rebuilt for it, rows carried over in order.
-- * AUTOINCREMENT would also promise that numbers are never reused, but cost ~2.5 µs an event in
--   the harness (16 instead of 13.5 µs). SQLite hands out max(seq) + 1, so a number can only come
--   back after the newest events were deleted (an erasure, a catalog deleted). The trigger below
--   lowers the watermark to the highest remaining seq when that happens: no event above it
--   exists, so nothing is skipped, and nothing at or below it is new, so nothing counts twice.
--
-- Plain SQL for both our migrate() and `wrangler d1 migrations apply`: no PRAGMA, no
-- transaction statements (both runners wrap a migration in one).

CREATE TABLE events_0006 (
  seq INTEGER PRIMARY KEY,
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

INSERT INTO events_0006 (seq, catalog_id, event_id, visitor_id, type, occurred_at, received_at, items, order_id,
  value_micros, currency, search_query, list_id)
SELECT rowid, catalog_id, event_id, visitor_id, type, occurred_at, received_at, items, order_id,
  value_micros, currency, search_query, list_id
FROM events
ORDER BY rowid;

DROP VIEW event_items;
DROP TABLE events;
ALTER TABLE events_0006 RENAME TO events;
CREATE INDEX events_visitor ON events (catalog_id, visitor_id, occurred_at);
CREATE INDEX events_time ON events (catalog_id, occurred_at);

CREATE VIEW event_items AS
SELECT e.catalog_id, e.event_id, j.value ->> 0 AS product_id, e.type, e.visitor_id, e.occurred_at,
  j.value ->> 1 AS quantity, j.value ->> 2 AS price_micros
FROM events e, json_each(e.items) j;

-- One row: the highest events.seq already added to product_event_days. Every event carried over
-- was counted by the write path that stored it.
CREATE TABLE event_rollup (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_seq INTEGER NOT NULL
);
INSERT INTO event_rollup (id, last_seq) SELECT 1, coalesce(max(seq), 0) FROM events;

-- Only deletes at or above the watermark can take the highest seq below it (a retention purge
-- deletes old events and costs one lookup a row here).
CREATE TRIGGER events_rollup_watermark AFTER DELETE ON events
WHEN OLD.seq >= (SELECT last_seq FROM event_rollup)
BEGIN
  UPDATE event_rollup SET last_seq = (SELECT coalesce(max(seq), 0) FROM events)
  WHERE last_seq > (SELECT coalesce(max(seq), 0) FROM events);
END;
