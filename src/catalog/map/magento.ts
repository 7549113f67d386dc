/**
 * Magento 2's product import/export CSV (System › Export, the format of Magento's own sample
 * data): one row per SKU, `configurable` rows are parents that list their children in
 * `configurable_variations`, images are paths under `/media/catalog/product`, and the
 * product page is `<url_key>.html`.
 */
import type { VariantLink } from '../../store/port';
import type { Issue } from '../catalog';
import { InputBuilder } from './builder';
import { normalizeKey, textFields } from './keys';
import { slugify } from './text';
import type { MapContext, MappedRow, MapperResult, RowMapper, SourceRecord } from './types';
import { categoryPath, joinUrl } from './values';

/** Columns read explicitly below. */
const HANDLED = new Set([
  'sku', 'name', 'description', 'short_description', 'price', 'special_price', 'special_price_from_date',
  'special_price_to_date', 'qty', 'is_in_stock', 'url_key', 'base_image', 'additional_images', 'categories',
  'additional_attributes', 'configurable_variations', 'product_type', 'product_online', 'store_view_code',
]);
/** Magento bookkeeping with no meaning in a feed; anything else unknown is kept as extra. */
const NOISE =
  /^(use_config_|is_qty_decimal|is_decimal_divided|allow_backorders|min_|max_|notify_|manage_stock|qty_increments|enable_qty_increments|out_of_stock_qty|website_id|product_websites|attribute_set_code|tax_class_name|visibility|meta_|.*_label$|small_image|thumbnail_image|swatch_image|created_at|updated_at|new_from_date|new_to_date|display_product_options_in|map_|msrp|gift_message|custom_design|custom_layout|page_layout|product_options_container|configurable_variation_|related_|crosssell_|upsell_|hide_from_product_page|bundle_|associated_skus|downloadable_)/;
/** Keys of `additional_attributes` that are Google attributes. */
const ATTRIBUTE_KEYS: Record<string, 'color' | 'size' | 'material' | 'pattern' | 'gender' | 'age_group' | 'brand' | 'gtin' | 'mpn'> = {
  color: 'color', colour: 'color', size: 'size', material: 'material', pattern: 'pattern', gender: 'gender',
  age_group: 'age_group', brand: 'brand', manufacturer: 'brand', ean: 'gtin', gtin: 'gtin', upc: 'gtin', mpn: 'mpn',
};
const INTERNAL_ATTRIBUTES = new Set(['has_options', 'required_options', 'quantity_and_stock_status']);

export class MagentoMapper implements RowMapper {
  readonly dialect = 'magento' as const;
  private readonly links: VariantLink[] = [];
  private storeViewRows = 0;
  private firstStoreViewLine = 0;
  private disabled = 0;

  constructor(private readonly ctx: MapContext) {}

  map(record: SourceRecord): MappedRow[] {
    const f = textFields(record.fields);
    const get = (k: string) => f.get(k) ?? '';

    // A row with a store view code only overrides texts of one store view (a translation).
    if (get('store_view_code') !== '') {
      if (this.storeViewRows++ === 0) this.firstStoreViewLine = record.line;
      return [];
    }
    // product_online 2 (or 0) is a disabled product: never advertise it.
    if (get('product_online') !== '' && get('product_online') !== '1') {
      this.disabled++;
      return [];
    }

    const sku = get('sku');
    const type = get('product_type');
    const b = new InputBuilder(this.ctx);
    b.set('id', sku);
    b.set('title', get('name'));
    b.set('description', get('description'));
    b.set('description', get('short_description'), 2);
    b.set('price', get('price'));
    b.set('sale_price', get('special_price'));
    const from = get('special_price_from_date');
    const to = get('special_price_to_date');
    if (get('special_price') && from && to) b.set('sale_price_effective_date', `${from}/${to}`);
    b.set('availability', get('is_in_stock'));
    // A configurable parent's qty is not stock (its children hold it).
    if (type !== 'configurable') b.set('quantity', get('qty'));
    // Magento derives a missing url_key from the name the same way.
    const urlKey = get('url_key') || slugify(get('name'));
    if (urlKey) b.set('link', joinUrl(this.ctx.baseLink, `${urlKey}.html`));

    const base = this.image(get('base_image'));
    b.set('image_link', base);
    b.setImages(
      get('additional_images')
        .split(',')
        .map((p) => this.image(p))
        .filter((u) => u !== '' && u !== base),
    );
    const categories = get('categories');
    if (categories) b.set('product_type', categoryPath(categories, '/'));
    this.additionalAttributes(b, get('additional_attributes'));

    if (type === 'configurable' && sku) this.variations(sku, get('configurable_variations'));

    for (const key of Object.keys(record.fields)) {
      const nk = normalizeKey(key);
      if (HANDLED.has(nk) || NOISE.test(nk)) continue;
      b.column(key, record.fields[key], 1);
    }
    return [{ line: record.line, input: b.input, warnings: [] }];
  }

  /** `/m/h/mh01-black_main.jpg` lives under the shop's media path; `no_selection` is none. */
  private image(path: string): string {
    const p = path.trim();
    if (p === '' || p === 'no_selection') return '';
    if (/^(https?:)?\/\//i.test(p)) return p;
    return joinUrl(this.ctx.baseLink, `media/catalog/product/${p.replace(/^\/+/, '')}`);
  }

  /** `has_options=0,size=XS,color=Black,climate=All-weather|Cool`: `|` separates multiple values. */
  private additionalAttributes(b: InputBuilder, text: string): void {
    if (!text) return;
    for (const pair of text.split(/,(?=[\w-]+=)/)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const key = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).split('|').map((v) => v.trim()).filter(Boolean).join(', ');
      if (INTERNAL_ATTRIBUTES.has(key)) continue;
      const attribute = ATTRIBUTE_KEYS[key.toLowerCase()];
      if (attribute) b.set(attribute, value, 1, key);
      else b.extra(key, value);
    }
  }

  /** `sku=MH01-XS-Black,size=XS,color=Black|sku=…`: each child learns its parent and options. */
  private variations(parentSku: string, text: string): void {
    if (!text) return;
    for (const variation of text.split('|')) {
      const spec = new Map<string, string>();
      for (const pair of variation.split(',')) {
        const eq = pair.indexOf('=');
        if (eq > 0) spec.set(pair.slice(0, eq).trim().toLowerCase(), pair.slice(eq + 1).trim());
      }
      const id = spec.get('sku');
      if (!id || id === parentSku) continue;
      const link: VariantLink = { id, item_group_id: parentSku };
      const color = spec.get('color') ?? spec.get('colour');
      const size = spec.get('size');
      if (color) link.color = color;
      if (size) link.size = size;
      this.links.push(link);
    }
  }

  finish(): MapperResult {
    const issues: Issue[] = [];
    if (this.storeViewRows > 0) {
      issues.push({
        line: this.firstStoreViewLine,
        field: 'store_view_code',
        reason: `${this.storeViewRows} store-view rows (translations of another row) skipped; the default store view is used`,
      });
    }
    if (this.disabled > 0) {
      issues.push({ line: 0, field: 'product_online', reason: `${this.disabled} disabled products skipped` });
    }
    return { rows: [], links: this.links, issues };
  }
}
