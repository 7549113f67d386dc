/**
 * Every creative template through the real Node renderer (satori → resvg → sharp): the right
 * size in every format, the sale badge only inside its window, text that never spills, and a
 * placeholder where a photo is missing. A few renders are kept as PNG under
 * test/artifacts/creatives/ for people to look at.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../src/catalog/product';
import { DEFAULT_BRAND_KIT, type BrandKit } from '../src/creative/brand-kit';
import { parseHex } from '../src/creative/compose';
import type { CreativeElement } from '../src/creative/element';
import { creativeContext, productInput, visitorInput, type CreativeCatalog } from '../src/creative/inputs';
import type { RawImage } from '../src/creative/ports';
import { renderLayout, type RenderParts } from '../src/creative/render';
import { CREATIVE_SIZES, type CreativeSizeName, type ImageFormat } from '../src/creative/sizes';
import type { CreativeTemplate, Layout, PhotoSlot, ProductCreativeInput, VisitorCreativeInput } from '../src/creative/template';
import { clampStyle, estimateWidth, fitFontSize, fittedText } from '../src/creative/text-fit';
import type { PricePoint, ProductHistory } from '../src/store/port';
import { loadInterFonts, nodeRasterizer, nodeSvgRenderer } from '../src/runtime/node-creative';
import { badge } from '../templates/badge';
import { cartReminder } from '../templates/cart-reminder';
import { TEMPLATES } from '../templates/index';
import { priceDrop } from '../templates/price-drop';
import { collageColours, recentlyViewed } from '../templates/recently-viewed';
import { stock } from '../templates/stock';
import { makeProduct } from './helpers/products';

const SIZES = Object.keys(CREATIVE_SIZES) as CreativeSizeName[];
const ARTIFACTS = new URL('./artifacts/creatives/', import.meta.url);

// one renderer for the whole file: fonts are read and parsed once
const rasterizer = nodeRasterizer();
const parts: RenderParts = { svg: nodeSvgRenderer, rasterizer, fonts: loadInterFonts() };

const catalog: CreativeCatalog = { title: 'Example Shop', locale: 'nl-NL', timezone: 'Europe/Amsterdam' };
const NOW = new Date('2026-03-04T12:00:00Z');
const SALE_WINDOW = '2026-03-01T00:00/2026-03-08T00:00';
const eur = (units: number) => ({ micros: Math.round(units * 1_000_000), currency: 'EUR' });

let logoKit: BrandKit;
const plainKit: BrandKit = { ...DEFAULT_BRAND_KIT, logo: null, version: 'test' };

/** Solid-colour "product photos" (different aspect ratios, as real ones have). */
const PHOTO_SPECS = [
  { width: 400, height: 500, background: { r: 38, g: 88, b: 160 } },
  { width: 500, height: 375, background: { r: 178, g: 58, b: 48 } },
  { width: 450, height: 450, background: { r: 58, g: 140, b: 78 } },
  { width: 350, height: 500, background: { r: 200, g: 160, b: 40 } },
];
let photoBytes: Uint8Array[] = [];
const prepared = new Map<string, Promise<RawImage>>();

beforeAll(async () => {
  photoBytes = await Promise.all(PHOTO_SPECS.map(async (p) => new Uint8Array(await sharp({ create: { ...p, channels: 3 } }).jpeg().toBuffer())));
  const logo = await sharp({ create: { width: 240, height: 80, channels: 4, background: { r: 245, g: 158, b: 11, alpha: 1 } } }).png().toBuffer();
  logoKit = { ...plainKit, logo: { data_uri: `data:image/png;base64,${logo.toString('base64')}`, width: 240, height: 80 }, version: 'test-logo' };
  mkdirSync(ARTIFACTS, { recursive: true });
});

/** The photos a layout's slots ask for, resized the way the pipeline does (cached per slot size). */
function photosFor(layout: Layout): Promise<Array<RawImage | null>> {
  return Promise.all(
    layout.photos.map((slot) => {
      const key = `${slot.item}:${slot.width}x${slot.height}:${slot.fit}`;
      let image = prepared.get(key);
      if (!image) {
        image = rasterizer.preparePhoto(photoBytes[slot.item % photoBytes.length]!, slot).then((p) => p.image);
        prepared.set(key, image);
      }
      return image;
    }),
  ).then((images) => {
    const byItem: Array<RawImage | null> = [];
    layout.photos.forEach((slot, i) => (byItem[slot.item] = images[i]!));
    return byItem;
  });
}

