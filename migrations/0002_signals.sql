-- Signals: visitors' events, consent bookkeeping, performance labels, audience segments.
-- Only what retargeting needs is kept (data minimisation): no IP addresses, no user agents,
-- no raw e-mail addresses (SHA-256 of the trimmed, lower-cased address only).

CREATE TABLE visitors (
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  visitor_id TEXT NOT NULL,
  -- hex SHA-256 of the normalised e-mail address, when the shop sent one
  email_sha256 TEXT,
  -- 1 when the visitor's last event allowed ad personalisation (audience exports need it)
  ad_consent INTEGER NOT NULL DEFAULT 0,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  PRIMARY KEY (catalog_id, visitor_id)
);

CREATE TABLE events (
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  -- GA4 names: view_item, view_item_list, add_to_cart, remove_from_cart, begin_checkout, purchase, search
  type TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  order_id TEXT,
  value_micros INTEGER,
  currency TEXT,
  search_query TEXT,
  -- category (item list) for view_item_list
  list_id TEXT,
  PRIMARY KEY (catalog_id, event_id)
);
CREATE INDEX events_visitor ON events (catalog_id, visitor_id, occurred_at);
CREATE INDEX events_time ON events (catalog_id, occurred_at);

-- One row per product named by an event, denormalised (type, visitor, time) so per-product
-- counts and per-visitor histories are single index range scans.
CREATE TABLE event_items (
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  type TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  quantity INTEGER,
  price_micros INTEGER,
  PRIMARY KEY (catalog_id, event_id, product_id)
);
CREATE INDEX event_items_product ON event_items (catalog_id, product_id, type, occurred_at);
CREATE INDEX event_items_visitor ON event_items (catalog_id, visitor_id, occurred_at);
CREATE INDEX event_items_time ON event_items (catalog_id, occurred_at);

-- Events refused for lack of consent: counted per day and type, never stored.
CREATE TABLE consent_drops (
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  type TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (catalog_id, day, type)
);

-- Performance labels per product, written as a whole set per refresh (labels_version) so a feed
-- pinned to one refresh never mixes two.
CREATE TABLE product_labels (
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  labels_version INTEGER NOT NULL,
  product_id TEXT NOT NULL,
  views_7d INTEGER NOT NULL DEFAULT 0,
  views_30d INTEGER NOT NULL DEFAULT 0,
  carts_7d INTEGER NOT NULL DEFAULT 0,
  carts_30d INTEGER NOT NULL DEFAULT 0,
  purchases_7d INTEGER NOT NULL DEFAULT 0,
  purchases_30d INTEGER NOT NULL DEFAULT 0,
  -- JSON array of label names, e.g. ["bestseller","price_drop"]
  labels TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (catalog_id, labels_version, product_id)
);
ALTER TABLE catalogs ADD COLUMN labels_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE catalogs ADD COLUMN labels_refreshed_at TEXT;

CREATE TABLE segments (
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  -- JSON segment definition (kind, days, category, product ids, search term)
  definition TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (catalog_id, name)
);
