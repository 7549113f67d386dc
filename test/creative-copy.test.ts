/**
 * Creative copy and the facts behind it: money in the catalog's locale, the copy language a
 * locale gets, every language complete and drawable with our fonts, sale windows in the
 * catalog's time zone, and the price/stock facts templates may claim.
 */
import { describe, expect, it } from 'vitest';
import type { Product } from '../src/catalog/product';
import { DEFAULT_BRAND_KIT, type BrandKit } from '../src/creative/brand-kit';
import { COPY_LANGUAGES, copyFor, formatMoney } from '../src/creative/copy';
import { LOW_STOCK_UNITS, NEWS_DAYS, percentOff, priceDrop, priceFacts, stockFact } from '../src/creative/facts';
import { creativeContext, productInput, visitorInput, type CreativeCatalog } from '../src/creative/inputs';
import { renderLayout, type RenderParts } from '../src/creative/render';
import { saleIsOn, saleWindow, zonedTimeToEpoch } from '../src/creative/sale-window';
import type { CreativeTemplate, Layout } from '../src/creative/template';
import { loadInterFonts, nodeRasterizer, nodeSvgRenderer } from '../src/runtime/node-creative';
import type { PricePoint, StockPoint } from '../src/store/port';
import { COPY, type Copy } from '../templates/copy';
import { TEMPLATES } from '../templates/index';
import { makeProduct } from './helpers/products';

const money = (units: number, currency = 'EUR') => ({ micros: Math.round(units * 1_000_000), currency });
const NBSP = '\u00a0';
const NNBSP = '\u202f';

describe('formatMoney', () => {
  it('formats in the catalog locale, with the separators Intl uses there', () => {
    const m = { micros: 49_990_000, currency: 'EUR' };
    expect(formatMoney(m, 'nl-NL')).toBe('€\u00a049,99');
    expect(formatMoney(m, 'de-DE')).toBe('49,99\u00a0€');
    expect(formatMoney(m, 'en-GB')).toBe('€49.99');
    expect(formatMoney(m, 'fr-FR')).toBe('49,99\u00a0€');
    expect(formatMoney(money(1234.56), 'fr-FR')).toBe(`1${NNBSP}234,56${NBSP}€`);
    expect(formatMoney(money(499, 'NOK'), 'nb-NO')).toBe(`499,00${NBSP}kr`);
    expect(formatMoney(money(1234.5, 'NOK'), 'nb-NO')).toBe(`1${NBSP}234,50${NBSP}kr`);
    expect(formatMoney(money(1234.56, 'GBP'), 'en-GB')).toBe('£1,234.56');
  });

  it('is exact for micros and rounds to the currency digits', () => {
    expect(formatMoney({ micros: 1, currency: 'EUR' }, 'nl-NL')).toBe(`€${NBSP}0,00`);
    expect(formatMoney({ micros: 19_995_000, currency: 'EUR' }, 'en-GB')).toBe('€20.00');
    expect(formatMoney({ micros: 1_500_000_000, currency: 'JPY' }, 'en-GB')).toBe('JP¥1,500');
    expect(formatMoney({ micros: 123_456_789_990_000, currency: 'EUR' }, 'nl-NL')).toBe(`€${NBSP}123.456.789,99`);
  });
});

