/**
 * The product checks every channel runs, parameterised by the channel's limits and required
 * attributes. Two outcomes, per SPEC §2: a product that breaks a required rule is left out with
 * its reasons (never emitted half-valid); a value that is merely too long or a list too big is
 * fixed (truncated at a word boundary, capped) and the product is kept with a warning.
 *
 * The happy path allocates nothing but the result: the product is copied only when a value
 * has to change, and warning arrays only when there is a warning.
 */
import type { Catalog } from '../../catalog/catalog';
import type { Availability, Product, ShippingRule } from '../../catalog/product';
import { isWellFormed } from '../escape';
import { exceeds, STRING_READERS, truncateAtWord, type TextReader } from '../fields';
import type { ChannelLimits, CheckResult, Finding, TruncatedField } from './channel';

export interface CheckSpec {
  /** channel name for messages */
  label: string;
  limits: ChannelLimits;
  /** Google needs a brand for new products; Meta and TikTok for every product */
  brand: 'always' | 'new' | 'optional';
  /** availabilities that need `availability_date` (Google: preorder and backorder) */
  needsAvailabilityDate: readonly Availability[];
}

const NONE: readonly Finding[] = Object.freeze([]);
const NOT_BLANK = /\S/;
/** Not empty or whitespace; the regex only runs when the first character is a space or control. */
const present = (value: string | null): boolean =>
  !!value && (value.charCodeAt(0) > 32 || NOT_BLANK.test(value));
/** Ids go into URLs, pixels and TSV cells unescaped: no controls, line breaks or lone surrogates. */
const CONTROL = /[\u0000-\u001F\u007F\uFFFE\uFFFF]/;
const badId = (id: string): boolean => CONTROL.test(id) || !isWellFormed(id);
/** Spaces (often in image file names) and controls; the parser percent-encodes or refuses them. */
const URL_BREAKERS = /[\u0000-\u0020\u007F]/;
/**
 * An absolute http(s) URL with a host and no space or control character: the fast path nearly
 * every URL takes. Everything else goes through the URL parser in `httpUrl`.
 */
function plainHttpUrl(url: string): boolean {
  const start = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : 0;
  return (
    start > 0 &&
    url.length > start &&
    url.charCodeAt(start) !== 47 && // a host, not `https:///path`
    !URL_BREAKERS.test(url)
  );
}
const COUNTRY = /^[A-Z]{2}$/;

/** A compiled spec: the truncation table as parallel arrays, built once per channel. */
export interface CompiledSpec extends CheckSpec {
  textKeys: readonly TruncatedField[];
  textReaders: readonly TextReader[];
  textMax: readonly number[];
}

export function compileSpec(spec: CheckSpec): CompiledSpec {
  const entries = Object.entries(spec.limits.text) as Array<[TruncatedField, number]>;
  return {
    ...spec,
    textKeys: entries.map((e) => e[0]),
    textReaders: entries.map((e) => STRING_READERS[e[0]]),
    textMax: entries.map((e) => e[1]),
  };
}

/**
 * An absolute http(s) URL for `raw`, or null. Relative and protocol-relative links are resolved
 * against the shop's home page (the Catalog's `link`), and spaces are percent-encoded, by the
 * URL parser; anything that is not http(s) afterwards (`ftp:`, `data:`, `javascript:`) is refused.
 */
