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
  /** problems with required attributes: each refuses the row */
  failures: Array<{ field: string; message: string }>;
}

/** One schema per currency (the default for prices without a code), built on first use. */
const schemas = new Map<string, z.ZodType<Read, unknown>>();
function schemaFor(currency: string): z.ZodType<Read, unknown> {
  let schema = schemas.get(currency);
  if (!schema) {
    schema = inputShape.transform((input, ctx) => {
      const read = readProduct(input, currency);
      for (const f of read.failures) ctx.addIssue({ code: 'custom', path: [f.field], message: f.message, input: input[f.field as keyof Input] });
      return read;
    });
    schemas.set(currency, schema);
  }
  return schema;
}

// ---------------------------------------------------------------------------------------

export function validateProduct(input: ProductInput, ctx: ValidateContext): ValidationResult {
  // When every attribute is text (lists of text for the list attributes), as in every CSV
  // row, the shape check cannot fail and zod would only hand the same values to
  // readProduct: skip it (it was a fifth of validation time).
  const keys = Object.keys(input);
  const { kinds, extra } = keyKinds(keys);
  // Object.values follows the order of Object.keys, in one call instead of a lookup per key.
  const values = Object.values(input);
  let text = true;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const kind = kinds[i];
    if (typeof value === 'string' || value === undefined || kind === OTHER_KEY || (kind === LIST_KEY && isTextList(value))) continue;
    text = false;
    break;
  }
  if (text) return validateText(input as Input, input, ctx, extra);
  const data = singleValued(input);
  return isTextShaped(data) ? validateText(data as Input, input, ctx, true) : validateShape(data, input, ctx);
}

const TEXT_KEY = 0;
const LIST_KEY = 1;
const OTHER_KEY = 2;

interface KeyKinds {
  keys: string[];
  /** per key: TEXT_KEY, LIST_KEY or OTHER_KEY (a column that is not an attribute) */
  kinds: Uint8Array;
  /** some key is OTHER_KEY */
  extra: boolean;
}

/**
 * What each key of an input is, for the last key list seen: a file's rows all have the same
 * keys, so this is worked out once per file and then only compared, key by key (property
 * keys are interned strings: pointer compares).
 */
function keyKinds(keys: string[]): KeyKinds {
  const last = lastKinds;
  if (last.keys.length === keys.length) {
    let same = true;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== last.keys[i]) {
        same = false;
        break;
      }
    }
    if (same) return last;
  }
  const kinds = Uint8Array.from(keys, (k) => (!ATTRIBUTE_SET.has(k) ? OTHER_KEY : LISTS.has(k) ? LIST_KEY : TEXT_KEY));
  lastKinds = { keys, kinds, extra: kinds.includes(OTHER_KEY) };
  return lastKinds;
}
let lastKinds: KeyKinds = { keys: [], kinds: new Uint8Array(0), extra: false };

/** validateProduct through the zod schema whatever the input: the reference the fast path is tested against. */
export function validateProductWithSchema(input: ProductInput, ctx: ValidateContext): ValidationResult {
  return validateShape(singleValued(input), input, ctx);
}

function validateText(data: Input, input: ProductInput, ctx: ValidateContext, extra: boolean): ValidationResult {
  const read = readProduct(data, ctx.currency);
  if (read.failures.length > 0) {
    return { ok: false, issues: read.failures.map((f) => issueOf(ctx.line, f.field, f.message, input[f.field])) };
  }
  const warnings = read.warnings.map((w) => issueOf(ctx.line, w.field, w.reason, w.value));
  if (extra) read.product.extra = extraOf(input);
  return { ok: true, product: read.product, warnings };
}

