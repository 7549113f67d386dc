/**
 * Label refreshes: one catalog on demand (admin route, CLI), or every catalog whose labels are
 * older than an interval (a runtime's timer or cron trigger calls `refreshStaleLabels`).
 *
 * Each refresh publishes a new label set, which changes feed ETags, so ad platforms refetch
 * feeds after it: refreshing more often than platforms poll (Google daily, Meta hourly) only
 * costs them downloads.
 */
import type { Catalog } from '../catalog/catalog';
import type { AppDeps } from '../deps';
import { LABEL_THRESHOLDS, type LabelThresholds } from './labels';
import type { LabelSet } from './port';

/** Default interval between automatic refreshes: Meta's fastest poll. */
export const LABEL_REFRESH_INTERVAL_MS = 3_600_000;

export async function refreshLabels(
  deps: Pick<AppDeps, 'insights'>,
  catalog: Pick<Catalog, 'id'>,
  now: Date,
  thresholds: LabelThresholds = LABEL_THRESHOLDS,
): Promise<LabelSet> {
  return deps.insights.refreshLabels(catalog.id, now.toISOString(), thresholds);
}

/**
 * Refreshes, one after the other, the catalogs whose label set is older than `maxAgeMs`, the
 * stalest first, at most `limit` of them (a Workers invocation has a budget of database calls;
 * the rest wait for the next run).
 */
export async function refreshStaleLabels(
  deps: Pick<AppDeps, 'insights' | 'store'>,
  now: Date,
  maxAgeMs = LABEL_REFRESH_INTERVAL_MS,
  limit = Infinity,
): Promise<Array<{ catalog: string; labels: LabelSet }>> {
  const refreshedAt = (c: Catalog) => (c.labels_refreshed_at ? Date.parse(c.labels_refreshed_at) : -Infinity);
  const stale = (await deps.store.listCatalogs())
    .filter((c) => now.getTime() - refreshedAt(c) >= maxAgeMs)
    .sort((a, b) => refreshedAt(a) - refreshedAt(b))
    .slice(0, limit);
  const done: Array<{ catalog: string; labels: LabelSet }> = [];
  for (const catalog of stale) done.push({ catalog: catalog.slug, labels: await refreshLabels(deps, catalog, now) });
  return done;
}
