/**
 * The Workers creative parts (satori/standalone, resvg-wasm, @jsquash codecs) run in Node on
 * the same .wasm files a Worker bundles, and are held to the Node parts (satori, resvg-js,
 * sharp): every template renders to the same picture within a few levels per channel, every
 * output format decodes, and untrusted photos are fitted, refused and cached the same way.
 * The measured differences are printed once, so the thresholds can be checked against them.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../src/catalog/product';
import { DEFAULT_BRAND_KIT, type BrandKit } from '../src/creative/brand-kit';
import { creativeContext, productInput, visitorInput, type CreativeCatalog } from '../src/creative/inputs';
import { PhotoError, type Rasterizer, type RawImage } from '../src/creative/ports';
import { renderLayout, type RenderParts } from '../src/creative/render';
import { sniffImage } from '../src/creative/sniff';
import { CREATIVE_SIZES, type CreativeSizeName, type ImageFormat } from '../src/creative/sizes';
import type { CreativeTemplate, Layout, PhotoFit } from '../src/creative/template';
import type { PricePoint } from '../src/store/port';
import { loadInterFonts, nodeRasterizer, nodeSvgRenderer } from '../src/runtime/node-creative';
import { wasmCreativeParts } from '../src/runtime/wasm-creative';
import { TEMPLATES } from '../templates/index';
import { makeProduct } from './helpers/products';
import { loadWasmFonts, loadWasmModules } from './helpers/wasm-modules';
import { photoFailure } from './helpers/photo-error';

const node: RenderParts = { svg: nodeSvgRenderer, rasterizer: nodeRasterizer(), fonts: loadInterFonts() };
let wasm: RenderParts;

const noFetch = async (): Promise<never> => {
  throw new PhotoError('fetch_failed', 'no fetching in this test');
};

beforeAll(async () => {
  const parts = wasmCreativeParts(await loadWasmModules(), loadWasmFonts(), noFetch);
  wasm = { svg: parts.svg, rasterizer: parts.rasterizer, fonts: parts.fonts };
});

// ---- pictures ----------------------------------------------------------------------------

/** A smooth photo-like picture (two gradients and a disc), so resampling differences stay honest but small. */
function picture(width: number, height: number, hue: number, alpha = false): { raw: Uint8Array; channels: 3 | 4 } {
  const channels = alpha ? 4 : 3;
  const raw = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const inDisc = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (Math.min(width, height) / 3) ** 2;
      raw[i] = inDisc ? 240 : (hue + (x * 160) / width) & 255;
      raw[i + 1] = inDisc ? 220 : 60 + (y * 150) / height;
      raw[i + 2] = inDisc ? 40 : 200 - (x * 100) / width;
      if (alpha) raw[i + 3] = inDisc ? 255 : Math.round((x * 255) / (width - 1)); // a cut-out fading in
    }
  }
  return { raw, channels };
}

async function encoded(width: number, height: number, format: 'jpeg' | 'png' | 'webp', opts: { hue?: number; alpha?: boolean } = {}): Promise<Uint8Array> {
  const { raw, channels } = picture(width, height, opts.hue ?? 30, opts.alpha);
  const img = sharp(raw, { raw: { width, height, channels } });
  const out = format === 'jpeg' ? await img.jpeg({ quality: 90 }).toBuffer() : format === 'png' ? await img.png().toBuffer() : await img.webp({ quality: 90 }).toBuffer();
  return new Uint8Array(out);
}

/** Mean absolute difference per channel (0..255) of two same-sized images, compared as RGB. */
async function meanDiff(a: Uint8Array, b: Uint8Array): Promise<number> {
  const [x, y] = await Promise.all([sharp(a).removeAlpha().raw().toBuffer(), sharp(b).removeAlpha().raw().toBuffer()]);
  expect(x.length).toBe(y.length);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]! - y[i]!);
  return sum / x.length;
}