describe('copyFor', () => {
  it('picks the language of the locale, Norwegian variants as Bokmål, anything unknown as English', () => {
    expect(copyFor('nl-BE')).toBe(COPY.nl);
    expect(copyFor('nl-NL')).toBe(COPY.nl);
    expect(copyFor('no')).toBe(COPY.nb);
    expect(copyFor('nn-NO')).toBe(COPY.nb);
    expect(copyFor('nb-NO')).toBe(COPY.nb);
    expect(copyFor('DE-at')).toBe(COPY.de);
    expect(copyFor('fr-CA')).toBe(COPY.fr);
    expect(copyFor('af-ZA')).toBe(COPY.af);
    expect(copyFor('fy-NL')).toBe(COPY.fy);
    expect(copyFor('en-US')).toBe(COPY.en);
    expect(copyFor('xx-YY')).toBe(COPY.en);
    expect(copyFor('')).toBe(COPY.en);
    expect(copyFor('pt-BR').shopNow).toBe('Shop now');
  });

  it('every language has every key English has, and nothing is empty', () => {
    const keys = Object.keys(COPY.en!).sort();
    expect([...COPY_LANGUAGES].sort()).toEqual(['af', 'de', 'en', 'fr', 'fy', 'nb', 'nl']);
    for (const lang of COPY_LANGUAGES) {
      const copy = COPY[lang]!;
      expect(Object.keys(copy).sort(), lang).toEqual(keys);
      for (const [key, value] of Object.entries(copy)) {
        expect(typeof value, `${lang}.${key}`).toBe(typeof COPY.en![key as keyof Copy]);
        const text = typeof value === 'function' ? (value as (a: never) => string)((key === 'onlyLeft' ? 3 : '€ 9,99') as never) : value;
        expect(text.trim().length, `${lang}.${key}`).toBeGreaterThan(0);
      }
      expect(copy.onlyLeft(3), lang).toContain('3');
      expect(copy.was('€ 9,99'), lang).toContain('€ 9,99');
      expect(copy.percentOff('30%'), lang).toContain('30%');
    }
  });
});

// ---- every template in every language, with glyphs the fonts have ---------------------------

const LOCALES: Record<string, { locale: string; currency: string; title: string }> = {
  en: { locale: 'en-GB', currency: 'GBP', title: 'Café crème mug' },
  nl: { locale: 'nl-NL', currency: 'EUR', title: 'Citroën-geel dekbedovertrek' },
  nb: { locale: 'nb-NO', currency: 'NOK', title: 'Ærøskøbing strikkegenser – blå' },
  af: { locale: 'af-ZA', currency: 'ZAR', title: 'Sê-so koffiebeker, ’n geskenk' },
  fy: { locale: 'fy-NL', currency: 'EUR', title: 'Skûtsje-trui, grûn' },
  de: { locale: 'de-DE', currency: 'EUR', title: 'Große Straßenjacke für Männer' },
  fr: { locale: 'fr-FR', currency: 'EUR', title: 'Côte d’Azur, sac à dos épuré' },
};

const parts: RenderParts = { svg: nodeSvgRenderer, rasterizer: nodeRasterizer(), fonts: loadInterFonts() };
const kit: BrandKit = { ...DEFAULT_BRAND_KIT, logo: null, version: 'test' };
const NOW = new Date('2026-03-04T12:00:00Z');

/** What satori draws for one character alone at `weight`: the glyph's outline as SVG path data. */
async function glyph(ch: string, weight: 400 | 700 | 800): Promise<string> {
  const svg = await nodeSvgRenderer(
    { type: 'div', key: null, props: { style: { display: 'flex', fontFamily: 'Inter', fontSize: 40, fontWeight: weight }, children: ch } },
    { width: 120, height: 80, fonts: parts.fonts },
  );
  return [...svg.matchAll(/ d="([^"]*)"/g)].map((m) => m[1]).join(' ');
}

/** Every character a template may draw in `lang`: all copy, and prices in its locale. */
function charactersOf(lang: string): Set<string> {
  const copy = COPY[lang]!;
  const { locale, currency } = LOCALES[lang]!;
  const price = formatMoney(money(1234.56, currency), locale);
  const texts = [
    ...Object.values(copy).map((v) => (typeof v === 'function' ? '' : v)),
    copy.onlyLeft(3),
    copy.was(price),
    copy.percentOff(new Intl.NumberFormat(locale, { style: 'percent' }).format(0.3)),
    price,
    LOCALES[lang]!.title,
  ];
  return new Set(texts.join('').replace(/[\n\r]/g, ''));
}

