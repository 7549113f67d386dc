/**
 * Google Merchant Center (and Microsoft Merchant Center, which reads the same format).
 * Limits and required attributes from Google's product data specification (SPEC §2).
 */
import type { Channel } from './channel';
import { additionalImages, availability, customLabels, identifierExists, price, salePrice, shipping, text, variantFields, sharedTextLimits } from './attributes';
import { checkProduct, compileSpec } from './checks';

const AVAILABILITY = {
  in_stock: 'in_stock',
  out_of_stock: 'out_of_stock',
  preorder: 'preorder',
  backorder: 'backorder',
} as const;

const spec = compileSpec({
  label: 'Google',
  limits: {
    id: 50,
    item_group_id: 50,
    url: 2000,
    additional_images: 10,
    text: {
      title: 150,
      description: 5000,
      brand: 70,
      product_type: 750,
      ...sharedTextLimits,
    },
  },
  brand: 'new',
  needsAvailabilityDate: ['preorder', 'backorder'],
});

export const google: Channel = {
  name: 'google',
  label: 'Google',
  // Google reads RSS 2.0 XML and tab-delimited text; its "CSV" is really TSV.
  formats: ['xml', 'tsv'],
  availability: AVAILABILITY,
  fields: [
    text('id'),
    text('title'),
    text('description'),
    text('link'),
    text('image_link'),
    additionalImages,
    availability(AVAILABILITY),
    text('availability_date'),
    price,
    salePrice,
    text('sale_price_effective_date'),
    text('brand'),
    text('gtin'),
    text('mpn'),
    identifierExists,
    text('condition'),
    text('google_product_category'),
    text('product_type'),
    text('item_group_id'),
    ...variantFields,
    shipping,
    ...customLabels,
  ],
  required: ['id', 'title', 'description', 'link', 'image_link', 'availability', 'price', 'brand', 'condition'],
  limits: spec.limits,
  // Google disapproves promotional overlays (prices, badges, logos) on image_link.
  imageOverlays: false,
  check: (product, catalog) => checkProduct(product, catalog, spec),
};
