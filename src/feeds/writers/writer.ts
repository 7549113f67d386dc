/**
 * A feed writer turns one product into its text (an `<item>` or a CSV row). The pipeline
 * appends those strings into a chunk and yields the chunk every ~64 KB, so no writer ever holds
 * more than one item and no feed is ever built as a whole document.
 */
import type { Product, ShippingRule } from '../../catalog/product';
import { moneyFormatter } from '../fields';
import type { FeedFormat } from '../channels/channel';

export interface FeedHead {
  title: string;
  /** the shop's home page */
  link: string;
  description: string;
}

export interface FeedWriter {
  /** everything before the first item; always written, so an empty catalog is a valid empty feed */
  header(): string;
  item(product: Product): string;
  footer(): string;
}

export const CONTENT_TYPES: Readonly<Record<FeedFormat, string>> = {
  xml: 'application/xml; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  tsv: 'text/tab-separated-values; charset=utf-8',
};

const SEPARATORS = /[:,]/g;
const shippingPrice = moneyFormatter();

/**
 * Shipping in the flat form Google, Meta, TikTok and Pinterest all read from CSV/TSV:
 * `country:region:service:price`, several rules comma-separated (`US:CA:Ground:9.99 USD`).
 * Colons and commas inside a part would shift the parts, so they become spaces.
 */
export function flatShipping(rules: readonly ShippingRule[]): string {
  let out = '';
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (i > 0) out += ',';
    out += `${part(r.country)}:${part(r.region)}:${part(r.service)}:${shippingPrice(r.price)}`;
  }
  return out;
}

function part(value: string | undefined): string {
  return value ? value.replace(SEPARATORS, ' ') : '';
}

/** URLs joined for one CSV cell; a comma inside a URL is percent-encoded so it cannot split it. */
export function flatList(values: readonly string[]): string {
  if (values.length === 1) return values[0]!.replaceAll(',', '%2C');
  let out = '';
  for (let i = 0; i < values.length; i++) out += (i > 0 ? ',' : '') + values[i]!.replaceAll(',', '%2C');
  return out;
}
