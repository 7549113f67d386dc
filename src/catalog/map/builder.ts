/**
 * Collects one product's attributes from a record's columns. When two columns feed the same
 * attribute the stronger name wins whatever the column order; the loser is kept as extra,
 * so no merchant data silently disappears.
 */
import { attributeFor, ATTRIBUTE_SET, type Attribute } from './aliases';
import { normalizeKey } from './keys';
import type { MapContext, ProductInput } from './types';
import { firstText, parseCount, resolveUrl, splitUrls, toText } from './values';
import { normalizeAvailability } from './availability';

const URL_ATTRIBUTES = new Set(['link', 'image_link']);

export class InputBuilder {
  readonly input: ProductInput = {};
  private readonly rank: Partial<Record<string, number>> = {};

  constructor(private readonly ctx: MapContext) {}

  /** Sets an attribute unless it is empty or a stronger source already set it. */
  set(attribute: Attribute, value: string | undefined, priority = 1, sourceName?: string): boolean {
    const v = value?.trim();
    if (!v) return false;
    const held = this.rank[attribute];
    if (held !== undefined && held <= priority) {
      if (sourceName) this.extra(sourceName, v);
      return false;
    }
    this.rank[attribute] = priority;
    this.input[attribute] = URL_ATTRIBUTES.has(attribute) ? resolveUrl(v, this.ctx.baseLink) : v;
    return true;
  }

  setImages(urls: string[], priority = 1): void {
    const list = urls.map((u) => resolveUrl(u, this.ctx.baseLink)).filter((u) => u !== '');
    if (list.length === 0) return;
    const held = this.rank['additional_image_link'];
    if (held !== undefined && held <= priority) return;
    this.rank['additional_image_link'] = priority;
    this.input['additional_image_link'] = list;
  }

  setShipping(value: unknown): void {
    if (typeof value === 'string') {
      if (value.trim() !== '') this.input['shipping'] = value;
      return;
    }
    const list = (Array.isArray(value) ? value : [value]).filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object');
    if (list.length > 0) this.input['shipping'] = list.map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [normalizeKey(k), toText(v)])));
  }

  has(attribute: Attribute): boolean {
    return this.input[attribute] !== undefined;
  }

  /** A source column with no attribute of its own. */
  extra(name: string, value: unknown): void {
    const text = toText(value).trim();
    if (text === '' || ATTRIBUTE_SET.has(name)) return;
    if (this.input[name] === undefined) this.input[name] = text;
  }

  /**
   * Any column by its name: Google attribute names and common aliases, else extra. A stock
   * column holding a word (`in stock`) is availability; an in-stock column holding a
   * count above 1 is a quantity.
   */
  column(key: string, value: unknown, basePriority = 0): void {
    const nk = normalizeKey(key);
    const target = attributeFor(nk);
    if (!target) {
      this.extra(key, value);
      return;
    }
    const [attribute, rank] = target;
    const priority = basePriority + rank;
    switch (attribute) {
      case 'additional_image_link':
        this.setImages(splitUrls(value), priority);
        return;
      case 'shipping':
        this.setShipping(value);
        return;
      case 'quantity': {
        const text = firstText(value);
        if (text.trim() !== '' && parseCount(text) === null && normalizeAvailability(text) !== null) this.set('availability', text, priority, key);
        else this.set('quantity', text, priority, key);
        return;
      }
      case 'availability': {
        const text = firstText(value);
        const count = parseCount(text);
        if (count !== null && count > 1) this.set('quantity', text, priority, key);
        else this.set('availability', text, priority, key);
        return;
      }
      case 'image_link': {
        // `images: [a, b, c]` under an image_link name: first is the image, rest additional
        const urls = splitUrls(value);
        if (urls.length > 1 && this.set('image_link', urls[0], priority, key)) this.setImages(urls.slice(1), priority + 1);
        else this.set('image_link', urls[0] ?? firstText(value), priority, key);
        return;
      }
      default:
        this.set(attribute, firstText(value), priority, key);
    }
  }
}
