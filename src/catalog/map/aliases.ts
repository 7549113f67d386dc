/**
 * Column names to Google attributes. Keys are normalised (see keys.ts). An exact Google name
 * outranks an alias, so a file with both `id` and `sku` takes `id` and keeps `sku` as extra.
 */

/** Every attribute the validator knows; anything else a mapper emits is `extra`. */
export const ATTRIBUTES = [
  'id', 'title', 'description', 'link', 'image_link', 'additional_image_link', 'availability',
  'availability_date', 'price', 'sale_price', 'sale_price_effective_date', 'brand', 'gtin', 'mpn',
  'identifier_exists', 'condition', 'google_product_category', 'product_type', 'item_group_id',
  'color', 'size', 'gender', 'age_group', 'material', 'pattern', 'quantity', 'shipping',
  'custom_label_0', 'custom_label_1', 'custom_label_2', 'custom_label_3', 'custom_label_4',
] as const;
export type Attribute = (typeof ATTRIBUTES)[number];
export const ATTRIBUTE_SET: ReadonlySet<string> = new Set(ATTRIBUTES);

/** Priorities: 0 the Google name itself, 1 a common alias, 2 a weaker fallback. */
const ALIASES: Record<string, [Attribute, number]> = {};
const alias = (attribute: Attribute, priority: number, names: string[]) => {
  for (const n of names) ALIASES[n] = [attribute, priority];
};
for (const a of ATTRIBUTES) ALIASES[a] = [a, 0];

alias('id', 1, ['sku', 'product_id', 'item_id', 'offer_id', 'product_sku', 'article_id', 'article_number', 'product_code', 'variant_sku']);
alias('title', 1, ['name', 'product_name', 'product_title', 'item_name', 'item_title']);
alias('description', 1, ['long_description', 'product_description', 'body_html', 'body', 'content', 'summary', 'desc']);
alias('description', 2, ['short_description']);
alias('link', 1, ['url', 'product_url', 'uri', 'product_link', 'permalink', 'page_url', 'product_page_url', 'web_url']);
alias('image_link', 1, ['image', 'image_url', 'main_image', 'main_image_url', 'image_src', 'picture', 'photo', 'featured_image', 'imageurl', 'base_image']);
alias('image_link', 2, ['thumbnail', 'thumbnail_url']);
alias('additional_image_link', 1, ['images', 'additional_images', 'additional_image_links', 'image_links', 'other_images', 'extra_images', 'gallery', 'gallery_images']);
alias('availability', 1, ['stock_status', 'in_stock', 'instock', 'is_in_stock', 'available', 'availability_status']);
alias('quantity', 1, ['qty', 'stock', 'inventory', 'stock_quantity', 'inventory_quantity', 'quantity_to_sell_on_facebook', 'stock_level', 'units_in_stock', 'stock_qty']);
alias('price', 1, ['regular_price', 'list_price', 'original_price', 'retail_price', 'base_price', 'normal_price', 'price_incl_tax']);
alias('sale_price', 1, ['special_price', 'sale', 'sales_price', 'discount_price', 'offer_price', 'promo_price', 'promotional_price']);
alias('brand', 1, ['manufacturer', 'vendor', 'brand_name', 'make', 'brands']);
alias('gtin', 1, ['ean', 'upc', 'barcode', 'isbn', 'ean13', 'ean_13', 'gtin13', 'gtin14', 'gtin12', 'gtin8', 'jan', 'gtin_upc_ean_or_isbn', 'ean_code']);
alias('mpn', 1, ['manufacturer_part_number', 'part_number', 'mfr_part_number', 'mfr_number']);
alias('condition', 1, ['item_condition', 'product_condition']);
alias('google_product_category', 1, ['google_category', 'google_product_category_id', 'google_taxonomy']);
alias('product_type', 1, ['category', 'categories', 'category_path', 'product_category', 'breadcrumb', 'product_categories']);
alias('item_group_id', 1, ['parent_id', 'parent_sku', 'group_id', 'item_group', 'variant_group_id']);
alias('color', 1, ['colour', 'colors', 'colours']);
alias('size', 1, ['sizes', 'product_size']);
alias('gender', 1, ['sex', 'target_gender']);
alias('age_group', 1, ['agegroup', 'target_age_group']);
alias('material', 1, ['materials', 'fabric']);
alias('pattern', 1, ['patterns']);
alias('sale_price_effective_date', 1, ['sale_dates', 'sale_price_dates', 'sale_period']);
for (let i = 0; i <= 4; i++) alias(`custom_label_${i}` as Attribute, 1, [`label_${i}`, `customlabel${i}`, `custom_label${i}`]);

/** The attribute a column feeds and how strongly, or null for a column that goes to extra. */
export function attributeFor(normalizedKey: string): [Attribute, number] | null {
  return ALIASES[normalizedKey] ?? null;
}
