/**
 * `product_labels` columns as joined into feed pages -> ProductPerformance.
 * Most products carry no label, so the empty list is one shared frozen array rather than a
 * JSON.parse and an allocation per product on the million-row feed path.
 */
import type { ProductPerformance } from './port';
import type { SqlValue } from './sql';

/** The label-set columns feed pages select after the product, in this order (alias `l`). */
export const PERFORMANCE_SELECT = 'l.labels, l.views_7d, l.views_30d, l.carts_7d, l.carts_30d, l.purchases_7d, l.purchases_30d';

const NO_LABELS: string[] = Object.freeze([]) as unknown as string[];

export function parseLabels(json: string): string[] {
  if (json === '[]') return NO_LABELS;
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((l): l is string => typeof l === 'string') : NO_LABELS;
}

/** The PERFORMANCE_SELECT values starting at `at`; null when the product has no row in the pinned set. */
export function performanceFromValues(v: readonly SqlValue[], at: number): ProductPerformance | null {
  const labels = v[at] as string | null;
  if (labels === null) return null;
  const n = (i: number) => (v[at + i] as number | null) ?? 0;
  return {
    labels: parseLabels(labels),
    views_7d: n(1),
    views_30d: n(2),
    carts_7d: n(3),
    carts_30d: n(4),
    purchases_7d: n(5),
    purchases_30d: n(6),
  };
}