/** The same for raw pixels. */
function rawDiff(a: RawImage, b: RawImage): number {
  expect([a.width, a.height, a.channels]).toEqual([b.width, b.height, b.channels]);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}


// ---- template inputs (as test/creative-templates.test.ts builds them) ---------------------

const catalog: CreativeCatalog = { title: 'Example Shop', locale: 'nl-NL', timezone: 'Europe/Amsterdam' };
const NOW = new Date('2026-03-04T12:00:00Z');
const eur = (units: number) => ({ micros: Math.round(units * 1_000_000), currency: 'EUR' });
const plainKit: BrandKit = { ...DEFAULT_BRAND_KIT, logo: null, version: 'test' };
let logoKit: BrandKit = plainKit;

type Facts = Parameters<typeof productInput>[2];
const product = (o: Partial<Product> = {}): Facts => makeProduct({ id: 'SKU-1', title: 'Organic Cotton T-Shirt', price: eur(49.99), ...o });
const onSale = (o: Partial<Product> = {}) => product({ sale_price: eur(34.99), sale_price_effective_date: '2026-03-01T00:00/2026-03-08T00:00', ...o });
const pricePoint = (daysAgo: number, units: number, version: number): PricePoint => ({
  observed_at: new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString(),
  version,
  price_micros: Math.round(units * 1_000_000),
  sale_price_micros: null,
  currency: 'EUR',
});
const VISITOR_PRODUCTS: Facts[] = [
  onSale({ id: 'V1', title: 'Organic Cotton T-Shirt' }),
  product({ id: 'V2', title: 'Linen Summer Shirt', price: eur(129) }),
  onSale({ id: 'V3', title: 'Leather Weekend Bag, Large — Ščř', price: eur(249), sale_price: eur(199) }),
  product({ id: 'V4', title: 'Merino Wool Beanie', price: eur(29.95) }),
];

function layoutFor(template: CreativeTemplate, size: CreativeSizeName, kit: BrandKit): Layout {
  const context = creativeContext(catalog, kit, size);
  if (template.kind === 'product') {
    const facts = onSale({ quantity: 3, shipping: [{ country: 'NL', price: eur(0) }] });
    return template.layout(productInput(context, catalog, facts, { prices: [pricePoint(30, 59.99, 1), pricePoint(2, 49.99, 2)], stock: [] }, NOW));
  }
  return template.layout(visitorInput(context, catalog, VISITOR_PRODUCTS.slice(0, 3), NOW));
}

let photoBytes: Uint8Array[] = [];

/** Each side prepares its own photos from the same bytes, as the service would. */
async function photosFor(rasterizer: Rasterizer, layout: Layout): Promise<Array<RawImage | null>> {
  const byItem: Array<RawImage | null> = [];
  for (const slot of layout.photos) byItem[slot.item] = (await rasterizer.preparePhoto(photoBytes[slot.item % photoBytes.length]!, slot)).image;
  return byItem;
}

async function render(parts: RenderParts, layout: Layout, size: CreativeSizeName, format: ImageFormat): Promise<Uint8Array> {
  return renderLayout(parts, layout, CREATIVE_SIZES[size], await photosFor(parts.rasterizer, layout), format);
}

const measured: string[] = [];

beforeAll(async () => {
  photoBytes = await Promise.all([
    encoded(1200, 1500, 'jpeg', { hue: 20 }),
    encoded(1600, 1200, 'jpeg', { hue: 90 }),
    encoded(900, 900, 'webp', { hue: 150 }),
    encoded(700, 1000, 'png', { hue: 200, alpha: true }),
  ]);
  const logo = await sharp({ create: { width: 240, height: 80, channels: 4, background: { r: 245, g: 158, b: 11, alpha: 1 } } }).png().toBuffer();
  logoKit = { ...plainKit, logo: { data_uri: `data:image/png;base64,${logo.toString('base64')}`, width: 240, height: 80 }, version: 'test-logo' };
});

afterAll(() => {
  if (measured.length) console.log(`wasm vs Node parts, mean absolute difference per channel (0..255):\n  ${measured.join('\n  ')}`);
});

