/**
 * From a mapped row to a `Product`, or the reasons it cannot be one.
 *
 * A zod schema checks the shape of the input (text, or lists for the list attributes) and
 * its transform reads every attribute with the readers of map/readers.ts. A problem with a
 * required attribute (id, title, link, price, an availability we cannot read) refuses the
 * row. A problem with an optional one drops that attribute with a warning: a bad GTIN
 * should not take a product out of every feed. Channel limits (Google's 50-character id,
 * 150-character title…) are the feed writers' business: they differ per channel.
 */
import { z } from 'zod';
import type { Issue } from './catalog';
import { ATTRIBUTE_SET } from './map/aliases';
import { normalizeAvailability } from './map/availability';
import {
  Problem,
  parsePriceCached,
  readAgeGroup,
  readCondition,
  readDateInterval,
  readDateTime,
  readGender,
  readGtin,
  readQuantity,
  readShipping,
  readUrl,
  readUrlList,
  readYesNo,
} from './map/readers';
import { cleanLine, cleanMultiline } from './map/text';
import type { ProductInput } from './map/types';
import type { Availability, Money, Product } from './product';

export { httpUrl, isValidGtin } from './map/readers';

export type ValidationResult =
  | { ok: true; product: Product; warnings: Issue[] }
  | { ok: false; issues: Issue[] };

export interface ValidateContext {
  /** ISO 4217 code for prices given without one */
  currency: string;
  line: number;
}

const MAX_ID_LENGTH = 240;
/** Attributes whose problems refuse the row; any other attribute is dropped with a warning. */
const REQUIRED = new Set(['id', 'title', 'link', 'price', 'availability']);
const TEXT_ATTRIBUTES = [
  'brand', 'mpn', 'google_product_category', 'product_type', 'item_group_id', 'color', 'size', 'material', 'pattern',
  'custom_label_0', 'custom_label_1', 'custom_label_2', 'custom_label_3', 'custom_label_4',
] as const;

// ---------------------------------------------------------------------------------------
// The input shape. Everything is text except the two list attributes; a list given for a
// single-valued attribute (a JSON array, a repeated XML element) is reduced to its first
// entry before parsing.

const text = z.string({ error: 'must be text' }).optional();
const textList = z.union([z.string(), z.array(z.string())], { error: 'must be text or a list of text' }).optional();
const shippingList = z
  .union([z.string(), z.array(z.union([z.string(), z.record(z.string(), z.string())]))], { error: 'must be country:region:service:price' })
  .optional();

const inputShape = z.object({
  id: text, title: text, description: text, link: text, image_link: text, additional_image_link: textList,
  availability: text, availability_date: text, price: text, sale_price: text, sale_price_effective_date: text,
  brand: text, gtin: text, mpn: text, identifier_exists: text, condition: text, google_product_category: text,
  product_type: text, item_group_id: text, color: text, size: text, gender: text, age_group: text,
  material: text, pattern: text, quantity: text, shipping: shippingList,
  custom_label_0: text, custom_label_1: text, custom_label_2: text, custom_label_3: text, custom_label_4: text,
});
type Input = z.output<typeof inputShape>;

interface Read {
  /** `extra` is filled in by validateProduct: zod's object parse drops the source columns */
  product: Product;
  warnings: Array<{ field: string; reason: string; value?: unknown }>;
}

/** One schema per currency (the default for prices without a code), built on first use. */
const schemas = new Map<string, z.ZodType<Read, unknown>>();
function schemaFor(currency: string): z.ZodType<Read, unknown> {
  let schema = schemas.get(currency);
  if (!schema) {
    schema = inputShape.transform((input, ctx) => readProduct(input, currency, ctx));
    schemas.set(currency, schema);
  }
  return schema;
}

// ---------------------------------------------------------------------------------------

export function validateProduct(input: ProductInput, ctx: ValidateContext): ValidationResult {
  const schema = schemaFor(ctx.currency);
  const warnings: Issue[] = [];
  let data = singleValued(input);
  // A second pass runs without optional attributes whose type was wrong (an object where
  // text belongs): those are dropped with a warning like any other optional problem.
  for (let pass = 0; pass < 2; pass++) {
    const result = schema.safeParse(data);
    if (result.success) {
      for (const w of result.data.warnings) warnings.push(issueOf(ctx.line, w.field, w.reason, w.value));
      const product = result.data.product;
      product.extra = extraOf(input);
      return { ok: true, product, warnings };
    }
    const errors: Issue[] = [];
    const drop = new Set<string>();
    for (const issue of result.error.issues) {
      const field = String(issue.path[0] ?? '');
      const found = issueOf(ctx.line, field, issue.message, input[field]);
      if (REQUIRED.has(field) || field === '') errors.push(found);
      else if (!drop.has(field)) {
        drop.add(field);
        warnings.push({ ...found, reason: `${issue.message}; ignored` });
      }
    }
    if (errors.length > 0) return { ok: false, issues: errors };
    data = { ...data };
    for (const field of drop) delete data[field];
  }
  return { ok: false, issues: [{ line: ctx.line, reason: 'row could not be validated' }] };
}

