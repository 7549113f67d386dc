/** Admin API for a catalog's feeds: their URLs and protection, tokens, and diagnostics. */
import { Hono } from 'hono';
import { requireCatalog } from '../catalog/routes';
import type { AppEnv } from '../deps';
import { randomToken, sha256Hex } from '../util/crypto';
import { getChannel } from './channels';
import { serverCreativeLinks, serverImagePlan } from './creative-links';
import { DiagnosticsCollector } from './diagnostics';
import { findDefinition } from './feed-request';
import { generateFeed } from './generate';
import { catalogFeedPages } from './pages';

export function feedAdminRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/:catalog/feeds', async (c) => {
    const catalog = await requireCatalog(c);
    const { store, feeds, settings } = c.get('deps');
    const deps = c.get('deps');
    const list = await Promise.all(
      feeds.map(async (d) => {
        const plan = serverImagePlan(deps, d);
        return {
          name: d.name,
          channel: d.channel,
          format: d.format,
          url: `${settings.publicUrl}/feeds/${catalog.slug}/${d.name}.${d.format}`,
          formats: getChannel(d.channel).formats,
          protected: (await store.getFeedTokenHash(catalog.id, d.name)) !== null,
          requires_token: d.protected ?? false,
          /** the creative image_link shows; null: the product's own photo */
          image: plan.creative
            ? { template: plan.creative.template.name, size: plan.creative.size, format: plan.creative.format }
            : null,
          /** problems with the definition as a whole (diagnostics list the products' own) */
          warnings: plan.warning ? [plan.warning] : [],
        };
      }),
    );
    return c.json({ catalog: catalog.slug, version: catalog.version, feeds: list });
  });

  /** Issues (or rotates) the feed's token. The token is shown once; only its hash is stored. */
  app.post('/:catalog/feeds/:feed/token', async (c) => {
    const catalog = await requireCatalog(c);
    const { store, clock, settings } = c.get('deps');
    const definition = findDefinition(c.get('deps'), c.req.param('feed'));
    const token = randomToken();
    await store.setFeedTokenHash(catalog.id, definition.name, await sha256Hex(token), clock().toISOString());
    const url = `${settings.publicUrl}/feeds/${catalog.slug}/${definition.name}.${definition.format}`;
    return c.json({ feed: definition.name, token, url_with_token: `${url}?token=${token}`, basic_auth: { user: catalog.slug, password: token } }, 201);
  });

  app.delete('/:catalog/feeds/:feed/token', async (c) => {
    const catalog = await requireCatalog(c);
    const { store, clock } = c.get('deps');
    const definition = findDefinition(c.get('deps'), c.req.param('feed'));
    await store.setFeedTokenHash(catalog.id, definition.name, null, clock().toISOString());
    return c.body(null, 204);
  });

  /** Runs the feed pipeline over the live catalog without keeping the output, counting what it leaves out and why. */
  app.get('/:catalog/feeds/:feed/diagnostics', async (c) => {
    const catalog = await requireCatalog(c);
    const deps = c.get('deps');
    const definition = findDefinition(deps, c.req.param('feed'));
    const diagnostics = new DiagnosticsCollector();
    const now = deps.clock();
    const plan = serverImagePlan(deps, definition);
    if (plan.warning) diagnostics.feedWarning(plan.warning);
    const pages = catalogFeedPages(deps.store, catalog);
    const chunks = generateFeed(pages, {
      catalog,
      definition,
      format: definition.format,
      publicUrl: deps.settings.publicUrl,
      now,
      diagnostics,
      creatives: await serverCreativeLinks(deps, catalog, definition, plan, now),
    });
    for await (const _ of chunks) {
      // output discarded: only the counts matter here
    }
    return c.json({ catalog: catalog.slug, feed: definition.name, version: catalog.version, ...diagnostics.toJSON() });
  });

  return app;
}
