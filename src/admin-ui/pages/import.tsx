/**
 * The Import tab:
 * - `GET /admin/c/:catalog/import`: upload a catalog file (drag and drop or a file input), choose
 *   the mode and, optionally, the format; the last imports below. The upload itself is the island
 *   script assets/import-upload.ts, which POSTs the file to the JSON API
 *   (`/admin/catalogs/:catalog/imports`) with a real upload progress bar.
 * - `GET /admin/c/:catalog/imports/:id`: one import's report: status, counts, changes, message
 *   and its line-numbered errors and warnings.
 * - `GET /admin/c/:catalog/imports/:id/issues.csv`: those errors and warnings as a CSV download,
 *   every cell formula-neutralised (src/util/csv-safe.ts).
 */
import type { Hono } from 'hono';
import type { Catalog, Issue } from '../../catalog/catalog';
import { AppError } from '../../errors';
import type { ImportMode, ImportReport, ImportStatus } from '../../store/port';
import { safeCsvCell } from '../../util/csv-safe';
import { uiCatalog, type UiContext, type UiEnv } from '../context';
import { catalogPath, Notice, Page } from '../layout';

const MODES: ReadonlyArray<readonly [ImportMode, string, string]> = [
  ['replace', 'Replace', 'The file is the whole catalog: products missing from it are removed. If that would remove more than the catalog allows, the import waits for your confirmation.'],
  ['upsert', 'Add and update', 'Products in the file are added or updated; all others stay as they are.'],
  ['delete', 'Delete', 'Products whose ids are in the file are removed; other columns are ignored.'],
];

const FORMATS = [
  ['', 'Detect automatically'],
  ['csv', 'CSV (comma-separated)'],
  ['tsv', 'TSV (tab-separated)'],
  ['json', 'JSON array'],
  ['ndjson', 'NDJSON / JSON lines'],
  ['xml', 'XML (Google Merchant RSS or Atom)'],
] as const;

const STATUS_LABELS: Record<ImportStatus, string> = {
  staging: 'Processing',
  held: 'Waiting for confirmation',
  published: 'Published',
  failed: 'Failed',
};

const MODE_LABELS: Record<ImportMode, string> = { replace: 'Replace', upsert: 'Add and update', delete: 'Delete' };

function StatusBadge(props: { status: ImportStatus }) {
  const cls = props.status === 'published' ? 'badge ok' : props.status === 'held' ? 'badge warn' : 'badge';
  const style = props.status === 'failed' ? 'background:#fee2e2' : undefined;
  return (
    <span class={cls} style={style}>
      {STATUS_LABELS[props.status] ?? props.status}
    </span>
  );
}

/** `2026-11-23T12:00:00.000Z` → `2026-11-23 12:00 UTC` in a `<time>`. */
function When(props: { iso: string | null }) {
  if (!props.iso) return <>—</>;
  return <time datetime={props.iso}>{`${props.iso.slice(0, 16).replace('T', ' ')} UTC`}</time>;
}

const n = (v: number) => v.toLocaleString('en-GB');

function megabytes(bytes: number): string {
  return `${Math.round((bytes / 1048576) * 10) / 10} MB`;
}

async function requireReport(c: UiContext, catalog: Catalog): Promise<ImportReport> {
  const id = Number(c.req.param('id'));
  const report = Number.isSafeInteger(id) ? await c.get('deps').store.getImportReport(catalog.id, id) : null;
  if (!report) throw new AppError(404, 'not_found', `no import ${String(c.req.param('id')).slice(0, 20)} in catalog "${catalog.slug}"`);
  return report;
}

type KindedIssue = Issue & { kind: 'error' | 'warning' };

/** Errors and warnings together, by line (errors first on a line): the order of the file. */
function allIssues(report: ImportReport): KindedIssue[] {
  return [
    ...report.errors.map((i) => ({ ...i, kind: 'error' as const })),
    ...report.warnings.map((i) => ({ ...i, kind: 'warning' as const })),
  ].sort((a, b) => a.line - b.line || (a.kind === b.kind ? 0 : a.kind === 'error' ? -1 : 1));
}