type AnyInput = ProductCreativeInput | VisitorCreativeInput;

function layoutOf(template: CreativeTemplate, input: AnyInput): Layout {
  return template.kind === 'product' ? template.layout(input as ProductCreativeInput) : template.layout(input as VisitorCreativeInput);
}

async function render(template: CreativeTemplate, input: AnyInput, format: ImageFormat = 'png', photos: 'photos' | 'none' = 'photos') {
  const layout = layoutOf(template, input);
  const images = photos === 'photos' ? await photosFor(layout) : layout.photos.map(() => null);
  const bytes = await renderLayout(parts, layout, input.size, images, format);
  return { layout, bytes };
}

/** The same layout's photos with nothing drawn over them. */
async function renderBare(layout: Layout, size: { width: number; height: number }): Promise<Uint8Array> {
  const empty: CreativeElement = { type: 'div', props: { style: { display: 'flex', width: size.width, height: size.height } }, key: null };
  return renderLayout(parts, { ...layout, over: empty }, size, await photosFor(layout), 'png');
}

interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

async function pixels(bytes: Uint8Array, region: Region): Promise<Buffer> {
  return sharp(bytes).extract(region).removeAlpha().raw().toBuffer();
}

/** Mean absolute difference per channel, 0..255. */
async function meanDiff(a: Uint8Array, b: Uint8Array, region: Region): Promise<number> {
  const [x, y] = await Promise.all([pixels(a, region), pixels(b, region)]);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]! - y[i]!);
  return sum / x.length;
}

// ---- inputs -------------------------------------------------------------------------------

type ProductFacts = Parameters<typeof productInput>[2];

function product(overrides: Partial<Product> = {}): ProductFacts {
  return makeProduct({ id: 'SKU-1', title: 'Organic Cotton T-Shirt', price: eur(49.99), ...overrides });
}

const saleProduct = (overrides: Partial<Product> = {}) =>
  product({ sale_price: eur(34.99), sale_price_effective_date: SALE_WINDOW, ...overrides });

function pricePoint(daysAgo: number, units: number, version: number): PricePoint {
  return { observed_at: new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString(), version, price_micros: Math.round(units * 1_000_000), sale_price_micros: null, currency: 'EUR' };
}

const NO_HISTORY: ProductHistory = { prices: [], stock: [] };
/** The regular price went from 59.99 to 49.99 two days ago. */
const DROP_HISTORY: ProductHistory = { prices: [pricePoint(30, 59.99, 1), pricePoint(2, 49.99, 2)], stock: [] };

function productIn(size: CreativeSizeName, p: ProductFacts, history = NO_HISTORY, opts: { now?: Date; kit?: BrandKit; catalog?: CreativeCatalog } = {}): ProductCreativeInput {
  const cat = opts.catalog ?? catalog;
  return productInput(creativeContext(cat, opts.kit ?? plainKit, size), cat, p, history, opts.now ?? NOW);
}

const VISITOR_PRODUCTS: ProductFacts[] = [
  saleProduct({ id: 'V1', title: 'Organic Cotton T-Shirt' }),
  product({ id: 'V2', title: 'Linen Summer Shirt', price: eur(129) }),
  saleProduct({ id: 'V3', title: 'Leather Weekend Bag, Large', price: eur(249), sale_price: eur(199) }),
  product({ id: 'V4', title: 'Merino Wool Beanie', price: eur(29.95) }),
];

function visitorIn(size: CreativeSizeName, count: number, opts: { kit?: BrandKit; products?: ProductFacts[] } = {}): VisitorCreativeInput {
  return visitorInput(creativeContext(catalog, opts.kit ?? plainKit, size), catalog, (opts.products ?? VISITOR_PRODUCTS).slice(0, count), NOW);
}

/** Inputs with everything a template can draw switched on. */
function fullProductIn(size: CreativeSizeName, kit: BrandKit = plainKit): ProductCreativeInput {
  const p = saleProduct({ quantity: 3, shipping: [{ country: 'NL', price: eur(0) }] });
  return productIn(size, p, DROP_HISTORY, { kit });
}

