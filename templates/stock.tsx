/** @jsxImportSource ../src/creative/jsx */
/**
 * `stock`: the badge layout with the stock news as its badge: "Only 3 left" in the accent
 * colour, "Back in stock" in the brand colour, "Sold out" muted. Without stock news it renders
 * exactly like `badge`.
 */
import type { ProductTemplate } from '../src/creative/template';
import { badge, productPanelLayout } from './badge';

/** A calm grey: a sold-out product is information, not urgency. */
const MUTED = { background: '#6b7280', color: '#ffffff' };

export const stock: ProductTemplate = {
  name: 'stock',
  kind: 'product',
  version: 1,
  overlay: true,
  description: 'Photo with price and the stock message: only a few left, back in stock or sold out',
  layout(input) {
    const { stock: fact, brand: kit, copy } = input;
    if (!fact) return badge.layout(input);
    switch (fact.kind) {
      case 'low':
        return productPanelLayout(input, { text: copy.onlyLeft(fact.quantity), background: kit.accent, color: kit.on_accent }, null);
      case 'back_in_stock':
        return productPanelLayout(input, { text: copy.backInStock, background: kit.primary, color: kit.on_primary }, null);
      case 'out_of_stock':
        return productPanelLayout(input, { text: copy.soldOut, ...MUTED }, null);
    }
  },
};
