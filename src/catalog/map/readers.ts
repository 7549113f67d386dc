/**
 * Readers for single attribute values: text in, the model's value out, or a Problem saying
 * why not. Plain functions rather than one zod schema per attribute: validate.ts runs them
 * inside a single zod transform, because per-attribute zod pipes made validation cost
 * ~25 µs a row (allocation-heavy), several times the rest of the import.
 */
import { parsePrice, type ParsedPrice } from '../money';
import { AGE_GROUPS, CONDITIONS, GENDERS, type ShippingRule } from '../product';
import { normalizeKey } from './keys';
import { unpinned } from '../parse/strings';
import { cleanLine } from './text';

/** Why a value cannot be read; the attribute's validator decides whether that refuses the row. */
export class Problem {
  constructor(readonly message: string) {}
}

/**
 * URLs the WHATWG parser would return unchanged: lower-case host ending in a letter label
 * (no IP forms to canonicalise), no port, a path of plain ASCII without dot segments.
 * Checking this costs a tenth of `new URL`, and nearly every product URL passes.
 */
const CANONICAL_URL = /^https?:\/\/(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*\/[A-Za-z0-9\-._~!$&()*+,;=:@/?#%]*$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?#]|$)/;

/** An absolute http(s) URL, normalised by the URL parser (spaces escaped, host lower-cased); null if not one. */
export function httpUrl(raw: string): string | null {
  const s = raw.trim();
  if (CANONICAL_URL.test(s) && !(s.includes('/.') && DOT_SEGMENT.test(s))) return s;
  if (!/^https?:\/\//i.test(s)) return null;
  try {
    const url = new URL(s);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' ? url.href : null;
  } catch {
    return null;
  }
}

export function readUrl(raw: string): string | Problem {
  return httpUrl(raw) ?? new Problem(raw.trim() === '' ? 'is empty' : 'is not an absolute http(s) URL');
}

/** A list of image URLs; bad entries are returned apart so the good images still count. */
export function readUrlList(raw: string | string[]): { urls: string[]; dropped: string[] } {
  const list = Array.isArray(raw) ? raw : raw.split(/\s*[,|\n]\s*(?=https?:)/i);
  const urls: string[] = [];
  const dropped: string[] = [];
  for (const item of list) {
    if (item.trim() === '') continue;
    const url = httpUrl(item);
    if (url === null) dropped.push(item);
    else if (!urls.includes(url)) urls.push(url);
  }
  return { urls, dropped };
}

/**
 * parsePrice results by input. Catalogs repeat their price points (19.99, 24.95…) and a
 * parsePrice call costs ~30 µs, nearly all of it money.ts's currency check building an
 * Intl.NumberFormat on every call. Bounded; money objects are copied out so no two
 * products share one.
 */
const priceMemo = new Map<string, Map<string, ParsedPrice>>();
export function parsePriceCached(raw: string, currency: string): ParsedPrice {
  let memo = priceMemo.get(currency);
  if (memo === undefined) {
    memo = new Map();
    priceMemo.set(currency, memo);
  }
  let parsed = memo.get(raw);
  if (parsed === undefined) {
    parsed = parsePrice(raw, currency);
    if (memo.size >= 10_000) memo.clear();
    memo.set(unpinned(raw), parsed);
  }
  if (!parsed.ok) return parsed;
  const money = { micros: parsed.money.micros, currency: parsed.money.currency };
  return parsed.warning === undefined ? { ok: true, money } : { ok: true, money, warning: parsed.warning };
}

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** `2026-03-01`, `2026-03-01 10:00`, `2026-03-01T10:00:00+01:00` → ISO 8601 with a `T`. */
function isoDateTime(raw: string): string | null {
  const m = ISO_DATE.exec(raw.trim());
  if (!m) return null;
  const text = `${m[1]}${m[2] ? `T${m[2]}` : ''}${m[3] ? m[3].toUpperCase() : ''}`;
  return Number.isNaN(Date.parse(m[2] ? text : m[1]!)) ? null : text;
}

export function readDateTime(raw: string): string | Problem {
  return remembered(dateTimes, raw, readDateTimeOnce);
}

function readDateTimeOnce(raw: string): string | Problem {
  return isoDateTime(raw) ?? new Problem('is not an ISO 8601 date');
}

/**
 * Answers by input, for readers whose answers are immutable (text or a Problem) and whose
 * inputs repeat across a catalog (sale periods, availability dates): a regex and two
 * Date.parse calls per row otherwise. Bounded like the price memo.
 */
function remembered<T>(memo: Map<string, T>, raw: string, read: (raw: string) => T): T {
  let value = memo.get(raw);
  if (value === undefined) {
    value = read(raw);
    if (memo.size >= 10_000) memo.clear();
    memo.set(unpinned(raw), value);
  }
  return value;
}
const dateTimes = new Map<string, string | Problem>();
const dateIntervals = new Map<string, string | Problem>();

/** `start/end` as Google takes it; `start end` (a space instead of the slash) too. */
export function readDateInterval(raw: string): string | Problem {
  return remembered(dateIntervals, raw, readDateIntervalOnce);
}

function readDateIntervalOnce(raw: string): string | Problem {
  const text = raw.trim();
  let parts = text.includes('/') ? text.split('/') : text.split(/\s+/);
  // `2026-03-01 00:00:00 2026-03-31 23:59:59`: four tokens, two date-times
  if (parts.length === 4 && !text.includes('/')) parts = [`${parts[0]} ${parts[1]}`, `${parts[2]} ${parts[3]}`];
  const start = parts.length === 2 ? isoDateTime(parts[0]!) : null;
  const end = parts.length === 2 ? isoDateTime(parts[1]!) : null;
  if (!start || !end) return new Problem('is not an ISO 8601 interval (start/end)');
  if (Date.parse(start) >= Date.parse(end)) return new Problem('ends before it starts');
  return `${start}/${end}`;
}

const ALL_DIGITS = /^\d*$/;
const GTIN_LENGTH = /^(?:\d{8}|\d{12}|\d{13}|\d{14})$/;

/** GS1 check digit: weights 3,1,3,… from the right over all digits but the last. All zeros is no GTIN. */
export function isValidGtin(code: string): boolean {
  return GTIN_LENGTH.test(code) && checkDigitOk(code);
}

/** The check digit of 8, 12, 13 or 14 digits; all zeros is no GTIN. */
function checkDigitOk(code: string): boolean {
  if (/^0+$/.test(code)) return false;
  const n = code.length;
  let sum = 0;
  for (let i = 0; i < n - 1; i++) sum += (code.charCodeAt(n - 2 - i) - 48) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10 === code.charCodeAt(n - 1) - 48;
}

/** Digits only, after the spaces and dashes printed under barcodes and Excel's leading apostrophe. */
export function readGtin(raw: string): string | Problem | null {
  let code = raw.trim();
  if (code.charCodeAt(0) === 39 /* ' */) code = code.slice(1);
  let digits = ALL_DIGITS.test(code);
  if (!digits) {
    code = code.replace(/[\s-]/g, '');
    digits = ALL_DIGITS.test(code);
  }
  if (code === '') return null;
  const n = code.length;
  if (!digits || !(n === 8 || n === 12 || n === 13 || n === 14)) return new Problem('is not 8, 12, 13 or 14 digits');
  return checkDigitOk(code) ? code : new Problem('has a wrong check digit');
}

export function readQuantity(raw: string): number | Problem {
  const text = raw.trim();
  if (!/^-?\d+(?:\.0+)?$/.test(text)) return new Problem('is not a whole number');
  // Oversold stock shows as negative in shop exports: nothing is on hand.
  return Math.max(0, Number.parseInt(text, 10));
}

export function readYesNo(raw: string): boolean | Problem {
  const v = raw.trim().toLowerCase();
  if (v === 'yes' || v === 'true' || v === '1' || v === 'y') return true;
  if (v === 'no' || v === 'false' || v === '0' || v === 'n') return false;
  return new Problem('is not yes or no');
}

/** A fixed vocabulary with the synonyms shops use, e.g. `men` → `male`. */
function vocabulary<T extends string>(values: readonly T[], synonyms: Record<string, T>, what: string): (raw: string) => T | Problem {
  const known: Record<string, T> = { ...synonyms };
  for (const v of values) known[v] = v;
  const problem = new Problem(`is not a ${what} (${values.join(', ')})`);
  return (raw) => known[normalizeKey(raw.includes("'") ? raw.replace(/'/g, '') : raw)] ?? problem;
}

export const readCondition = vocabulary(CONDITIONS, {
  brand_new: 'new', new_condition: 'new', neu: 'new', neuf: 'new', nieuw: 'new',
  renewed: 'refurbished', refurbished_condition: 'refurbished', reconditioned: 'refurbished',
  used_condition: 'used', damaged_condition: 'used', second_hand: 'used', pre_owned: 'used', preowned: 'used', gebraucht: 'used',
}, 'condition');

export const readGender = vocabulary(GENDERS, {
  m: 'male', man: 'male', men: 'male', mens: 'male', herren: 'male', homme: 'male', hommes: 'male', heren: 'male',
  f: 'female', w: 'female', woman: 'female', women: 'female', womens: 'female', ladies: 'female', damen: 'female',
  femme: 'female', femmes: 'female', dames: 'female',
  u: 'unisex', all: 'unisex', both: 'unisex', neutral: 'unisex', gender_neutral: 'unisex',
}, 'gender');

export const readAgeGroup = vocabulary(AGE_GROUPS, {
  baby: 'infant', babies: 'infant', infants: 'infant', toddlers: 'toddler', newborns: 'newborn',
  kid: 'kids', child: 'kids', children: 'kids', youth: 'kids', junior: 'kids', adults: 'adult', grown_up: 'adult',
}, 'age group');

/**
 * `US:CA:Overnight:16.00 USD` (Google's text form; several joined by commas) or objects from
 * XML/JSON. A bad rule is dropped on its own, with a note; `UK` is corrected to `GB`.
 */
export function readShipping(raw: string | Array<string | Record<string, string>>, currency: string): { rules: ShippingRule[]; notes: string[] } {
  if (typeof raw !== 'string') return readShippingOnce(raw, currency);
  // A catalog has a few shipping texts on every row: read each once, hand out copies.
  let memo = shippingMemo.get(currency);
  if (memo === undefined) {
    memo = new Map();
    shippingMemo.set(currency, memo);
  }
  let read = memo.get(raw);
  if (read === undefined) {
    read = readShippingOnce(raw, currency);
    if (memo.size >= 1000) memo.clear();
    memo.set(unpinned(raw), read);
  }
  return { rules: read.rules.map(copyRule), notes: read.notes.slice() };
}
const shippingMemo = new Map<string, Map<string, { rules: ShippingRule[]; notes: string[] }>>();

/** A rule no other product shares (same key order, so the same hash). */
function copyRule(rule: ShippingRule): ShippingRule {
  const copy: ShippingRule = { country: rule.country, price: { micros: rule.price.micros, currency: rule.price.currency } };
  if (rule.region !== undefined) copy.region = rule.region;
  if (rule.service !== undefined) copy.service = rule.service;
  return copy;
}

function readShippingOnce(raw: string | Array<string | Record<string, string>>, currency: string): { rules: ShippingRule[]; notes: string[] } {
  const rules: ShippingRule[] = [];
  const notes: string[] = [];
  const list = Array.isArray(raw) ? raw : [raw];
  for (const item of list) {
    const entries = typeof item === 'string' ? item.split(/,(?=\s*[A-Za-z]{2}\s*:)/) : [item];
    for (const entry of entries) {
      const spec = typeof entry === 'string' ? shippingFromText(entry) : shippingFromObject(entry);
      if (spec === null) continue;
      let country = spec.country.trim().toUpperCase();
      if (country === 'UK') {
        notes.push('shipping country UK is not an ISO 3166 code; GB used');
        country = 'GB';
      }
      if (!/^[A-Z]{2}$/.test(country)) {
        notes.push(`shipping rule "${spec.text.slice(0, 60)}" dropped: country must be a two-letter ISO 3166 code`);
        continue;
      }
      const price = parsePriceCached(spec.price, currency);
      if (!price.ok) {
        notes.push(`shipping rule "${spec.text.slice(0, 60)}" dropped: ${price.reason}`);
        continue;
      }
      const rule: ShippingRule = { country, price: price.money };
      const region = cleanLine(spec.region ?? '');
      const service = cleanLine(spec.service ?? '');
      if (region) rule.region = region;
      if (service) rule.service = service;
      rules.push(rule);
    }
  }
  return { rules, notes };
}

interface ShippingSpec {
  country: string;
  region?: string | undefined;
  service?: string | undefined;
  price: string;
  text: string;
}

/** `country:region:service:price`; with three parts the middle one is the service. */
function shippingFromText(text: string): ShippingSpec | null {
  if (text.trim() === '') return null;
  const parts = text.split(':');
  const price = parts[parts.length - 1] ?? '';
  if (parts.length >= 4) return { country: parts[0]!, region: parts[1], service: parts.slice(2, -1).join(':'), price, text };
  if (parts.length === 3) return { country: parts[0]!, service: parts[1], price, text };
  return { country: parts.length === 2 ? parts[0]! : '', price, text };
}

function shippingFromObject(obj: Record<string, string>): ShippingSpec | null {
  const price = obj['price'] ?? '';
  const country = obj['country'] ?? '';
  if (price === '' && country === '') return null;
  return { country, region: obj['region'], service: obj['service'], price, text: JSON.stringify(obj) };
}