export function httpUrl(raw: string, base: string): string | null {
  if (plainHttpUrl(raw)) return raw;
  const trimmed = raw.trim();
  if (trimmed === '') return null;
  try {
    const url = new URL(trimmed, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

export function checkProduct(p: Product, catalog: Catalog, spec: CompiledSpec): CheckResult {
  const { limits, label } = spec;
  let reasons: Finding[] | null = null;
  let warnings: Finding[] | null = null;
  // Copy-on-write: `out` becomes a shallow copy the first time a value changes.
  let out = p;

  if (!present(p.id)) (reasons ??= []).push({ code: 'missing_id', message: 'id is empty' });
  else if (exceeds(p.id, limits.id))
    (reasons ??= []).push({
      code: 'id_too_long',
      message: `id is longer than ${label}'s ${limits.id} characters; ids are not shortened, a shortened id is another product`,
    });
  else if (badId(p.id))
    (reasons ??= []).push({ code: 'invalid_id', message: 'id contains control characters or line breaks' });

  if (!present(p.title)) (reasons ??= []).push({ code: 'missing_title', message: 'title is empty' });
  if (!present(p.description))
    (reasons ??= []).push({ code: 'missing_description', message: `${label} requires a description` });

  const link = p.link ? httpUrl(p.link, catalog.link) : null;
  if (!p.link) (reasons ??= []).push({ code: 'missing_link', message: 'link (the product page) is empty' });
  else if (link === null)
    (reasons ??= []).push({ code: 'invalid_link', message: `link is not an http(s) URL: ${short(p.link)}` });
  else if (link.length > limits.url)
    (reasons ??= []).push({ code: 'link_too_long', message: `link is longer than ${limits.url} characters` });
  else if (link !== p.link) (out === p ? (out = { ...p }) : out).link = link;

  const image = p.image_link ? httpUrl(p.image_link, catalog.link) : null;
  if (!p.image_link) (reasons ??= []).push({ code: 'missing_image_link', message: 'image_link is empty' });
  else if (image === null)
    (reasons ??= []).push({
      code: 'invalid_image_link',
      message: `image_link is not an http(s) URL: ${short(p.image_link)}`,
    });
  else if (image.length > limits.url)
    (reasons ??= []).push({ code: 'image_link_too_long', message: `image_link is longer than ${limits.url} characters` });
  else if (image !== p.image_link) (out === p ? (out = { ...p }) : out).image_link = image;

  if (!(p.price.micros > 0)) (reasons ??= []).push({ code: 'invalid_price', message: 'price must be above zero' });

  if (!present(p.brand)) {
    if (spec.brand === 'always' || (spec.brand === 'new' && p.condition === 'new'))
      (reasons ??= []).push({
        code: 'missing_brand',
        message:
          spec.brand === 'new' ? `${label} requires a brand for new products` : `${label} requires a brand`,
      });
  }

  if (!p.availability_date && spec.needsAvailabilityDate.includes(p.availability))
    (reasons ??= []).push({
      code: 'missing_availability_date',
      message: `${label} requires availability_date when availability is ${p.availability}`,
    });

  if (p.item_group_id) {
    if (exceeds(p.item_group_id, limits.item_group_id))
      (reasons ??= []).push({
        code: 'item_group_id_too_long',
        message: `item_group_id is longer than ${limits.item_group_id} characters; group ids are not shortened`,
      });
    else if (badId(p.item_group_id))
      (reasons ??= []).push({ code: 'invalid_item_group_id', message: 'item_group_id contains control characters' });
    else if (!p.color && !p.size && !p.material && !p.pattern)
      (warnings ??= []).push({
        code: 'variant_without_distinguishing_attribute',
        message: 'variant has item_group_id but no color, size, material or pattern to tell it from its siblings',
      });
  }

  if (reasons !== null) return { ok: false, reasons };

  // Everything below keeps the product and fixes the value, with a warning.
  const readers = spec.textReaders;
  for (let i = 0; i < readers.length; i++) {
    const max = spec.textMax[i]!;
    const value = readers[i]!(out);
    if (value.length > max && exceeds(value, max)) {
      const key = spec.textKeys[i]!;
      (out === p ? (out = { ...p }) : out)[key] = truncateAtWord(value, max);
      (warnings ??= []).push({
        code: `${key}_truncated`,
        message: `${key} shortened to ${max} characters at a word boundary`,
      });
    }
  }

  const images = p.additional_image_link;
  if (images.length > 0) {
    let valid: string[] | null = null;
    for (let i = 0; i < images.length; i++) {
      const url = httpUrl(images[i]!, catalog.link);
      if (url !== images[i] && valid === null) valid = images.slice(0, i);
      if (url === null || url.length > limits.url)
        (warnings ??= []).push({
          code: 'invalid_additional_image_link',
          message: `additional image left out: ${short(images[i]!)}`,
        });
      else if (valid !== null) valid.push(url);
    }
    const kept = valid ?? images;
    if (kept.length > limits.additional_images)
      (warnings ??= []).push({
        code: 'too_many_additional_images',
        message: `${kept.length} additional images; ${label} takes the first ${limits.additional_images}`,
      });
    if (valid !== null || kept.length > limits.additional_images)
      (out === p ? (out = { ...p }) : out).additional_image_link = kept.slice(0, limits.additional_images);
  }

  const sale = p.sale_price;
  if (sale) {
    let drop: Finding | null = null;
    if (sale.currency !== p.price.currency)
      drop = {
        code: 'sale_price_currency_mismatch',
        message: `sale_price is in ${sale.currency} but price in ${p.price.currency}; sale price left out`,
      };
    else if (sale.micros >= p.price.micros)
      drop = { code: 'sale_price_not_below_price', message: 'sale_price is not below price; sale price left out' };
    if (drop) {
      (warnings ??= []).push(drop);
      const copy = out === p ? (out = { ...p }) : out;
      copy.sale_price = null;
      copy.sale_price_effective_date = null;
    }
  }

  if (p.shipping.length > 0) {
    const fixed = fixShipping(p.shipping);
    if (fixed !== p.shipping) {
      (warnings ??= []).push({
        code: 'invalid_shipping_country',
        message: 'shipping countries must be ISO 3166 codes (GB, not UK); corrected or left out',
      });
      (out === p ? (out = { ...p }) : out).shipping = fixed;
    }
  }

  return { ok: true, product: out, warnings: warnings ?? NONE };
}

/** Shipping rules with ISO 3166 countries: `uk` → `GB`, unknown codes dropped. Same array when all are fine. */
function fixShipping(rules: ShippingRule[]): ShippingRule[] {
  let fixed: ShippingRule[] | null = null;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    // `UK` looks like a code but is not ISO 3166's; Google refuses it.
    if (COUNTRY.test(rule.country) && rule.country !== 'UK') {
      fixed?.push(rule);
      continue;
    }
    fixed ??= rules.slice(0, i);
    const upper = rule.country.trim().toUpperCase();
    const country = upper === 'UK' ? 'GB' : upper;
    if (COUNTRY.test(country)) fixed.push({ ...rule, country });
  }
  return fixed ?? rules;
}

function short(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}
