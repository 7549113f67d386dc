/**
 * Collects one product's attributes from a record's columns. When two columns feed the same
 * attribute the stronger name wins whatever the column order; the loser is kept as extra,
 * so no merchant data silently disappears.
 */
import { attributeFor, ATTRIBUTES, ATTRIBUTE_SET, type Attribute } from './aliases';
import { normalizeKey } from './keys';
import type { MapContext, ProductInput } from './types';
import { firstText, parseCount, resolveUrl, splitUrls, toText, trimmed } from './values';
import { normalizeAvailability } from './availability';

/** The attribute a column feeds and the rank of its name (see aliases.ts), or null for extra. */
export type ColumnTarget = [Attribute, number] | null;

// Column name → attribute, remembered: every row of a file asks about the same columns.
const targets = new Map<string, ColumnTarget>();
export function targetOf(key: string): ColumnTarget {
  let target = targets.get(key);
  if (target === undefined) {
    target = attributeFor(normalizeKey(key));
    if (targets.size >= 10_000) targets.clear();
    targets.set(key, target);
  }
  return target;
}

/**
 * Every attribute, undefined. Inputs start as copies of it, so every row's input has the same
 * shape whichever attributes it sets: setting one is then a store into an existing field,
 * and the validator reads fields of one known shape, instead of row inputs taking a dozen
 * different shapes (a fifth of mapping and validation went to property lookups missing
 * their caches). JSON.parse builds it with all fields at once (one by one, as computed keys,
 * the object would turn into a slow dictionary); the nulls then become undefined.
 */
const BLANK_INPUT: ProductInput = (() => {
  const blank = JSON.parse(JSON.stringify(Object.fromEntries(ATTRIBUTES.map((a) => [a, null])))) as Record<string, unknown>;
  for (const a of ATTRIBUTES) blank[a] = undefined;
  return blank as ProductInput;
})();

export class InputBuilder {
  readonly input: ProductInput = { ...BLANK_INPUT };
  /**
   * For each attribute set so far: its rank and the column it came from (kept as extra if
   * a stronger column replaces it), as flat triples. A row has a few dozen attributes and
   * attribute names are interned constants, so a linear scan beats two Map lookups per
   * column, which were a third of the mapping time.
   */
  private readonly held: Array<string | number | undefined> = [];

  private indexOf(attribute: string): number {
    const held = this.held;
    for (let i = 0; i < held.length; i += 3) if (held[i] === attribute) return i;
    return -1;
  }

  constructor(private readonly ctx: MapContext) {}

  /** Sets an attribute unless it is empty or a stronger source already set it. */
  set(attribute: Attribute, value: string | undefined, priority = 1, sourceName?: string): boolean {
    if (value === undefined) return false;
    const v = trimmed(value);
    if (!v) return false;
    const at = this.indexOf(attribute);
    if (at === -1) this.held.push(attribute, priority, sourceName);
    else {
      if ((this.held[at + 1] as number) <= priority) {
        if (sourceName) this.extra(sourceName, v);
        return false;
      }
      const replaced = this.held[at + 2] as string | undefined;
      if (replaced !== undefined) this.extra(replaced, this.input[attribute]);
      this.held[at + 1] = priority;
      this.held[at + 2] = sourceName;
    }
    this.input[attribute] = attribute === 'link' || attribute === 'image_link' ? resolveUrl(v, this.ctx.baseLink) : v;
    return true;
  }

  setImages(urls: string[], priority = 1): void {
    const list = urls.map((u) => resolveUrl(u, this.ctx.baseLink)).filter((u) => u !== '');
    if (list.length === 0) return;
    const at = this.indexOf('additional_image_link');
    if (at === -1) this.held.push('additional_image_link', priority, undefined);
    else if ((this.held[at + 1] as number) <= priority) return;
    else this.held[at + 1] = priority;
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
    this.columnTo(targetOf(key), key, value, basePriority);
  }

  /** `column` with the column's target already looked up (mappers resolve a file's header once). */
  columnTo(target: ColumnTarget, key: string, value: unknown, basePriority = 0): void {
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
        if (trimmed(text) !== '' && parseCount(text) === null && normalizeAvailability(text) !== null) this.set('availability', text, priority, key);
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