/** Reads every attribute; required problems become zod issues, optional ones warnings. */
function readProduct(input: Input, currency: string, ctx: z.RefinementCtx): Read {
  const warnings: Read['warnings'] = [];
  const r = new Findings(input, ctx, warnings);
  const fail = r.fail.bind(r);

  const id = requiredText(input.id, 'id', fail, MAX_ID_LENGTH);
  const title = requiredText(input.title, 'title', fail);
  let link = '';
  if (input.link === undefined) fail('link', 'is required');
  else {
    const url = readUrl(input.link);
    if (url instanceof Problem) fail('link', url.message);
    else link = url;
  }

  let price: Money | null = null;
  if (input.price === undefined || input.price.trim() === '') fail('price', input.price === undefined ? 'is required' : 'is empty');
  else {
    const parsed = parsePriceCached(input.price, currency);
    if (!parsed.ok) fail('price', parsed.reason);
    else {
      price = parsed.money;
      if (parsed.warning) warnings.push({ field: 'price', reason: parsed.warning, value: input.price });
    }
  }

  let availability: Availability | null = null;
  if (input.availability !== undefined && input.availability.trim() !== '') {
    availability = normalizeAvailability(input.availability);
    if (availability === null) fail('availability', 'is not an availability we know (in_stock, out_of_stock, preorder, backorder)');
  }
  const quantity = r.optional('quantity', readQuantity);
  if (availability === null) {
    if (quantity !== null) availability = quantity > 0 ? 'in_stock' : 'out_of_stock';
    else {
      availability = 'in_stock';
      if (input.availability === undefined || input.availability.trim() === '') warnings.push({ field: 'availability', reason: 'is missing; in_stock assumed' });
    }
  }

  let salePrice: Money | null = null;
  const saleRaw = input.sale_price;
  if (saleRaw !== undefined && saleRaw.trim() !== '') {
    const parsed = parsePriceCached(saleRaw, currency);
    if (!parsed.ok) warnings.push({ field: 'sale_price', reason: `${parsed.reason}; ignored`, value: saleRaw });
    else if (price && parsed.money.currency !== price.currency) warnings.push({ field: 'sale_price', reason: 'is in another currency than price; ignored', value: saleRaw });
    else if (price && parsed.money.micros >= price.micros) warnings.push({ field: 'sale_price', reason: 'is not below price; ignored', value: saleRaw });
    else {
      salePrice = parsed.money;
      if (parsed.warning) warnings.push({ field: 'sale_price', reason: parsed.warning, value: saleRaw });
    }
  }
  const saleDates = r.optional('sale_price_effective_date', readDateInterval);

  let description = input.description === undefined ? '' : cleanMultiline(input.description);
  if (description === '') {
    description = title;
    warnings.push({ field: 'description', reason: 'is missing; the title is used' });
  }

  const imageLink = r.optional('image_link', readUrl);
  let images: string[] = [];
  if (input.additional_image_link !== undefined) {
    const list = readUrlList(input.additional_image_link);
    images = imageLink === null ? list.urls : list.urls.filter((u) => u !== imageLink);
    for (const bad of list.dropped) warnings.push({ field: 'additional_image_link', reason: 'is not an absolute http(s) URL; ignored', value: bad });
  }

  let shipping: Product['shipping'] = [];
  if (input.shipping !== undefined) {
    const read = readShipping(input.shipping, currency);
    shipping = read.rules;
    for (const note of read.notes) warnings.push({ field: 'shipping', reason: note });
  }

  const texts = {} as Record<(typeof TEXT_ATTRIBUTES)[number], string | null>;
  for (const field of TEXT_ATTRIBUTES) {
    const raw = input[field];
    texts[field] = raw === undefined ? null : cleanLine(raw) || null;
  }

  return {
    product: {
      id,
      title,
      description,
      link,
      image_link: imageLink,
      additional_image_link: images,
      availability,
      availability_date: r.optional('availability_date', readDateTime),
      price: price ?? { micros: 0, currency },
      sale_price: salePrice,
      sale_price_effective_date: salePrice ? saleDates : null,
      brand: texts.brand,
      gtin: r.optional('gtin', readGtin),
      mpn: texts.mpn,
      identifier_exists: r.optional('identifier_exists', readYesNo),
      condition: r.optional('condition', readCondition) ?? 'new',
      google_product_category: texts.google_product_category,
      product_type: texts.product_type,
      // a product is not its own parent
      item_group_id: texts.item_group_id === id ? null : texts.item_group_id,
      color: texts.color,
      size: texts.size,
      gender: r.optional('gender', readGender),
      age_group: r.optional('age_group', readAgeGroup),
      material: texts.material,
      pattern: texts.pattern,
      quantity,
      shipping,
      custom_label_0: texts.custom_label_0,
      custom_label_1: texts.custom_label_1,
      custom_label_2: texts.custom_label_2,
      custom_label_3: texts.custom_label_3,
      custom_label_4: texts.custom_label_4,
      extra: {},
    },
    warnings,
  };
}

