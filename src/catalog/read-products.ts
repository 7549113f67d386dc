/**
 * An uploaded file to validated products, streamed: read a record, map it, validate it,
 * hand it on. Nothing here collects more than one chunk's products, so the caller can stage
 * them in batches while the upload is still arriving. Variant links come last, in the `done` event,
 * because a variant's parent may be further down the file.
 */
import type { VariantLink } from '../store/port';
import type { Issue } from './catalog';
import { createRowMapper, type Dialect, type MappedRow } from './map';
import { readRecordBatches, type ImportFormat } from './parse';
import type { Product } from './product';
import { validateProduct } from './validate';

export type ProductEvent =
  | { kind: 'product'; line: number; product: Product; warnings: Issue[] }
  | { kind: 'invalid'; line: number; issues: Issue[] }
  | { kind: 'done'; links: VariantLink[]; issues: Issue[]; dialect: Dialect };

export interface ReadProductsOptions {
  format: ImportFormat;
  /** ISO 4217 code for prices given without one */
  currency: string;
  /** the shop's home page; relative links and image paths resolve against it */
  baseLink: string;
  /** byte cap of the upload (TooLargeError past it) */
  maxBytes: number;
}

/**
 * Throws ImportFileError (TooLargeError past the cap) when the file cannot be read as a
 * whole, possibly after some events were yielded: callers must not publish in that case.
 */
export async function* readProducts(body: ReadableStream<Uint8Array>, opts: ReadProductsOptions): AsyncGenerator<ProductEvent> {
  for await (const events of readProductBatches(body, opts)) for (const event of events) yield event;
}

/**
 * The same events in batches (a batch per chunk of a CSV or TSV file), for importers: every
 * async generator a record passes through costs a promise per record.
 */
export async function* readProductBatches(body: ReadableStream<Uint8Array>, opts: ReadProductsOptions): AsyncGenerator<ProductEvent[]> {
  const mapper = createRowMapper({ currency: opts.currency, baseLink: opts.baseLink });
  for await (const records of readRecordBatches(body, opts.format, { maxBytes: opts.maxBytes })) {
    const events: ProductEvent[] = [];
    for (const record of records) {
      if ('error' in record) {
        events.push({ kind: 'invalid', line: record.line, issues: [{ line: record.line, reason: record.error }] });
        continue;
      }
      for (const row of mapper.map(record)) events.push(toEvent(row, opts.currency));
    }
    if (events.length > 0) yield events;
  }
  const end = mapper.finish();
  const events = end.rows.map((row) => toEvent(row, opts.currency));
  events.push({ kind: 'done', links: end.links, issues: end.issues, dialect: mapper.dialect });
  yield events;
}

function toEvent(row: MappedRow, currency: string): ProductEvent {
  const result = validateProduct(row.input, { currency, line: row.line });
  if (!result.ok) return { kind: 'invalid', line: row.line, issues: [...row.warnings, ...result.issues] };
  const warnings = row.warnings.length > 0 ? [...row.warnings, ...result.warnings] : result.warnings;
  return { kind: 'product', line: row.line, product: result.product, warnings };
}
