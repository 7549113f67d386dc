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

/**
 * The columns product reads select, in this order, so rows come back as arrays: building
 * named-property objects per row cost more than the query itself on the feed path (~2.5x).
 */
export const PRODUCT_SELECT = ['item_id', 'content_hash', ...PRODUCT_COLUMNS, 'updated_at'] as const;
/** Number of values PRODUCT_SELECT yields; columns selected after it start here. */
export const PRODUCT_WIDTH = PRODUCT_SELECT.length;

/** `PRODUCT_SELECT` with a table alias, for SQL. */
export function productSelect(alias: string): string {
  return PRODUCT_SELECT.map((c) => `${alias}.${c}`).join(', ');
}

const str = (v: SqlValue | undefined) => (v ?? null) as string | null;
const num = (v: SqlValue | undefined) => (v ?? null) as number | null;

/** A row selected with PRODUCT_SELECT (as an array) back to the product model. */
export function productFromValues(v: readonly SqlValue[]): StoredProduct {
  // Indexes follow PRODUCT_SELECT: 0 item_id, 1 content_hash, then PRODUCT_COLUMNS from 2.
  const data = JSON.parse(v[28] as string) as ProductData;
  const currency = v[8] as string;
  const salePrice = num(v[9]);
  return {
    id: v[0] as string,
    title: v[2] as string,
    description: v[3] as string,
    link: v[4] as string,
    image_link: str(v[5]),
    additional_image_link: data.additional_image_link ?? [],
    availability: v[6] as Availability,
    availability_date: data.availability_date ?? null,
    price: { micros: v[7] as number, currency },
    sale_price: salePrice === null ? null : { micros: salePrice, currency },
    sale_price_effective_date: str(v[10]),
    brand: str(v[11]),
    gtin: str(v[12]),
    mpn: str(v[13]),
    identifier_exists: data.identifier_exists ?? null,
    condition: v[14] as Condition,
    google_product_category: str(v[15]),
    product_type: str(v[16]),
    item_group_id: str(v[17]),
    color: str(v[18]),
    size: str(v[19]),
    gender: str(v[20]) as Product['gender'],
    age_group: str(v[21]) as Product['age_group'],
    material: data.material ?? null,
    pattern: data.pattern ?? null,
    quantity: num(v[22]),
    shipping: data.shipping ?? [],
    custom_label_0: str(v[23]),
    custom_label_1: str(v[24]),
    custom_label_2: str(v[25]),
    custom_label_3: str(v[26]),
    custom_label_4: str(v[27]),
    extra: data.extra ?? {},
    content_hash: v[1] as string,
    updated_at: (v[29] as string | null) ?? '',
  };
}
