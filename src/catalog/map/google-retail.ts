/**
 * Google Cloud Retail API products (`id, title, brands[], categories[], priceInfo{price,
 * originalPrice, currencyCode}, availability IN_STOCK, colorInfo{colors[]}, sizes[], uri,
 * images[{uri}]`), as in Google's Retail tutorial data and catalog exports.
 */
import { parsePrice } from '../money';
import { InputBuilder } from './builder';
import type { MapContext, MappedRow, MapperResult, RowMapper, SourceRecord } from './types';
import { firstText, splitUrls, toText } from './values';

const HANDLED = new Set([
  'id', 'name', 'title', 'description', 'brands', 'categories', 'priceInfo', 'availability', 'availableQuantity',
  'availableTime', 'colorInfo', 'sizes', 'uri', 'images', 'attributes', 'gtin', 'materials', 'patterns',
  'audience', 'conditions', 'primaryProductId', 'type', 'retrievableFields', 'tags', 'languageCode',
]);
/** Retail attribute keys that are Google feed attributes of their own. */
const ATTRIBUTE_KEYS: Record<string, 'material' | 'pattern' | 'gender' | 'age_group' | 'brand' | 'mpn'> = {
  material: 'material', pattern: 'pattern', gender: 'gender', age_group: 'age_group', brand: 'brand', mpn: 'mpn',
};

export class GoogleRetailMapper implements RowMapper {
  readonly dialect = 'google_retail' as const;

  constructor(private readonly ctx: MapContext) {}

  map(record: SourceRecord): MappedRow[] {
    const f = record.fields;
    const b = new InputBuilder(this.ctx);
    b.set('id', toText(f['id']));
    b.set('title', toText(f['title']));
    b.set('description', toText(f['description']));
    b.set('link', toText(f['uri']));
    b.set('brand', firstText(f['brands']));
    b.set('product_type', firstText(f['categories']));
    b.set('gtin', toText(f['gtin']));
    b.set('availability', toText(f['availability']));
    b.set('quantity', toText(f['availableQuantity']));
    b.set('material', firstText(f['materials']));
    b.set('pattern', firstText(f['patterns']));
    b.set('condition', firstText(f['conditions']).toLowerCase());
    const primary = toText(f['primaryProductId']);
    if (primary && primary !== toText(f['id'])) b.set('item_group_id', primary);

    const images = splitUrls(f['images']);
    b.set('image_link', images[0]);
    b.setImages(images.slice(1));

    this.price(b, f['priceInfo']);
    const availability = toText(f['availability']).toUpperCase();
    if (availability === 'PREORDER' || availability === 'BACKORDER') b.set('availability_date', toText(f['availableTime']));

    const colorInfo = asObject(f['colorInfo']);
    const colors = asStrings(colorInfo?.['colors']).length ? asStrings(colorInfo?.['colors']) : asStrings(colorInfo?.['colorFamilies']);
    // Google takes up to three colours of one item joined by `/`.
    if (colors.length) b.set('color', colors.slice(0, 3).join('/'));

    // One size is this item's size; a list is the sizes the product comes in, which a
    // feed expresses as variants, so the list is kept as extra rather than guessed at.
    const sizes = asStrings(f['sizes']);
    if (sizes.length === 1) b.set('size', sizes[0]);
    else if (sizes.length > 1) b.extra('sizes', sizes.join(', '));

    const audience = asObject(f['audience']);
    if (audience) {
      b.set('gender', firstText(audience['genders']));
      b.set('age_group', firstText(audience['ageGroups']));
    }
    this.attributes(b, f['attributes']);
    const tags = asStrings(f['tags']);
    if (tags.length) b.extra('tags', tags.join(', '));
    for (const key of Object.keys(f)) if (!HANDLED.has(key)) b.column(key, f[key], 1);
    return [{ line: record.line, input: b.input, warnings: [] }];
  }

  /** originalPrice above price is a sale: Google wants the regular price and the sale price. */
  private price(b: InputBuilder, value: unknown): void {
    const info = asObject(value);
    if (!info) return;
    const currency = toText(info['currencyCode']).trim() || this.ctx.currency;
    const price = toText(info['price']).trim();
    const original = toText(info['originalPrice']).trim();
    const p = price ? parsePrice(`${price} ${currency}`, this.ctx.currency) : null;
    const o = original ? parsePrice(`${original} ${currency}`, this.ctx.currency) : null;
    if (p?.ok && o?.ok && o.money.micros > p.money.micros) {
      b.set('price', `${original} ${currency}`);
      b.set('sale_price', `${price} ${currency}`);
      const start = toText(info['priceEffectiveTime']).trim();
      const end = toText(info['priceExpireTime']).trim();
      if (start && end) b.set('sale_price_effective_date', `${start}/${end}`);
    } else if (price) b.set('price', `${price} ${currency}`);
    else if (original) b.set('price', `${original} ${currency}`);
  }

  /** `attributes` as the tutorial data has it (a list of {key, value}) or as the API (a map). */
  private attributes(b: InputBuilder, value: unknown): void {
    const entries: Array<[string, unknown]> = Array.isArray(value)
      ? value.map((a) => [toText(asObject(a)?.['key']), asObject(a)?.['value']])
      : Object.entries(asObject(value) ?? {});
    for (const [key, raw] of entries) {
      if (!key) continue;
      const v = asObject(raw);
      const text = v ? [...asStrings(v['text']), ...asStrings(v['numbers'])].join(', ') : toText(raw);
      const attribute = ATTRIBUTE_KEYS[key.toLowerCase()];
      if (attribute) b.set(attribute, text, 2, key);
      else b.extra(key, text);
    }
  }

  finish(): MapperResult {
    return { rows: [], links: [], issues: [] };
  }
}

function asObject(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function asStrings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map(toText).filter((s) => s.trim() !== '');
}
