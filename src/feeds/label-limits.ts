/**
 * Google Ads can use at most 1,000 distinct values per custom label (custom_label_0 … 4) for
 * bidding and reporting; values beyond that are not selectable in campaigns. A rule such as
 * `{ "set": "custom_label_1", "template": "{brand}" }` can pass that without anyone noticing,
 * so diagnostics warn about every product whose value is past the first 1,000 of its label.
 * (The 100-character limit per value is enforced by the channel check, which cuts and warns.)
 *
 * Memory is bounded: at most 1,000 remembered values per label, whatever the catalog size.
 */
import { CUSTOM_LABEL_KEYS, type Product } from '../catalog/product';
import type { Finding } from './channels/channel';

export const CUSTOM_LABEL_MAX_VALUES = 1000;

/** A per-feed-run check: call it with each emitted product; it returns warnings or null. */
export function customLabelTracker(max = CUSTOM_LABEL_MAX_VALUES): (p: Product) => Finding[] | null {
  const seen = CUSTOM_LABEL_KEYS.map(() => new Set<string>());
  return (p) => {
    let findings: Finding[] | null = null;
    for (let i = 0; i < CUSTOM_LABEL_KEYS.length; i++) {
      const key = CUSTOM_LABEL_KEYS[i]!;
      const value = p[key];
      if (!value) continue;
      const values = seen[i]!;
      if (values.has(value)) continue;
      if (values.size < max) {
        values.add(value);
        continue;
      }
      (findings ??= []).push({
        code: 'custom_label_too_many_values',
        message: `${key} "${value.slice(0, 40)}" is past the first ${max.toLocaleString('en')} distinct values of ${key}; Google Ads uses at most ${max.toLocaleString('en')} per custom label`,
      });
    }
    return findings;
  };
}
