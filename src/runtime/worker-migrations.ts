/**
 * The schema versions this build expects (the files in migrations/, which the Worker cannot
 * list at run time). test/worker-parts.test.ts keeps this list equal to the folder.
 */
export const MIGRATION_NAMES: readonly string[] = [
  '0001_catalog.sql',
  '0002_signals.sql',
  '0003_creatives.sql',
  '0004_import_owner.sql',
  '0005_signals_write_path.sql',
  '0006_event_rollup.sql',
  '0007_event_seq_autoincrement.sql',
  '0008_insights_in_chunks.sql',
];
