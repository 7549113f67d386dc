-- Creatives: each catalog's brand kit (colours and corner style as JSON; NULL means the
-- defaults), its logo, and the availability history "back in stock" creatives read.

ALTER TABLE catalogs ADD COLUMN brand_kit TEXT;

CREATE TABLE brand_logos (
  catalog_id INTEGER PRIMARY KEY REFERENCES catalogs(id) ON DELETE CASCADE,
  -- normalised by the rasterizer on upload (PNG), so templates embed a known-good image
  content_type TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  sha256 TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- One row per published version in which a product's availability is new or changed.
CREATE TABLE availability_history (
  catalog_id INTEGER NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
  item_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  observed_at TEXT NOT NULL,
  availability TEXT NOT NULL,
  PRIMARY KEY (catalog_id, item_id, version)
) WITHOUT ROWID;