describe('every language through the real renderer', () => {
  it('the fonts have a glyph for every character of every language (no tofu)', async () => {
    // a character no Inter subset has: what satori draws when it falls back to nothing
    const tofu = await glyph('\ue000', 400);
    expect(tofu.length).toBeGreaterThan(0);
    expect(await glyph('中', 400)).toBe(tofu);
    const all = new Set<string>();
    for (const lang of COPY_LANGUAGES) for (const ch of charactersOf(lang)) all.add(ch);
    for (const ch of 'æøåÆØÅëúßéôê\u202f\u00a0€£') all.add(ch);
    // Central European letters in product titles come from the Latin Extended subset
    for (const ch of 'ŠŽČšžčłŁőűğşșțăĄęŮ') all.add(ch);
    const missing: string[] = [];
    for (const ch of all) {
      if (ch === ' ') continue; // collapsed by satori; NBSP and U+202F are not, and are checked
      for (const weight of [400, 700, 800] as const) if ((await glyph(ch, weight)) === tofu) missing.push(`${ch} U+${ch.codePointAt(0)!.toString(16).padStart(4, '0')} @${weight}`);
    }
    expect(missing).toEqual([]);
  });

  for (const lang of Object.keys(COPY)) {
    it(`every template renders in ${lang} at 1080x1080`, async () => {
      const { locale, currency, title } = LOCALES[lang]!;
      const catalog: CreativeCatalog = { title: 'Ærø & Søn Boutique', locale, timezone: 'Europe/Amsterdam' };
      const ctx = creativeContext(catalog, kit, '1080x1080');
      expect(ctx.copy).toBe(COPY[lang]);
      const p = (id: string, units: number, sale: number | null) =>
        makeProduct({ id, title, price: money(units, currency), sale_price: sale === null ? null : money(sale, currency), quantity: 2 });
      const products = [p('A', 1234.56, 999.99), p('B', 89.5, null), p('C', 12.34, 9.99)];
      const history = {
        prices: [
          { observed_at: '2026-02-01T00:00:00Z', version: 1, price_micros: 1_500_000_000, sale_price_micros: null, currency },
          { observed_at: '2026-03-02T00:00:00Z', version: 2, price_micros: 1_234_560_000, sale_price_micros: null, currency },
        ],
        stock: [],
      };
      for (const template of TEMPLATES) {
        const layout: Layout =
          template.kind === 'product'
            ? template.layout(productInput(ctx, catalog, products[0]!, history, NOW))
            : template.layout(visitorInput(ctx, catalog, products, NOW));
        const bytes = await renderLayout(parts, layout, ctx.size, layout.photos.map(() => null), 'jpg');
        expect(bytes.length, `${template.name} in ${lang}`).toBeGreaterThan(1000);
        expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
      }
    });
  }

  it('the copy a template draws is the locale’s', () => {
    const catalog: CreativeCatalog = { title: 'Shop', locale: 'de-DE', timezone: 'Europe/Berlin' };
    const ctx = creativeContext(catalog, kit, '1080x1080');
    const input = visitorInput(ctx, catalog, [makeProduct({ id: 'A' })], NOW);
    const recently = TEMPLATES.find((t): t is Extract<CreativeTemplate, { kind: 'visitor' }> => t.name === 'recently-viewed')!;
    const text = JSON.stringify(recently.layout(input).over);
    expect(text).toContain('Zuletzt angesehen');
    expect(text).toContain('15,00\u00a0€');
  });
});

// ---- sale windows -------------------------------------------------------------------------

const AMS = 'Europe/Amsterdam';
const at = (iso: string) => new Date(iso);

