/**
 * The Node creative parts: satori (its default build carries the yoga layout engine), fonts from
 * the @fontsource/inter npm package (nothing downloaded at run time), resvg-js for our own SVG
 * overlays, and sharp for untrusted photos, with every loader a photo has no business using
 * (SVG, PDF, ImageMagick, …) blocked process-wide.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { renderAsync, Resvg } from '@resvg/resvg-js';
import satori from 'satori';
import sharp from 'sharp';
import { PhotoError, type FontSpec, type PhotoFetcher, type Rasterizer, type RawImage, type SvgRenderer } from '../creative/ports';
import type { RasterRegion, RegionRasterizer } from '../creative/render';
import type { CreativeParts } from '../creative/service';

/** No photo is larger than this many pixels (64 MP is Google's own ceiling for product images). */
export const MAX_PHOTO_PIXELS = 64_000_000;

// libvips loaders that are not photo formats. SVG is the one that matters (it can reference
// files and URLs); the others are large attack surfaces we have no use for. Our own overlays are
// rasterized by resvg, so sharp never needs SVG.
sharp.block({
  operation: [
    'VipsForeignLoadSvg',
    'VipsForeignLoadSvgFile',
    'VipsForeignLoadSvgBuffer',
    'VipsForeignLoadSvgSource',
    'VipsForeignLoadPdf',
    'VipsForeignLoadPdfFile',
    'VipsForeignLoadPdfBuffer',
    'VipsForeignLoadPdfSource',
    'VipsForeignLoadMagick',
    'VipsForeignLoadMagickFile',
    'VipsForeignLoadMagickBuffer',
    'VipsForeignLoadOpenslide',
    'VipsForeignLoadFits',
    'VipsForeignLoadMatrix',
    'VipsForeignLoadCsv',
    'VipsForeignLoadVips',
    'VipsForeignLoadVipsFile',
    'VipsForeignLoadAnalyze',
    'VipsForeignLoadRad',
    'VipsForeignLoadPpm',
    'VipsForeignLoadNifti',
    'VipsForeignLoadJxl',
  ],
});
// Renders are short; libvips' operation cache only holds memory.
sharp.cache(false);

const require = createRequire(import.meta.url);

let interFonts: FontSpec[] | undefined;

/** Inter, regular/bold/extra-bold, Latin and Latin Extended subsets (WOFF: satori reads it, not WOFF2). Read once. */
export function loadInterFonts(): FontSpec[] {
  if (interFonts) return interFonts;
  const dir = require.resolve('@fontsource/inter/package.json').replace(/package\.json$/, 'files/');
  const fonts: FontSpec[] = [];
  for (const subset of ['latin', 'latin-ext']) {
    for (const weight of [400, 700, 800] as const) {
      // The subsets get different family names: satori falls back glyph by glyph only across
      // families, so under one name Š, Ž, Č, ł, ő … drew as "no glyph" boxes.
      const name = subset === 'latin' ? 'Inter' : 'Inter Ext';
      fonts.push({ name, data: readFileSync(`${dir}inter-${subset}-${weight}-normal.woff`), weight, style: 'normal' });
    }
  }
  interFonts = fonts;
  return fonts;
}

/** Everything the creative service needs on Node, with the given photo fetcher. */
export function nodeCreativeParts(fetchPhoto: PhotoFetcher): CreativeParts {
  return { svg: nodeSvgRenderer, rasterizer: nodeRasterizer(), fonts: loadInterFonts(), fetchPhoto };
}

export const nodeSvgRenderer: SvgRenderer = (element, { width, height, fonts }) =>
  satori(element as never, { width, height, fonts: fonts as never });

