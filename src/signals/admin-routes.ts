/**
 * Admin side of signals (mounted under /admin/catalogs, behind adminAuth):
 *
 * - `GET /:catalog/stats?days=30`: events per day and type, most viewed products, the
 *   view → cart → purchase funnel, consent drops, and id reconciliation: how many of the product
 *   ids the shop's pages send exist in the live catalog. A low share means the pixel sends ids
 *   the feed does not use (variant vs parent ids, SKU vs database id), and dynamic ads cannot
 *   match those views to products.
 * - `DELETE /:catalog/visitors/:visitorId`: erasure on a visitor's request made to the shop.
 * - `POST /:catalog/erasures` `{"email": …}` or `{"email_sha256": …}`: the same for every visitor
 *   with that address, when the request names an address (./erasure.ts).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Catalog } from '../catalog/catalog';
import { requireCatalog } from '../catalog/routes';
import type { AppDeps, AppEnv } from '../deps';
import { AppError } from '../errors';
import { eraseByEmail, eraseVisitor } from './erasure';
import type { SignalStats } from './port';
import { dayWindowStart } from './windows';

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
    return c.json(await signalStats(c.get('deps'), catalog, query.data.days, query.data.top));
  });

  app.delete('/:catalog/visitors/:visitorId', async (c) => {
    const catalog = await requireCatalog(c);
    const visitorId = c.req.param('visitorId');
    const erased = await eraseVisitor(c.get('deps'), catalog, visitorId);
    return c.json({ visitor: visitorId, erased });
  });

  app.post('/:catalog/erasures', async (c) => {
    const catalog = await requireCatalog(c);
    const body: unknown = await c.req.json().catch(() => {
      throw new AppError(400, 'invalid_json', 'the body must be JSON: {"email": "…"} or {"email_sha256": "<64 hex>"}');
    });
    return c.json(await eraseByEmail(c.get('deps'), catalog, body));
  });

  return app;
}

export interface SignalStatsReport extends SignalStats {
  catalog: string;
  days: number;
  reconciliation: SignalStats['reconciliation'] & {
    /** share of distinct ids that name live products; null when no event named a product */
    id_share: number | null;
    reference_share: number | null;
  };
}

/** The stats of the last `days` UTC days (today included), as `GET /:catalog/stats` answers them (the admin UI shows the same). */
export async function signalStats(deps: AppDeps, catalog: Catalog, days: number, top: number): Promise<SignalStatsReport> {
  const since = dayWindowStart(deps.clock(), days);
  const stats = await deps.signals.stats(catalog.id, since, top);
  const { ids_seen, ids_known, references, references_known } = stats.reconciliation;
  return {
    catalog: catalog.slug,
    days,
    ...stats,
    reconciliation: {
      ...stats.reconciliation,
      // null rather than a made-up 100 % when no event named a product yet
      id_share: ids_seen ? round(ids_known / ids_seen) : null,
      reference_share: references ? round(references_known / references) : null,
    },
  };
}

function round(share: number): number {
  return Math.round(share * 10_000) / 10_000;
}
