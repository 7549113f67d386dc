/**
 * Reading and writing product attributes by name, for feed filters, rules and templates.
 *
 * Names are the Product's own (Google attribute names) plus `extra.<key>` for source columns
 * that have no attribute of their own. Readers are compiled once per definition into small
 * functions, so the per-product cost is a property load, not a name lookup.
 */
import { formatMoney } from '../catalog/money';
import {
  AGE_GROUPS,
  AVAILABILITIES,
  CONDITIONS,
  GENDERS,
  type Money,
  type Product,
} from '../catalog/product';
import type { ProductPerformance } from '../store/port';

/** Free-text attributes a rule may write. `id` is not among them: the pixel sends the id as
 * `content_ids`, so a feed that rewrote it would stop matching the shop's events. */
export const TEXT_FIELDS = [
  'title',
  'description',
  'link',
  'image_link',
  'availability_date',
  'sale_price_effective_date',
  'brand',
  'gtin',
  'mpn',
  'google_product_category',
  'product_type',
  'item_group_id',
  'color',
  'size',
  'material',
  'pattern',
  'custom_label_0',
  'custom_label_1',
  'custom_label_2',
  'custom_label_3',
  'custom_label_4',
] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** Attributes with a closed vocabulary: a rule may write them, but only a listed value. */
export const ENUM_FIELDS = {
  availability: AVAILABILITIES,
  condition: CONDITIONS,
  gender: GENDERS,
  age_group: AGE_GROUPS,
} as const satisfies Record<string, readonly string[]>;
export type EnumField = keyof typeof ENUM_FIELDS;

/** Attributes that can be read (filters, templates, conditions) but not written by rules. */
const READ_ONLY_FIELDS = [
  'id',
  'price',
  'sale_price',
  'quantity',
  'identifier_exists',
  'additional_image_link',
] as const;

/**
 * Visitor activity from the label refresh the feed is pinned to (src/insights), read-only.
 * `performance.labels` reads as `bestseller,price_drop`; the counts as numbers. All read as
 * empty (numbers as null) for a product without performance (before the first refresh).
 */
export const PERFORMANCE_COUNTS = [
  'views_7d',
  'views_30d',
  'carts_7d',
  'carts_30d',
  'purchases_7d',
  'purchases_30d',
] as const satisfies ReadonlyArray<keyof ProductPerformance>;
const PERFORMANCE_PREFIX = 'performance.';
const PERFORMANCE_FIELDS = ['labels', ...PERFORMANCE_COUNTS].map((k) => `${PERFORMANCE_PREFIX}${k}`);

/** Rules run on a copy of a FeedProduct typed as Product; performance rides along on it. */
function performanceOf(p: Product): ProductPerformance | null {
  return (p as Product & { performance?: ProductPerformance | null }).performance ?? null;
}

function performanceCount(name: string): ((p: Product) => number | null) | null {
  if (!name.startsWith(PERFORMANCE_PREFIX)) return null;
  const key = name.slice(PERFORMANCE_PREFIX.length) as (typeof PERFORMANCE_COUNTS)[number];
  if (!(PERFORMANCE_COUNTS as readonly string[]).includes(key)) return null;
  return (p) => performanceOf(p)?.[key] ?? null;
}

const NON_NULL_TEXT = new Set<string>(['title', 'description', 'link']);
const TEXT_SET = new Set<string>(TEXT_FIELDS);
const READABLE = new Set<string>([
  ...TEXT_FIELDS,
  ...Object.keys(ENUM_FIELDS),
  ...READ_ONLY_FIELDS,
  ...PERFORMANCE_FIELDS,
]);

const EXTRA_PREFIX = 'extra.';

function extraKey(name: string): string | null {
  return name.startsWith(EXTRA_PREFIX) && name.length > EXTRA_PREFIX.length ? name.slice(EXTRA_PREFIX.length) : null;
}

export function isReadableField(name: string): boolean {
  return READABLE.has(name) || extraKey(name) !== null;
}

export function isWritableField(name: string): boolean {
  return TEXT_SET.has(name) || name in ENUM_FIELDS || extraKey(name) !== null;
}

export function isEnumField(name: string): name is EnumField {
  return Object.hasOwn(ENUM_FIELDS, name);
}

export type TextReader = (p: Product) => string;

type StringKey = { [K in keyof Product]: Product[K] extends string | null ? K : never }[keyof Product];

/**
 * One reader per string attribute, each its own function literal. A generic `(p) => p[key]`
 * closure would share one property-load site across all keys and go megamorphic in V8; these
 * stay monomorphic, which is measurable on the per-product path of a million-product feed.
 */
export const STRING_READERS: Readonly<Record<StringKey, TextReader>> = {
  id: (p) => p.id,
  title: (p) => p.title,
  description: (p) => p.description,
  link: (p) => p.link,
  image_link: (p) => p.image_link ?? '',
  availability: (p) => p.availability,
  availability_date: (p) => p.availability_date ?? '',
  sale_price_effective_date: (p) => p.sale_price_effective_date ?? '',
  brand: (p) => p.brand ?? '',
  gtin: (p) => p.gtin ?? '',
  mpn: (p) => p.mpn ?? '',
  condition: (p) => p.condition,
  google_product_category: (p) => p.google_product_category ?? '',
  product_type: (p) => p.product_type ?? '',
  item_group_id: (p) => p.item_group_id ?? '',
  color: (p) => p.color ?? '',
  size: (p) => p.size ?? '',
  gender: (p) => p.gender ?? '',
  age_group: (p) => p.age_group ?? '',
  material: (p) => p.material ?? '',
  pattern: (p) => p.pattern ?? '',
  custom_label_0: (p) => p.custom_label_0 ?? '',
  custom_label_1: (p) => p.custom_label_1 ?? '',
  custom_label_2: (p) => p.custom_label_2 ?? '',
  custom_label_3: (p) => p.custom_label_3 ?? '',
  custom_label_4: (p) => p.custom_label_4 ?? '',
};
export type StringField = StringKey;
export type NumberReader = (p: Product) => number | null;

