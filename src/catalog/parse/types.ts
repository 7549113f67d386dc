export const IMPORT_FORMATS = ['csv', 'tsv', 'json', 'ndjson', 'xml'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/**
 * One record of an uploaded file, before any mapping: field names exactly as the file
 * has them (CSV headers trimmed, XML element names with the `g:` prefix removed).
 * `error` records are bad records the reader skipped; the rest of the file still counts.
 */
export type RawRecord =
  | { line: number; fields: Record<string, unknown> }
  | { line: number; error: string };

/** Dictionary objects for untrusted keys: a column named `__proto__` stays a column. */
export function emptyFields(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}
