/**
 * `GET /recs/:catalog/:visitorId?limit=`: products to show one visitor, for creatives and
 * e-mails. Public (no token: it is embedded in pages and mails), so it answers with product
 * data only: no timestamps, counts, search terms or order details, and the same shape for an
 * unknown visitor (best sellers) as for a known one. CORS is open for GET.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { z } from 'zod';
import { requireCatalog } from '../catalog/routes';
import type { AppEnv } from '../deps';
import { AppError } from '../errors';
import { VISITOR_ID } from '../signals/events';
import { MAX_RECOMMENDATIONS, recommend } from './recommend';


const recsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_RECOMMENDATIONS).default(8),
});

export function recsRoutes() {
  const app = new Hono<AppEnv>();
  app.use('*', cors({ origin: '*', allowMethods: ['GET'], maxAge: 86_400 }));

  app.get('/:catalog/:visitor', async (c) => {
    const visitorId = c.req.param('visitor');
    if (!VISITOR_ID.test(visitorId)) {
      // The ids the pixel hands out (src/signals): anything else cannot have a history.
      throw new AppError(400, 'bad_visitor_id', 'visitor ids are 8-64 letters, digits, dashes or underscores');
    }
    const query = recsQuery.safeParse(c.req.query());
    if (!query.success) {
      throw new AppError(400, 'bad_query', `limit is a whole number from 1 to ${MAX_RECOMMENDATIONS}`);
    }
    const catalog = await requireCatalog(c);
    const { insights, clock } = c.get('deps');
    const items = await recommend(insights, catalog, visitorId, query.data.limit, clock());
    // Personal, so never stored by shared caches; a short private lifetime spares repeat loads of one mail.
    c.header('Cache-Control', 'private, max-age=60');
    c.header('X-Robots-Tag', 'noindex');
    return c.json({ catalog: catalog.slug, items });
  });

  return app;
}
