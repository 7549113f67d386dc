/**
 * WooCommerce's built-in product CSV (Products › Export). `variable` rows are parents,
 * `variation` rows their variants, pointing at the parent by `id:123` or by its SKU.
 * Variations usually leave description, images and categories empty: they inherit them
 * from a parent seen earlier in the file (WooCommerce writes parents first).
 */
import type { VariantLink } from '../../store/port';
import type { Issue } from '../catalog';
import { unpinned } from '../parse/strings';
import { InputBuilder } from './builder';
import { normalizeKey, textFields } from './keys';
import { slugify } from './text';
import type { MapContext, MappedRow, MapperResult, RowMapper, SourceRecord } from './types';
import { categoryPath, joinUrl, splitUrls } from './values';

/** Columns read explicitly below, or WooCommerce settings with no meaning in a feed. */
const HANDLED =
  /^(id|type|sku|name|published|short_description|description|sale_price|regular_price|date_sale_price_(starts|ends)|categories|tags|images|parent|in_stock|stock|external_url|attribute_\d+_.*|is_featured|visibility_in_catalog|tax_status|tax_class|low_stock_amount|backorders_allowed|sold_individually|allow_customer_reviews|purchase_note|shipping_class|download_.*|grouped_products|upsells|cross_sells|button_text|position|(weight|length|width|height)(_[a-z]+)?)$/;
const ATTRIBUTE_NAMES: Array<[RegExp, 'color' | 'size' | 'material' | 'pattern' | 'gender' | 'age_group' | 'brand']> = [
  [/^(pa_)?(colou?rs?|farbe|couleur|kleur)$/i, 'color'],
  [/^(pa_)?(sizes?|größe|taille|maat)$/i, 'size'],
  [/^(pa_)?materials?$/i, 'material'],
  [/^(pa_)?pattern$/i, 'pattern'],
  [/^(pa_)?gender$/i, 'gender'],
  [/^(pa_)?age[ _]?group$/i, 'age_group'],
  [/^(pa_)?(brand|manufacturer|marke)$/i, 'brand'],
];

interface ParentInfo {
  productId: string;
  wooId: string;
  description: string;
  images: string[];
  productType: string;
  brand: string;
}

export class WooCommerceMapper implements RowMapper {
  readonly dialect = 'woocommerce' as const;
  /** parents by `ID` and by SKU, for variations that follow them */
  private readonly parents = new Map<string, ParentInfo>();
  /** variations whose parent had not been seen yet: linked at the end */
  private readonly pending: Array<{ id: string; ref: string }> = [];
  /** WooCommerce `ID` → our product id, to resolve pending `id:123` references */
  private readonly productIds = new Map<string, string>();
  private unpublished = 0;
  private grouped = 0;

  constructor(private readonly ctx: MapContext) {}