function validateShape(data: Record<string, unknown>, input: ProductInput, ctx: ValidateContext): ValidationResult {
  const schema = schemaFor(ctx.currency);
  const warnings: Issue[] = [];
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

/** Reads every attribute; required problems become failures, optional ones warnings. */
function readProduct(input: Input, currency: string): Read {
  const warnings: Read['warnings'] = [];
  const failures: Read['failures'] = [];
  const r = new Findings(input, warnings, failures);

  const id = requiredText(input.id, 'id', r, MAX_ID_LENGTH);
  const title = requiredText(input.title, 'title', r);
  let link = '';
  if (input.link === undefined) r.fail('link', 'is required');
  else {
    const url = readUrl(input.link);
    if (url instanceof Problem) r.fail('link', url.message);
    else link = url;
  }

  let price: Money | null = null;
  if (input.price === undefined || input.price.trim() === '') r.fail('price', input.price === undefined ? 'is required' : 'is empty');
  else {
    const parsed = parsePriceCached(input.price, currency);
    if (!parsed.ok) r.fail('price', parsed.reason);
    else {
      price = parsed.money;
      if (parsed.warning) warnings.push({ field: 'price', reason: parsed.warning, value: input.price });
    }
  }

  let availability: Availability | null = null;
  if (input.availability !== undefined && input.availability.trim() !== '') {
    availability = normalizeAvailability(input.availability);
    if (availability === null) r.fail('availability', 'is not an availability we know (in_stock, out_of_stock, preorder, backorder)');
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

  const itemGroupId = optionalText(input.item_group_id);

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
      brand: optionalText(input.brand),
      gtin: r.optional('gtin', readGtin),
      mpn: optionalText(input.mpn),
      identifier_exists: r.optional('identifier_exists', readYesNo),
      condition: r.optional('condition', readCondition) ?? 'new',
      google_product_category: optionalText(input.google_product_category),
      product_type: optionalText(input.product_type),
      // a product is not its own parent
      item_group_id: itemGroupId === id ? null : itemGroupId,
      color: optionalText(input.color),
      size: optionalText(input.size),
      gender: r.optional('gender', readGender),
      age_group: r.optional('age_group', readAgeGroup),
      material: optionalText(input.material),
      pattern: optionalText(input.pattern),
      quantity,
      shipping,
      custom_label_0: optionalText(input.custom_label_0),
      custom_label_1: optionalText(input.custom_label_1),
      custom_label_2: optionalText(input.custom_label_2),
      custom_label_3: optionalText(input.custom_label_3),
      custom_label_4: optionalText(input.custom_label_4),
      extra: {},
    },
    warnings,
    failures,
  };
}

/**
 * What reading a row found. A class, not closures made per row: the hot path allocates
 * nothing it does not return (closures cost measurably at 100k rows under tsx).
 */
class Findings {
  constructor(
    private readonly input: Input,
    private readonly warnings: Read['warnings'],
    private readonly failures: Read['failures'],
  ) {}

