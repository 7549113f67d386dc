/**
 * The public signal routes shop pages call (mounted at `/`):
 *
 * - `POST /collect`: a batch of events, `{catalog, vid?, consent?, events: [...]}` (or `?catalog=`),
 *   as application/json or text/plain (sendBeacon). Answers `{accepted, duplicates,
 *   dropped_consent, rejected: [{index, reason}], clamped: [...]}`; a bad event never costs the others.
 *   `events: []` with `vid` and `consent` is a consent change: one that does not allow ads
 *   withdraws the stored visitor's ad consent and e-mail hash (nothing else is stored).
 * - `GET /px.gif`: one event in the query (e-mails, no-JS pages), answered by ./pixel.ts.
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
import type { AppEnv } from '../deps';
import { badRequest } from '../errors';
import { isBot } from './bots';
import { RateLimited, type CollectEdge } from './collect-edge';
import { consentSchema, decideConsent, gpcHeader } from './consent';
import { MAX_EVENTS, VISITOR_ID } from './events';
import { allowOrigin, checkOrigin, clientIpOf, preflight, readJsonObject, refuseOrigin } from './http';
import { ingestEvents } from './ingest';
import { answerPixel, PIXEL_GIF } from './pixel';
import { renderSnippet } from './snippet';

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

/** Refuses a disallowed browser origin (403); lets an allowed one read the answer. */
function guardOrigin(c: Ctx, catalog: Catalog): void {
  const origin = c.req.header('origin');
  const verdict = checkOrigin(origin, catalog);
  if (verdict === 'refused') throw refuseOrigin(origin!);
  if (verdict === 'allowed') allowOrigin(c, origin!);
}

export function collectRoutes(edge: CollectEdge) {
  const app = new Hono<AppEnv>();

  function rateLimit(c: Ctx): void {
    try {
      edge.rateLimit(clientIpOf(c));
    } catch (err) {
      if (err instanceof RateLimited) c.header('Retry-After', String(err.retryAfter));
      throw err;
    }
  }

  /** Preflight for application/json bodies; the catalog is in ?catalog= or, failing that, any catalog allowing the origin. */
  app.options('/:route{collect|forget}', async (c) => {
    const origin = c.req.header('origin');
    if (!origin) return c.body(null, 204);
    rateLimit(c);
    const slug = c.req.query('catalog');
    const allowed = slug ? checkOrigin(origin, await edge.findCatalog(slug)) === 'allowed' : await edge.allowedAnywhere(origin);
    if (!allowed) throw refuseOrigin(origin);
    return preflight(c, origin);
  });

  app.post('/collect', async (c) => {
    const deps = c.get('deps');
    if (isBot(c.req.header('user-agent'))) return c.body(null, 204);
    rateLimit(c);
    const body = await readJsonObject(c);
    const catalog = await edge.findCatalog(typeof body.catalog === 'string' ? body.catalog : c.req.query('catalog'));
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
    const answer = await answerPixel(edge, { url: c.req.url, header: (name) => c.req.header(name), clientIp: clientIpOf(c) });
    return c.body(PIXEL_GIF, answer.status, answer.headers);
  });

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
    const catalog = await edge.findCatalog(typeof body.catalog === 'string' ? body.catalog : c.req.query('catalog'));
    guardOrigin(c, catalog);
    const parsed = forgetSchema.safeParse(body);
    if (!parsed.success) throw badRequest(`the request was refused: ${zodReason(parsed.error)}`);
    const erased = await deps.signals.eraseVisitor(catalog.id, parsed.data.vid);
    return c.json({ erased });
  });

  return app;
}
