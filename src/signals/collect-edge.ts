/**
 * What the public signal routes of one app share: catalog settings remembered for a second, and
 * the per-address token buckets. One instance per app, handed to the Hono routes and to any
 * runtime path that answers a signal route before the router (Node's pixel fast path), so every
 * route spends the same buckets and reads the same cache.
 */
import type { Catalog } from '../catalog/catalog';
import { SLUG } from '../catalog/settings-schema';
import type { AppDeps } from '../deps';
import { AppError, badRequest, notFound } from '../errors';
import { DEFAULT_RATE_LIMIT, tokenBuckets } from './rate-limit';

/**
 * Catalog settings for the hot routes, remembered for a second: the lookup (15-60 µs measured)
 * was one of the larger costs of a pixel request. A settings change (consent mode, origins)
 * applies within that second. Real time on purpose, not deps.clock: a frozen test clock must not
 * freeze the cache.
 */
const CATALOG_TTL_MS = 1000;

export interface CollectEdge {
  readonly deps: AppDeps;
  /** The named catalog (400 without a name, 404 when unknown). */
  findCatalog(slug: string | undefined): Promise<Catalog>;
  /** Does any catalog allow this origin? For a preflight that names no catalog. */
  allowedAnywhere(origin: string): Promise<boolean>;
  /** Spends one token of `ip`; throws 429 with `retryAfter` seconds when it has none. */
  rateLimit(ip: string): void;
}

/** A 429 that says when to come back. */
export class RateLimited extends AppError {
  constructor(readonly retryAfter: number) {
    super(429, 'rate_limited', `too many requests from this address; retry in ${retryAfter} s`);
  }
}

export function createCollectEdge(deps: AppDeps): CollectEdge {
  const known = new Map<string, { catalog: Catalog; until: number }>();
  let origins: { allowed: Set<string>; until: number } | null = null;
  const limit = deps.collectRateLimit === undefined ? DEFAULT_RATE_LIMIT : deps.collectRateLimit;
  const buckets = limit ? tokenBuckets(limit) : null;

  return {
    deps,
    async findCatalog(slug) {
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
    // Every catalog is read, so the answer is remembered like one catalog: a stream of such
    // preflights from many origins costs one read a second, not one per request.
    async allowedAnywhere(origin) {
      const now = Date.now();
      if (!origins || origins.until <= now) {
        const allowed = new Set<string>();
        for (const catalog of await deps.store.listCatalogs()) for (const o of catalog.allowed_origins) allowed.add(o);
        origins = { allowed, until: now + CATALOG_TTL_MS };
      }
      return origins.allowed.has(origin);
    },
    rateLimit(ip) {
      const wait = buckets ? buckets.take(ip, deps.clock().getTime()) : 0;
      if (wait > 0) throw new RateLimited(wait);
    },
  };
}
