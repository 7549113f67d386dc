/**
 * `product_labels` columns as joined into feed pages (aliased `perf_*`) -> ProductPerformance.
 * Most products carry no label, so the empty list is one shared frozen array rather than a
 * JSON.parse and an allocation per product on the million-row feed path.
 */
import type { ProductPerformance } from './port';

export interface PerformanceColumns {
  /** null when the product has no row in the pinned label set (LEFT JOIN miss) */
  perf_labels: string | null;
  perf_views_7d: number | null;
  perf_views_30d: number | null;
  perf_carts_7d: number | null;
  perf_carts_30d: number | null;
  perf_purchases_7d: number | null;
  perf_purchases_30d: number | null;
}

const NO_LABELS: string[] = Object.freeze([]) as unknown as string[];

export function parseLabels(json: string): string[] {
  if (json === '[]') return NO_LABELS;
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((l): l is string => typeof l === 'string') : NO_LABELS;
}

export function rowToPerformance(r: PerformanceColumns): ProductPerformance | null {
  if (r.perf_labels === null) return null;
  return {
    labels: parseLabels(r.perf_labels),
    views_7d: r.perf_views_7d ?? 0,
    views_30d: r.perf_views_30d ?? 0,
    carts_7d: r.perf_carts_7d ?? 0,
    carts_30d: r.perf_carts_30d ?? 0,
    purchases_7d: r.perf_purchases_7d ?? 0,
    purchases_30d: r.perf_purchases_30d ?? 0,
  };
}
