-- Event numbers are never handed out twice, so the rollup's watermark can never skip an event.
--
-- 0006 keeps events.seq as a plain rowid, which SQLite hands out as max(seq) + 1: once the newest
-- events are deleted (an erasure, a retention purge, a catalog deleted) their numbers come back,
-- at or below the watermark. 0006's AFTER DELETE trigger lowered the watermark when that happened.
-- It kept the watermark right, but D1 reports a statement's `changes` as sqlite3_total_changes(),
-- which counts what a trigger writes too, so erasures and purges reported wrong event counts
-- there. AUTOINCREMENT promises that a number is never reused, whatever is deleted, without a
-- trigger. It costs ~0.5 µs an event through /collect (bench/events.ts: 16.9-17.4 against
-- 15.8-17.0 µs of server CPU).
--
-- The table is rebuilt for it (SQLite cannot add AUTOINCREMENT to a table), rows carried over
-- with their numbers, so the sequence goes on from the highest one carried.
--
-- event_rollup.rolled_up counts the events the rollup added, for reports: seq now has gaps (the
-- numbers AUTOINCREMENT hands to duplicates that ON CONFLICT DO NOTHING then drops, and erased
-- events), so the distance the watermark moved is no longer a count of events.
--
-- Plain SQL for both our migrate() and `wrangler d1 migrations apply`: no PRAGMA, no
-- transaction statements (both runners wrap a migration in one).

DROP TRIGGER events_rollup_watermark;
DROP VIEW event_items;

CREATE TABLE events_0007 (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
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

INSERT INTO events_0007 (seq, catalog_id, event_id, visitor_id, type, occurred_at, received_at, items, order_id,
  value_micros, currency, search_query, list_id)
SELECT seq, catalog_id, event_id, visitor_id, type, occurred_at, received_at, items, order_id,
  value_micros, currency, search_query, list_id
FROM events
ORDER BY seq;

DROP TABLE events;
-- The rename takes the table's sqlite_sequence row along.
ALTER TABLE events_0007 RENAME TO events;
CREATE INDEX events_visitor ON events (catalog_id, visitor_id, occurred_at);
CREATE INDEX events_time ON events (catalog_id, occurred_at);

CREATE VIEW event_items AS
SELECT e.catalog_id, e.event_id, j.value ->> 0 AS product_id, e.type, e.visitor_id, e.occurred_at,
  j.value ->> 1 AS quantity, j.value ->> 2 AS price_micros
FROM events e, json_each(e.items) j;

-- The sequence starts past the highest event carried over. A watermark above it (the newest
-- events deleted with no trigger to see it) would hide the next events from the rollup: it comes
-- down to the highest event left, which is safe both ways, since no event above that exists and
-- every one at or below it was already counted.
UPDATE event_rollup SET last_seq = min(last_seq, (SELECT coalesce(max(seq), 0) FROM events));

ALTER TABLE event_rollup ADD COLUMN rolled_up INTEGER NOT NULL DEFAULT 0;
