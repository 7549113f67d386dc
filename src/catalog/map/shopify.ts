/**
 * Shopify's product CSV (Products › Export). A product is a run of rows sharing a `Handle`:
 * the first carries the product (Title, Body, Vendor…) and its first variant, later rows
 * add variants and images, and rows with only `Image Src` add images. So a product's rows
 * are held until the handle changes, which bounds memory by the largest product while
 * letting every variant get all its product's images and the right item_group_id.
 */
import type { Issue } from '../catalog';
import { parsePrice } from '../money';
import { unpinned } from '../parse/strings';
import { attributeFor } from './aliases';
import { InputBuilder } from './builder';
import { textFields } from './keys';
import { slugify } from './text';
import type { MapContext, MappedRow, MapperResult, RowMapper, SourceRecord } from './types';
import { joinUrl, parseCount } from './values';

/** Product-level columns, given on a handle's first row only. */
interface ProductInfo {
  title: string;
  body: string;
  vendor: string;
  type: string;
  tags: string;
  category: string;
  status: string;
  published: string;
  optionNames: [string, string, string];
  /** `Google Shopping / …` columns by attribute */
  google: Map<string, string>;
}

interface Variant {
  line: number;
  row: Map<string, string>;
}

interface Group {
  handle: string;
  line: number;
  info: ProductInfo | null;
  variants: Variant[];
  images: string[];
}

const OPTION_ATTRIBUTES: Array<[RegExp, 'color' | 'size' | 'material' | 'pattern' | 'gender' | 'age_group']> = [
  [/^(colou?rs?|farbe|couleur|kleur|colore)$/i, 'color'],
  [/^(sizes?|größe|grösse|taille|maat|taglia|talla)$/i, 'size'],
  [/^(materials?|material)$/i, 'material'],
  [/^(pattern|print)$/i, 'pattern'],
  [/^(gender)$/i, 'gender'],
  [/^(age group)$/i, 'age_group'],
];
const INACTIVE = /^(draft|archived)$/i;

export class ShopifyMapper implements RowMapper {
  readonly dialect = 'shopify' as const;
  private group: Group | null = null;
  private readonly flushed = new Set<string>();
  private readonly issues: Issue[] = [];
  private inactive = 0;
  private firstInactiveLine = 0;

  constructor(private readonly ctx: MapContext) {}

  map(record: SourceRecord): MappedRow[] {
    const row = textFields(record.fields);
    const get = (k: string) => row.get(k) ?? '';
    const handle = get('handle');
    if (handle === '') {
      this.issues.push({ line: record.line, field: 'Handle', reason: 'row without a Handle skipped' });
      return [];
    }

    let out: MappedRow[] = [];
    if (this.group?.handle !== handle) {
      out = this.flush();
      if (this.flushed.has(handle)) {
        this.issues.push({
          line: record.line,
          field: 'Handle',
          value: handle.slice(0, 80),
          reason: 'rows of this handle are not next to each other; sort the file by Handle so variants share their product',
        });
      }
      this.group = { handle, line: record.line, info: null, variants: [], images: [] };
    }
    const group = this.group!;

    if (group.info === null && get('title') !== '') group.info = productInfo(row);
    const image = get('image_src');
    if (image && !group.images.includes(image)) group.images.push(image);
    const isVariant = get('variant_sku') !== '' || get('variant_price') !== '' || get('option1_value') !== '';
    if (isVariant) group.variants.push({ line: record.line, row });
    return out;
  }

  finish(): MapperResult {
    const rows = this.flush();
    if (this.inactive > 0) {
      this.issues.push({
        line: this.firstInactiveLine,
        field: 'Status',
        reason: `${this.inactive} draft, archived or unpublished products skipped`,
      });
    }
    return { rows, links: [], issues: this.issues };
  }

  private flush(): MappedRow[] {
    const group = this.group;
    this.group = null;
    if (!group) return [];
    this.flushed.add(unpinned(group.handle)); // kept for the whole file
    const info = group.info;
    if (info && (INACTIVE.test(info.status) || /^false$/i.test(info.published))) {
      if (this.inactive++ === 0) this.firstInactiveLine = group.line;
      return [];
    }
    const grouped = group.variants.length > 1;
    return group.variants.map((variant) => this.variantRow(group, info, variant, grouped));
  }