describe('saleWindow / saleIsOn (catalog time zone Europe/Amsterdam)', () => {
  it('reads a side without an offset as Amsterdam wall-clock time', () => {
    expect(saleWindow('2026-03-01T00:00/2026-03-02T00:00', AMS)).toEqual({
      start: Date.parse('2026-02-28T23:00:00Z'),
      end: Date.parse('2026-03-01T23:00:00Z'),
    });
    // summer time: two hours ahead of UTC
    expect(saleWindow('2026-07-01T09:30:00/2026-07-01T17:45:30', AMS)).toEqual({
      start: Date.parse('2026-07-01T07:30:00Z'),
      end: Date.parse('2026-07-01T15:45:30Z'),
    });
    expect(saleIsOn('2026-03-01T00:00/2026-03-02T00:00', AMS, at('2026-02-28T22:59:59Z'))).toBe(false);
    expect(saleIsOn('2026-03-01T00:00/2026-03-02T00:00', AMS, at('2026-02-28T23:00:00Z'))).toBe(true);
    expect(saleIsOn('2026-03-01T00:00/2026-03-02T00:00', AMS, at('2026-03-01T22:59:59Z'))).toBe(true);
    // the end is exclusive
    expect(saleIsOn('2026-03-01T00:00/2026-03-02T00:00', AMS, at('2026-03-01T23:00:00Z'))).toBe(false);
  });

  it('runs a date-only end to the end of that day, and starts a date-only start at its midnight', () => {
    expect(saleWindow('2026-03-01/2026-03-01', AMS)).toEqual({
      start: Date.parse('2026-02-28T23:00:00Z'),
      end: Date.parse('2026-03-01T23:00:00Z'),
    });
    expect(saleIsOn('2026-03-01/2026-03-03', AMS, at('2026-03-03T22:59:59Z'))).toBe(true);
    expect(saleIsOn('2026-03-01/2026-03-03', AMS, at('2026-03-03T23:00:00Z'))).toBe(false);
    // a date-only end across a month and a year boundary
    expect(saleWindow('2026-12-31T12:00/2026-12-31', AMS)?.end).toBe(Date.parse('2026-12-31T23:00:00Z'));
    expect(saleWindow('2026-02-01/2026-02-28', AMS)?.end).toBe(Date.parse('2026-02-28T23:00:00Z'));
  });

  it('respects explicit offsets, on either side', () => {
    expect(saleWindow('2026-03-01T00:00:00Z/2026-03-02T00:00:00+02:00', AMS)).toEqual({
      start: Date.parse('2026-03-01T00:00:00Z'),
      end: Date.parse('2026-03-01T22:00:00Z'),
    });
    expect(saleWindow('2026-03-01T00:00-0500/2026-03-02T00:00', AMS)).toEqual({
      start: Date.parse('2026-03-01T05:00:00Z'),
      end: Date.parse('2026-03-01T23:00:00Z'),
    });
    // the same instant whatever the catalog zone, when the window says its own offset
    expect(saleWindow('2026-03-01T00:00:00Z/2026-03-02T00:00:00Z', 'America/New_York')).toEqual(saleWindow('2026-03-01T00:00:00Z/2026-03-02T00:00:00Z', AMS));
  });

  it('gets the DST change days right', () => {
    // 29 March 2026: clocks go 02:00 → 03:00 (UTC+1 → UTC+2); the day has 23 hours
    const spring = saleWindow('2026-03-29/2026-03-29', AMS)!;
    expect(spring).toEqual({ start: Date.parse('2026-03-28T23:00:00Z'), end: Date.parse('2026-03-29T22:00:00Z') });
    expect(spring.end - spring.start).toBe(23 * 3_600_000);
    expect(saleWindow('2026-03-29T01:30/2026-03-29T03:30', AMS)).toEqual({
      start: Date.parse('2026-03-29T00:30:00Z'),
      end: Date.parse('2026-03-29T01:30:00Z'),
    });
    // 25 October 2026: clocks go 03:00 → 02:00; the day has 25 hours
    const autumn = saleWindow('2026-10-25/2026-10-25', AMS)!;
    expect(autumn).toEqual({ start: Date.parse('2026-10-24T22:00:00Z'), end: Date.parse('2026-10-25T23:00:00Z') });
    expect(autumn.end - autumn.start).toBe(25 * 3_600_000);
    expect(zonedTimeToEpoch('2026-10-25T12:00:00', AMS)).toBe(Date.parse('2026-10-25T11:00:00Z'));
    expect(zonedTimeToEpoch('2026-10-24T12:00:00', AMS)).toBe(Date.parse('2026-10-24T10:00:00Z'));
  });

  it('no window is always on; an unreadable one is off', () => {
    expect(saleIsOn(null, AMS, at('2026-03-01T00:00:00Z'))).toBe(true);
    for (const bad of ['', 'soon', '2026-03-01', '2026-03-01/', '/2026-03-02', 'x/y', '2026-13-45/2026-14-01', '2026-03-01/2026-13-45', '2026-03-01T25:00/2026-03-02']) {
      expect(saleIsOn(bad, AMS, at('2026-03-01T12:00:00Z')), bad).toBe(false);
    }
  });
});

// ---- facts --------------------------------------------------------------------------------

type PriceFields = Pick<Product, 'price' | 'sale_price' | 'sale_price_effective_date' | 'shipping'>;
const priced = (o: Partial<PriceFields> = {}): PriceFields => ({ price: money(49.99), sale_price: null, sale_price_effective_date: null, shipping: [], ...o });