// ---- tests --------------------------------------------------------------------------------

describe('template registry', () => {
  it('lists badge first, then the other templates, each name once', () => {
    expect(TEMPLATES.map((t) => t.name)).toEqual(['badge', 'price-drop', 'stock', 'recently-viewed', 'cart-reminder']);
    expect(TEMPLATES.map((t) => t.kind)).toEqual(['product', 'product', 'product', 'visitor', 'visitor']);
    for (const t of TEMPLATES) expect(t.overlay).toBe(true);
  });
});

describe('every template at every size', () => {
  for (const template of TEMPLATES) {
    for (const size of SIZES) {
      const counts = template.kind === 'visitor' ? [1, 2, 3, 4] : [1];
      for (const n of counts) {
        const label = template.kind === 'visitor' ? `${template.name} ${size} with ${n} item${n > 1 ? 's' : ''}` : `${template.name} ${size}`;
        it(`${label}: a JPEG of exactly that size`, async () => {
          // the logo path on one size per template, the shop-name fallback on the others
          const kit = size === '1200x628' ? logoKit : plainKit;
          const input = template.kind === 'product' ? fullProductIn(size, kit) : visitorIn(size, n, { kit });
          const { layout, bytes } = await render(template, input, 'jpg');
          const meta = await sharp(bytes).metadata();
          expect(meta.format).toBe('jpeg');
          expect([meta.width, meta.height]).toEqual([CREATIVE_SIZES[size].width, CREATIVE_SIZES[size].height]);
          // photo slots stay on the canvas, and a visitor layout has one per product
          for (const slot of layout.photos) {
            expect(slot.left).toBeGreaterThanOrEqual(0);
            expect(slot.top).toBeGreaterThanOrEqual(0);
            expect(slot.width).toBeGreaterThan(0);
            expect(slot.height).toBeGreaterThan(0);
            expect(slot.left + slot.width).toBeLessThanOrEqual(CREATIVE_SIZES[size].width);
            expect(slot.top + slot.height).toBeLessThanOrEqual(CREATIVE_SIZES[size].height);
          }
          if (template === recentlyViewed) expect(layout.photos.map((s) => s.item)).toEqual([...Array(n).keys()]);
          if (template === cartReminder) expect(layout.photos.map((s) => s.item)).toEqual([...Array(Math.min(n, 3)).keys()]);
        });
      }
    }
  }

  it('PNG and WebP decode to the right size too', async () => {
    for (const [format, expected] of [
      ['png', 'png'],
      ['webp', 'webp'],
    ] as const) {
      const { bytes } = await render(badge, fullProductIn('1200x628'), format);
      const meta = await sharp(bytes).metadata();
      expect(meta.format).toBe(expected);
      expect([meta.width, meta.height]).toEqual([1200, 628]);
      const visitor = await render(recentlyViewed, visitorIn('300x250', 3), format);
      const vmeta = await sharp(visitor.bytes).metadata();
      expect([vmeta.format, vmeta.width, vmeta.height]).toEqual([expected, 300, 250]);
    }
  });
});

/** Where badge draws its top-left pill: `pad` from the corner, `height` tall (templates/badge.tsx). */
function pillRegion(size: CreativeSizeName): Region {
  const { width, height } = CREATIVE_SIZES[size];
  const u = Math.min(width, height) / 1080;
  const pad = Math.round(40 * u);
  const pill = Math.round((width / height > 1.3 ? 72 : 88) * u);
  return { left: pad + 2, top: pad + 2, width: Math.round(pill * 1.4), height: pill - 4 };
}

