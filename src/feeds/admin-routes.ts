/**
 * Admin API for a catalog's feeds: their URLs and protection, tokens, and diagnostics. The
 * logic behind each endpoint is exported as a function, so the admin web UI
 * (src/admin-ui/pages/feeds.tsx) shows and changes exactly what the API does.
 */
import { Hono } from 'hono';
import type { Catalog } from '../catalog/catalog';
import { requireCatalog } from '../catalog/routes';
import type { AppDeps, AppEnv } from '../deps';
import { randomToken, sha256Hex } from '../util/crypto';
import { getChannel } from './channels';
import type { Finding } from './channels/channel';
import { serverCreativeLinks, serverImagePlan } from './creative-links';
import type { FeedDefinition } from './definition';
import { DiagnosticsCollector, type FeedDiagnostics } from './diagnostics';
import { findDefinition } from './feed-request';
import { generateFeed } from './generate';
import { catalogFeedPages } from './pages';

/** One feed as the admin sees it (`GET /admin/catalogs/:catalog/feeds`). */
export interface FeedListing {
  name: string;
  channel: FeedDefinition['channel'];
  format: FeedDefinition['format'];
  /** the full public URL (without a token) */
  url: string;
  formats: readonly string[];
  /** a token has been issued: fetches must present it */
  protected: boolean;
  /** the definition says `protected`: without a token, fetches are refused */
  requires_token: boolean;
  /** the creative image_link shows; null: the product's own photo */
  image: { template: string; size: string; format: string } | null;
  /** problems with the definition as a whole (diagnostics list the products' own) */
  warnings: Finding[];
}

/** The public URL of a feed, in its definition's format. */
export function feedUrl(deps: Pick<AppDeps, 'settings'>, catalog: Pick<Catalog, 'slug'>, definition: FeedDefinition): string {
  return `${deps.settings.publicUrl}/feeds/${catalog.slug}/${definition.name}.${definition.format}`;
}

export async function describeFeed(deps: AppDeps, catalog: Catalog, d: FeedDefinition): Promise<FeedListing> {
  const plan = serverImagePlan(deps, d);
  return {
    name: d.name,
    channel: d.channel,
    format: d.format,
    url: feedUrl(deps, catalog, d),
    formats: getChannel(d.channel).formats,
    protected: (await deps.store.getFeedTokenHash(catalog.id, d.name)) !== null,
    requires_token: d.protected ?? false,
    image: plan.creative ? { template: plan.creative.template.name, size: plan.creative.size, format: plan.creative.format } : null,
    warnings: plan.warning ? [plan.warning] : [],
  };
}

export function listFeeds(deps: AppDeps, catalog: Catalog): Promise<FeedListing[]> {
  return Promise.all(deps.feeds.map((d) => describeFeed(deps, catalog, d)));
}

export interface IssuedFeedToken {
  feed: string;
  /** shown once: only its hash is stored */
  token: string;
  url_with_token: string;
  basic_auth: { user: string; password: string };
}

/** Issues (or rotates) the feed's token. */
export async function issueFeedToken(deps: AppDeps, catalog: Catalog, definition: FeedDefinition): Promise<IssuedFeedToken> {
  const token = randomToken();
  await deps.store.setFeedTokenHash(catalog.id, definition.name, await sha256Hex(token), deps.clock().toISOString());
  const url = feedUrl(deps, catalog, definition);
  return { feed: definition.name, token, url_with_token: `${url}?token=${token}`, basic_auth: { user: catalog.slug, password: token } };
}

/** Drops the feed's token: the feed is public again (or refused, when its definition is `protected`). */
export async function removeFeedToken(deps: AppDeps, catalog: Catalog, definition: FeedDefinition): Promise<void> {
  await deps.store.setFeedTokenHash(catalog.id, definition.name, null, deps.clock().toISOString());
}

/** Runs the feed pipeline over the live catalog without keeping the output, counting what it leaves out and why. */
export async function runFeedDiagnostics(deps: AppDeps, catalog: Catalog, definition: FeedDefinition): Promise<FeedDiagnostics> {
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
  return diagnostics.toJSON();
}

export function feedAdminRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/:catalog/feeds', async (c) => {
    const catalog = await requireCatalog(c);
    const list = await listFeeds(c.get('deps'), catalog);
    return c.json({ catalog: catalog.slug, version: catalog.version, feeds: list });
  });

  /** Issues (or rotates) the feed's token. The token is shown once; only its hash is stored. */
  app.post('/:catalog/feeds/:feed/token', async (c) => {
    const catalog = await requireCatalog(c);
    const definition = findDefinition(c.get('deps'), c.req.param('feed'));
    return c.json(await issueFeedToken(c.get('deps'), catalog, definition), 201);
  });

  app.delete('/:catalog/feeds/:feed/token', async (c) => {
    const catalog = await requireCatalog(c);
    const definition = findDefinition(c.get('deps'), c.req.param('feed'));
    await removeFeedToken(c.get('deps'), catalog, definition);
    return c.body(null, 204);
  });

  app.get('/:catalog/feeds/:feed/diagnostics', async (c) => {
    const catalog = await requireCatalog(c);
    const deps = c.get('deps');
    const definition = findDefinition(deps, c.req.param('feed'));
    const diagnostics = await runFeedDiagnostics(deps, catalog, definition);
    return c.json({ catalog: catalog.slug, feed: definition.name, version: catalog.version, ...diagnostics });
  });

  return app;
}
