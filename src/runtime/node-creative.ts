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
import { premultiplyInPlace } from '../creative/compose';
import { interFontSpecs } from '../creative/fonts';
import { PhotoError, type FontSpec, type PhotoFetcher, type Rasterizer, type RawImage, type SvgRenderer } from '../creative/ports';
import { MAX_PHOTO_PIXELS } from '../creative/photo-limits';
import type { RasterRegion, RegionRasterizer } from '../creative/render';
import type { CreativeParts } from '../creative/service';
import { cropOf, croppedSvg, hasFilter, RESVG_OPTIONS, withoutRedundantMasks } from '../creative/svg-crop';

export { MAX_PHOTO_PIXELS } from '../creative/photo-limits';

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

/** Inter (src/creative/fonts.ts) from node_modules, read once. */
export function loadInterFonts(): FontSpec[] {
  if (interFonts) return interFonts;
  const dir = require.resolve('@fontsource/inter/package.json').replace(/package\.json$/, 'files/');
  interFonts = interFontSpecs((file) => readFileSync(`${dir}${file}`));
  return interFonts;
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
  if (img.channels === 4) premultiplyInPlace(img.data);
  return img;
}

/** sharp's errors as PhotoErrors: the pixel limit is "too large", anything else "undecodable". */
function photoError(err: unknown): PhotoError {
  if (err instanceof PhotoError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new PhotoError(/pixel limit/i.test(message) ? 'too_large' : 'undecodable', message);
}

/** resvg's pixmap is premultiplied RGBA already. */
function pixmap(rendered: { width: number; height: number; pixels: Buffer }): RawImage {
  const px = rendered.pixels;
  return { width: rendered.width, height: rendered.height, channels: 4, data: new Uint8Array(px.buffer, px.byteOffset, px.byteLength) };
}

/** px: a box at most this big is rasterized on the calling thread (a 280×120 badge is ~34k) */
const SMALL_BOX = 64 * 1024;

/**
 * Rasterize the painted part of an SVG. The pixels are drawn on libuv's thread pool
 * (resvg's renderAsync), so the caller can lay out the next overlay piece meanwhile; only
 * finding the box parses on this thread. The crop is written into satori's root element
 * (what resvg's cropByBBox does to the parsed tree: a viewBox and size of the box).
 */
async function rasterizeRegion(satoriSvg: string): Promise<RasterRegion | null> {
  const svg = withoutRedundantMasks(satoriSvg);
  if (hasFilter(svg)) return { image: pixmap(await renderAsync(svg, RESVG_OPTIONS)), left: 0, top: 0 };
  const resvg = new Resvg(svg, RESVG_OPTIONS);
  const box = resvg.getBBox();
  const crop = cropOf(box, resvg);
  if (crop === null) return null;
  if (crop === 'whole') return { image: pixmap(await renderAsync(svg, RESVG_OPTIONS)), left: 0, top: 0 };
  const { left, top, width, height } = crop;
  // a small box is rendered here, on the tree already parsed: a second parse and the hop to
  // the thread pool would cost about as much as its pixels
  const cropped = width * height <= SMALL_BOX ? null : croppedSvg(svg, crop);
  if (cropped === null) {
    Object.assign(box!, { x: left, y: top, width, height });
    resvg.cropByBBox(box!);
    return { image: pixmap(resvg.render()), left, top };
  }
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
        const raw = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels as 3 | 4 } });
        // cached resized: PNG keeps a cut-out's transparency, JPEG q92 is small and visually lossless.
        // Encoded before `data` is premultiplied in place: the cache holds straight alpha, as
        // decodePrepared expects (premultiplying first had cached cut-outs darkened twice).
        const encoded = hasAlpha ? await raw.png({ compressionLevel: 3 }).toBuffer() : await raw.jpeg({ quality: 92 }).toBuffer();
        const image = premultiply(asRaw(data, info));
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
