-- Which process runs an import (`host:pid` on Node; NULL where there is no such notion), so a
-- second process opening the database (the CLI beside the server) does not take a live import
-- for a crashed one and discard it.
ALTER TABLE imports ADD COLUMN owner TEXT;