/**
 * What reading a row found. A class, not closures made per row: the hot path allocates
 * nothing it does not return (closures cost measurably at 100k rows under tsx).
 */
class Findings {
  constructor(
    private readonly input: Input,
    private readonly ctx: z.RefinementCtx,
    private readonly warnings: Read['warnings'],
  ) {}

  /** A required attribute's problem: refuses the row. */
  fail(field: string, message: string): void {
    this.ctx.addIssue({ code: 'custom', path: [field], message, input: this.input[field as keyof Input] });
  }

  /** An optional attribute: its value, or null with a warning when it cannot be read. */
  optional<T>(field: keyof Input, read: (raw: string) => T | Problem | null): T | null {
    const raw = this.input[field];
    if (typeof raw !== 'string' || raw.trim() === '') return null;
    const value = read(raw);
    if (value instanceof Problem) {
      this.warnings.push({ field, reason: `${value.message}; ignored`, value: raw });
      return null;
    }
    return value;
  }
}

function requiredText(raw: string | undefined, field: string, fail: (field: string, message: string) => void, max?: number): string {
  if (raw === undefined) {
    fail(field, 'is required');
    return '';
  }
  const value = cleanLine(raw);
  if (value === '') fail(field, 'is empty');
  else if (max !== undefined && value.length > max) fail(field, `is longer than ${max} characters`);
  return value;
}

/** Attributes that take a list; every other one takes a single text. */
const LISTS = new Set(['additional_image_link', 'shipping']);

/** A list given for a single-valued attribute (JSON arrays, repeated XML elements): its first entry. */
function singleValued(input: ProductInput): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (!Array.isArray(value) || LISTS.has(key) || !ATTRIBUTE_SET.has(key)) continue;
    out ??= { ...input };
    out[key] = firstString(value);
  }
  return out ?? input;
}

/** The first non-empty string of a list; '' for a list of empty strings; the list itself otherwise. */
function firstString(list: unknown[]): unknown {
  let allStrings = true;
  for (const v of list) {
    if (typeof v !== 'string') allStrings = false;
    else if (v.trim() !== '') return v;
  }
  return list.length > 0 && allStrings ? '' : list;
}

/** Source columns that are not attributes, as clean single-line text. */
function extraOf(input: ProductInput): Record<string, string> {
  const extra: Record<string, string> = {};
  for (const key of Object.keys(input)) {
    if (ATTRIBUTE_SET.has(key)) continue;
    const raw = input[key];
    const value = cleanLine(
      typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ') : '',
    );
    const name = cleanLine(key);
    // defineProperty: a column called __proto__ must stay a plain key
    if (value !== '' && name !== '') Object.defineProperty(extra, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return extra;
}

function issueOf(line: number, field: string, reason: string, value: unknown): Issue {
  const issue: Issue = { line, field, reason };
  const v = shorten(value);
  if (v !== '') issue.value = v;
  return issue;
}

/** The offending value, shortened so a report stays readable. */
function shorten(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

// ---------------------------------------------------------------------------------------

/**
 * A fast, deterministic, non-cryptographic 64-bit hash of a product (cyrb53's 64-bit
 * variant over JSON with sorted keys), stored to see which products an import changed.
 */
export function productHash(p: Product): string {
  const s = canonicalJson(p);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}
