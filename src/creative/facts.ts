/**
 * What a creative may claim about a product right now, derived in one place so every template
 * tells the same truth: the price to show (a sale only inside its window), the price drop from
 * price history, and the stock message.
 */
import type { Money, Product } from '../catalog/product';
import type { PricePoint, StockPoint } from '../store/port';
import { saleIsOn } from './sale-window';

export interface PriceFacts {
  /** the price to show now: the feed's sale_price inside its window, else the price */
  now: Money;
  /** the regular price while a sale is on (shown struck through), else null */
  was: Money | null;
  /** whole percent off while a sale is on, else null */
  percent_off: number | null;
  /** every shipping rule the product has is free */
  free_shipping: boolean;
}

export interface PriceDrop {
  was: Money;
  now: Money;
  percent_off: number;
  /** when the lower price was first seen */
  since: string;
}

export type StockFact =
  | { kind: 'low'; quantity: number }
  | { kind: 'back_in_stock'; since: string }
  | { kind: 'out_of_stock' }
  | null;

/** At or below this many units a product is "low stock". */
export const LOW_STOCK_UNITS = 5;
/** A price drop or a restock older than this is no longer news. */
export const NEWS_DAYS = 14;
/** Percentages under this are not worth a badge (and are often rounding noise). */
const MIN_PERCENT = 1;

export function priceFacts(
  p: Pick<Product, 'price' | 'sale_price' | 'sale_price_effective_date' | 'shipping'>,
  timeZone: string,
  now: Date,
): PriceFacts {
  const free_shipping = p.shipping.length > 0 && p.shipping.every((s) => s.price.micros === 0);
  const sale = p.sale_price;
  if (
    sale &&
    sale.currency === p.price.currency &&
    sale.micros < p.price.micros &&
    saleIsOn(p.sale_price_effective_date, timeZone, now)
  ) {
    const pct = percentOff(p.price.micros, sale.micros);
    return { now: sale, was: p.price, percent_off: pct >= MIN_PERCENT ? pct : null, free_shipping };
  }
  return { now: p.price, was: null, percent_off: null, free_shipping };
}

/** Rounded down, so a badge never overstates a discount. */
export function percentOff(wasMicros: number, nowMicros: number): number {
  return Math.floor(((wasMicros - nowMicros) / wasMicros) * 100);
}

/** The EU's Omnibus rule: a price reduction is announced against the lowest price of the 30 days before it. */
export const REFERENCE_DAYS = 30;

/**
 * The latest drop of the regular price (history is oldest first, one point per change): the
 * last point is lower than the price before it, in the same currency, and recent. The "was" price
 * is the lowest regular price in force during the 30 days before the drop (EU Directive
 * 2019/2161, the Omnibus rule), not merely the price before it: raising a price for a week to
 * "drop" it again claims nothing. Sale prices are left out: a sale is its own badge.
 */
export function priceDrop(history: readonly PricePoint[], now: Date): PriceDrop | null {
  const last = history.at(-1);
  if (!last || history.length < 2) return null;
  const droppedAt = Date.parse(last.observed_at);
  if (now.getTime() - droppedAt > NEWS_DAYS * 86_400_000) return null;
  const windowStart = droppedAt - REFERENCE_DAYS * 86_400_000;
  let reference: number | null = null;
  for (let i = history.length - 2; i >= 0; i--) {
    const p = history[i]!;
    if (p.currency !== last.currency) break;
    reference = reference === null ? p.price_micros : Math.min(reference, p.price_micros);
    // this point was in force from its own time on: once it starts before the window, it is the
    // price the window opened with, and nothing older counts
    if (Date.parse(p.observed_at) <= windowStart) break;
  }
  if (reference === null || last.price_micros >= reference) return null;
  const pct = percentOff(reference, last.price_micros);
  if (pct < MIN_PERCENT) return null;
  return {
    was: { micros: reference, currency: last.currency },
    now: { micros: last.price_micros, currency: last.currency },
    percent_off: pct,
    since: last.observed_at,
  };
}

/**
 * Low stock from the quantity on hand; "back in stock" when the availability history (oldest
 * first) shows the product out of stock before its latest point and in stock now, recently.
 */
export function stockFact(
  p: Pick<Product, 'availability' | 'quantity'>,
  stock: readonly StockPoint[],
  now: Date,
): StockFact {
  if (p.availability === 'out_of_stock') return { kind: 'out_of_stock' };
  if (p.availability !== 'in_stock') return null;
  if (p.quantity !== null && p.quantity > 0 && p.quantity <= LOW_STOCK_UNITS) return { kind: 'low', quantity: p.quantity };
  const last = stock.at(-1);
  const before = stock.at(-2);
  if (
    last?.availability === 'in_stock' &&
    before?.availability === 'out_of_stock' &&
    now.getTime() - Date.parse(last.observed_at) <= NEWS_DAYS * 86_400_000
  ) {
    return { kind: 'back_in_stock', since: last.observed_at };
  }
  return null;
}
