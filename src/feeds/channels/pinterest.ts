/**
 * Pinterest catalog: CSV, TSV or RSS/Atom XML, all with Google's attribute names. Required:
 * id, title, description, link, image_link, price, availability; brand is optional. Limits
 * from Pinterest's product data specification: id 127, title 500, description 10,000,
 * up to 10 additional images (comma-separated in CSV).
 */
import type { Channel } from './channel';
import { additionalImages, availability, customLabels, price, salePrice, shipping, text, variantFields, sharedTextLimits } from './attributes';
import { checkProduct, compileSpec } from './checks';

const AVAILABILITY = {
  in_stock: 'in stock',
  out_of_stock: 'out of stock',
  preorder: 'preorder',
  // Pinterest has no backorder word; like a preorder, the item can be bought now and ships later.
  backorder: 'preorder',
} as const;

const spec = compileSpec({
  label: 'Pinterest',
  limits: {
    id: 127,
    item_group_id: 127,
    url: 2000,
    additional_images: 10,
    text: {
      title: 500,
      description: 10000,
      brand: 100,
      product_type: 750,
      ...sharedTextLimits,
    },
  },
  brand: 'optional',
  needsAvailabilityDate: [],
});

export const pinterest: Channel = {
  name: 'pinterest',
  label: 'Pinterest',
  formats: ['csv', 'tsv', 'xml'],
  availability: AVAILABILITY,
  fields: [
    text('id'),
    text('title'),
    text('description'),
    text('link'),
    text('image_link'),
    price,
    availability(AVAILABILITY),
    text('availability_date'),
    text('condition'),
    additionalImages,
    salePrice,
    text('sale_price_effective_date'),
    text('brand'),
    text('gtin'),
    text('mpn'),
    text('item_group_id'),
    text('google_product_category'),
    text('product_type'),
    ...variantFields,
    shipping,
    ...customLabels,
  ],
  required: ['id', 'title', 'description', 'link', 'image_link', 'price', 'availability'],
  limits: spec.limits,
  imageOverlays: true,
  check: (product, catalog) => checkProduct(product, catalog, spec),
};