// ---- tests --------------------------------------------------------------------------------

/**
 * Overlays are the same SVG rasterized by the same resvg (pixel for pixel, see below), photos
 * resampled by different code: measured 0.02–0.21 per channel, so a quarter of a level would
 * already be suspicious, and a whole level means something else changed.
 */
const MAX_TEMPLATE_DIFF = 0.75;
/** Two resamplers (libvips, squoosh) from the same photo: measured 0.05–0.8. */
const MAX_PHOTO_DIFF = 1.5;

describe('every template, wasm parts against Node parts', () => {
  for (const template of TEMPLATES) {
    for (const size of ['1080x1080', '300x250'] as const) {
      it(`${template.name} ${size}: same size, same picture`, async () => {
        const layout = layoutFor(template, size, size === '1080x1080' ? logoKit : plainKit);
        const [fromWasm, fromNode] = await Promise.all([render(wasm, layout, size, 'png'), render(node, layout, size, 'png')]);
        const meta = await sharp(fromWasm).metadata();
        expect([meta.format, meta.width, meta.height]).toEqual(['png', CREATIVE_SIZES[size].width, CREATIVE_SIZES[size].height]);
        const diff = await meanDiff(fromWasm, fromNode);
        measured.push(`${template.name} ${size}: ${diff.toFixed(3)}`);
        expect(diff).toBeLessThan(MAX_TEMPLATE_DIFF);
      });
    }
  }

  it('JPEG, PNG and WebP from the wasm encoders decode to the right size and look like Node', async () => {
    for (const size of ['1200x628', '300x250'] as const) {
      const layout = layoutFor(TEMPLATES[0]!, size, plainKit);
      for (const [format, expected] of [['jpg', 'jpeg'], ['png', 'png'], ['webp', 'webp']] as const) {
        const [fromWasm, fromNode] = await Promise.all([render(wasm, layout, size, format), render(node, layout, size, format)]);
        const meta = await sharp(fromWasm).metadata();
        expect([meta.format, meta.width, meta.height]).toEqual([expected, CREATIVE_SIZES[size].width, CREATIVE_SIZES[size].height]);
        const diff = await meanDiff(fromWasm, fromNode);
        measured.push(`badge ${size} ${format}: ${diff.toFixed(3)} (${fromWasm.byteLength} bytes, Node ${fromNode.byteLength})`);
        expect(diff).toBeLessThan(3); // two lossy encoders at q85: measured 0.7–1.7 for JPEG, 0.2–0.7 for WebP
      }
    }
  });

  it('rasterizes an SVG to premultiplied RGBA, exactly as resvg-js does', async () => {
    const svg = `<svg width="64" height="32" viewBox="0 0 64 32" xmlns="http://www.w3.org/2000/svg"><rect x="8" y="4" width="40" height="20" rx="6" fill="rgba(220,38,38,0.5)"/></svg>`;
    const [a, b] = await Promise.all([wasm.rasterizer.svg(svg), node.rasterizer.svg(svg)]);
    expect(rawDiff(a, b)).toBe(0);
    const centre = (16 * 64 + 28) * 4;
    expect([...a.data.subarray(centre, centre + 4)]).toEqual([110, 19, 19, 127]); // 220 × 0.5, 38 × 0.5, α 127
  });
});

