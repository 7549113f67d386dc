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

/**
 * The latest drop of the regular price (history is oldest first): the current price point is
 * lower than the one before it, in the same currency, and recent. Sale prices are left out: a
 * sale is its own badge, with its own window.
 */
export function priceDrop(history: readonly PricePoint[], now: Date): PriceDrop | null {
  const last = history.at(-1);
  const before = history.at(-2);
  if (!last || !before || last.currency !== before.currency) return null;
  if (last.price_micros >= before.price_micros) return null;
  if (now.getTime() - Date.parse(last.observed_at) > NEWS_DAYS * 86_400_000) return null;
  const pct = percentOff(before.price_micros, last.price_micros);
  if (pct < MIN_PERCENT) return null;
  return {
    was: { micros: before.price_micros, currency: before.currency },
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
