/** Test factories for feed tests: a valid product and catalog, overridden per test. */
import fc from 'fast-check';
import type { Catalog } from '../../src/catalog/catalog';
import type { FeedProduct } from '../../src/store/port';

let seq = 0;

export function makeProduct(overrides: Partial<FeedProduct> = {}): FeedProduct {
  const id = overrides.id ?? `SKU-${++seq}`;
  // Any id works in a test (property tests pass arbitrary text); keep the URLs plain.
  const slug = id.replace(/[^A-Za-z0-9-]/g, '_');
  return {
    id,
    title: 'Organic Cotton T-Shirt',
    description: 'A soft crew-neck T-shirt made from organic cotton.',
    link: `https://shop.example.com/products/${slug}`,
    image_link: `https://shop.example.com/images/${slug}.jpg`,
    additional_image_link: [],
    availability: 'in_stock',
    availability_date: null,
    price: { micros: 15_000_000, currency: 'EUR' },
    sale_price: null,
    sale_price_effective_date: null,
    brand: 'Acme',
    gtin: null,
    mpn: null,
    identifier_exists: null,
    condition: 'new',
    google_product_category: null,
    product_type: null,
    item_group_id: null,
    color: null,
    size: null,
    gender: null,
    age_group: null,
    material: null,
    pattern: null,
    quantity: null,
    shipping: [],
    custom_label_0: null,
    custom_label_1: null,
    custom_label_2: null,
    custom_label_3: null,
    custom_label_4: null,
    extra: {},
    content_hash: 'hash',
    updated_at: '2026-01-01T00:00:00.000Z',
    has_variants: false,
    performance: null,
    ...overrides,
  };
}

export function makeCatalog(overrides: Partial<Catalog> = {}): Catalog {
  return {
    id: 1,
    slug: 'shop',
    title: 'Example Shop',
    link: 'https://shop.example.com/',
    currency: 'EUR',
    locale: 'nl-NL',
    timezone: 'Europe/Amsterdam',
    consent_mode: 'opt-in',
    allowed_origins: [],
    retention_days: 90,
    max_drop_share: 0.5,
    version: 1,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** Pages as the store yields them. */
export async function* pagesOf(products: FeedProduct[], size = 100): AsyncGenerator<FeedProduct[]> {
  for (let i = 0; i < products.length; i += size) yield products.slice(i, i + size);
}

export async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += chunk;
  return out;
}

/** Any UTF-16 code unit (lone surrogates included) mixed with the characters that need escaping. */
export const anyText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('&', '<', '>', ']]>', '"', "'", ',', '\t', '\n', '\r', '\r\n', '😀', '日本語', 'Ελληνικά', ' '),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));
