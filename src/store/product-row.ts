/**
 * Product <-> table row. Channel attributes get columns (filterable, indexable); the rest of
 * the model rides in the `data` JSON column.
 */
import type { Availability, Condition, Product, ShippingRule, StoredProduct } from '../catalog/product';
import type { SqlValue } from './sql';

/** Columns shared by `products` and `staged_products`, in one order for both. */
export const PRODUCT_COLUMNS = [
  'title',
  'description',
  'link',
  'image_link',
  'availability',
  'price_micros',
  'currency',
  'sale_price_micros',
  'sale_price_effective_date',
  'brand',
  'gtin',
  'mpn',
  'condition',
  'google_product_category',
  'product_type',
  'item_group_id',
  'color',
  'size',
  'gender',
  'age_group',
  'quantity',
  'custom_label_0',
  'custom_label_1',
  'custom_label_2',
  'custom_label_3',
  'custom_label_4',
  'data',
] as const;

interface ProductData {
  additional_image_link?: string[];
  availability_date?: string;
  identifier_exists?: boolean;
  material?: string;
  pattern?: string;
  shipping?: ShippingRule[];
  extra?: Record<string, string>;
}

export interface ProductRow {
  item_id: string;
  content_hash: string;
  title: string;
  description: string;
  link: string;
  image_link: string | null;
  availability: string;
  price_micros: number;
  currency: string;
  sale_price_micros: number | null;
  sale_price_effective_date: string | null;
  brand: string | null;
  gtin: string | null;
  mpn: string | null;
  condition: string;
  google_product_category: string | null;
  product_type: string | null;
  item_group_id: string | null;
  color: string | null;
  size: string | null;
  gender: string | null;
  age_group: string | null;
  quantity: number | null;
  custom_label_0: string | null;
  custom_label_1: string | null;
  custom_label_2: string | null;
  custom_label_3: string | null;
  custom_label_4: string | null;
  data: string;
  updated_at?: string;
}

/** Values for `item_id, content_hash, ...PRODUCT_COLUMNS`. */
export function productValues(p: Product, hash: string): SqlValue[] {
  const values: SqlValue[] = [];
  pushProductValues(values, p, hash);
  return values;
}

/** Appends the values for `item_id, content_hash, ...PRODUCT_COLUMNS` (multi-row statements take them flat). */
export function pushProductValues(out: SqlValue[], p: Product, hash: string): void {
  out.push(
    p.id,
    hash,
    p.title,
    p.description,
    p.link,
    p.image_link,
    p.availability,
    p.price.micros,
    p.price.currency,
    p.sale_price?.micros ?? null,
    p.sale_price_effective_date,
    p.brand,
    p.gtin,
    p.mpn,
    p.condition,
    p.google_product_category,
    p.product_type,
    p.item_group_id,
    p.color,
    p.size,
    p.gender,
    p.age_group,
    p.quantity,
    p.custom_label_0,
    p.custom_label_1,
    p.custom_label_2,
    p.custom_label_3,
    p.custom_label_4,
    dataJson(p),
  );
}

/** The `data` column: what has no column of its own, without the empty parts. */
function dataJson(p: Product): string {
  const data: ProductData = {};
  if (p.additional_image_link.length) data.additional_image_link = p.additional_image_link;
  if (p.availability_date) data.availability_date = p.availability_date;
  if (p.identifier_exists !== null) data.identifier_exists = p.identifier_exists;
  if (p.material) data.material = p.material;
  if (p.pattern) data.pattern = p.pattern;
  if (p.shipping.length) data.shipping = p.shipping;
  if (Object.keys(p.extra).length) data.extra = p.extra;
  return JSON.stringify(data);
}

export function rowToProduct(row: ProductRow): StoredProduct {
  const data = JSON.parse(row.data) as ProductData;
  return {
    id: row.item_id,
    title: row.title,
    description: row.description,
    link: row.link,
    image_link: row.image_link,
    additional_image_link: data.additional_image_link ?? [],
    availability: row.availability as Availability,
    availability_date: data.availability_date ?? null,
    price: { micros: row.price_micros, currency: row.currency },
    sale_price: row.sale_price_micros === null ? null : { micros: row.sale_price_micros, currency: row.currency },
    sale_price_effective_date: row.sale_price_effective_date,
    brand: row.brand,
    gtin: row.gtin,
    mpn: row.mpn,
    identifier_exists: data.identifier_exists ?? null,
    condition: row.condition as Condition,
    google_product_category: row.google_product_category,
    product_type: row.product_type,
    item_group_id: row.item_group_id,
    color: row.color,
    size: row.size,
    gender: row.gender as Product['gender'],
    age_group: row.age_group as Product['age_group'],
    material: data.material ?? null,
    pattern: data.pattern ?? null,
    quantity: row.quantity,
    shipping: data.shipping ?? [],
    custom_label_0: row.custom_label_0,
    custom_label_1: row.custom_label_1,
    custom_label_2: row.custom_label_2,
    custom_label_3: row.custom_label_3,
    custom_label_4: row.custom_label_4,
    extra: data.extra ?? {},
    content_hash: row.content_hash,
    updated_at: row.updated_at ?? '',
  };
}
