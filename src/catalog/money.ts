import type { Money } from './product';

const MICROS = 1_000_000;
const digitsCache = new Map<string, number>();

/** Minor-unit digits of an ISO 4217 currency (EUR 2, JPY 0, KWD 3), from Intl. */
export function currencyDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    digitsCache.set(currency, digits);
  }
  return digits;
}

const currencyCache = new Map<string, boolean>();

/**
 * Whether Intl knows the code as a currency: a table-free ISO 4217 check. Building an
 * Intl.NumberFormat costs ~30 µs, so answers are remembered (there are few codes).
 */
export function isCurrencyCode(code: string): boolean {
  let known = currencyCache.get(code);
  if (known === undefined) {
    known = /^[A-Z]{3}$/.test(code);
    if (known) {
      try {
        new Intl.NumberFormat('en', { style: 'currency', currency: code });
      } catch {
        known = false;
      }
    }
    if (currencyCache.size < 1000) currencyCache.set(code, known);
  }
  return known;
}

/** `15.00 EUR`, the form Google, Meta, TikTok and Pinterest all take. */
export function formatMoney(money: Money): string {
  return `${(money.micros / MICROS).toFixed(currencyDigits(money.currency))} ${money.currency}`;
}

export function toMicros(amount: number): number {
  return Math.round(amount * MICROS);
}

export function fromMicros(micros: number): number {
  return micros / MICROS;
}

const CURRENCY_SYMBOLS: Record<string, string> = {
  '€': 'EUR',
  '$': 'USD',
  '£': 'GBP',
  '¥': 'JPY',
  'kr': 'SEK',
  'zł': 'PLN',
  'CHF': 'CHF',
  'R': 'ZAR',
};

export type ParsedPrice = { ok: true; money: Money; warning?: string } | { ok: false; reason: string };

/**
 * Reads the prices merchants actually upload: `15.00 EUR`, `EUR 15`, `€15,00`, `1.299,00 €`,
 * `1,299.00`, `15`. A comma or dot followed by exactly three digits with no other separator
 * is ambiguous (`1,299`); it is read as a thousands separator and warned about.
 */
export function parsePrice(raw: string, defaultCurrency: string): ParsedPrice {
  let text = raw.trim().replace(/\u00a0/g, ' ');
  if (text === '') return { ok: false, reason: 'empty price' };

  let currency: string | undefined;
  const code = text.match(/(?:^|\s|\d)([A-Za-z]{3})\s*$/) ?? text.match(/^\s*([A-Za-z]{3})(?=[\s\d])/);
  if (code?.[1]) {
    currency = code[1].toUpperCase();
    text = text.replace(code[1], '');
  } else {
    for (const [symbol, iso] of Object.entries(CURRENCY_SYMBOLS)) {
      if (text.includes(symbol) && /[^\d\s.,-]/.test(symbol)) {
        currency = iso;
        text = text.replace(symbol, '');
        break;
      }
    }
  }
  currency ??= defaultCurrency;
  if (!isCurrencyCode(currency)) return { ok: false, reason: `unknown currency "${currency}"` };

  text = text.replace(/[\s']/g, '');
  if (!/^-?[\d.,]+$/.test(text) || !/\d/.test(text)) return { ok: false, reason: `not a price: "${raw.slice(0, 40)}"` };
  if (text.startsWith('-')) return { ok: false, reason: 'price is negative' };

  let warning: string | undefined;
  const lastDot = text.lastIndexOf('.');
  const lastComma = text.lastIndexOf(',');
  let normalised: string;
  if (lastDot >= 0 && lastComma >= 0) {
    // Both present: the later one is the decimal mark.
    const decimal = lastDot > lastComma ? '.' : ',';
    const thousands = decimal === '.' ? ',' : '.';
    normalised = text.split(thousands).join('').replace(decimal, '.');
  } else if (lastDot >= 0 || lastComma >= 0) {
    const mark = lastDot >= 0 ? '.' : ',';
    const parts = text.split(mark);
    const tail = parts[parts.length - 1] ?? '';
    if (parts.length > 2) normalised = parts.join(''); // 1.299.000
    else if (tail.length === 3) {
      normalised = parts.join('');
      warning = `"${raw.trim()}" read as ${normalised} (thousands separator); write ${normalised}.00 to be explicit`;
    } else normalised = parts.join('.');
  } else normalised = text;

  const amount = Number(normalised);
  if (!Number.isFinite(amount)) return { ok: false, reason: `not a price: "${raw.slice(0, 40)}"` };
  if (amount > 1e9) return { ok: false, reason: 'price is implausibly large' };
  const money = { micros: toMicros(amount), currency };
  return warning ? { ok: true, money, warning } : { ok: true, money };
}
