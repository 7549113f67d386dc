/**
 * Template copy by locale. The strings live beside the templates (templates/copy.ts); this
 * picks the closest language we have, and formats prices with Intl in the catalog's locale.
 */
import type { Money } from '../catalog/product';
import { COPY, type Copy } from '../../templates/copy';

export type { Copy } from '../../templates/copy';

export const COPY_LANGUAGES = Object.keys(COPY);

/** `nl-BE` → nl, `nb-NO` → nb, `no` → nb; anything unknown → en. */
export function copyFor(locale: string): Copy {
  const lang = locale.toLowerCase().split('-')[0]!;
  const alias = lang === 'no' || lang === 'nn' ? 'nb' : lang;
  return COPY[alias] ?? COPY.en!;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** `€ 49,99` in nl-NL, `49,99 €` in de-DE, `499,00 kr` in nb-NO (Intl, so the spaces are U+00A0 / U+202F). */
export function formatMoney(m: Money, locale: string): string {
  const key = `${locale}|${m.currency}`;
  let f = moneyFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency });
    moneyFormats.set(key, f);
  }
  // micros are exact; the division only meets Intl's own rounding to the currency's digits
  return f.format(m.micros / 1_000_000);
}
