/** Admin API for catalogs, imports and products (mounted under /admin/catalogs, behind adminAuth). */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../deps';
import { AppError, badRequest, notFound } from '../errors';
import { decodeContentEncoding, emptyStream } from '../http/body';
import { IMPORT_MODES } from '../store/port';
import type { Catalog } from './catalog';
import { ImportTooLargeError, runImport, settle } from './import';
import { detectFormat, peekHead } from './parse';
import { ImportProgress, UPLOAD_ID } from './import-progress';
import { catalogDefaults, catalogPutSchema, catalogSettingsSchema, SLUG } from './settings-schema';
import { fromMicros } from './money';

export async function requireCatalog(c: Context<AppEnv>): Promise<Catalog> {
  const slug = c.req.param('catalog') ?? '';
  if (!SLUG.test(slug)) throw notFound(`no catalog "${slug.slice(0, 64)}"`);
  const catalog = await c.get('deps').store.getCatalog(slug);
  if (!catalog) throw notFound(`no catalog "${slug}"; create it with PUT /admin/catalogs/${slug}`);
  return catalog;
}

function zodDetails(error: z.ZodError) {
  return error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message }));
}

const importQuery = z.object({
  mode: z.enum(IMPORT_MODES).default('replace'),
  format: z.enum(['csv', 'tsv', 'json', 'ndjson', 'xml']).optional(),
  confirm: z
    .enum(['1', 'true', '0', 'false'])
    .optional()
    .transform((v) => v === '1' || v === 'true'),
});

