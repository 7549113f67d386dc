/**
 * Admin API for performance labels (mounted under /admin/catalogs, behind adminAuth):
 * `GET /:catalog/labels` shows the current label set, `POST /:catalog/labels/refresh` publishes a new one.
 */
import { Hono } from 'hono';
import { requireCatalog } from '../catalog/routes';
import type { AppEnv } from '../deps';
import { LABEL_THRESHOLDS } from './labels';
import { refreshLabels } from './refresh';

export function labelRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/:catalog/labels', async (c) => {
    const catalog = await requireCatalog(c);
    const set = await c.get('deps').insights.labelSet(catalog.id);
    return c.json({ catalog: catalog.slug, ...set, thresholds: LABEL_THRESHOLDS });
  });

  app.post('/:catalog/labels/refresh', async (c) => {
    const catalog = await requireCatalog(c);
    const deps = c.get('deps');
    const set = await refreshLabels(deps, catalog, deps.clock());
    return c.json({ catalog: catalog.slug, ...set, thresholds: LABEL_THRESHOLDS });
  });

  return app;
}
