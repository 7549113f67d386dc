/**
 * Availability as shops spell it: Google's values, Meta's (`in stock`), schema.org's
 * (`https://schema.org/InStock`), platform enums (`IN_STOCK`, WooCommerce `onbackorder`)
 * and plain flags (`1`, `yes`, `true`). Google's retired `available for order` and
 * `limited availability` are what Google itself now reads them as: in stock.
 */
import type { Availability } from '../product';
import { unpinned } from '../parse/strings';

const VOCABULARY: Record<string, Availability> = {};
const add = (availability: Availability, words: string[]) => {
  for (const w of words) VOCABULARY[w] = availability;
};
add('in_stock', [
  'in_stock', 'instock', 'available', 'in_store_only', 'instoreonly', 'online_only', 'onlineonly',
  'available_for_order', 'limited_availability', 'limitedavailability', 'yes', 'y', 'true', '1', 'ja', 'oui', 'si',
]);
add('out_of_stock', [
  'out_of_stock', 'outofstock', 'sold_out', 'soldout', 'unavailable', 'not_available', 'not_in_stock',
  'discontinued', 'no', 'n', 'false', '0', 'nein', 'non',
]);
add('preorder', ['preorder', 'pre_order', 'presale', 'pre_sale']);
add('backorder', ['backorder', 'back_order', 'backordered', 'onbackorder', 'on_backorder', 'available_for_backorder']);

// A file says the same few words on every row: remember what each spelling meant.
const seen = new Map<string, Availability | null>();

/** The Google value for a source availability, or null when the word is not one we know. */
export function normalizeAvailability(raw: string): Availability | null {
  let value = seen.get(raw);
  if (value === undefined) {
    value = lookup(raw);
    if (seen.size >= 1000) seen.clear();
    seen.set(unpinned(raw), value);
  }
  return value;
}

function lookup(raw: string): Availability | null {
  const key = raw
    .trim()
    .replace(/^https?:\/\/schema\.org\//i, '')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[\s_-]+/g, '_');
  return VOCABULARY[key] ?? VOCABULARY[key.replace(/_/g, '')] ?? null;
}