describe('the sale badge', () => {
  it('draws over the photo where the sale pill sits, and nothing there without a sale', async () => {
    const size = '1080x1080';
    const sale = await render(badge, productIn(size, saleProduct()));
    const full = await render(badge, productIn(size, product()));
    expect(sale.layout.photos).toEqual(full.layout.photos);
    const bare = await renderBare(sale.layout, CREATIVE_SIZES[size]);
    const region = pillRegion(size);
    expect(await meanDiff(sale.bytes, bare, region)).toBeGreaterThan(40);
    expect(await meanDiff(full.bytes, bare, region)).toBeLessThan(1);
  });

  it('appears only inside sale_price_effective_date, read in the catalog time zone', async () => {
    const size = '300x250';
    const p = saleProduct();
    // 1 March 00:00 in Amsterdam is 28 February 23:00 UTC; the window ends 8 March 00:00 there
    const cases = [
      { now: '2026-02-28T22:59:59Z', on: false },
      { now: '2026-02-28T23:00:00Z', on: true },
      { now: '2026-03-07T22:59:59Z', on: true },
      { now: '2026-03-07T23:00:00Z', on: false },
    ];
    let bare: Uint8Array | null = null;
    for (const c of cases) {
      const input = productIn(size, p, NO_HISTORY, { now: new Date(c.now) });
      if (c.on) {
        expect(input.price).toEqual({ now: eur(34.99), was: eur(49.99), percent_off: 30, free_shipping: false });
      } else {
        expect(input.price).toEqual({ now: eur(49.99), was: null, percent_off: null, free_shipping: false });
      }
      const { layout, bytes } = await render(badge, input);
      bare ??= await renderBare(layout, CREATIVE_SIZES[size]);
      const diff = await meanDiff(bytes, bare, pillRegion(size));
      if (c.on) expect(diff, c.now).toBeGreaterThan(40);
      else expect(diff, c.now).toBeLessThan(1);
    }
  });
});

describe('product template variants', () => {
  it('price-drop: "Prijs verlaagd" and the old price as a note; the price shown is input.price', () => {
    const input = productIn('1080x1080', product(), DROP_HISTORY);
    expect(input.drop).toMatchObject({ was: eur(59.99), now: eur(49.99), percent_off: 16 });
    const text = textOf(priceDrop.layout(input).over);
    expect(text).toContain('Prijs verlaagd');
    expect(text).toContain('Was €\u00a059,99');
    expect(text).toContain('€\u00a049,99');
  });

  it('price-drop: a running sale sets the price and replaces the drop note (no third price)', () => {
    const input = productIn('1080x1080', saleProduct(), DROP_HISTORY);
    const text = textOf(priceDrop.layout(input).over);
    expect(text).not.toContain('Prijs verlaagd');
    expect(text).not.toContain('Was €\u00a059,99');
    expect(text).toContain('€\u00a034,99');
    expect(text).toContain('€\u00a049,99'); // the struck regular price
    expect(text).toEqual(textOf(badge.layout(input).over));
  });

  it('price-drop: without a drop (or with a stale one) it is the badge layout', () => {
    const plain = productIn('1080x1080', saleProduct());
    expect(textOf(priceDrop.layout(plain).over)).toEqual(textOf(badge.layout(plain).over));
    // history says 49.99 but the product now costs 44.99: the drop is not claimed
    const stale = productIn('1080x1080', product({ price: eur(44.99) }), DROP_HISTORY);
    expect(stale.drop).not.toBeNull();
    expect(textOf(priceDrop.layout(stale).over)).not.toContain('Prijs verlaagd');
  });

  it('stock: only-n-left in the accent colour, back in stock, sold out muted, else the badge layout', () => {
    const low = stock.layout(productIn('1080x1080', product({ quantity: 2 })));
    expect(textOf(low.over)).toContain('Nog maar 2');
    expect(JSON.stringify(low.over)).toContain(plainKit.accent);
    const back = productIn('1080x1080', product(), {
      prices: [],
      stock: [
        { observed_at: '2026-02-20T00:00:00Z', version: 1, availability: 'out_of_stock' },
        { observed_at: '2026-03-03T00:00:00Z', version: 2, availability: 'in_stock' },
      ],
    });
    expect(back.stock?.kind).toBe('back_in_stock');
    expect(textOf(stock.layout(back).over)).toContain('Weer op voorraad');
    const out = stock.layout(productIn('1080x1080', product({ availability: 'out_of_stock' })));
    expect(textOf(out.over)).toContain('Uitverkocht');
    expect(JSON.stringify(out.over)).not.toContain(plainKit.accent);
    const none = productIn('1080x1080', saleProduct());
    expect(textOf(stock.layout(none).over)).toEqual(textOf(badge.layout(none).over));
  });

  it('visitor tiles show the sale price and the struck regular price', () => {
    const text = textOf(recentlyViewed.layout(visitorIn('1080x1080', 2)).over);
    expect(text).toContain('Onlangs bekeken');
    expect(text).toContain('Bekijk nu');
    expect(text).toContain('€\u00a034,99');
    expect(text).toContain('€\u00a049,99');
    expect(text).toContain('€\u00a0129,00');
    const cart = textOf(cartReminder.layout(visitorIn('1080x1080', 4)).over);
    expect(cart).toContain('Nog in je winkelwagen');
    expect(cart).toContain('Rond je bestelling af');
    expect(cart).toContain('+1');
  });
});

