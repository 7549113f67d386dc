/**
 * One catalog import, end to end: read the upload as it streams, validate each row, stage the
 * good ones in batches, then publish atomically (or hold a replace that would wipe too much).
 *
 * Nothing is visible to feeds until publish, which is a single transaction: a feed read during an
 * import sees the old catalog or the new one, never a mix, and a crash mid-upload changes nothing.
 */
import type { Store, ImportMode, ImportReport, ImportChanges } from '../store/port';
import type { Catalog, Issue } from './catalog';
import type { Product } from './product';
import { readProductBatches } from './read-products';
import { readRecords, ImportFileError, TooLargeError, unpinned, type ImportFormat } from './parse';
import { createRowMapper } from './map';
import { productHash } from './validate';

/** Rows per staging batch: one transaction on SQLite, one batch call on D1. */
const STAGE_BATCH = 500;
/** Issues kept in a report; the counts still cover all of them. */
const MAX_KEPT_ISSUES = 1000;

export interface ImportOptions {
  mode: ImportMode;
  format: ImportFormat;
  /** publish a replace even when it removes more than the catalog's max_drop_share */
  confirm: boolean;
  maxBytes: number;
  now: () => Date;
  /** called after each staged batch, for progress bars */
  onProgress?: (rows: number) => void;
}

export class ImportTooLargeError extends Error {
  constructor(
    readonly report: ImportReport,
    readonly maxBytes: number,
  ) {
    super(`upload is larger than the ${Math.round(maxBytes / 1048576)} MB limit`);
  }
}

class IssueLog {
  readonly kept: Issue[] = [];
  count = 0;
  add(issues: readonly Issue[]): void {
    for (const issue of issues) {
      this.count++;
      if (this.kept.length < MAX_KEPT_ISSUES) this.kept.push(issue);
    }
  }
}

export async function runImport(
  store: Store,
  catalog: Catalog,
  body: ReadableStream<Uint8Array>,
  opts: ImportOptions,
): Promise<ImportReport> {
  const iso = () => opts.now().toISOString();
  const importId = await store.createImport(catalog.id, opts.mode, opts.format, iso());
  const errors = new IssueLog();
  const warnings = new IssueLog();
  const report: ImportReport = {
    id: importId,
    catalog: catalog.slug,
    mode: opts.mode,
    format: opts.format,
    status: 'staging',
    created_at: iso(),
    finished_at: null,
    counts: { rows: 0, valid: 0, invalid: 0, warnings: 0 },
    changes: null,
    version: null,
    message: null,
    errors: errors.kept,
    warnings: warnings.kept,
    issues_truncated: false,
  };
  const finish = async (): Promise<ImportReport> => {
    report.counts.warnings = warnings.count;
    report.issues_truncated = errors.count > errors.kept.length || warnings.count > warnings.kept.length;
    report.finished_at = iso();
    await store.saveImportReport(report);
    return report;
  };

  try {
    if (opts.mode === 'delete') await stageDeletes(store, importId, body, catalog, opts, report, errors);
    else await stageProducts(store, importId, body, catalog, opts, report, errors, warnings);
  } catch (err) {
    await store.discardStaged(importId);
    report.status = 'failed';
    if (err instanceof TooLargeError) {
      report.message = `upload is larger than the ${Math.round(opts.maxBytes / 1048576)} MB limit; nothing was changed`;
      throw new ImportTooLargeError(await finish(), opts.maxBytes);
    }
    if (err instanceof ImportFileError) {
      report.message = `${err.reason}${err.line ? ` (line ${err.line})` : ''}; nothing was changed`;
      return finish();
    }
    report.message = 'the import failed unexpectedly; nothing was changed';
    await finish();
    throw err;
  }

  return settle(store, catalog, report, opts.mode, opts.confirm, iso, finish);
}

