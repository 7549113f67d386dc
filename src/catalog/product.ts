/**
 * The one product model every importer produces and every channel writer reads.
 *
 * Property names are Google Merchant attribute names: they are the lingua franca of
 * feeds (Meta, TikTok and Pinterest accept the same names), so mapping in and out stays
 * a table lookup rather than a translation.
 */

export const AVAILABILITIES = ['in_stock', 'out_of_stock', 'preorder', 'backorder'] as const;
export type Availability = (typeof AVAILABILITIES)[number];

export const CONDITIONS = ['new', 'refurbished', 'used'] as const;
export type Condition = (typeof CONDITIONS)[number];

export const GENDERS = ['male', 'female', 'unisex'] as const;
export const AGE_GROUPS = ['newborn', 'infant', 'toddler', 'kids', 'adult'] as const;

/** Money in millionths of the currency unit: integers keep sums and comparisons exact. */
export interface Money {
  micros: number;
  currency: string;
}

export interface ShippingRule {
  country: string;
  region?: string;
  service?: string;
  price: Money;
}

export interface Product {
  id: string;
  title: string;
  description: string;
  link: string;
  image_link: string | null;
  additional_image_link: string[];
  availability: Availability;
  availability_date: string | null;
  price: Money;
  sale_price: Money | null;
  /** ISO 8601 interval `start/end`, as Google takes it. */
  sale_price_effective_date: string | null;
  brand: string | null;
  gtin: string | null;
  mpn: string | null;
  identifier_exists: boolean | null;
  condition: Condition;
  google_product_category: string | null;
  product_type: string | null;
  item_group_id: string | null;
  color: string | null;
  size: string | null;
  gender: (typeof GENDERS)[number] | null;
  age_group: (typeof AGE_GROUPS)[number] | null;
  material: string | null;
  pattern: string | null;
  /** Units on hand, when the source says; drives low-stock labels and creatives. */
  quantity: number | null;
  shipping: ShippingRule[];
  custom_label_0: string | null;
  custom_label_1: string | null;
  custom_label_2: string | null;
  custom_label_3: string | null;
  custom_label_4: string | null;
  /** Source attributes with no column of their own, kept so feed rules can still use them. */
  extra: Record<string, string>;
}

/** A product as the store returns it: the model plus bookkeeping. */
export interface StoredProduct extends Product {
  /** Hash of the product's content; changes exactly when a feed line for it would. */
  content_hash: string;
  updated_at: string;
}

export const CUSTOM_LABEL_KEYS = [
  'custom_label_0',
  'custom_label_1',
  'custom_label_2',
  'custom_label_3',
  'custom_label_4',
] as const;
