/**
 * The public signal routes shop pages call (mounted at `/`):
 *
 * - `POST /collect`: a batch of events, `{catalog, vid?, consent?, events: [...]}` (or `?catalog=`),
 *   as application/json or text/plain (sendBeacon). Answers `{accepted, duplicates,
 *   dropped_consent, rejected: [{index, reason}], clamped: [...]}`; a bad event never costs the others.
 *   `events: []` with `vid` and `consent` is a consent change: one that does not allow ads
 *   withdraws the stored visitor's ad consent and e-mail hash (nothing else is stored).
 * - `GET /px.gif`: one event in the query (e-mails, no-JS pages). Always the 43-byte GIF, so a
 *   refused event never shows a broken image; the outcome is in `X-Adfeed-Result`.
 * - `GET /t.js`: the snippet (./snippet.ts).
 * - `POST /forget`: a visitor erases themself: `{catalog, vid}`.
 *
 * Every request is checked in cheap-first order: bots (dropped with 204, nothing counted: they
 * are not visitors who withheld consent), per-IP rate limit (429 + Retry-After), body size (413),
 * JSON shape, catalog, Origin against the catalog's `allowed_origins` (403), then each event.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Catalog } from '../catalog/catalog';
import { SLUG } from '../catalog/settings-schema';
import type { AppDeps, AppEnv } from '../deps';
import { AppError, badRequest, notFound } from '../errors';
import { isBot } from './bots';
import { consentSchema, decideConsent, gpcHeader } from './consent';
import { MAX_EVENTS, VISITOR_ID } from './events';
import { allowOrigin, checkOrigin, clientIpOf, preflight, readJsonObject, refuseOrigin } from './http';
import { ingestEvents, type IngestResult } from './ingest';
import { DEFAULT_RATE_LIMIT, tokenBuckets, type TokenBuckets } from './rate-limit';
import { renderSnippet } from './snippet';

/** A transparent 1×1 GIF89a, the smallest image every mail client renders. */
export const PIXEL_GIF = new Uint8Array([
  0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21,
  0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44,
  0x01, 0x00, 0x3b,
]);

const envelopeSchema = z
  .object({
    catalog: z.string().max(63).optional(),
    vid: z.string().regex(VISITOR_ID, 'vid must be 8-64 characters of A-Z a-z 0-9 _ -').optional(),
    consent: consentSchema.optional(),
    events: z.array(z.unknown()).max(MAX_EVENTS, `at most ${MAX_EVENTS} events per request`),
  })
  // No events is a consent change (the snippet's, when a visitor takes ads consent back).
  .refine((b) => b.events.length > 0 || (b.vid !== undefined && b.consent !== undefined), {
    message: 'events is empty; a batch without events is a consent change and needs vid and consent',
    path: ['events'],
  });

const forgetSchema = z.object({
  catalog: z.string().max(63).optional(),
  vid: z.string().regex(VISITOR_ID, 'vid must be 8-64 characters of A-Z a-z 0-9 _ -'),
});

type Ctx = Context<AppEnv>;