  private variantRow(group: Group, info: ProductInfo | null, variant: Variant, grouped: boolean): MappedRow {
    const get = (k: string) => variant.row.get(k) ?? '';
    const b = new InputBuilder(this.ctx);
    const options: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const name = info?.optionNames[i - 1] || get(`option${i}_name`);
      const value = get(`option${i}_value`);
      if (!value || (/^title$/i.test(name) && /^default title$/i.test(value))) continue;
      options.push(value);
      const attribute = OPTION_ATTRIBUTES.find(([re]) => re.test(name.trim()))?.[1];
      if (attribute) b.set(attribute, value);
      else b.extra(name || `Option${i}`, value);
    }

    const sku = get('variant_sku');
    b.set('id', sku || [group.handle, ...options.map(slugify)].filter(Boolean).join('-'));
    if (grouped) b.set('item_group_id', group.handle);
    b.set('title', info?.title);
    b.set('description', info?.body);
    b.set('brand', info?.vendor);
    b.set('product_type', info?.type);
    b.set('google_product_category', info?.category);
    if (info?.tags) b.extra('Tags', info.tags);
    b.set('link', joinUrl(this.ctx.baseLink, `products/${encodeURIComponent(group.handle)}`));

    const image = get('variant_image') || group.images[0];
    b.set('image_link', image);
    b.setImages(group.images.filter((u) => u !== image));

    this.prices(b, get('variant_price'), get('variant_compare_at_price'));
    b.set('gtin', get('variant_barcode').replace(/^'/, ''));
    this.stock(b, get('variant_inventory_tracker'), get('variant_inventory_qty'), get('variant_inventory_policy'), variant.row.has('variant_inventory_tracker'));

    // `Google Shopping / Gender`, `… / MPN`, `… / Custom Label 0`: variant rows may repeat them.
    const google = new Map(info?.google);
    for (const [nk, v] of variant.row) if (nk.startsWith('google_shopping_') && v) google.set(nk.slice('google_shopping_'.length), v);
    for (const [name, value] of google) {
      if (name === 'custom_product') {
        // "Custom product: TRUE" is Shopify's way to say the item has no GTIN/MPN.
        if (/^true$/i.test(value)) b.set('identifier_exists', 'no');
        continue;
      }
      const target = attributeFor(name);
      if (target) b.set(target[0], value, 2);
    }
    return { line: variant.line, input: b.input, warnings: [] };
  }

  /** Compare-at above price is Shopify's sale: Google wants the regular price and the sale price. */
  private prices(b: InputBuilder, price: string, compareAt: string): void {
    if (price && compareAt) {
      const p = parsePrice(price, this.ctx.currency);
      const c = parsePrice(compareAt, this.ctx.currency);
      if (p.ok && c.ok && c.money.micros > p.money.micros) {
        b.set('price', compareAt);
        b.set('sale_price', price);
        return;
      }
    }
    b.set('price', price);
  }

  /**
   * Untracked inventory is always sellable; tracked inventory at zero is sellable only with
   * the "continue selling" policy. Exports without inventory columns leave it to the validator.
   */
  private stock(b: InputBuilder, tracker: string, qty: string, policy: string, hasTrackerColumn: boolean): void {
    const count = parseCount(qty);
    if (hasTrackerColumn && tracker === '') {
      b.set('availability', 'in_stock');
      return;
    }
    if (count !== null) b.set('quantity', String(Math.max(0, count)));
    if (count !== null && count <= 0 && /^continue$/i.test(policy)) b.set('availability', 'in_stock');
  }
}

function productInfo(row: Map<string, string>): ProductInfo {
  const get = (k: string) => row.get(k) ?? '';
  const google = new Map<string, string>();
  for (const [nk, v] of row) if (nk.startsWith('google_shopping_') && v) google.set(nk.slice('google_shopping_'.length), v);
  return {
    title: get('title'),
    body: get('body_html'),
    vendor: get('vendor'),
    type: get('type'),
    tags: get('tags'),
    // Shopify's standard product taxonomy is built on Google's.
    category: get('product_category'),
    status: get('status'),
    published: get('published'),
    optionNames: [get('option1_name'), get('option2_name'), get('option3_name')],
    google,
  };
}
