/**
 * TikTok catalog (Video Shopping Ads). Same attribute names as Google except the id column,
 * `sku_id`; availability words as Meta's. Nine required fields per TikTok's "Catalog Product
 * Parameters": sku_id, title, description, availability, condition, price, link, image_link,
 * brand. TikTok publishes few length limits; the ones below are conservative (Google's where
 * TikTok states none), so what we emit is never refused for length.
 */
import type { Channel } from './channel';
import { additionalImages, availability, customLabels, price, salePrice, shipping, text, variantFields, sharedTextLimits } from './attributes';
import { checkProduct, compileSpec } from './checks';

const AVAILABILITY = {
  in_stock: 'in stock',
  out_of_stock: 'out of stock',
  preorder: 'preorder',
  backorder: 'available for order',
} as const;

const spec = compileSpec({
  label: 'TikTok',
  limits: {
    id: 100,
    item_group_id: 100,
    url: 2000,
    additional_images: 10,
    text: {
      title: 150,
      description: 5000,
      brand: 100,
      product_type: 750,
      ...sharedTextLimits,
    },
  },
  brand: 'always',
  needsAvailabilityDate: [],
});

export const tiktok: Channel = {
  name: 'tiktok',
  label: 'TikTok',
  formats: ['csv', 'tsv'],
  availability: AVAILABILITY,
  fields: [
    text('id', 'sku_id'),
    text('title'),
    text('description'),
    availability(AVAILABILITY),
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
  required: ['sku_id', 'title', 'description', 'availability', 'condition', 'price', 'link', 'image_link', 'brand'],
  limits: spec.limits,
  imageOverlays: true,
  check: (product, catalog) => checkProduct(product, catalog, spec),
};