/** Publish a staged import, or hold it when a replace would remove too much of the live catalog. */
export async function settle(
  store: Store,
  catalog: Catalog,
  report: ImportReport,
  mode: ImportMode,
  confirm: boolean,
  iso: () => string,
  finish: () => Promise<ImportReport>,
): Promise<ImportReport> {
  const changes = await store.diffImport(report.id, catalog.id, mode);
  report.changes = changes;
  const share = dropShare(changes);
  if (mode === 'replace' && !confirm && share > catalog.max_drop_share) {
    report.status = 'held';
    report.message =
      `held, not published: this replace would remove ${changes.removed} of ${changes.live_before} live products ` +
      `(${(share * 100).toFixed(1)} %, more than the catalog's ${(catalog.max_drop_share * 100).toFixed(0)} % limit). ` +
      `Meta deletes every item missing from a fetched feed. Confirm with POST .../imports/${report.id}/confirm ` +
      `or upload again with ?confirm=1.`;
    return finish();
  }
  report.version = await store.publishImport(report.id, catalog.id, mode, iso());
  report.status = 'published';
  report.message = null;
  return finish();
}

export function dropShare(changes: ImportChanges): number {
  return changes.live_before === 0 ? 0 : changes.removed / changes.live_before;
}

async function stageProducts(
  store: Store,
  importId: number,
  body: ReadableStream<Uint8Array>,
  catalog: Catalog,
  opts: ImportOptions,
  report: ImportReport,
  errors: IssueLog,
  warnings: IssueLog,
): Promise<void> {
  let batch: Array<{ product: Product; hash: string }> = [];
  // id -> line of its first row: a later duplicate replaces it, and the merchant is told.
  const seen = new Map<string, number>();
  const flush = async () => {
    if (!batch.length) return;
    await store.stageProducts(importId, batch);
    batch = [];
    opts.onProgress?.(report.counts.rows);
  };
  const events = readProductBatches(body, {
    format: opts.format,
    currency: catalog.currency,
    baseLink: catalog.link,
    maxBytes: opts.maxBytes,
  });
  // Events come a chunk's worth at a time: a promise per event adds up at 100k rows.
  for await (const chunk of events) {
    for (const event of chunk) {
      if (event.kind === 'product') {
        report.counts.rows++;
        report.counts.valid++;
        warnings.add(event.warnings);
        const first = seen.get(event.product.id);
        if (first !== undefined) {
          report.counts.valid--;
          warnings.add([
            {
              line: event.line,
              field: 'id',
              reason: `duplicate id: this row replaces the one on line ${first}`,
              value: event.product.id,
            },
          ]);
        } else {
          // kept for the whole file: a copy that does not keep the row's text alive
          seen.set(unpinned(event.product.id), event.line);
        }
        batch.push({ product: event.product, hash: productHash(event.product) });
        if (batch.length >= STAGE_BATCH) await flush();
      } else if (event.kind === 'invalid') {
        report.counts.rows++;
        report.counts.invalid++;
        errors.add(event.issues);
      } else {
        await flush();
        warnings.add(event.issues);
        if (event.links.length) await store.applyVariantLinks(importId, event.links);
      }
    }
  }
  await flush();
}

/** A delete import needs only ids: rows are not validated as whole products. */
async function stageDeletes(
  store: Store,
  importId: number,
  body: ReadableStream<Uint8Array>,
  catalog: Catalog,
  opts: ImportOptions,
  report: ImportReport,
  errors: IssueLog,
): Promise<void> {
  const mapper = createRowMapper({ currency: catalog.currency, baseLink: catalog.link });
  let ids: string[] = [];
  for await (const record of readRecords(body, opts.format, { maxBytes: opts.maxBytes })) {
    report.counts.rows++;
    if ('error' in record) {
      report.counts.invalid++;
      errors.add([{ line: record.line, reason: record.error }]);
      continue;
    }
    for (const row of mapper.map(record)) {
      const raw = row.input.id;
      const id = typeof raw === 'string' ? raw.trim() : '';
      if (!id) {
        report.counts.invalid++;
        errors.add([{ line: row.line, field: 'id', reason: 'a delete row needs the id of the product to remove' }]);
        continue;
      }
      report.counts.valid++;
      ids.push(id);
      if (ids.length >= STAGE_BATCH) {
        await store.stageIds(importId, ids);
        ids = [];
        opts.onProgress?.(report.counts.rows);
      }
    }
  }
  if (ids.length) await store.stageIds(importId, ids);
}
