-- Catalogs, products (versioned rows), staged imports, price history, feed access.
--
-- Products are multi-versioned: a row is visible to readers pinned at catalog version V when
-- valid_from <= V and (valid_to IS NULL or valid_to > V). An import stages its rows apart, then
-- publishes in one transaction by closing replaced rows and inserting new ones at version V+1 and
-- bumping catalogs.version. A feed that started streaming at V keeps reading V to its last page,
-- so an ad platform never sees half of one upload and half of another.

CREATE TABLE catalogs (
  id INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  link TEXT NOT NULL,
  currency TEXT NOT NULL,
  locale TEXT NOT NULL,
  timezone TEXT NOT NULL,
  consent_mode TEXT NOT NULL CHECK (consent_mode IN ('opt-in', 'opt-out')),
  allowed_origins TEXT NOT NULL DEFAULT '[]',
  retention_days INTEGER NOT NULL DEFAULT 90,
  max_drop_share REAL NOT NULL DEFAULT 0.3,
  version INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- When each catalog version was published: garbage collection keeps closed rows until no
-- reader can still be pinned to a version that sees them.
CREATE TABLE catalog_versions (
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  published_at TEXT NOT NULL,
  PRIMARY KEY (catalog_id, version)
);

CREATE TABLE products (
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  item_id TEXT NOT NULL,
  valid_from INTEGER NOT NULL,
  valid_to INTEGER,
  content_hash TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  link TEXT NOT NULL,
  image_link TEXT,
  availability TEXT NOT NULL,
  price_micros INTEGER NOT NULL,
  currency TEXT NOT NULL,
  sale_price_micros INTEGER,
  sale_price_effective_date TEXT,
  brand TEXT,
  gtin TEXT,
  mpn TEXT,
  condition TEXT NOT NULL,
  google_product_category TEXT,
  product_type TEXT,
  item_group_id TEXT,
  color TEXT,
  size TEXT,
  gender TEXT,
  age_group TEXT,
  quantity INTEGER,
  custom_label_0 TEXT,
  custom_label_1 TEXT,
  custom_label_2 TEXT,
  custom_label_3 TEXT,
  custom_label_4 TEXT,
  -- the rest of the product model (additional images, shipping, extra attributes, ...)
  data TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (catalog_id, item_id, valid_from)
);
CREATE INDEX products_current ON products (catalog_id, valid_to, item_id);
CREATE INDEX products_group ON products (catalog_id, item_group_id);
-- rows published by one version: price history is taken from them at publish time
CREATE INDEX products_version ON products (catalog_id, valid_from);

CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  mode TEXT NOT NULL,
  format TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  version INTEGER,
  report TEXT
);
CREATE INDEX imports_by_catalog ON imports (catalog_id, id);

-- Rows of an import that is not yet published. Same columns as products, keyed by import.
CREATE TABLE staged_products (
  import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
  item_id TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  link TEXT NOT NULL,
  image_link TEXT,
  availability TEXT NOT NULL,
  price_micros INTEGER NOT NULL,
  currency TEXT NOT NULL,
  sale_price_micros INTEGER,
  sale_price_effective_date TEXT,
  brand TEXT,
  gtin TEXT,
  mpn TEXT,
  condition TEXT NOT NULL,
  google_product_category TEXT,
  product_type TEXT,
  item_group_id TEXT,
  color TEXT,
  size TEXT,
  gender TEXT,
  age_group TEXT,
  quantity INTEGER,
  custom_label_0 TEXT,
  custom_label_1 TEXT,
  custom_label_2 TEXT,
  custom_label_3 TEXT,
  custom_label_4 TEXT,
  data TEXT NOT NULL,
  PRIMARY KEY (import_id, item_id)
);

-- Ids of a delete import, staged like products so it publishes the same way.
CREATE TABLE staged_ids (
  import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
  item_id TEXT NOT NULL,
  PRIMARY KEY (import_id, item_id)
);

CREATE TABLE price_history (
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  item_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  observed_at TEXT NOT NULL,
  price_micros INTEGER NOT NULL,
  sale_price_micros INTEGER,
  currency TEXT NOT NULL,
  PRIMARY KEY (catalog_id, item_id, version)
);

CREATE TABLE feed_tokens (
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  feed TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (catalog_id, feed)
);

-- Who fetched which feed: the admin shows ad platforms' last fetches per feed.
CREATE TABLE feed_fetches (
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  feed TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  status INTEGER NOT NULL,
  fetched_at TEXT NOT NULL
);
CREATE INDEX feed_fetches_recent ON feed_fetches (catalog_id, feed, fetched_at);
