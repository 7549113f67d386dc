/**
 * Meta (Facebook/Instagram) catalog: CSV, TSV or RSS XML with Google's `g:` names (SPEC §2).
 * Meta wants out-of-stock items listed, so ads for them stop, rather than dropped.
 */
import type { Channel } from './channel';
import { additionalImages, availability, customLabels, price, salePrice, shipping, text, variantFields } from './attributes';
import { checkProduct, compileSpec } from './checks';

const AVAILABILITY = {
  in_stock: 'in stock',
  out_of_stock: 'out of stock',
  preorder: 'preorder',
  // Meta's word for "can be ordered now, ships later".
  backorder: 'available for order',
} as const;

const spec = compileSpec({
  label: 'Meta',
  limits: {
    id: 100,
    item_group_id: 100,
    url: 2000,
    additional_images: 20,
    text: {
      title: 200,
      description: 9999,
      brand: 100,
      product_type: 750,
      color: 200,
      size: 200,
      material: 200,
      pattern: 100,
      custom_label_0: 100,
      custom_label_1: 100,
      custom_label_2: 100,
      custom_label_3: 100,
      custom_label_4: 100,
    },
  },
  brand: 'always',
  needsAvailabilityDate: [],
});

export const meta: Channel = {
  name: 'meta',
  label: 'Meta',
  formats: ['csv', 'tsv', 'xml'],
  availability: AVAILABILITY,
  fields: [
    text('id'),
    text('title'),
    text('description'),
    availability(AVAILABILITY),
    text('availability_date'),
    text('condition'),
    price,
    text('link'),
    text('image_link'),
    text('brand'),
    additionalImages,
    salePrice,
    text('sale_price_effective_date'),
    text('item_group_id'),
    text('google_product_category'),
    text('product_type'),
    text('gtin'),
    text('mpn'),
    ...variantFields,
    shipping,
    ...customLabels,
  ],
  required: ['id', 'title', 'description', 'availability', 'condition', 'price', 'link', 'image_link', 'brand'],
  limits: spec.limits,
  imageOverlays: true,
  check: (product, catalog) => checkProduct(product, catalog, spec),
};