function asRaw(data: Buffer, info: { width: number; height: number; channels: number }): RawImage {
  return { width: info.width, height: info.height, channels: info.channels as 3 | 4, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** Straight RGBA → premultiplied, in place (sharp gives straight alpha; our blend wants premultiplied). */
function premultiply(img: RawImage): RawImage {
  if (img.channels !== 4) return img;
  const d = img.data;
  for (let i = 0; i < d.length; i += 4) {
    const a = d[i + 3]!;
    if (a === 255) continue;
    d[i] = (d[i]! * a) / 255;
    d[i + 1] = (d[i + 1]! * a) / 255;
    d[i + 2] = (d[i + 2]! * a) / 255;
  }
  return img;
}

/** sharp's errors as PhotoErrors: the pixel limit is "too large", anything else "undecodable". */
function photoError(err: unknown): PhotoError {
  if (err instanceof PhotoError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new PhotoError(/pixel limit/i.test(message) ? 'too_large' : 'undecodable', message);
}

const RESVG_OPTIONS = { font: { loadSystemFonts: false }, imageRendering: 0, shapeRendering: 2, textRendering: 1 } as const;

/** resvg's pixmap is premultiplied RGBA already. */
function pixmap(rendered: { width: number; height: number; pixels: Buffer }): RawImage {
  const px = rendered.pixels;
  return { width: rendered.width, height: rendered.height, channels: 4, data: new Uint8Array(px.buffer, px.byteOffset, px.byteLength) };
}

/** The root element satori writes: `<svg width="W" height="H" viewBox="0 0 W H"`. */
const SATORI_ROOT = /^<svg width="(\d+)" height="(\d+)" viewBox="0 0 \1 \2"/;

/** px: a box at most this big is rasterized on the calling thread (a 280×120 badge is ~34k) */
const SMALL_BOX = 64 * 1024;

type Crop = { left: number; top: number; width: number; height: number };

/**
 * Where to rasterize an SVG: the bounding box of what it paints, 'whole' for the full frame, or
 * null when it paints nothing. resvg's cost follows the canvas size (it clears, layers and
 * copies every pixel), so an overlay piece of 200×90 px on a 1080×1080 frame should cost a
 * 200×90 render. The box is resvg's bounding box of everything visible (strokes included),
 * rounded out to whole pixels plus one for anti-aliasing and clipped to the frame, so shapes
 * crossing the frame's edge are clipped exactly where a full-frame render clips them (same
 * pixels). The full frame instead, as before: an SVG with filters (shadows and blurs paint
 * beyond the bounding box), one whose box is about the frame anyway, and one with something
 * lying far outside the frame (resvg aborts the process on a layer further outside its canvas
 * than the canvas is wide or high; a full frame keeps today's margin).
 */
function cropOf(resvg: Resvg): Crop | 'whole' | null {
  const box = resvg.getBBox();
  if (!box || !(box.width > 0 || box.height > 0)) return null;
  const frameW = resvg.width;
  const frameH = resvg.height;
  // the painted box, whole pixels, one more on each side for anti-aliasing
  const x0 = Math.floor(box.x) - 1;
  const y0 = Math.floor(box.y) - 1;
  const x1 = Math.ceil(box.x + box.width) + 1;
  const y1 = Math.ceil(box.y + box.height) + 1;
  if (![x0, y0, x1, y1].every(Number.isFinite)) return 'whole';
  // ... clipped to the frame
  const left = Math.max(0, x0);
  const top = Math.max(0, y0);
  const width = Math.min(frameW, x1) - left;
  const height = Math.min(frameH, y1) - top;
  if (width <= 0 || height <= 0) return null;
  const overhangX = Math.max(left - x0, x1 - (left + width));
  const overhangY = Math.max(top - y0, y1 - (top + height));
  if (width * height > frameW * frameH * 0.8 || overhangX * 2 > width || overhangY * 2 > height) return 'whole';
  return { left, top, width, height };
}

const OVERFLOW_MASK = /<mask id="(satori_om-[^"]+)"><rect x="(-?\d+)" y="(-?\d+)" width="(\d+)" height="(\d+)" fill="#fff"\/><\/mask>/g;
const CLIP_RECT = /<clipPath id="(satori_cp-[^"]+)"><rect x="(-?\d+)" y="(-?\d+)" width="(\d+)" height="(\d+)"\/><\/clipPath>/g;
const MASKED_AND_CLIPPED = /<g mask="url\(#(satori_om-[^)"]+)\)" clip-path="url\(#(satori_cp-[^)"]+)\)">/g;

/**
 * satori clips a box's overflow twice: a clip path and a mask of one white rectangle, the same
 * rectangle. Each costs resvg a layer the size of the canvas; on whole pixels the mask changes
 * nothing the clip has not done already (coverage is exactly 1 inside, 0 outside), so it is
 * dropped. Masks on fractional rectangles, of any other shape, or in an SVG with transforms
 * (a rotated rectangle is not pixel-aligned) stay.
 */
export function withoutRedundantMasks(svg: string): string {
  if (!svg.includes(' mask="url(#satori_om-') || /transform="[^"]/.test(svg)) return svg;
  const rects = (re: RegExp) => new Map([...svg.matchAll(re)].map((m) => [m[1]!, `${m[2]} ${m[3]} ${m[4]} ${m[5]}`]));
  const masks = rects(OVERFLOW_MASK);
  const clips = rects(CLIP_RECT);
  return svg.replace(MASKED_AND_CLIPPED, (both, mask: string, clip: string) => {
    const rect = masks.get(mask);
    return rect !== undefined && rect === clips.get(clip) ? `<g clip-path="url(#${clip})">` : both;
  });
}