describe('preparePhoto on wasm', () => {
  const fitted = async (bytes: Uint8Array, width: number, height: number, fit: PhotoFit) => {
    const box = { width, height, fit };
    const [a, b] = await Promise.all([wasm.rasterizer.preparePhoto(bytes, box), node.rasterizer.preparePhoto(bytes, box)]);
    return { wasm: a, node: b };
  };

  it('JPEG: cover fills the box exactly, contain keeps the aspect inside it, both like sharp', async () => {
    const jpeg = await encoded(1500, 1001, 'jpeg');
    for (const [w, h, fit] of [[1080, 1080, 'cover'], [1080, 1080, 'contain'], [300, 250, 'cover'], [333, 500, 'contain'], [2000, 1800, 'contain']] as const) {
      const { wasm: a, node: b } = await fitted(jpeg, w, h, fit);
      expect([a.image.width, a.image.height, a.image.channels], `${w}x${h} ${fit}`).toEqual([b.image.width, b.image.height, 3]);
      if (fit === 'cover') expect([a.image.width, a.image.height]).toEqual([w, h]);
      const diff = rawDiff(a.image, b.image);
      measured.push(`photo 1500x1001 JPEG → ${w}x${h} ${fit}: ${diff.toFixed(3)}`);
      expect(diff).toBeLessThan(MAX_PHOTO_DIFF);
      expect(sniffImage(a.bytes)).toBe('jpeg'); // cached as JPEG
      const cached = await wasm.rasterizer.decodePrepared(a.bytes);
      expect(rawDiff(cached, a.image)).toBeLessThan(1.5); // q92
    }
  });

  it('PNG with alpha: premultiplied RGBA, cached as PNG that decodes back to the same pixels', async () => {
    const png = await encoded(400, 300, 'png', { alpha: true });
    const { wasm: a, node: b } = await fitted(png, 200, 200, 'contain');
    expect([a.image.width, a.image.height, a.image.channels]).toEqual([200, 150, 4]);
    expect([b.image.width, b.image.height, b.image.channels]).toEqual([200, 150, 4]);
    // the left edge fades to transparent: premultiplied colour never exceeds alpha
    for (let i = 0; i < a.image.data.length; i += 4) expect(Math.max(a.image.data[i]!, a.image.data[i + 1]!, a.image.data[i + 2]!)).toBeLessThanOrEqual(a.image.data[i + 3]!);
    const diff = rawDiff(a.image, b.image);
    measured.push(`photo 400x300 PNG with alpha → 200x200 contain: ${diff.toFixed(3)}`);
    expect(diff).toBeLessThan(MAX_PHOTO_DIFF);
    expect(sniffImage(a.bytes)).toBe('png');
    expect(rawDiff(await wasm.rasterizer.decodePrepared(a.bytes), a.image)).toBeLessThan(0.5);
    // and on Node: the cached PNG round-trips too (it was premultiplied twice, darkening cut-outs)
    expect(sniffImage(b.bytes)).toBe('png');
    expect(rawDiff(await node.rasterizer.decodePrepared(b.bytes), b.image)).toBeLessThan(0.5);
  });

  it('WebP, lossy and lossless with alpha', async () => {
    const lossy = await encoded(640, 480, 'webp');
    const { wasm: a, node: b } = await fitted(lossy, 300, 250, 'cover');
    expect([a.image.width, a.image.height, a.image.channels]).toEqual([300, 250, 3]);
    expect(rawDiff(a.image, b.image)).toBeLessThan(MAX_PHOTO_DIFF);
    const { raw } = picture(320, 200, 10, true);
    const lossless = new Uint8Array(await sharp(raw, { raw: { width: 320, height: 200, channels: 4 } }).webp({ lossless: true }).toBuffer());
    const alpha = await fitted(lossless, 160, 160, 'contain');
    expect([alpha.wasm.image.width, alpha.wasm.image.height, alpha.wasm.image.channels]).toEqual([160, 100, 4]);
    expect(rawDiff(alpha.wasm.image, alpha.node.image)).toBeLessThan(MAX_PHOTO_DIFF);
  });

  it('honours EXIF orientation like sharp', async () => {
    const { raw } = picture(300, 200, 60);
    const rotated = new Uint8Array(await sharp(raw, { raw: { width: 300, height: 200, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer());
    const { wasm: a, node: b } = await fitted(rotated, 400, 400, 'contain');
    expect([a.image.width, a.image.height]).toEqual([267, 400]); // portrait once turned
    expect([b.image.width, b.image.height]).toEqual([267, 400]);
    expect(rawDiff(a.image, b.image)).toBeLessThan(MAX_PHOTO_DIFF);
  });

  it('refuses a header claiming 20000×20000 before decoding anything', async () => {
    const sof = [0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x4e, 0x20, 0x4e, 0x20, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
    const jpeg = new Uint8Array([...sof, ...new Array<number>(64).fill(0)]);
    const ihdr = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0x4e, 0x20, 0, 0, 0x4e, 0x20, 8, 6, 0, 0, 0, 0, 0, 0, 0];
    const png = new Uint8Array([...ihdr, ...new Array<number>(64).fill(0)]);
    const vp8x = new TextEncoder().encode('RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00');
    const webp = new Uint8Array([...vp8x, 0x1f, 0x4e, 0x00, 0x1f, 0x4e, 0x00, ...new Array<number>(64).fill(0)]); // 20000-1 in 24 bits
    for (const bytes of [jpeg, png, webp]) {
      const started = performance.now();
      const err = await photoFailure(wasm.rasterizer.preparePhoto(bytes, { width: 1080, height: 1080, fit: 'cover' }));
      expect(err.reason, err.message).toBe('too_large');
      expect(err.message).toContain('20000×20000');
      expect(performance.now() - started).toBeLessThan(100);
    }
  });

  it('refuses GIF and AVIF (no decoder on Workers), garbage, and a broken JPEG', async () => {
    const box = { width: 300, height: 300, fit: 'cover' } as const;
    const gif = new Uint8Array(await sharp({ create: { width: 10, height: 10, channels: 3, background: '#f00' } }).gif().toBuffer());
    const gifErr = await photoFailure(wasm.rasterizer.preparePhoto(gif, box));
    expect([gifErr.reason, gifErr.message]).toEqual(['not_an_image', expect.stringContaining('GIF photos are not decoded on Cloudflare Workers')]);
    const avif = new Uint8Array([0, 0, 0, 0x1c, ...new TextEncoder().encode('ftypavif'), ...new Array<number>(40).fill(0)]);
    expect((await photoFailure(wasm.rasterizer.preparePhoto(avif, box))).reason).toBe('not_an_image');
    const garbage = new TextEncoder().encode('<html><body>not a photo</body></html>');
    expect((await photoFailure(wasm.rasterizer.preparePhoto(garbage, box))).reason).toBe('not_an_image');
    const jpeg = await encoded(200, 200, 'jpeg');
    // cut short: the frame header survives, the scan does not (sharp refuses it too)
    const truncated = await photoFailure(wasm.rasterizer.preparePhoto(jpeg.slice(0, 400), box));
    expect([truncated.reason, truncated.message]).toEqual(['undecodable', expect.stringMatching(/premature end/i)]);
    const noFrame = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xd9, 0, 0, 0, 0]);
    expect((await photoFailure(wasm.rasterizer.preparePhoto(noFrame, box))).reason).toBe('undecodable');
    // frame header, no scan: libjpeg's reason comes through, and the next photo still decodes
    const sos = jpeg.findIndex((b, i) => b === 0xff && jpeg[i + 1] === 0xda);
    const noScan = await photoFailure(wasm.rasterizer.preparePhoto(new Uint8Array([...jpeg.subarray(0, sos), 0xff, 0xd9]), box));
    expect([noScan.reason, noScan.message]).toEqual(['undecodable', expect.stringMatching(/missing SOS marker/)]);
    expect((await wasm.rasterizer.preparePhoto(jpeg, box)).image.width).toBe(300);
  });

  it('honours a lower pixel limit for Workers', async () => {
    const parts = wasmCreativeParts(await loadWasmModules(), loadWasmFonts(), noFetch, { maxPhotoPixels: 1_000_000 });
    const err = await photoFailure(parts.rasterizer.preparePhoto(await encoded(1200, 900, 'jpeg'), { width: 300, height: 300, fit: 'cover' }));
    expect(err.reason).toBe('too_large');
  });
});
