/**
 * Builders for the output attributes channels share, so each channel module lists its columns
 * in one readable table. The read functions are created once at module load, never per product.
 */
import type { Availability } from '../../catalog/product';
import { moneyFormatter, STRING_READERS, type StringField } from '../fields';
import type { Field } from './channel';

/** Attributes whose values come from a closed vocabulary: never anything to escape. */
const VOCABULARY = new Set<string>(['availability', 'condition', 'gender', 'age_group']);

/** A plain text attribute, optionally under another output name (TikTok's `sku_id` is `id`). */
export function text(key: StringField, name: string = key): Field {
  return { kind: 'text', name, read: STRING_READERS[key], plain: VOCABULARY.has(key) };
}

export function availability(vocabulary: Readonly<Record<Availability, string>>): Field {
  return { kind: 'text', name: 'availability', read: (p) => vocabulary[p.availability], plain: true };
}

const priceText = moneyFormatter();
export const price: Field = { kind: 'text', name: 'price', read: (p) => priceText(p.price), plain: true };

const salePriceText = moneyFormatter();
export const salePrice: Field = {
  kind: 'text',
  name: 'sale_price',
  read: (p) => (p.sale_price ? salePriceText(p.sale_price) : ''),
  plain: true,
};

/**
 * Google's `identifier_exists`: `no` when the product has neither GTIN nor MPN (custom-made or
 * own-brand goods), which Google accepts instead of disapproving the item. Omitted otherwise:
 * `yes` is the default.
 */
export const identifierExists: Field = {
  kind: 'text',
  name: 'identifier_exists',
  read: (p) => (p.identifier_exists === false || (!p.gtin && !p.mpn) ? 'no' : ''),
  plain: true,
};

export const additionalImages: Field = {
  kind: 'list',
  name: 'additional_image_link',
  read: (p) => p.additional_image_link,
};

export const shipping: Field = { kind: 'shipping', name: 'shipping', read: (p) => p.shipping };

export const customLabels: readonly Field[] = [
  text('custom_label_0'),
  text('custom_label_1'),
  text('custom_label_2'),
  text('custom_label_3'),
  text('custom_label_4'),
];

/** Variant and detail attributes every channel takes under Google's names, in one order. */
export const variantFields: readonly Field[] = [
  text('color'),
  text('size'),
  text('gender'),
  text('age_group'),
  text('material'),
  text('pattern'),
];

/** Length limits the channels share for those attributes and the custom labels. */
export const sharedTextLimits = {
  color: 100,
  size: 100,
  material: 200,
  pattern: 100,
  custom_label_0: 100,
  custom_label_1: 100,
  custom_label_2: 100,
  custom_label_3: 100,
  custom_label_4: 100,
} as const;