  map(record: SourceRecord): MappedRow[] {
    const row = textFields(record.fields);
    const get = (k: string) => row.get(k) ?? '';
    const types = get('type').toLowerCase().split(/\s*,\s*/);
    const wooId = get('id');
    const productId = get('sku') || wooId;
    // kept for the whole file: copies that do not keep the record's text alive
    if (wooId && productId) this.productIds.set(unpinned(wooId), unpinned(productId));

    // Published: 1 public, 0 private, -1 draft. Only public products belong in ads.
    if (get('published') !== '' && get('published') !== '1') {
      this.unpublished++;
      return [];
    }
    // A grouped product is a container of other products, with no price of its own.
    if (types.includes('grouped')) {
      this.grouped++;
      return [];
    }

    const isParent = types.includes('variable');
    const isVariation = types.includes('variation');
    const b = new InputBuilder(this.ctx);
    b.set('id', productId);
    b.set('title', get('name'));
    b.set('description', get('description'));
    b.set('description', get('short_description'), 2);
    b.set('price', get('regular_price'));
    b.set('sale_price', get('sale_price'));
    const starts = get('date_sale_price_starts');
    const ends = get('date_sale_price_ends');
    if (get('sale_price') && starts && ends) b.set('sale_price_effective_date', `${starts}/${ends}`);
    // `In stock?` is 1, 0 or `backorder`; Stock is the managed quantity, empty when unmanaged.
    b.set('availability', get('in_stock'));
    b.set('quantity', get('stock'));
    const categories = get('categories');
    if (categories) b.set('product_type', categoryPath(categories, '>'));
    if (get('tags')) b.extra('Tags', get('tags'));

    const images = splitUrls(get('images'));
    b.set('image_link', images[0]);
    b.setImages(images.slice(1));
    this.attributes(b, row, isParent);

    // The canonical WordPress short link; WordPress redirects it to the pretty permalink.
    const external = get('external_url');
    let parent: ParentInfo | undefined;
    if (isVariation) {
      const ref = get('parent').replace(/^id:/i, '');
      parent = this.parents.get(ref);
      if (parent) b.set('item_group_id', parent.productId);
      else if (ref && productId) this.pending.push({ id: unpinned(productId), ref: unpinned(ref) });
    }
    const pageId = parent?.wooId || (isVariation ? get('parent').replace(/^id:/i, '') : '') || wooId;
    if (external) b.set('link', external);
    else if (/^\d+$/.test(pageId)) b.set('link', joinUrl(this.ctx.baseLink, `?post_type=product&p=${pageId}`));
    else if (get('name')) b.set('link', joinUrl(this.ctx.baseLink, `product/${slugify(get('name'))}/`));

    if (parent) {
      b.set('description', parent.description, 3);
      b.set('image_link', parent.images[0], 3);
      b.setImages(parent.images.slice(1), 3);
      b.set('product_type', parent.productType, 3);
      b.set('brand', parent.brand, 3);
    }
    for (const key of Object.keys(record.fields)) {
      if (!HANDLED.test(normalizeKey(key))) b.column(metaName(key), record.fields[key], 2);
    }

    if (isParent && productId) {
      const info: ParentInfo = {
        productId,
        wooId,
        description: get('description') || get('short_description'),
        images,
        productType: typeof b.input['product_type'] === 'string' ? b.input['product_type'] : '',
        brand: typeof b.input['brand'] === 'string' ? b.input['brand'] : '',
      };
      if (wooId) this.parents.set(wooId, info);
      if (get('sku')) this.parents.set(get('sku'), info);
      // WooCommerce keeps prices on the variations: a priceless parent is only their group,
      // and feeds never show a parent anyway.
      if (!get('regular_price') && !get('sale_price')) return [];
    }
    return [{ line: record.line, input: b.input, warnings: [] }];
  }

  /** `Attribute 1 name` / `Attribute 1 value(s)`: colour and size of a variation, extra otherwise. */
  private attributes(b: InputBuilder, row: Map<string, string>, isParent: boolean): void {
    for (let i = 1; row.has(`attribute_${i}_name`); i++) {
      const name = row.get(`attribute_${i}_name`) ?? '';
      const value = row.get(`attribute_${i}_value_s`) ?? row.get(`attribute_${i}_values`) ?? '';
      if (!name || !value) continue;
      const attribute = ATTRIBUTE_NAMES.find(([re]) => re.test(name.trim()))?.[1];
      // A parent lists every value its variations have ("Blue, Green"): not one colour.
      if (attribute && !(isParent && attribute !== 'brand' && value.includes(','))) b.set(attribute, value);
      else b.extra(name, value);
    }
  }

  finish(): MapperResult {
    const links: VariantLink[] = this.pending.map(({ id, ref }) => ({
      id,
      item_group_id: this.parents.get(ref)?.productId ?? this.productIds.get(ref) ?? ref,
    }));
    const issues: Issue[] = [];
    if (this.unpublished > 0) issues.push({ line: 0, field: 'Published', reason: `${this.unpublished} private or draft products skipped` });
    if (this.grouped > 0) issues.push({ line: 0, field: 'Type', reason: `${this.grouped} grouped products skipped (they have no price of their own)` });
    return { rows: [], links, issues };
  }
}

/** `Meta: _gtin` / `Meta: ean` columns from plugins: mapped by the name after the prefix. */
function metaName(key: string): string {
  const m = /^meta:\s*_*(.+)$/i.exec(key.trim());
  return m ? m[1]! : key;
}
