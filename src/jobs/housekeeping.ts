/**
 * The periodic job, one function for every runtime: the Node server calls it on a timer, a
 * Workers Cron Trigger calls it from `scheduled()`.
 *
 * 1. Retention (SPEC §3): per catalog, events and event items older than `retention_days`, then
 *    visitors last seen before that with no events left, and older consent counts. The events
 *    stored since the last rollup are added to the per-product day counts first.
 * 2. Catalog garbage: product versions no feed can still read, expired held imports, old fetch logs.
 * 3. Performance labels of catalogs whose label set is stale (src/insights/refresh.ts).
 * 4. Creative cache: rendered images and resized photos not rewritten for 30 days (creatives of
 *    deleted products, per-visitor images); a later request simply renders again.
 *
 * Steps are independent: one failing does not skip the others; failures are returned.
 */
import type { AppDeps } from '../deps';
import { refreshStaleLabels } from '../insights/refresh';
import type { PurgeCounts } from '../signals/port';

export interface HousekeepingReport {
  /** events added to the per-product day counts (src/store/event-rollup.ts) */
  rolled_up: number;
  purged: Array<{ catalog: string; before: string } & PurgeCounts>;
  /** rows removed by store.collectGarbage */
  garbage: number;
  /** catalogs whose labels were refreshed */
  labels_refreshed: string[];
  /** creative cache entries swept */
  cache_swept: number;
  errors: string[];
}

const DAY_MS = 86_400_000;
const CREATIVE_CACHE_DAYS = 30;

export interface HousekeepingOptions {
  /** label refreshes per run at most, stalest catalogs first (default: every stale catalog) */
  maxLabelRefreshes?: number;
}

export async function runHousekeeping(
  deps: Pick<AppDeps, 'store' | 'signals' | 'insights' | 'blobCache'>,
  now: Date,
  options: HousekeepingOptions = {},
): Promise<HousekeepingReport> {
  const report: HousekeepingReport = { rolled_up: 0, purged: [], garbage: 0, labels_refreshed: [], cache_swept: 0, errors: [] };
  const step = async (name: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (err) {
      report.errors.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  // Before retention: an event it deletes would otherwise never be counted.
  await step('rollup', async () => {
    report.rolled_up = await deps.signals.rollUp();
  });
  await step('retention', async () => {
    for (const catalog of await deps.store.listCatalogs()) {
      const before = new Date(now.getTime() - catalog.retention_days * DAY_MS).toISOString();
      const counts = await deps.signals.purgeBefore(catalog.id, before);
      report.purged.push({ catalog: catalog.slug, before, ...counts });
    }
  });
  await step('garbage', async () => {
    report.garbage = await deps.store.collectGarbage(now.toISOString());
  });
  // Labels last: they are computed from the events that survived retention.
  await step('labels', async () => {
    report.labels_refreshed = (await refreshStaleLabels(deps, now, undefined, options.maxLabelRefreshes)).map((r) => r.catalog);
  });
  await step('creative cache', async () => {
    const sweep = deps.blobCache?.sweep?.bind(deps.blobCache);
    if (!sweep) return;
    const before = new Date(now.getTime() - CREATIVE_CACHE_DAYS * DAY_MS);
    report.cache_swept = (await sweep('img/', before)) + (await sweep('photo/', before));
  });
  return report;
}