/** All text in an element tree, in order. */
function textOf(node: unknown): string {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (typeof node === 'string' || typeof node === 'number') return `${node}|`;
  if (Array.isArray(node)) return node.map(textOf).join('');
  return textOf((node as CreativeElement).props.children);
}

describe('text never overflows', () => {
  const longTitle = `${'Extra Soft Organic Cotton Relaxed-Fit Crew-Neck T-Shirt with Long Sleeves '.repeat(5)}SKU-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789`.slice(0, 400);
  const hugePrice = eur(123_456_789.99);

  it('fitFontSize shrinks long text down to the minimum, and leaves short text at the maximum', () => {
    expect(fitFontSize('Sale', { width: 400, max: 48, min: 20 })).toBe(48);
    const sizes = [10, 40, 80, 160, 400].map((n) => fitFontSize('x'.repeat(n), { width: 400, max: 48, min: 12 }));
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1]!);
    expect(sizes.at(-1)).toBe(12);
    const fitted = fitFontSize(longTitle.slice(0, 60), { width: 600, max: 60, min: 10 });
    expect(estimateWidth(longTitle.slice(0, 60), fitted)).toBeLessThanOrEqual(600);
    // more lines, more room: never a smaller size
    expect(fitFontSize(longTitle, { width: 300, max: 40, min: 10, lines: 3 })).toBeGreaterThanOrEqual(fitFontSize(longTitle, { width: 300, max: 40, min: 10 }));
    // the clamp is the hard guarantee
    expect(clampStyle(1)).toMatchObject({ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' });
    expect(clampStyle(2)).toMatchObject({ lineClamp: 2, overflow: 'hidden' });
    expect(fittedText(longTitle, { width: 300, max: 40, min: 10, lines: 2 })).toMatchObject({ fontSize: 10, maxWidth: 300, lineClamp: 2 });
  });

  it('a 400-character title and a huge price render at every product size, and nothing spills out of the panel', async () => {
    expect(longTitle.length).toBe(400);
    const p = product({ title: longTitle, price: hugePrice });
    const history: ProductHistory = { prices: [pricePoint(30, 234_567_890.99, 1), pricePoint(2, 123_456_789.99, 2)], stock: [] };
    for (const size of ['300x250', '1200x628'] as const) {
      const input = productIn(size, p, history);
      expect(input.drop).not.toBeNull();
      for (const template of [badge, priceDrop, stock]) {
        const { layout, bytes } = await render(template, input);
        const meta = await sharp(bytes).metadata();
        expect([meta.width, meta.height]).toEqual([CREATIVE_SIZES[size].width, CREATIVE_SIZES[size].height]);
        // the strip of photo next to the panel (above it; left of it on a wide canvas) is untouched
        const { width, height } = CREATIVE_SIZES[size];
        const photo = layout.photos[0]!;
        const strip =
          size === '1200x628'
            ? { left: photo.width - 60, top: 0, width: 60, height }
            : { left: 0, top: photo.height - 30, width, height: 30 };
        const bare = await renderBare(layout, { width, height });
        expect(await meanDiff(bytes, bare, strip), `${template.name} ${size}`).toBeLessThan(0.5);
      }
    }
  });

  it('visitor templates take long titles and huge prices at 300x250 and 1080x1080, inside their tiles', async () => {
    const products = VISITOR_PRODUCTS.map((p, i) =>
      i % 2 === 0 ? { ...p, title: longTitle, price: hugePrice, sale_price: eur(99_999_999.99) } : { ...p, title: longTitle, price: hugePrice },
    );
    for (const size of ['300x250', '1080x1080'] as const) {
      for (const template of [recentlyViewed, cartReminder]) {
        const long = await render(template, visitorIn(size, 4, { products }));
        const meta = await sharp(long.bytes).metadata();
        expect([meta.width, meta.height]).toEqual([CREATIVE_SIZES[size].width, CREATIVE_SIZES[size].height]);
        if (template === recentlyViewed && size === '1080x1080') {
          // the gap between the two tile columns is plain page colour all the way down both rows
          const [a, b, c] = long.layout.photos as [PhotoSlot, PhotoSlot, PhotoSlot];
          const middle = Math.round((a.left + a.width + b.left) / 2);
          const strip = { left: middle - 4, top: a.top, width: 8, height: 2 * (c.top - a.top) - 30 };
          const page = parseHex(collageColours(plainKit).page);
          const got = await pixels(long.bytes, strip);
          let off = 0;
          for (let i = 0; i < got.length; i++) off += Math.abs(got[i]! - page[i % 3]!);
          expect(off / got.length).toBeLessThan(0.5);
        }
      }
    }
  });
});