describe('priceFacts', () => {
  it('shows a sale only in the same currency, lower, and inside its window', () => {
    expect(priceFacts(priced({ sale_price: money(34.99) }), AMS, NOW)).toEqual({ now: money(34.99), was: money(49.99), percent_off: 30, free_shipping: false });
    const noSale = { now: money(49.99), was: null, percent_off: null, free_shipping: false };
    expect(priceFacts(priced({ sale_price: money(34.99, 'USD') }), AMS, NOW)).toEqual(noSale);
    expect(priceFacts(priced({ sale_price: money(49.99) }), AMS, NOW)).toEqual(noSale);
    expect(priceFacts(priced({ sale_price: money(59.99) }), AMS, NOW)).toEqual(noSale);
    expect(priceFacts(priced({ sale_price: money(34.99), sale_price_effective_date: '2026-03-05/2026-03-10' }), AMS, NOW)).toEqual(noSale);
    expect(priceFacts(priced({ sale_price: money(34.99), sale_price_effective_date: '2026-03-01/2026-03-04' }), AMS, NOW).now).toEqual(money(34.99));
  });

  it('rounds the percentage down and leaves sub-1 % sales without a badge', () => {
    expect(percentOff(100_000_000, 66_500_000)).toBe(33);
    expect(percentOff(49_990_000, 34_990_000)).toBe(30);
    expect(percentOff(3_000_000, 1_000_000)).toBe(66);
    expect(priceFacts(priced({ price: money(100), sale_price: money(66.5) }), AMS, NOW).percent_off).toBe(33);
    const tiny = priceFacts(priced({ price: money(100), sale_price: money(99.5) }), AMS, NOW);
    expect(tiny).toEqual({ now: money(99.5), was: money(100), percent_off: null, free_shipping: false });
  });

  it('free shipping only when every shipping rule is free', () => {
    const free = { country: 'NL', price: money(0) };
    const paid = { country: 'BE', price: money(4.95) };
    expect(priceFacts(priced({ shipping: [free] }), AMS, NOW).free_shipping).toBe(true);
    expect(priceFacts(priced({ shipping: [free, { ...free, country: 'DE' }] }), AMS, NOW).free_shipping).toBe(true);
    expect(priceFacts(priced({ shipping: [free, paid] }), AMS, NOW).free_shipping).toBe(false);
    expect(priceFacts(priced({ shipping: [] }), AMS, NOW).free_shipping).toBe(false);
  });
});

const point = (observed_at: string, units: number, currency = 'EUR'): PricePoint => ({
  observed_at,
  version: 1,
  price_micros: Math.round(units * 1_000_000),
  sale_price_micros: null,
  currency,
});

describe('priceDrop', () => {
  it('is the latest drop of the regular price, rounded down, while it is news', () => {
    expect(priceDrop([point('2026-01-01T00:00:00Z', 80), point('2026-02-01T00:00:00Z', 59.99), point('2026-03-02T00:00:00Z', 49.99)], NOW)).toEqual({
      was: money(59.99),
      now: money(49.99),
      percent_off: 16,
      since: '2026-03-02T00:00:00Z',
    });
    const edge = new Date(Date.parse('2026-03-02T00:00:00Z') + NEWS_DAYS * 86_400_000);
    expect(priceDrop([point('2026-02-01T00:00:00Z', 60), point('2026-03-02T00:00:00Z', 50)], edge)).not.toBeNull();
    expect(priceDrop([point('2026-02-01T00:00:00Z', 60), point('2026-03-02T00:00:00Z', 50)], new Date(edge.getTime() + 1))).toBeNull();
  });

  it('is null without a drop, across currencies, for sub-1 % drops and for short histories', () => {
    expect(priceDrop([], NOW)).toBeNull();
    expect(priceDrop([point('2026-03-02T00:00:00Z', 50)], NOW)).toBeNull();
    expect(priceDrop([point('2026-03-01T00:00:00Z', 50), point('2026-03-02T00:00:00Z', 50)], NOW)).toBeNull();
    expect(priceDrop([point('2026-03-01T00:00:00Z', 50), point('2026-03-02T00:00:00Z', 60)], NOW)).toBeNull();
    expect(priceDrop([point('2026-03-01T00:00:00Z', 60, 'USD'), point('2026-03-02T00:00:00Z', 50)], NOW)).toBeNull();
    expect(priceDrop([point('2026-03-01T00:00:00Z', 100), point('2026-03-02T00:00:00Z', 99.5)], NOW)).toBeNull();
    // a drop followed by a rise is over
    expect(priceDrop([point('2026-02-20T00:00:00Z', 60), point('2026-02-25T00:00:00Z', 50), point('2026-03-02T00:00:00Z', 55)], NOW)).toBeNull();
  });

  it('compares with the lowest price of the 30 days before the drop (EU Omnibus rule), not the price just before', () => {
    // raised for a day, then "dropped" back: no reduction to announce
    expect(priceDrop([point('2026-01-01T00:00:00Z', 50), point('2026-03-01T00:00:00Z', 70), point('2026-03-02T00:00:00Z', 50)], NOW)).toBeNull();
    // raised for a day, then dropped below the earlier price: "was" is the earlier, lower price
    expect(priceDrop([point('2026-01-01T00:00:00Z', 50), point('2026-03-01T00:00:00Z', 70), point('2026-03-02T00:00:00Z', 40)], NOW)).toMatchObject({
      was: money(50),
      percent_off: 20,
    });
    // a lower price that ended more than 30 days before the drop does not count
    expect(priceDrop([point('2025-12-01T00:00:00Z', 30), point('2026-01-15T00:00:00Z', 70), point('2026-03-02T00:00:00Z', 60)], NOW)).toMatchObject({
      was: money(70),
    });
  });
});

