/**
 * createApp(deps): the whole HTTP surface of adfeed, built from injected parts (store, clock,
 * settings, feed definitions, codecs). Runtime entries (Node, Workers) only wire those parts.
 */
import { Hono } from 'hono';
import { adminUiRoutes } from './admin-ui/routes';
import { catalogRoutes } from './catalog/routes';
import { brandKitRoutes } from './creative/brand-routes';
import { creativeAdminRoutes } from './creative/admin-routes';
import { creativeRoutes } from './creative/routes';
import { CreativeService } from './creative/service';
import { TEMPLATES } from '../templates/index';
import { AppError } from './errors';
import type { AppDeps, AppEnv } from './deps';
import { feedAdminRoutes } from './feeds/admin-routes';
import { feedRoutes } from './feeds/routes';
import { adminAuth } from './http/admin-auth';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { audienceRoutes } from './insights/audience-routes';
import { labelRoutes } from './insights/label-routes';
import { recsRoutes } from './insights/recs-routes';
import { signalAdminRoutes } from './signals/admin-routes';
import { createCollectEdge, type CollectEdge } from './signals/collect-edge';
import { collectRoutes } from './signals/collect-routes';

/**
 * `collectEdge`: the signal routes' shared state (catalog cache, rate-limit buckets), passed in by
 * a runtime that also answers a signal route itself (Node's pixel fast path), so both spend the
 * same buckets; made here otherwise.
 */
export function createApp(deps: AppDeps, parts: { collectEdge?: CollectEdge } = {}) {
  const creatives = deps.creative
    ? new CreativeService(deps.creative, deps.store, deps.templates ?? TEMPLATES, deps.blobCache)
    : null;
  const app = new Hono<AppEnv>();
  app.onError(errorHandler);
  app.notFound(notFoundHandler);
  app.use(async function injectDeps(c, next) {
    c.set('deps', deps);
    await next();
  });

  app.get('/healthz', async (c) => {
    try {
      await deps.store.ping();
      return c.json({ ok: true, time: deps.clock().toISOString() });
    } catch {
      return c.json({ ok: false, error: 'storage_unavailable', message: 'the database did not answer' }, 503);
    }
  });

  // The web UI's pages (/admin, /admin/login, /admin/c/:catalog/…) sit beside the JSON API
  // (/admin/catalogs/…); each checks its own credentials.
  app.route('/admin', adminUiRoutes() as unknown as Hono<AppEnv>);

  const admin = new Hono<AppEnv>();
  admin.use(adminAuth({ token: () => deps.settings.adminToken }));
  admin.route('/catalogs', catalogRoutes());
  admin.route('/catalogs', feedAdminRoutes());
  admin.route('/catalogs', labelRoutes());
  admin.route('/catalogs', audienceRoutes());
  admin.route('/catalogs', signalAdminRoutes());
  admin.route('/catalogs', brandKitRoutes(deps.creative?.rasterizer ?? null));
  if (creatives) admin.route('/catalogs', creativeAdminRoutes(creatives));
  app.route('/admin', admin);

  if (creatives) app.route('/img', creativeRoutes(creatives, deps.renderRateLimit));
  else
    app.get('/img/*', () => {
      throw new AppError(503, 'creatives_unavailable', 'this server was started without a creative renderer');
    });

  app.route('/feeds', feedRoutes());
  app.route('/recs', recsRoutes());
  app.route('/', collectRoutes(parts.collectEdge ?? createCollectEdge(deps)));
  return app;
}

export type App = ReturnType<typeof createApp>;
