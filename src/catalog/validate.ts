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
import type { Availability, Money, Product, ShippingRule } from './product';

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
  let text = true;
  let extra = false;
  for (const key of Object.keys(input)) {
    if (!ATTRIBUTE_SET.has(key)) extra = true;
    else if (text) {
      const value = input[key];
      if (typeof value !== 'string' && value !== undefined && !(LISTS.has(key) && isTextList(value))) text = false;
    }
  }
  if (text) return validateText(input as Input, input, ctx, extra);
  const data = singleValued(input);
  return isTextShaped(data) ? validateText(data as Input, input, ctx, true) : validateShape(data, input, ctx);
}

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

const TEXT = 0;
const NUMBER = 1;
const FLAG = 2;
const MONEY = 3;
const TEXT_LIST = 4;
const SHIPPING = 5;
const OTHER = 6;

/** How each attribute is written; a Record over keyof Product, so a new attribute cannot be left out. */
const HASHED_AS: Record<keyof Product, number> = {
  id: TEXT, title: TEXT, description: TEXT, link: TEXT, image_link: TEXT, additional_image_link: TEXT_LIST,
  availability: TEXT, availability_date: TEXT, price: MONEY, sale_price: MONEY, sale_price_effective_date: TEXT,
  brand: TEXT, gtin: TEXT, mpn: TEXT, identifier_exists: FLAG, condition: TEXT, google_product_category: TEXT,
  product_type: TEXT, item_group_id: TEXT, color: TEXT, size: TEXT, gender: TEXT, age_group: TEXT, material: TEXT,
  pattern: TEXT, quantity: NUMBER, shipping: SHIPPING, custom_label_0: TEXT, custom_label_1: TEXT,
  custom_label_2: TEXT, custom_label_3: TEXT, custom_label_4: TEXT, extra: OTHER,
};

/** The attributes in canonical (sorted) key order, with the text written before each value. */
const HASHED_FIELDS = Object.keys(HASHED_AS)
  .sort()
  .map((key) => ({ key, kind: HASHED_AS[key as keyof Product], first: `{"${key}":`, next: `,"${key}":` }));

/**
 * The attribute values in HASHED_FIELDS order, read by name: a loop of computed-key reads
 * cost more than hashing the keys' text. Checked against HASHED_FIELDS when loaded.
 */
function sortedValues(p: Product): unknown[] {
  return [
    p.additional_image_link,
    p.age_group,
    p.availability,
    p.availability_date,
    p.brand,
    p.color,
    p.condition,
    p.custom_label_0,
    p.custom_label_1,
    p.custom_label_2,
    p.custom_label_3,
    p.custom_label_4,
    p.description,
    p.extra,
    p.gender,
    p.google_product_category,
    p.gtin,
    p.id,
    p.identifier_exists,
    p.image_link,
    p.item_group_id,
    p.link,
    p.material,
    p.mpn,
    p.pattern,
    p.price,
    p.product_type,
    p.quantity,
    p.sale_price,
    p.sale_price_effective_date,
    p.shipping,
    p.size,
    p.title,
  ];
}
{
  const names = Object.fromEntries(HASHED_FIELDS.map((f) => [f.key, f.key])) as unknown as Product;
  if (sortedValues(names).join() !== HASHED_FIELDS.map((f) => f.key).join()) throw new Error('sortedValues is out of order');
}

/**
 * A fast, deterministic, non-cryptographic 64-bit hash of a product, stored to see which
 * products an import changed: cyrb53's 64-bit variant over the product as JSON with sorted
 * keys (canonical JSON), so equal products hash alike whatever their key order.
 *
 * The JSON text is never built: its characters are fed to the hash as they would be written
 * (with the escapes JSON.stringify writes), attributes in a fixed sorted order, prices and
 * shipping rules by their known keys, `extra` with its keys sorted. Building the text and
 * sorting every object's keys cost ~45 µs a product; the hashes are the same as before, so
 * products stored by earlier versions do not all look changed.
 */
