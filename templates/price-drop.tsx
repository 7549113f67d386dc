/** @jsxImportSource ../src/creative/jsx */
/**
 * `price-drop`: the badge layout with a "Price dropped" badge and the old price as a note, when
 * the regular price fell recently (from price history; "was" is the lowest price of the 30 days
 * before the drop, as the EU requires). While a sale is on it renders like `badge`: the sale's
 * struck price already tells the story. A drop that no longer matches the current regular price (a
 * stale history point) is not claimed: the template then renders exactly like `badge`.
 */
import type { PriceDrop, PriceFacts } from '../src/creative/facts';
import type { ProductTemplate } from '../src/creative/template';
import { badge, productPanelLayout } from './badge';

/** The drop may be claimed: it ends at today's regular price (the struck one while a sale is on). */
export function dropIsCurrent(drop: PriceDrop | null, price: PriceFacts): drop is PriceDrop {
  if (!drop) return false;
  const regular = price.was ?? price.now;
  return (
    drop.now.currency === regular.currency &&
    drop.now.micros === regular.micros &&
    drop.was.currency === regular.currency &&
    drop.was.micros > regular.micros
  );
}

export const priceDrop: ProductTemplate = {
  name: 'price-drop',
  kind: 'product',
  version: 1,
  overlay: true,
  description: 'Photo with a "price dropped" badge and the previous price, after a recent drop of the regular price',
  layout(input) {
    const { drop, price, brand: kit, copy } = input;
    // While a sale is on, the sale's own struck price says it all: a third price would confuse.
    if (!dropIsCurrent(drop, price) || price.was !== null) return badge.layout(input);
    return productPanelLayout(
      input,
      { text: copy.priceDropped, background: kit.accent, color: kit.on_accent },
      { text: copy.was(input.money(drop.was)), color: kit.on_primary },
    );
  },
};