function zodReason(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

/**
 * Catalog settings for the hot routes, remembered for a second: the lookup (15-60 µs measured)
 * was one of the larger costs of a pixel request. A settings change (consent mode, origins)
 * applies within that second. Real time on purpose, not deps.clock: a frozen test clock must not
 * freeze the cache.
 */
const CATALOG_TTL_MS = 1000;

function catalogCache() {
  const known = new Map<string, { catalog: Catalog; until: number }>();
  let origins: { allowed: Set<string>; until: number } | null = null;
  return {
    async findCatalog(deps: AppDeps, slug: string | undefined): Promise<Catalog> {
      if (!slug) throw badRequest('name the catalog: "catalog" in the body or ?catalog= in the URL');
      const now = Date.now();
      const hit = known.get(slug);
      if (hit && hit.until > now) return hit.catalog;
      const catalog = SLUG.test(slug) ? await deps.store.getCatalog(slug) : null;
      if (!catalog) throw notFound(`no catalog "${slug.slice(0, 63)}"`);
      if (known.size > 10_000) known.clear();
      known.set(slug, { catalog, until: now + CATALOG_TTL_MS });
      return catalog;
    },
    /**
     * Does any catalog allow this origin? For a preflight that names no catalog. Every catalog
     * is read, so the answer is remembered like one catalog: a stream of such preflights from
     * many origins costs one read a second, not one per request.
     */
    async allowedAnywhere(deps: AppDeps, origin: string): Promise<boolean> {
      const now = Date.now();
      if (!origins || origins.until <= now) {
        const allowed = new Set<string>();
        for (const catalog of await deps.store.listCatalogs()) for (const o of catalog.allowed_origins) allowed.add(o);
        origins = { allowed, until: now + CATALOG_TTL_MS };
      }
      return origins.allowed.has(origin);
    },
  };
}

/** Refuses a disallowed browser origin (403); lets an allowed one read the answer. */
function guardOrigin(c: Ctx, catalog: Catalog): void {
  const origin = c.req.header('origin');
  const verdict = checkOrigin(origin, catalog);
  if (verdict === 'refused') throw refuseOrigin(origin!);
  if (verdict === 'allowed') allowOrigin(c, origin!);
}

export function collectRoutes() {
  const app = new Hono<AppEnv>();
  const catalogs = catalogCache();
  const findCatalog = catalogs.findCatalog;
  let buckets: TokenBuckets | null | undefined;

  /** 0 when allowed, else seconds to wait. Built on first use from the deps' limit (null: off). */
  function limited(c: Ctx): number {
    const deps = c.get('deps');
    if (buckets === undefined) {
      const limit = deps.collectRateLimit === undefined ? DEFAULT_RATE_LIMIT : deps.collectRateLimit;
      buckets = limit ? tokenBuckets(limit) : null;
    }
    if (!buckets) return 0;
    const ip = clientIpOf(c);
    return buckets.take(ip, deps.clock().getTime());
  }

  function rateLimit(c: Ctx): void {
    const wait = limited(c);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      throw new AppError(429, 'rate_limited', `too many requests from this address; retry in ${wait} s`);
    }
  }

  /** Preflight for application/json bodies; the catalog is in ?catalog= or, failing that, any catalog allowing the origin. */
  app.options('/:route{collect|forget}', async (c) => {
    const origin = c.req.header('origin');
    if (!origin) return c.body(null, 204);
    rateLimit(c);
    const deps = c.get('deps');
    const slug = c.req.query('catalog');
    const allowed = slug
      ? checkOrigin(origin, await findCatalog(deps, slug)) === 'allowed'
      : await catalogs.allowedAnywhere(deps, origin);
    if (!allowed) throw refuseOrigin(origin);
    return preflight(c, origin);
  });

  app.post('/collect', async (c) => {
    const deps = c.get('deps');
    if (isBot(c.req.header('user-agent'))) return c.body(null, 204);
    rateLimit(c);
    const body = await readJsonObject(c);
    const catalog = await findCatalog(deps, typeof body.catalog === 'string' ? body.catalog : c.req.query('catalog'));
    guardOrigin(c, catalog);
    const envelope = envelopeSchema.safeParse(body);
    if (!envelope.success) throw badRequest(`the batch was refused: ${zodReason(envelope.error)}`);
    const { vid, consent, events } = envelope.data;
    const gpc = gpcHeader(c.req.header('sec-gpc'));
    // A consent change that does not allow ads takes ad consent back (a yes changes nothing by itself).
    const withdraws = events.length === 0 && !decideConsent(catalog.consent_mode, consent, gpc).adConsent;
    const result = await ingestEvents(deps.signals, {
      catalog,
      events,
      defaults: { visitor_id: vid, consent },
      gpc,
      now: deps.clock(),
      withdraw: withdraws && vid ? [vid] : [],
    });
    return c.json(result);
  });

  app.get('/px.gif', async (c) => {
    let outcome: string;
    try {
      outcome = await pixel(c);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      outcome = err.code;
    }
    return c.body(PIXEL_GIF, 200, {
      'Content-Type': 'image/gif',
      'Content-Length': String(PIXEL_GIF.byteLength),
      'Cache-Control': 'no-store, max-age=0',
      'X-Adfeed-Result': outcome,
    });
  });

  async function pixel(c: Ctx): Promise<string> {
    const deps = c.get('deps');
    if (isBot(c.req.header('user-agent'))) return 'bot';
    rateLimit(c);
    const q = c.req.query();
    const catalog = await findCatalog(deps, q.c ?? q.catalog);
    guardOrigin(c, catalog);
    const ids = c.req.queries('id') ?? [];
    const event: Record<string, unknown> = {
      type: q.e,
      eid: q.eid,
      vid: q.vid,
      ts: q.ts,
      content_ids: ids.length ? ids.flatMap((id) => id.split(',')).filter(Boolean) : undefined,
      list_id: q.list,
      order_id: q.order_id,
      value: q.value,
      currency: q.currency,
      search_term: q.q,
      email_sha256: q.em,
      consent: q.consent === undefined ? undefined : q.consent === '1' || q.consent === 'true',
    };
    const result = await ingestEvents(deps.signals, {
      catalog,
      events: [event],
      defaults: {},
      gpc: gpcHeader(c.req.header('sec-gpc')),
      now: deps.clock(),
    });
    return pixelOutcome(result);
  }

  app.get('/t.js', async (c) => {
    const slug = c.req.query('c') ?? c.req.query('catalog');
    let config = {};
    if (slug) {
      const catalog = SLUG.test(slug) ? await c.get('deps').store.getCatalog(slug) : null;
      if (!catalog) {
        return c.body(`/* adfeed: no catalog "${slug.replace(/[^a-z0-9-]/g, '').slice(0, 63)}" */\n`, 404, {
          'Content-Type': 'text/javascript; charset=utf-8',
          'Cache-Control': 'no-store',
        });
      }
      config = { catalog: catalog.slug, consent_mode: catalog.consent_mode };
    }
    const snippet = renderSnippet(config);
    c.header('ETag', snippet.etag);
    c.header('Cache-Control', 'public, max-age=3600');
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    if (c.req.header('if-none-match')?.split(',').some((t) => t.trim() === snippet.etag)) return c.body(null, 304);
    return c.body(snippet.body);
  });

  app.post('/forget', async (c) => {
    const deps = c.get('deps');
    rateLimit(c);
    const body = await readJsonObject(c);
    const catalog = await findCatalog(deps, typeof body.catalog === 'string' ? body.catalog : c.req.query('catalog'));
    guardOrigin(c, catalog);
    const parsed = forgetSchema.safeParse(body);
    if (!parsed.success) throw badRequest(`the request was refused: ${zodReason(parsed.error)}`);
    const erased = await deps.signals.eraseVisitor(catalog.id, parsed.data.vid);
    return c.json({ erased });
  });

  return app;
}

function pixelOutcome(r: IngestResult): string {
  if (r.rejected.length) return `rejected; ${r.rejected[0]!.reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 200)}`;
  if (r.dropped_consent) return 'dropped_consent';
  if (r.duplicates) return 'duplicate';
  return r.clamped.length ? 'stored; clamped' : 'stored';
}