/**
 * Rasterize the painted part of an SVG. The pixels are drawn on libuv's thread pool
 * (resvg's renderAsync), so the caller can lay out the next overlay piece meanwhile; only
 * finding the box parses on this thread. The crop is written into satori's root element
 * (what resvg's cropByBBox does to the parsed tree: a viewBox and size of the box).
 */
async function rasterizeRegion(satoriSvg: string): Promise<RasterRegion | null> {
  const svg = withoutRedundantMasks(satoriSvg);
  if (svg.includes('<filter')) return { image: pixmap(await renderAsync(svg, RESVG_OPTIONS)), left: 0, top: 0 };
  const resvg = new Resvg(svg, RESVG_OPTIONS);
  const crop = cropOf(resvg);
  if (crop === null) return null;
  if (crop === 'whole') return { image: pixmap(await renderAsync(svg, RESVG_OPTIONS)), left: 0, top: 0 };
  const root = SATORI_ROOT.exec(svg);
  const { left, top, width, height } = crop;
  // a small box is rendered here, on the tree already parsed: a second parse and the hop to
  // the thread pool would cost about as much as its pixels
  if (!root || width * height <= SMALL_BOX) {
    const box = resvg.getBBox()!;
    Object.assign(box, { x: left, y: top, width, height });
    resvg.cropByBBox(box);
    return { image: pixmap(resvg.render()), left, top };
  }
  const cropped = `<svg width="${width}" height="${height}" viewBox="${left} ${top} ${width} ${height}"${svg.slice(root[0].length)}`;
  return { image: pixmap(await renderAsync(cropped, RESVG_OPTIONS)), left, top };
}

export function nodeRasterizer(): Rasterizer & RegionRasterizer {
  return {
    async svg(svg) {
      return pixmap(new Resvg(svg, RESVG_OPTIONS).render());
    },

    async svgRegion(svg) {
      return rasterizeRegion(svg);
    },

    async preparePhoto(bytes, box) {
      let pipeline: ReturnType<typeof sharp>;
      let hasAlpha: boolean;
      try {
        pipeline = sharp(bytes, { limitInputPixels: MAX_PHOTO_PIXELS, failOn: 'error', sequentialRead: true, animated: false });
        const meta = await pipeline.metadata();
        if (!['jpeg', 'png', 'webp', 'gif', 'heif', 'avif'].includes(meta.format ?? '')) {
          throw new PhotoError('not_an_image', `photo format ${meta.format ?? 'unknown'} is not accepted`);
        }
        hasAlpha = meta.hasAlpha === true;
      } catch (err) {
        throw photoError(err);
      }
      try {
        const resized = pipeline
          .rotate() // honour EXIF orientation
          .resize(box.width, box.height, { fit: box.fit === 'cover' ? 'cover' : 'inside', withoutEnlargement: false })
          .toColourspace('srgb');
        const { data, info } = hasAlpha
          ? await resized.ensureAlpha().raw().toBuffer({ resolveWithObject: true })
          : await resized.removeAlpha().raw().toBuffer({ resolveWithObject: true });
        const image = premultiply(asRaw(data, info));
        const raw = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels as 3 | 4 } });
        // cached resized: PNG keeps a cut-out's transparency, JPEG q92 is small and visually lossless
        const encoded = hasAlpha ? await raw.png({ compressionLevel: 3 }).toBuffer() : await raw.jpeg({ quality: 92 }).toBuffer();
        return { bytes: new Uint8Array(encoded), image };
      } catch (err) {
        throw photoError(err);
      }
    },

    async decodePrepared(bytes) {
      const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
      return premultiply(asRaw(data, info));
    },

    async encode(canvas, format) {
      const img = sharp(canvas.data, { raw: { width: canvas.width, height: canvas.height, channels: canvas.channels } });
      const out =
        format === 'png'
          ? await img.png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer()
          : format === 'webp'
            ? await img.webp({ quality: 85, effort: 2 }).toBuffer()
            : // baseline JPEG without mozjpeg's slower extra passes: half the encode time, a few % bigger
              await img.jpeg({ quality: 85, optimiseCoding: false, trellisQuantisation: false, overshootDeringing: false, optimiseScans: false }).toBuffer();
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    },
  };
}