const pageQuery = z.object({
  q: z.string().max(200).optional(),
  after: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export function catalogRoutes(progress: ImportProgress = new ImportProgress()) {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => c.json({ catalogs: await c.get('deps').store.listCatalogs() }));

  app.get('/:catalog', async (c) => c.json(await requireCatalog(c)));

  app.put('/:catalog', async (c) => {
    const slug = c.req.param('catalog');
    if (!SLUG.test(slug)) {
      throw badRequest('catalog slugs are 1-63 lower-case letters, digits and dashes, starting with a letter or digit');
    }
    const body: unknown = await c.req.json().catch(() => {
      throw badRequest('the body must be a JSON object of catalog settings');
    });
    const patch = catalogPutSchema.safeParse(body);
    if (!patch.success) throw new AppError(422, 'invalid_settings', 'catalog settings are not valid', zodDetails(patch.error));
    const { store, clock } = c.get('deps');
    const existing = await store.getCatalog(slug);
    const current = existing ? pickSettings(existing) : catalogDefaults;
    const merged = catalogSettingsSchema.safeParse({ ...catalogDefaults, ...current, ...stripUndefined(patch.data) });
    if (!merged.success) {
      throw new AppError(422, 'invalid_settings', 'a new catalog needs at least a title and a link', zodDetails(merged.error));
    }
    const { catalog, created } = await store.putCatalog(slug, merged.data, clock().toISOString());
    return c.json(catalog, created ? 201 : 200);
  });

  app.get('/:catalog/imports/progress/:upload', async (c) => {
    const catalog = await requireCatalog(c);
    const p = progress.get(catalog.id, c.req.param('upload'));
    if (!p) throw notFound('no import in progress under that upload id (yet)');
    c.header('Cache-Control', 'no-store');
    return c.json(p);
  });

  app.post('/:catalog/imports', async (c) => {
    const catalog = await requireCatalog(c);
    const { store, clock, settings } = c.get('deps');
    const query = importQuery.safeParse(c.req.query());
    if (!query.success) throw new AppError(400, 'bad_query', 'import parameters are not valid', zodDetails(query.error));

    const declared = Number(c.req.header('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > settings.maxUploadBytes) throw tooLarge(settings.maxUploadBytes);

    const decoded = decodeContentEncoding(c.req.raw.body ?? emptyStream(), c.req.header('content-encoding'));
    const { head, body: stream } = await peekHead(decoded);
    const format = detectFormat(c.req.header('content-type'), query.data.format, head);
    if (!format) {
      throw new AppError(
        415,
        'unknown_format',
        'cannot tell the file format: send Content-Type text/csv, text/tab-separated-values, application/json, application/x-ndjson or application/xml, or add ?format=csv|tsv|json|ndjson|xml',
      );
    }
    const uploadId = c.req.header('x-upload-id');
    const track = uploadId && UPLOAD_ID.test(uploadId) ? uploadId : null;
    try {
      const report = await runImport(store, catalog, stream, {
        mode: query.data.mode,
        format,
        confirm: query.data.confirm,
        maxBytes: settings.maxUploadBytes,
        now: clock,
        ...(track ? { onProgress: (rows: number) => progress.update(catalog.id, track, rows, false, clock().getTime()) } : {}),
      });
      if (track) progress.update(catalog.id, track, report.counts.rows, true, clock().getTime());
      c.header('Location', `/admin/catalogs/${catalog.slug}/imports/${report.id}`);
      if (report.status === 'failed') {
        throw new AppError(422, 'import_failed', report.message ?? 'the file could not be read', report);
      }
      return c.json(report, report.status === 'held' ? 202 : 201);
    } catch (err) {
      if (err instanceof ImportTooLargeError) throw tooLarge(settings.maxUploadBytes, err.report.id);
      throw err;
    }
  });

  app.get('/:catalog/imports', async (c) => {
    const catalog = await requireCatalog(c);
    return c.json({ imports: await c.get('deps').store.listImports(catalog.id, 50) });
  });

  app.get('/:catalog/imports/:id{[0-9]+}', async (c) => {
    const catalog = await requireCatalog(c);
    const report = await c.get('deps').store.getImportReport(catalog.id, Number(c.req.param('id')));
    if (!report) throw notFound(`no import ${c.req.param('id')} in catalog "${catalog.slug}"`);
    return c.json(report);
  });

  app.post('/:catalog/imports/:id{[0-9]+}/confirm', async (c) => {
    const catalog = await requireCatalog(c);
    const { store, clock } = c.get('deps');
    const report = await store.getImportReport(catalog.id, Number(c.req.param('id')));
    if (!report) throw notFound(`no import ${c.req.param('id')} in catalog "${catalog.slug}"`);
    if (report.status !== 'held') {
      throw new AppError(409, 'not_held', `import ${report.id} is ${report.status}; only a held import can be confirmed`);
    }
    if (Date.parse(report.created_at) < clock().getTime() - 24 * 3600_000) {
      throw new AppError(410, 'expired', 'held imports expire after 24 hours; upload the file again');
    }
    const iso = () => clock().toISOString();
    const published = await settle(store, catalog, report, report.mode, true, iso, async () => {
      report.finished_at = iso();
      await store.saveImportReport(report);
      return report;
    });
    return c.json(published);
  });

  app.get('/:catalog/products', async (c) => {
    const catalog = await requireCatalog(c);
    const query = pageQuery.safeParse(c.req.query());
    if (!query.success) throw new AppError(400, 'bad_query', 'paging parameters are not valid', zodDetails(query.error));
    const page = await c.get('deps').store.searchProducts(catalog.id, query.data);
    return c.json(page);
  });

  app.get('/:catalog/products/:id', async (c) => {
    const catalog = await requireCatalog(c);
    const { store } = c.get('deps');
    const id = c.req.param('id');
    const product = await store.getProduct(catalog.id, id);
    if (!product) throw notFound(`no product "${id.slice(0, 100)}" in catalog "${catalog.slug}"`);
    const history = (await store.priceHistory(catalog.id, id)).map((p) => ({
      observed_at: p.observed_at,
      version: p.version,
      price: fromMicros(p.price_micros),
      sale_price: p.sale_price_micros === null ? null : fromMicros(p.sale_price_micros),
      currency: p.currency,
    }));
    return c.json({ product, price_history: history });
  });

  return app;
}

function tooLarge(maxBytes: number, importId?: number): AppError {
  return new AppError(
    413,
    'payload_too_large',
    `the upload is larger than the ${Math.round(maxBytes / 1048576)} MB limit (MAX_UPLOAD_MB); nothing was changed. Split the catalog or compress it with gzip.`,
    importId === undefined ? undefined : { import: importId },
  );
}

function pickSettings(catalog: Catalog): Record<string, unknown> {
  return Object.fromEntries(Object.keys(catalogSettingsSchema.shape).map((k) => [k, catalog[k as keyof Catalog]]));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