export function productHash(p: Product): string {
  state[0] = 0xdeadbeef;
  state[1] = 0x41c6ce57;
  const values = sortedValues(p);
  let first = true;
  for (let i = 0; i < HASHED_FIELDS.length; i++) {
    const field = HASHED_FIELDS[i]!;
    const value = values[i];
    if (value === undefined) continue;
    feedAscii(first ? field.first : field.next);
    first = false;
    if (typeof value === 'string') feedString(value);
    else if (value === null) feedAscii('null');
    else if (field.kind === MONEY) feedMoney(value as Money);
    else if (field.kind === TEXT_LIST && isTextList(value)) {
      feedAscii('[');
      for (let i = 0; i < value.length; i++) {
        if (i > 0) feedAscii(',');
        feedString(value[i]!);
      }
      feedAscii(']');
    } else if (field.kind === SHIPPING && Array.isArray(value)) {
      feedAscii('[');
      for (let i = 0; i < value.length; i++) {
        if (i > 0) feedAscii(',');
        feedShippingRule(value[i] as ShippingRule);
      }
      feedAscii(']');
    } else feedJson(value);
  }
  feedAscii(first ? '{}' : '}');
  let h1 = state[0]!;
  let h2 = state[1]!;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

function isTextList(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (const v of value) if (typeof v !== 'string') return false;
  return true;
}

/** `{"currency":…,"micros":…}` */
function feedMoney(m: Money): void {
  if (typeof m.currency !== 'string' || typeof m.micros !== 'number') return feedJson(m);
  feedAscii('{"currency":');
  feedString(m.currency);
  feedAscii(',"micros":');
  feedAscii(Number.isFinite(m.micros) ? String(m.micros) : 'null');
  feedAscii('}');
}

/** `{"country":…,"price":…,"region":…,"service":…}`, region and service when set. */
function feedShippingRule(rule: ShippingRule): void {
  if (rule === null || typeof rule !== 'object' || typeof rule.country !== 'string') return feedJson(rule);
  feedAscii('{"country":');
  feedString(rule.country);
  feedAscii(',"price":');
  feedMoney(rule.price);
  if (rule.region !== undefined) {
    feedAscii(',"region":');
    feedJson(rule.region);
  }
  if (rule.service !== undefined) {
    feedAscii(',"service":');
    feedJson(rule.service);
  }
  feedAscii('}');
}

/**
 * The two hash lanes while productHash runs (it is synchronous, so one state suffices). An
 * Int32Array, not two variables: 32-bit values outside V8's small-integer range would be
 * boxed on every store.
 */
const state = new Int32Array(2);

/** Feeds text as it is, one UTF-16 unit at a time. */
function feedAscii(s: string): void {
  let a = state[0]!;
  let b = state[1]!;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    a = Math.imul(a ^ ch, 2654435761);
    b = Math.imul(b ^ ch, 1597334677);
  }
  state[0] = a;
  state[1] = b;
}

/** Feeds a value as canonical JSON: JSON.stringify's text, object keys sorted, undefined members left out. */
function feedJson(value: unknown): void {
  switch (typeof value) {
    case 'string':
      feedString(value);
      return;
    case 'number':
      feedAscii(Number.isFinite(value) ? String(value) : 'null');
      return;
    case 'boolean':
      feedAscii(value ? 'true' : 'false');
      return;
    case 'object':
      break;
    default:
      feedAscii(JSON.stringify(value) ?? 'null');
      return;
  }
  if (value === null) feedAscii('null');
  else if (Array.isArray(value)) {
    feedAscii('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) feedAscii(',');
      feedJson(value[i]);
    }
    feedAscii(']');
  } else {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length > 1) keys.sort();
    feedAscii('{');
    let first = true;
    for (const key of keys) {
      const v = obj[key];
      if (v === undefined) continue;
      if (!first) feedAscii(',');
      first = false;
      feedString(key);
      feedAscii(':');
      feedJson(v);
    }
    feedAscii('}');
  }
}

/** Feeds a string as JSON.stringify writes it: quoted, with `"`, `\\`, controls and lone surrogates escaped. */
function feedString(s: string): void {
  let a = Math.imul(state[0]! ^ 34, 2654435761);
  let b = Math.imul(state[1]! ^ 34, 1597334677);
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const ch = s.charCodeAt(i);
    if (ch >= 0x20 && ch !== 34 && ch !== 92 && (ch < 0xd800 || ch > 0xdfff)) {
      a = Math.imul(a ^ ch, 2654435761);
      b = Math.imul(b ^ ch, 1597334677);
      continue;
    }
    if (ch >= 0xd800 && ch <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // a surrogate pair is written as it is
      const low = s.charCodeAt(++i);
      a = Math.imul(Math.imul(a ^ ch, 2654435761) ^ low, 2654435761);
      b = Math.imul(Math.imul(b ^ ch, 1597334677) ^ low, 1597334677);
      continue;
    }
    // `"`, `\\`, a control character or a lone surrogate: the escape JSON.stringify writes
    const escaped = JSON.stringify(s[i]).slice(1, -1);
    for (let j = 0; j < escaped.length; j++) {
      const e = escaped.charCodeAt(j);
      a = Math.imul(a ^ e, 2654435761);
      b = Math.imul(b ^ e, 1597334677);
    }
  }
  state[0] = Math.imul(a ^ 34, 2654435761);
  state[1] = Math.imul(b ^ 34, 1597334677);
}
