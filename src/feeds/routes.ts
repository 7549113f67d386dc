/**
 * `GET|HEAD /feeds/:catalog/:feed.(xml|csv|tsv)`: what ad platforms poll.
 *
 * The body streams from the store page by page at the catalog version read when the request
 * started (first byte after one page, flat memory at any catalog size). The ETag is derived from
 * that version and the feed definition, so a poll with If-None-Match costs one catalog lookup.
 * A feed with creative image links also depends on the hour (see feedTag).
 */
import { Hono, type Context } from 'hono';
import type { Catalog } from '../catalog/catalog';
import { requireCatalog } from '../catalog/routes';
import type { AppDeps, AppEnv } from '../deps';
import { availableEncodings, compressStream, negotiateEncoding } from '../http/compression';
import { textStream } from '../util/streams';
import type { FeedFormat } from './channels/channel';
import type { FeedDefinition } from './definition';
import { serverCreativeLinks, serverImagePlan, type FeedCreative } from './creative-links';
import { checkFeedAccess, resolveFeedFile } from './feed-request';
import { catalogFeedPages } from './pages';
import { generateFeed } from './generate';
import { CONTENT_TYPES } from './writers';
import { hashText } from '../util/hash';
import { writeThrough } from '../cache/blob-cache';

/** An hour, in milliseconds: how often the URLs of a feed with creative image links may change. */
const HOUR_MS = 3_600_000;

/**
 * Names the exact bytes of one feed version: catalog version, performance label set,
 * definition, format and base URL. A label refresh changes custom labels, so it changes the tag.
 *
 * A feed with creative image links (`creative`) also depends on time: its `v` keys change when a
 * sale window opens or closes and when a price drop or restock stops being news, with no new
 * catalog version. So its tag also names the template version and the current hour (UTC) of
 * `now`: the feed (and its file in the cache) is regenerated at most hourly, which is as often
 * as ad platforms fetch it (Meta at most hourly, Google daily), so the URLs a platform sees are
 * at most an hour stale. Feeds without creatives keep one tag per catalog version.
 */
export function feedTag(
  catalog: Catalog,
  definition: FeedDefinition,
  format: FeedFormat,
  publicUrl: string,
  creative: { creative: FeedCreative; now: Date } | null = null,
): string {
  const labels = catalog.labels_version ?? 0;
  const base = `${catalog.id}|${catalog.version}|${labels}|${format}|${publicUrl}|${JSON.stringify(definition)}`;
  if (!creative) return `${hashText(base)}-v${catalog.version}.${labels}`;
  const { template } = creative.creative;
  const hour = hourOf(creative.now);
  return `${hashText(`${base}|${template.name}@${template.version}|${hour}`)}-v${catalog.version}.${labels}.h${hour}`;
}

function hourOf(now: Date): number {
  return Math.floor(now.getTime() / HOUR_MS);
}

/** The later of the catalog's last change and its last label refresh. */
function lastChange(catalog: Catalog): string {
  const refreshed = catalog.labels_refreshed_at;
  return refreshed && refreshed > catalog.updated_at ? refreshed : catalog.updated_at;
}

/** A feed with creative links changes hourly too: its Last-Modified is at least the hour's start. */
function lastModifiedOf(catalog: Catalog, hourly: Date | null): Date {
  const changed = new Date(lastChange(catalog));
  if (!hourly) return changed;
  const hourStart = hourOf(hourly) * HOUR_MS;
  return changed.getTime() >= hourStart ? changed : new Date(hourStart);
}

/** If-None-Match matches when any listed tag names the same content, whatever its encoding suffix. */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = (t: string) => t.trim().replace(/^W\//, '').replace(/-(br|gzip)"$/, '"');
  return header.split(',').some((t) => bare(t) === etag);
}

export function feedRoutes() {
  const app = new Hono<AppEnv>();

  app.on(['GET', 'HEAD'], '/:catalog/:file', async (c) => {
    const deps = c.get('deps');
    const catalog = await requireCatalog(c);
    const { definition, format } = resolveFeedFile(deps, c.req.param('file'));
    const isProtected = await checkFeedAccess(c, catalog, definition);

    // One moment for the whole response: the tag's hour and the creatives' sale windows agree.
    const now = deps.clock();
    const plan = serverImagePlan(deps, definition);
    const creative = plan.creative ? { creative: plan.creative, now } : null;
    const tag = feedTag(catalog, definition, format, deps.settings.publicUrl, creative);
    const etag = `"${tag}"`;
    const lastModified = lastModifiedOf(catalog, creative ? now : null).toUTCString();
    c.header('Cache-Control', isProtected ? 'private, no-cache' : 'public, max-age=300, must-revalidate');
    c.header('Last-Modified', lastModified);
    c.header('Vary', 'Accept-Encoding');
    c.header('X-Catalog-Version', String(catalog.version));
    c.header('X-Labels-Version', String(catalog.labels_version ?? 0));
    const userAgent = c.req.header('user-agent') ?? '';

    const inm = c.req.header('if-none-match');
    const ims = c.req.header('if-modified-since');
    const notModified = inm
      ? etagMatches(inm, etag)
      : ims !== undefined && Date.parse(ims) >= Date.parse(lastModified);
    logFetch(c, deps, catalog, definition.name, userAgent, notModified ? 304 : 200);
    if (notModified) {
      c.header('ETag', etag);
      return c.body(null, 304);
    }

    const encoding = negotiateEncoding(c.req.header('accept-encoding'), availableEncodings(deps));
    c.header('ETag', encoding ? etag.replace(/"$/, `-${encoding}"`) : etag);
    c.header('Content-Type', CONTENT_TYPES[format]);
    c.header('Content-Disposition', `inline; filename="${catalog.slug}-${definition.name}.${format}"`);
    if (encoding) c.header('Content-Encoding', encoding);
    if (c.req.method === 'HEAD') return c.body(null, 200);

    // A version already generated in this encoding is served from the cache as a file copy.
    const cacheDir = `feeds/${catalog.id}/${definition.name}/`;
    const cacheKey = `${cacheDir}${tag}.${format}.${encoding ?? 'identity'}`;
    const cached = await deps.blobCache?.get(cacheKey);
    if (cached) {
      c.header('Content-Length', String(cached.size));
      c.header('X-Cache', 'hit');
      return c.body(cached.body, 200);
    }

    // Pinned with the catalog version: a refresh mid-stream does not mix two label sets.
    const pages = catalogFeedPages(deps.store, catalog);
    const chunks = generateFeed(pages, {
      catalog,
      definition,
      format,
      publicUrl: deps.settings.publicUrl,
      now,
      creatives: await serverCreativeLinks(deps, catalog, definition, plan, now),
    });
    const text = textStream(chunks);
    let body = encoding ? compressStream(text, encoding, deps) : text;
    if (deps.blobCache) {
      const cache = deps.blobCache;
      body = writeThrough(body, await cache.writer(cacheKey), () => cache.prune(cacheDir, `${cacheDir}${tag}.`));
      c.header('X-Cache', 'miss');
    }
    return c.body(body, 200);
  });

  return app;
}

/** Record who polled (the admin shows ad platforms' fetchers per feed) without delaying the response. */
function logFetch(c: Context, deps: AppDeps, catalog: Catalog, feed: string, userAgent: string, status: number): void {
  const work = deps.store
    .logFeedFetch(catalog.id, feed, userAgent, status, deps.clock().toISOString())
    .catch((err: unknown) => console.error('feed fetch log failed', err));
  deps.background?.(c, work);
}
