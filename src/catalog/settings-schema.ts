/** The catalog settings an admin may send, validated at the edge. */
import { z } from 'zod';
import { isCurrencyCode } from './money';
import { CONSENT_MODES } from './catalog';

export const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

const isLocale = (v: string) => {
  try {
    return Intl.getCanonicalLocales(v).length === 1;
  } catch {
    return false;
  }
};
const isTimeZone = (v: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
    return true;
  } catch {
    return false;
  }
};
const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' });

export const catalogSettingsSchema = z.strictObject({
  title: z.string().trim().min(1).max(150),
  link: httpUrl.max(2000),
  currency: z.string().trim().toUpperCase().refine(isCurrencyCode, 'must be an ISO 4217 currency code, e.g. EUR'),
  locale: z
    .string()
    .trim()
    .refine(isLocale, 'must be a BCP 47 locale, e.g. nl-NL')
    .transform((v) => Intl.getCanonicalLocales(v)[0]!),
  timezone: z.string().trim().refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Amsterdam'),
  consent_mode: z.enum(CONSENT_MODES),
  allowed_origins: z
    .array(httpUrl.transform((u) => new URL(u).origin))
    .max(50),
  retention_days: z.number().int().min(1).max(3650),
  max_drop_share: z.number().min(0).max(1),
});

export const catalogDefaults = {
  currency: 'EUR',
  locale: 'en-GB',
  timezone: 'Europe/Amsterdam',
  consent_mode: 'opt-in' as const,
  allowed_origins: [] as string[],
  retention_days: 90,
  max_drop_share: 0.3,
};

/** PUT takes a partial document: new catalogs fill gaps from defaults, existing ones from their settings. */
export const catalogPutSchema = catalogSettingsSchema.partial();
