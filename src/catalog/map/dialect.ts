/**
 * Which shop platform exported a file, from its column names (or a JSON record's keys).
 * Each platform has its own layout of variants, prices and images that the generic
 * column mapping would get wrong.
 */
import { normalizeKey } from './keys';
import type { Dialect } from './types';

export function detectDialect(keys: Iterable<string>): Dialect {
  const k = new Set<string>();
  for (const key of keys) k.add(normalizeKey(key));
  // Shopify: `Handle` plus the `Variant …` columns of its product CSV.
  if (k.has('handle') && (k.has('variant_sku') || k.has('variant_price') || k.has('option1_name'))) return 'shopify';
  // Magento 2 import/export format.
  if (k.has('sku') && k.has('product_type') && (k.has('url_key') || k.has('configurable_variations') || k.has('base_image') || k.has('attribute_set_code'))) {
    return 'magento';
  }
  // WooCommerce's built-in product CSV exporter.
  if (k.has('type') && k.has('sku') && (k.has('regular_price') || k.has('parent')) && (k.has('name') || k.has('in_stock'))) return 'woocommerce';
  // Google Cloud Retail API product JSON.
  if (k.has('price_info') || (k.has('uri') && k.has('title') && (k.has('brands') || k.has('categories') || k.has('images')))) return 'google_retail';
  return 'generic';
}