  /** A required attribute's problem: refuses the row. */
  fail(field: string, message: string): void {
    this.failures.push({ field, message });
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

/** Plain-text attributes: one clean line, null when there is none. */
function optionalText(raw: string | undefined): string | null {
  return raw === undefined ? null : cleanLine(raw) || null;
}

function requiredText(raw: string | undefined, field: string, r: Findings, max?: number): string {
  if (raw === undefined) {
    r.fail(field, 'is required');
    return '';
  }
  const value = cleanLine(raw);
  if (value === '') r.fail(field, 'is empty');
  else if (max !== undefined && value.length > max) r.fail(field, `is longer than ${max} characters`);
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

/**
 * Whether every attribute is text, or a list of text for the list attributes: the inputs
 * the zod shape accepts unchanged (CSV and TSV rows always are). Other columns do not count.
 */
function isTextShaped(data: Record<string, unknown>): boolean {
  for (const key of Object.keys(data)) {
    const value = data[key];
    if (typeof value === 'string' || value === undefined || !ATTRIBUTE_SET.has(key)) continue;
    if (!LISTS.has(key) || !Array.isArray(value)) return false;
    for (const item of value) if (typeof item !== 'string') return false;
  }
  return true;
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
 * A fast, deterministic, non-cryptographic 64-bit hash of a product, stored to see which
 * products an import changed: equal products hash alike whatever their objects' key order.
 *
 * The values are fed in a fixed attribute order as 32-bit words, each value led by a word
 * that says what follows (a string's length, a list's count, a number, none), so different
 * products feed different word sequences; `extra` goes in sorted by name (its key order is
 * the file's column order). Strings go in two UTF-16 units a word, straight from the
 * strings: no text is built, encoded or sorted. Two multiply-xorshift lanes, finished like
 * cyrb53. This replaced cyrb53 over canonical JSON (every object's keys sorted, then one
 * UTF-16 unit per step), which cost ~45 µs a product.
 */
export function productHash(p: Product): string {
  lanes[0] = 0xdeadbeef;
  lanes[1] = 0x41c6ce57;
  str(p.id);
  str(p.title);
  str(p.description);
  str(p.link);
  str(p.image_link);
  word(LIST | p.additional_image_link.length);
  for (const url of p.additional_image_link) str(url);
  str(p.availability);
  str(p.availability_date);
  money(p.price);
  money(p.sale_price);
  str(p.sale_price_effective_date);
  str(p.brand);
  str(p.gtin);
  str(p.mpn);
  word(p.identifier_exists === null ? NONE : p.identifier_exists ? TRUE : FALSE);
  str(p.condition);
  str(p.google_product_category);
  str(p.product_type);
  str(p.item_group_id);
  str(p.color);
  str(p.size);
  str(p.gender);
  str(p.age_group);
  str(p.material);
  str(p.pattern);
  num(p.quantity);
  word(LIST | p.shipping.length);
  for (const rule of p.shipping) {
    str(rule.country);
    money(rule.price);
    str(rule.region);
    str(rule.service);
  }
  str(p.custom_label_0);
  str(p.custom_label_1);
  str(p.custom_label_2);
  str(p.custom_label_3);
  str(p.custom_label_4);
  const keys = Object.keys(p.extra);
  word(LIST | keys.length);
  if (keys.length > 0) {
    keys.sort();
    for (const k of keys) {
      str(k);
      str(p.extra[k]);
    }
  }
  let h1 = lanes[0]!;
  let h2 = lanes[1]!;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return hex8(h2) + hex8(h1);
}
// Every Product attribute must be fed by productHash: leaving one out of this list is a
// compile error, and the list is what to check productHash against.
const HASHED: Record<keyof Product, true> = {
  id: true, title: true, description: true, link: true, image_link: true, additional_image_link: true,
  availability: true, availability_date: true, price: true, sale_price: true, sale_price_effective_date: true,
  brand: true, gtin: true, mpn: true, identifier_exists: true, condition: true, google_product_category: true,
  product_type: true, item_group_id: true, color: true, size: true, gender: true, age_group: true, material: true,
  pattern: true, quantity: true, shipping: true, custom_label_0: true, custom_label_1: true, custom_label_2: true,
  custom_label_3: true, custom_label_4: true, extra: true,
};
void HASHED;

// Lead words. A string's is its length (under 2^28 units); the others are outside that range.
const NONE = 0x70000001;
const FALSE = 0x70000002;
const TRUE = 0x70000003;
const NUMBER = 0x70000004;
const TEXT_NUMBER = 0x70000005;
const LIST = 0x40000000;

/**
 * The two lanes while productHash runs (it is synchronous, so one state suffices). An
 * Int32Array, not two variables: 32-bit values outside V8's small-integer range would be
 * boxed on every store.
 */
const lanes = new Int32Array(2);

function word(w: number): void {
  let a = Math.imul(lanes[0]! ^ w, 2654435761);
  let b = Math.imul(lanes[1]! ^ w, 1597334677);
  lanes[0] = a ^ (a >>> 15);
  lanes[1] = b ^ (b >>> 15);
}

function str(s: string | null | undefined): void {
  if (s === null || s === undefined) return word(NONE);
  const n = s.length;
  let a = Math.imul(lanes[0]! ^ n, 2654435761);
  let b = Math.imul(lanes[1]! ^ n, 1597334677);
  a ^= a >>> 15;
  b ^= b >>> 15;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const w = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
    a = Math.imul(a ^ w, 2654435761);
    b = Math.imul(b ^ w, 1597334677);
    // a word's high bits would otherwise only ever reach the lanes' high bits
    a ^= a >>> 15;
    b ^= b >>> 15;
  }
  if (i < n) {
    const w = s.charCodeAt(i);
    a = Math.imul(a ^ w, 2654435761);
    b = Math.imul(b ^ w, 1597334677);
    a ^= a >>> 15;
    b ^= b >>> 15;
  }
  lanes[0] = a;
  lanes[1] = b;
}

function num(v: number | null): void {
  if (v === null) return word(NONE);
  if (Number.isSafeInteger(v)) {
    word(NUMBER);
    word(v | 0); // low 32 bits
    word(Math.floor(v / 4294967296) | 0); // high bits
  } else {
    word(TEXT_NUMBER);
    str(String(v));
  }
}

function money(m: Money | null): void {
  if (m === null) return word(NONE);
  num(m.micros);
  str(m.currency);
}

const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** 8 hex digits of a 32-bit value (Number#toString(16) goes through the runtime: slow per call). */
function hex8(v: number): string {
  return HEX_PAIRS[(v >>> 24) & 255]! + HEX_PAIRS[(v >>> 16) & 255]! + HEX_PAIRS[(v >>> 8) & 255]! + HEX_PAIRS[v & 255]!;
}

function isTextList(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (const v of value) if (typeof v !== 'string') return false;
  return true;
}
