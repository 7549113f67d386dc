/**
 * Admin API for audience segments (mounted under /admin/catalogs, behind adminAuth):
 *
 *   PUT    /:catalog/segments/:name                        create or replace a definition
 *   GET    /:catalog/segments                              all, with counts
 *   GET    /:catalog/segments/:name                        one, with counts
 *   DELETE /:catalog/segments/:name
 *   GET    /:catalog/segments/:name/export?format=meta|google   CSV of e-mail hashes
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Catalog } from '../catalog/catalog';
import { requireCatalog } from '../catalog/routes';
import type { AppDeps, AppEnv } from '../deps';
import { AppError, badRequest, notFound } from '../errors';
import { textStream } from '../util/streams';
import type { SegmentCounts, StoredSegment } from './port';
import { EXPORT_FORMAT_NAMES, exportSegmentCsv, SEGMENT_NAME, segmentSchema, segmentSince } from './segments';

const exportQuery = z.object({ format: z.enum(EXPORT_FORMAT_NAMES) });

/**
 * Segments per catalog. Every list counts every segment (a pass over the catalog's visitors
 * each), so the list's cost grows with their number; a shop needs a handful.
 */
export const MAX_SEGMENTS = 100;

function segmentName(c: Context<AppEnv>): string {
  const name = c.req.param('name') ?? '';
  if (!SEGMENT_NAME.test(name)) {
    throw badRequest('segment names are 1-64 lower-case letters, digits, - or _, starting with a letter or digit');
  }
  return name;
}

async function requireSegment(c: Context<AppEnv>, catalog: Catalog): Promise<StoredSegment> {
  const name = segmentName(c);
  const segment = await c.get('deps').insights.getSegment(catalog.id, name);
  if (!segment) throw notFound(`no segment "${name}" in catalog "${catalog.slug}"`);
  return segment;
}

export type CountedSegment = StoredSegment & SegmentCounts;

/** A segment with its visitor and exportable counts as of now. */
export async function segmentWithCounts(deps: AppDeps, catalog: Catalog, segment: StoredSegment): Promise<CountedSegment> {
  const counts = await deps.insights.countSegment(catalog.id, segment.definition, segmentSince(segment.definition, deps.clock()));
  return { ...segment, ...counts };
}

/** Every segment of the catalog, with counts. */
export async function listSegmentsWithCounts(deps: AppDeps, catalog: Catalog): Promise<CountedSegment[]> {
  const listed: CountedSegment[] = [];
  for (const segment of await deps.insights.listSegments(catalog.id)) listed.push(await segmentWithCounts(deps, catalog, segment));
  return listed;
}

/**
 * Validates and stores a definition under `name` (the caller checked the name against
 * SEGMENT_NAME); 422 `invalid_segment` with per-field details when it is not valid.
 */
export async function saveSegment(
  deps: AppDeps,
  catalog: Catalog,
  name: string,
  body: unknown,
): Promise<{ segment: CountedSegment; created: boolean }> {
  const parsed = segmentSchema.safeParse(body);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message }));
    throw new AppError(422, 'invalid_segment', 'the segment definition is not valid', details);
  }
  if (!(await deps.insights.getSegment(catalog.id, name)) && (await deps.insights.listSegments(catalog.id)).length >= MAX_SEGMENTS) {
    throw new AppError(409, 'too_many_segments', `a catalog has at most ${MAX_SEGMENTS} segments; delete one first`);
  }
  const { segment, created } = await deps.insights.putSegment(catalog.id, name, parsed.data, deps.clock().toISOString());
  return { segment: await segmentWithCounts(deps, catalog, segment), created };
}

const withCounts = (c: Context<AppEnv>, catalog: Catalog, segment: StoredSegment) => segmentWithCounts(c.get('deps'), catalog, segment);

export function audienceRoutes() {
  const app = new Hono<AppEnv>();

  app.put('/:catalog/segments/:name', async (c) => {
    const catalog = await requireCatalog(c);
    const name = segmentName(c);
    const body: unknown = await c.req.json().catch(() => {
      throw badRequest('the body must be a JSON segment definition, e.g. {"kind": "cart_abandoners", "days": 7}');
    });
    const { segment, created } = await saveSegment(c.get('deps'), catalog, name, body);
    return c.json(segment, created ? 201 : 200);
  });

  app.get('/:catalog/segments', async (c) => {
    const catalog = await requireCatalog(c);
    return c.json({ catalog: catalog.slug, segments: await listSegmentsWithCounts(c.get('deps'), catalog) });
  });

  app.get('/:catalog/segments/:name', async (c) => {
    const catalog = await requireCatalog(c);
    return c.json(await withCounts(c, catalog, await requireSegment(c, catalog)));
  });

  app.delete('/:catalog/segments/:name', async (c) => {
    const catalog = await requireCatalog(c);
    const name = segmentName(c);
    if (!(await c.get('deps').insights.deleteSegment(catalog.id, name))) {
      throw notFound(`no segment "${name}" in catalog "${catalog.slug}"`);
    }
    return c.body(null, 204);
  });

  app.get('/:catalog/segments/:name/export', async (c) => {
    const catalog = await requireCatalog(c);
    const segment = await requireSegment(c, catalog);
    const query = exportQuery.safeParse(c.req.query());
    if (!query.success) {
      throw new AppError(400, 'bad_query', `format is ${EXPORT_FORMAT_NAMES.join(' or ')}`);
    }
    const { insights, clock } = c.get('deps');
    const format = query.data.format;
    const chunks = exportSegmentCsv(insights, catalog.id, segment.definition, clock(), format);
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="${catalog.slug}-${segment.name}-${format}.csv"`);
    c.header('Cache-Control', 'no-store');
    return c.body(textStream(chunks), 200);
  });

  return app;
}