/** RFC 4180: CRLF line ends, cells quoted when needed, formulas neutralised. */
export function issuesCsv(report: ImportReport): string {
  const lines = [['kind', 'line', 'field', 'reason', 'value']];
  for (const i of allIssues(report)) lines.push([i.kind, String(i.line), i.field ?? '', i.reason, i.value ?? '']);
  return lines.map((cells) => cells.map(safeCsvCell).join(',')).join('\r\n') + '\r\n';
}

function ChangesText(props: { report: ImportReport }) {
  const ch = props.report.changes;
  if (!ch) return <>—</>;
  return (
    <>
      {ch.added ? '+' : ''}
      {n(ch.added)} added, {n(ch.updated)} updated, {ch.removed ? '−' : ''}
      {n(ch.removed)} removed, {n(ch.unchanged)} unchanged
    </>
  );
}

export function importPages(app: Hono<UiEnv>): void {
  app.get('/c/:catalog/import', async (c) => {
    const catalog = await uiCatalog(c);
    const { store, settings } = c.get('deps');
    const imports = await store.listImports(catalog.id, 20);
    const slug = encodeURIComponent(catalog.slug);
    const api = `/admin/catalogs/${slug}/imports`;
    return c.html(
      <Page title="Import" csrf={c.get('csrf')} catalog={catalog} tab="import" scripts={['import-upload.js']}>
        <noscript>
          <Notice kind="info">
            Uploading from this page needs JavaScript. Without it, send the file to the API:{' '}
            <code>{`curl -H "Authorization: Bearer $ADMIN_TOKEN" --data-binary @catalog.csv "${settings.publicUrl.replace(/\/+$/, '')}${api}?mode=replace"`}</code>
          </Notice>
        </noscript>
        <form id="import-form" class="card" data-api={api} data-reports={catalogPath(catalog.slug, '/imports/')} novalidate>
          <div class="dropzone" id="dropzone">
            <p style="margin:0 0 8px">
              <strong>Drop a catalog file here</strong>
            </p>
            <label for="file">or choose a file</label>
            <input
              type="file"
              id="file"
              name="file"
              accept=".csv,.tsv,.tab,.txt,.json,.ndjson,.jsonl,.xml,.rss,.atom,.gz,text/csv,text/tab-separated-values,application/json,application/xml,text/xml,application/gzip"
              aria-describedby="file-hint file-info"
            />
            <p class="hint" id="file-hint">
              CSV, TSV, JSON, NDJSON or XML (Google Merchant RSS or Atom), gzip-compressed (.gz) or not; at most{' '}
              {megabytes(settings.maxUploadBytes)} as sent.
            </p>
            <p id="file-info" aria-live="polite" style="margin:4px 0 0"></p>
          </div>

          <fieldset style="border:0;padding:0;margin:12px 0 0">
            <legend style="font-weight:600">What the file means</legend>
            {MODES.map(([mode, label, hint]) => (
              <div style="margin:6px 0">
                <label for={`mode-${mode}`} style="display:flex;gap:8px;align-items:center;margin:0">
                  <input type="radio" id={`mode-${mode}`} name="mode" value={mode} checked={mode === 'replace'} aria-describedby={`mode-${mode}-hint`} />
                  {label}
                </label>
                <p class="hint" id={`mode-${mode}-hint`} style="margin-left:24px">
                  {hint}
                  {mode === 'replace' ? ` (This catalog's limit: ${Math.round(catalog.max_drop_share * 100)} %.)` : ''}
                </p>
              </div>
            ))}
          </fieldset>

          <label for="format">Format</label>
          <select id="format" name="format" aria-describedby="format-hint">
            {FORMATS.map(([value, label]) => (
              <option value={value}>{label}</option>
            ))}
          </select>
          <p class="hint" id="format-hint">
            Usually detected from the file; choose one only when detection gets it wrong.
          </p>

          <p>
            <button id="upload" type="submit">
              Upload
            </button>
          </p>
        </form>

        <div id="upload-panel" class="card" hidden>
          <label for="upload-progress">Upload progress</label>
          <progress id="upload-progress" max={100} value={0} aria-describedby="upload-bytes"></progress>
          <p id="upload-bytes" class="hint"></p>
          <p id="upload-status" role="status" aria-live="polite"></p>
          <p id="rows-processed" aria-live="polite"></p>
          <p id="upload-report" hidden>
            <a id="upload-report-link" href={catalogPath(catalog.slug, '/import')}>
              Open the import report
            </a>
          </p>
        </div>

        <div id="held" class="notice info" hidden>
          <p style="margin-top:0">
            <strong>This import waits for your confirmation; nothing was published yet.</strong>
          </p>
          <p id="held-message"></p>
          <p class="row">
            <button id="confirm-import" type="button" data-confirm-url="" data-next="" data-status="confirm-status">
              Publish anyway
            </button>
            <a id="held-report" href={catalogPath(catalog.slug, '/import')}>
              See the report first
            </a>
          </p>
          <p id="confirm-status" role="status"></p>
        </div>

        <h2>Last imports</h2>
        {imports.length ? (
          <div style="overflow-x:auto" role="region" aria-label="Last imports" tabindex={0}>
            <table style="min-width:760px">
              <caption class="sr-only">The last {imports.length} imports, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Import</th>
                  <th scope="col">Started</th>
                  <th scope="col">Mode</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">
                    Rows
                  </th>
                  <th scope="col" class="num">
                    Valid
                  </th>
                  <th scope="col" class="num">
                    Invalid
                  </th>
                  <th scope="col" class="num">
                    Warnings
                  </th>
                  <th scope="col">Changes</th>
                </tr>
              </thead>
              <tbody>
                {imports.map((r) => (
                  <tr>
                    <td>
                      <a href={catalogPath(catalog.slug, `/imports/${r.id}`)}>#{r.id}</a> <span class="hint">{r.format}</span>
                    </td>
                    <td>
                      <When iso={r.created_at} />
                    </td>
                    <td>{MODE_LABELS[r.mode] ?? r.mode}</td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td class="num">{n(r.counts.rows)}</td>
                    <td class="num">{n(r.counts.valid)}</td>
                    <td class="num">{n(r.counts.invalid)}</td>
                    <td class="num">{n(r.counts.warnings)}</td>
                    <td>
                      <ChangesText report={r} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="hint">No imports yet.</p>
        )}
      </Page>,
    );
  });

  app.get('/c/:catalog/imports/:id{[0-9]+}', async (c) => {
    const catalog = await uiCatalog(c);
    const report = await requireReport(c, catalog);
    const issues = allIssues(report);
    const slug = encodeURIComponent(catalog.slug);
    const here = catalogPath(catalog.slug, `/imports/${report.id}`);
    const ch = report.changes;
    return c.html(
      <Page title={`Import #${report.id}`} csrf={c.get('csrf')} catalog={catalog} tab="import" scripts={['import-upload.js']}>
        <p>
          <a href={catalogPath(catalog.slug, '/import')}>← All imports</a>
        </p>
        {report.status === 'failed' ? (
          <Notice kind="error">
            <strong>The import failed; nothing was changed.</strong> {report.message}
          </Notice>
        ) : report.status === 'held' ? (
          <Notice kind="info">
            <p style="margin-top:0">
              <strong>Waiting for confirmation.</strong> {report.message}
            </p>
            <p class="row">
              <button type="button" data-confirm-url={`/admin/catalogs/${slug}/imports/${report.id}/confirm`} data-next={here} data-status="confirm-status">
                Publish anyway
              </button>
            </p>
            <p id="confirm-status" role="status"></p>
            <p class="hint">Held imports expire after 24 hours. To cancel, do nothing, or upload a corrected file.</p>
          </Notice>
        ) : report.status === 'published' ? (
          <Notice kind="ok">
            Published{report.version !== null ? ` as catalog version ${report.version}` : ''}.{report.message ? ` ${report.message}` : ''}
          </Notice>
        ) : (
          <Notice kind="info">{report.message ?? 'Still processing; reload in a moment.'}</Notice>
        )}

        <div class="grid">
          <div class="card" style="margin:0">
            <h2 style="margin-top:0">Import</h2>
            <dl style="margin:0;display:grid;grid-template-columns:auto 1fr;gap:2px 12px">
              <dt>Status</dt>
              <dd style="margin:0">
                <StatusBadge status={report.status} />
              </dd>
              <dt>Mode</dt>
              <dd style="margin:0">{MODE_LABELS[report.mode] ?? report.mode}</dd>
              <dt>Format</dt>
              <dd style="margin:0">{report.format}</dd>
              <dt>Started</dt>
              <dd style="margin:0">
                <When iso={report.created_at} />
              </dd>
              <dt>Finished</dt>
              <dd style="margin:0">
                <When iso={report.finished_at} />
              </dd>
            </dl>
          </div>
          <div class="card" style="margin:0">
            <h2 style="margin-top:0">Rows</h2>
            <dl style="margin:0;display:grid;grid-template-columns:auto 1fr;gap:2px 12px">
              <dt>Read</dt>
              <dd style="margin:0">{n(report.counts.rows)}</dd>
              <dt>Valid</dt>
              <dd style="margin:0">{n(report.counts.valid)}</dd>
              <dt>Invalid</dt>
              <dd style="margin:0">{n(report.counts.invalid)}</dd>
              <dt>Warnings</dt>
              <dd style="margin:0">{n(report.counts.warnings)}</dd>
            </dl>
          </div>
          <div class="card" style="margin:0">
            <h2 style="margin-top:0">Changes</h2>
            {ch ? (
              <dl style="margin:0;display:grid;grid-template-columns:auto 1fr;gap:2px 12px">
                <dt>Live before</dt>
                <dd style="margin:0">{n(ch.live_before)}</dd>
                <dt>Added</dt>
                <dd style="margin:0">{n(ch.added)}</dd>
                <dt>Updated</dt>
                <dd style="margin:0">{n(ch.updated)}</dd>
                <dt>Unchanged</dt>
                <dd style="margin:0">{n(ch.unchanged)}</dd>
                <dt>Removed</dt>
                <dd style="margin:0">{n(ch.removed)}</dd>
              </dl>
            ) : (
              <p class="hint">None: nothing was published.</p>
            )}
          </div>
        </div>

        <h2 id="issues-heading">Errors and warnings</h2>
        {issues.length ? (
          <>
            <p class="row">
              <a class="button secondary" href={`${here}/issues.csv`} download>
                Download as CSV
              </a>
              {report.issues_truncated ? (
                <span class="hint">
                  Only the first {n(issues.length)} are kept; the file has {n(report.counts.invalid)} invalid rows and {n(report.counts.warnings)}{' '}
                  warnings in all.
                </span>
              ) : null}
            </p>
            <div style="overflow-x:auto" role="region" aria-labelledby="issues-heading" tabindex={0}>
              <table id="import-errors" aria-labelledby="issues-heading">
                <thead>
                  <tr>
                    <th scope="col" class="num">
                      Line
                    </th>
                    <th scope="col">Field</th>
                    <th scope="col">Problem</th>
                    <th scope="col">Value</th>
                  </tr>
                </thead>
                <tbody>
                  {issues.map((i) => (
                    <tr class={i.kind}>
                      <td class="num">{i.line > 0 ? String(i.line) : 'file'}</td>
                      <td>{i.field ? <code>{i.field}</code> : '—'}</td>
                      <td>
                        {i.kind === 'error' ? (
                          <span class="badge" style="background:#fee2e2">
                            Error
                          </span>
                        ) : (
                          <span class="badge warn">Warning</span>
                        )}{' '}
                        {i.reason}
                      </td>
                      <td>{i.value !== undefined && i.value !== '' ? <code>{i.value}</code> : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ) : (
          <p class="hint">No errors or warnings.</p>
        )}
      </Page>,
    );
  });

  app.get('/c/:catalog/imports/:id{[0-9]+}/issues.csv', async (c) => {
    const catalog = await uiCatalog(c);
    const report = await requireReport(c, catalog);
    return c.body(issuesCsv(report), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${catalog.slug}-import-${report.id}-issues.csv"`,
    });
  });
}