/** A function giving the attribute as text, '' when empty. Money reads as `15.00 EUR`. */
export function textReader(name: string): TextReader {
  const extra = extraKey(name);
  if (extra !== null) return (p) => p.extra[extra] ?? '';
  switch (name) {
    case 'price':
      return (p) => formatMoney(p.price);
    case 'sale_price':
      return (p) => (p.sale_price ? formatMoney(p.sale_price) : '');
    case 'quantity':
      return (p) => (p.quantity === null ? '' : String(p.quantity));
    case 'identifier_exists':
      return (p) => (p.identifier_exists === null ? '' : p.identifier_exists ? 'yes' : 'no');
    case 'additional_image_link':
      return (p) => p.additional_image_link.join(',');
    case 'performance.labels':
      return (p) => performanceOf(p)?.labels.join(',') ?? '';
  }
  const count = performanceCount(name);
  if (count !== null) {
    return (p) => {
      const n = count(p);
      return n === null ? '' : String(n);
    };
  }
  const reader = Object.hasOwn(STRING_READERS, name) ? STRING_READERS[name as StringKey] : undefined;
  if (!reader) throw new Error(`unknown field "${name}"`);
  return reader;
}

/** A function giving the attribute as a number (money in currency units), null when not one. */
export function numberReader(name: string): NumberReader {
  switch (name) {
    case 'price':
      return (p) => p.price.micros / 1_000_000;
    case 'sale_price':
      return (p) => (p.sale_price ? p.sale_price.micros / 1_000_000 : null);
    case 'quantity':
      return (p) => p.quantity;
  }
  const count = performanceCount(name);
  if (count !== null) return count;
  const text = textReader(name);
  return (p) => {
    const raw = text(p).trim();
    if (raw === '') return null;
    const n = Number(raw);
    return Number.isFinite(n) ? n : null;
  };
}

/**
 * Writes text to a writable attribute of `p` (which must be the caller's own copy). Empty text
 * clears an optional attribute to null. Returns false when an enum attribute is given a value
 * outside its vocabulary (after normalising `In Stock` to `in_stock`), leaving it unchanged.
 */
export function writeField(p: Product, name: string, value: string): boolean {
  const extra = extraKey(name);
  if (extra !== null) {
    // The copy shares `extra` with the stored product: copy it before the first write.
    p.extra = { ...p.extra, [extra]: value };
    return true;
  }
  if (isEnumField(name)) {
    const normal = value.trim().toLowerCase().replace(/[\s-]+/g, '_');
    if (!(ENUM_FIELDS[name] as readonly string[]).includes(normal)) return false;
    (p as unknown as Record<string, string>)[name] = normal;
    return true;
  }
  if (!TEXT_SET.has(name)) throw new Error(`field "${name}" cannot be written`);
  (p as unknown as Record<string, string | null>)[name] = value === '' && !NON_NULL_TEXT.has(name) ? null : value;
  return true;
}

/**
 * `formatMoney` with a one-entry memory, one per call site: prices repeat from product to
 * product (variants of a group, a shop-wide shipping rate) and `toFixed` is not cheap.
 */
export function moneyFormatter(): (money: Money) => string {
  let micros = NaN;
  let currency = '';
  let text = '';
  return (money) => {
    if (money.micros !== micros || money.currency !== currency) {
      micros = money.micros;
      currency = money.currency;
      text = formatMoney(money);
    }
    return text;
  };
}

const SPACE = /\s/;
const LAST_SPACE = /\s+\S*$/;
const TRAILING = /[\s,;:\-–—|/]+$/;

/**
 * Shortens `value` to at most `max` characters (Unicode code points, what the platforms
 * count), cutting at the last word boundary so a title never ends mid-word. When the only
 * boundary is in the first half (one long word, or Chinese/Japanese text without spaces) it
 * cuts hard instead of throwing most of the text away. Never splits a surrogate pair.
 */
export function truncateAtWord(value: string, max: number): string {
  if (value.length <= max) return value;
  const points = Array.from(value);
  if (points.length <= max) return value;
  let cut = points.slice(0, max).join('');
  if (!SPACE.test(points[max] ?? ' ')) {
    const boundary = cut.search(LAST_SPACE);
    if (boundary >= cut.length / 2) cut = cut.slice(0, boundary);
  }
  const trimmed = cut.replace(TRAILING, '');
  return trimmed === '' ? cut : trimmed;
}

/** Length in code points, counted only when the UTF-16 length could exceed `max`. */
export function exceeds(value: string, max: number): boolean {
  if (value.length <= max) return false;
  let n = 0;
  for (const _ of value) if (++n > max) return true;
  return false;
}