const stockPoint = (observed_at: string, availability: string): StockPoint => ({ observed_at, version: 1, availability });

describe('stockFact', () => {
  const inStock = (quantity: number | null) => ({ availability: 'in_stock' as const, quantity });

  it('low stock at 1 to LOW_STOCK_UNITS units', () => {
    expect(stockFact(inStock(1), [], NOW)).toEqual({ kind: 'low', quantity: 1 });
    expect(stockFact(inStock(LOW_STOCK_UNITS), [], NOW)).toEqual({ kind: 'low', quantity: LOW_STOCK_UNITS });
    expect(stockFact(inStock(LOW_STOCK_UNITS + 1), [], NOW)).toBeNull();
    expect(stockFact(inStock(0), [], NOW)).toBeNull();
    expect(stockFact(inStock(null), [], NOW)).toBeNull();
  });

  it('back in stock after out of stock, while it is news', () => {
    const history = [stockPoint('2026-02-01T00:00:00Z', 'in_stock'), stockPoint('2026-02-20T00:00:00Z', 'out_of_stock'), stockPoint('2026-03-03T00:00:00Z', 'in_stock')];
    expect(stockFact(inStock(null), history, NOW)).toEqual({ kind: 'back_in_stock', since: '2026-03-03T00:00:00Z' });
    expect(stockFact(inStock(40), history, NOW)).toEqual({ kind: 'back_in_stock', since: '2026-03-03T00:00:00Z' });
    // low stock is the more urgent message
    expect(stockFact(inStock(2), history, NOW)).toEqual({ kind: 'low', quantity: 2 });
    expect(stockFact(inStock(null), history, new Date(Date.parse('2026-03-03T00:00:00Z') + (NEWS_DAYS + 1) * 86_400_000))).toBeNull();
    expect(stockFact(inStock(null), [stockPoint('2026-03-03T00:00:00Z', 'in_stock')], NOW)).toBeNull();
    expect(stockFact(inStock(null), [stockPoint('2026-02-20T00:00:00Z', 'preorder'), stockPoint('2026-03-03T00:00:00Z', 'in_stock')], NOW)).toBeNull();
  });

  it('out of stock says so; preorder and backorder say nothing', () => {
    expect(stockFact({ availability: 'out_of_stock', quantity: 0 }, [], NOW)).toEqual({ kind: 'out_of_stock' });
    expect(stockFact({ availability: 'out_of_stock', quantity: 3 }, [], NOW)).toEqual({ kind: 'out_of_stock' });
    expect(stockFact({ availability: 'preorder', quantity: 2 }, [], NOW)).toBeNull();
    expect(stockFact({ availability: 'backorder', quantity: null }, [], NOW)).toBeNull();
  });
});
