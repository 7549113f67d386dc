/**
 * A definition's filter compiled into named clauses. A product is kept when it passes every
 * clause; the first clause it fails is reported, so diagnostics can say "availability removed
 * 1,204 products" rather than just "filtered".
 */
import type { Product } from '../catalog/product';
import { compileCondition, type Predicate } from './condition';
import type { Condition, FeedFilter } from './definition';

export interface FilterClause {
  /** the filter key, or a custom clause's name */
  name: string;
  keep: Predicate;
}

export function compileFilter(filter: FeedFilter | undefined): FilterClause[] {
  if (!filter) return [];
  const clauses: FilterClause[] = [];
  if (filter.availability) {
    const allowed = new Set<string>(filter.availability);
    clauses.push({ name: 'availability', keep: (p) => allowed.has(p.availability) });
  }
  if (filter.condition) {
    const allowed = new Set<string>(filter.condition);
    clauses.push({ name: 'condition', keep: (p) => allowed.has(p.condition) });
  }
  if (filter.product_type_prefix !== undefined) {
    const prefixes = list(filter.product_type_prefix);
    clauses.push({
      name: 'product_type_prefix',
      keep: (p) => {
        const type = p.product_type?.trim().toLowerCase();
        return !!type && prefixes.some((prefix) => type.startsWith(prefix));
      },
    });
  }
  if (filter.price) {
    const min = filter.price.min === undefined ? -Infinity : filter.price.min * 1_000_000;
    const max = filter.price.max === undefined ? Infinity : filter.price.max * 1_000_000;
    clauses.push({ name: 'price', keep: (p) => p.price.micros >= min && p.price.micros <= max });
  }
  if (filter.brand !== undefined) {
    const brands = new Set(list(filter.brand));
    clauses.push({ name: 'brand', keep: (p) => !!p.brand && brands.has(p.brand.trim().toLowerCase()) });
  }
  if (filter.exclude_ids) {
    const ids = new Set(filter.exclude_ids);
    clauses.push({ name: 'exclude_ids', keep: (p) => !ids.has(p.id) });
  }
  filter.custom?.forEach((clause) => {
    clauses.push({ name: clause.name ?? describe(clause), keep: compileCondition(clause) });
  });
  return clauses;
}

/** The first clause `p` fails, or null when it passes them all. */
export function failedClause(clauses: readonly FilterClause[], p: Product): string | null {
  for (let i = 0; i < clauses.length; i++) if (!clauses[i]!.keep(p)) return clauses[i]!.name;
  return null;
}

function list(value: string | string[]): string[] {
  return (typeof value === 'string' ? [value] : value).map((v) => v.trim().toLowerCase());
}

/** `custom: brand neq "Acme"`: a readable name for an unnamed custom clause. */
function describe(c: Condition & { name?: string | undefined }): string {
  return `custom: ${c.field} ${c.op}${c.value === undefined ? '' : ` ${JSON.stringify(c.value)}`}`;
}
