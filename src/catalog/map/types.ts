import type { Issue } from '../catalog';
import type { VariantLink } from '../../store/port';

/**
 * A product as a mapper hands it to the validator: Google attribute names (snake_case, no
 * `g:` prefix) to raw text. Lists for repeatable attributes (additional_image_link), objects
 * for structured ones (shipping). Any other key is a source column kept for `extra`.
 */
export type ProductInput = Partial<Record<string, string | string[] | Record<string, string>[]>>;

export interface MappedRow {
  line: number;
  input: ProductInput;
  warnings: Issue[];
}

export interface MapContext {
  /** ISO 4217 code for prices without one */
  currency: string;
  /** the shop's home page; relative links and images resolve against it */
  baseLink: string;
}

export interface SourceRecord {
  line: number;
  fields: Record<string, unknown>;
}

export const DIALECTS = ['generic', 'shopify', 'woocommerce', 'magento', 'google_retail'] as const;
export type Dialect = (typeof DIALECTS)[number];

export interface MapperResult {
  /** rows a mapper held back until the end (the last Shopify product's variants) */
  rows: MappedRow[];
  /** parent/variant relations learned from parent rows, applied after all rows are staged */
  links: VariantLink[];
  /** file-level findings: skipped drafts, rows out of order */
  issues: Issue[];
}

export interface RowMapper {
  /** 'generic' until the first record told otherwise */
  readonly dialect: Dialect;
  /** Usually one row per record; none for a skipped record or one held back. */
  map(record: SourceRecord): MappedRow[];
  /** Call once after the last record. */
  finish(): MapperResult;
}
