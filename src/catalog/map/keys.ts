/**
 * Column names as merchants write them, reduced to one spelling: `Image Link`, `image link`,
 * `g:image_link`, `imageLink` and `IMAGE-LINK` all become `image_link`;
 * `Body (HTML)` becomes `body_html` and `In stock?` becomes `in_stock`.
 */
import { unpinned } from '../parse/strings';
import { toText } from './values';

const cache = new Map<string, string>();

export function normalizeKey(key: string): string {
  let nk = cache.get(key);
  if (nk === undefined) {
    nk = key
      .trim()
      .replace(/^g:/i, '')
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2') // camelCase → camel_Case
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
    // kept: copies, so a cell value (vocabulary readers normalise those too) pins no row text
    if (cache.size < 10_000) cache.set(unpinned(key), (nk = unpinned(nk)));
  }
  return nk;
}

/** A record's cells as trimmed text by normalised key (the first column wins when two normalise alike). */
export function textFields(fields: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of Object.keys(fields)) {
    const nk = normalizeKey(key);
    if (!out.has(nk)) out.set(nk, toText(fields[key]).trim());
  }
  return out;
}
