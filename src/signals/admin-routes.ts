/**
 * Admin side of signals (mounted under /admin/catalogs, behind adminAuth):
 *
 * - `GET /:catalog/stats?days=30`: events per day and type, most viewed products, the
 *   view → cart → purchase funnel, consent drops, and id reconciliation: how many of the product
 *   ids the shop's pages send exist in the live catalog. A low share means the pixel sends ids
 *   the feed does not use (variant vs parent ids, SKU vs database id), and dynamic ads cannot
 *   match those views to products.
 * - `DELETE /:catalog/visitors/:visitorId`: erasure on a visitor's request made to the shop.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { requireCatalog } from '../catalog/routes';
import type { AppEnv } from '../deps';
import { AppError, badRequest } from '../errors';
import { VISITOR_ID } from './events';

const statsQuery = z.object({
  days: z.coerce.number().int().min(1).max(3650).default(30),
  top: z.coerce.number().int().min(1).max(100).default(20),
});

export function signalAdminRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/:catalog/stats', async (c) => {
    const catalog = await requireCatalog(c);
    const query = statsQuery.safeParse(c.req.query());
    if (!query.success) {
      throw new AppError(400, 'bad_query', 'days must be 1-3650 and top 1-100', query.error.issues.map((i) => i.message));
    }
    const { signals, clock } = c.get('deps');
    const since = new Date(clock().getTime() - query.data.days * 86_400_000).toISOString();
    const stats = await signals.stats(catalog.id, since, query.data.top);
    const { ids_seen, ids_known, references, references_known } = stats.reconciliation;
    return c.json({
      catalog: catalog.slug,
      days: query.data.days,
      ...stats,
      reconciliation: {
        ...stats.reconciliation,
        // null rather than a made-up 100 % when no event named a product yet
        id_share: ids_seen ? round(ids_known / ids_seen) : null,
        reference_share: references ? round(references_known / references) : null,
      },
    });
  });

  app.delete('/:catalog/visitors/:visitorId', async (c) => {
    const catalog = await requireCatalog(c);
    const visitorId = c.req.param('visitorId');
    if (!VISITOR_ID.test(visitorId)) throw badRequest('visitor ids are 8-64 characters of A-Z a-z 0-9 _ -');
    const erased = await c.get('deps').signals.eraseVisitor(catalog.id, visitorId);
    return c.json({ visitor: visitorId, erased });
  });

  return app;
}

function round(share: number): number {
  return Math.round(share * 10_000) / 10_000;
}