describe('missing photos', () => {
  it('a placeholder fills the slot when the photo is null, and the image is still valid', async () => {
    const input = productIn('300x250', product());
    const { layout, bytes } = await render(badge, input, 'png', 'none');
    const slot = layout.photos[0]!;
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 300, 250]);
    const centre = await pixels(bytes, { left: slot.left + Math.floor(slot.width / 2), top: slot.top + Math.floor(slot.height / 2), width: 1, height: 1 });
    expect([...centre]).toEqual([0xd9, 0xdd, 0xe3]);
    const corner = await pixels(bytes, { left: slot.left + 2, top: slot.top + slot.height - 3, width: 1, height: 1 });
    expect([...corner]).toEqual([0xee, 0xf0, 0xf3]);
  });

  it('visitor templates draw a placeholder in every slot', async () => {
    for (const template of [recentlyViewed, cartReminder]) {
      const { layout, bytes } = await render(template, visitorIn('1080x1080', 4), 'jpg', 'none');
      expect((await sharp(bytes).metadata()).width).toBe(1080);
      for (const slot of layout.photos) {
        const c = await pixels(bytes, { left: slot.left + Math.floor(slot.width / 2), top: slot.top + Math.floor(slot.height / 2), width: 1, height: 1 });
        // JPEG: near the placeholder grey, not exact
        expect(Math.abs(c[0]! - 0xd9) + Math.abs(c[1]! - 0xdd) + Math.abs(c[2]! - 0xe3)).toBeLessThan(12);
      }
    }
  });
});

describe('artifacts', () => {
  it('keeps representative renders as PNG in test/artifacts/creatives/', async () => {
    const shots: Array<[string, CreativeTemplate, AnyInput]> = [
      ['badge-sale-1080x1080', badge, productIn('1080x1080', saleProduct({ shipping: [{ country: 'NL', price: eur(0) }] }))],
      ['price-drop-1080x1080', priceDrop, productIn('1080x1080', product(), DROP_HISTORY)],
      ['stock-low-1200x628', stock, productIn('1200x628', product({ quantity: 3 }), NO_HISTORY, { kit: logoKit })],
      ['recently-viewed-4-1080x1080', recentlyViewed, visitorIn('1080x1080', 4)],
      ['recently-viewed-3-300x250', recentlyViewed, visitorIn('300x250', 3)],
      ['recently-viewed-2-1080x1920', recentlyViewed, visitorIn('1080x1920', 2, { kit: logoKit })],
      ['cart-reminder-4-1080x1080', cartReminder, visitorIn('1080x1080', 4)],
      ['cart-reminder-3-1200x628', cartReminder, visitorIn('1200x628', 3, { kit: logoKit })],
      ['cart-reminder-2-300x250', cartReminder, visitorIn('300x250', 2)],
    ];
    for (const [name, template, input] of shots) {
      const { bytes } = await render(template, input, 'png');
      writeFileSync(new URL(`${name}.png`, ARTIFACTS), bytes);
    }
  });
});
