/**
 * The creative parts for Cloudflare Workers (workerd): no sharp, no resvg-js, no file system.
 * satori's standalone build lays out, resvg-wasm rasterizes our overlays, and @jsquash's wasm
 * codecs (mozjpeg, libpng via squoosh, libwebp, squoosh's resizer) do what sharp does on Node
 * (src/runtime/node-creative.ts): the two draw the same creatives, within a fraction of a level
 * per channel (test/creative-wasm.test.ts). Runs on Node too (tests, bench/images.ts).
 *
 * Everything wasm is handed in precompiled (WasmModules) and started lazily, once, on the first
 * render. Differences from Node, all of them at the photo boundary:
 * - GIF and AVIF photos are refused as 'not_an_image' (no decoder in this build);
 * - CMYK JPEGs are 'undecodable' (mozjpeg's RGB output does not convert CMYK);
 * - an animated WebP is refused (sharp draws its first frame);
 * - the resize is a box pre-shrink by whole factors, then Lanczos3 (sharp: the same idea with
 *   its own rounding), so photo pixels differ slightly; JPEG output is mozjpeg's (trellis
 *   quantisation always on), a little smaller than sharp's at the same quality.
 */
import { PhotoError, type FontSpec, type PhotoFetcher, type Rasterizer, type RawImage, type SvgRenderer } from '../creative/ports';
import { readPhotoHeader } from '../creative/photo-header';
import { MAX_PHOTO_PIXELS } from '../creative/photo-limits';
import type { RegionRasterizer } from '../creative/render';
import type { CreativeParts } from '../creative/service';
import { sniffImage } from '../creative/sniff';
import { wasmCodecs, type Rgba, type WasmCodecs, type WasmModules } from './wasm-codecs';
import { preparePhoto } from './wasm-photo';
import { premultiplyInPlace, rgbaToRgb, rgbToRgba, unpremultiplied } from './wasm-pixels';
import { satori } from './wasm-satori';
import { wasmSvgRasterizer } from './wasm-svg';

export type { WasmModules } from './wasm-codecs';

export interface WasmCreativeOptions {
  /**
   * Photos with more pixels are refused ('too_large') before decoding. Default MAX_PHOTO_PIXELS
   * (64 MP), like Node. A wasm decode peaks near 9 bytes per pixel (measured: a 12 MP JPEG
   * holds 60 MB of decoder memory and a 48 MB decoded copy at once), and a Worker isolate has
   * 128 MB for everything, so a Worker should set what fits beside the rest, e.g. 8_000_000.
   */
  maxPhotoPixels?: number;
}

/** Everything the creative service needs, on wasm, with the given fonts and photo fetcher. */
export function wasmCreativeParts(modules: WasmModules, fonts: FontSpec[], fetchPhoto: PhotoFetcher, options: WasmCreativeOptions = {}): CreativeParts {
  const codecs = wasmCodecs(modules);
  return { svg: wasmSvgRenderer(codecs), rasterizer: wasmRasterizer(codecs, options), fonts, fetchPhoto };
}

/** satori/standalone, once its layout wasm is started. */
export function wasmSvgRenderer(codecs: WasmCodecs): SvgRenderer {
  return async (element, { width, height, fonts }) => {
    await codecs.ready();
    return satori(element as never, { width, height, fonts: fonts as never });
  };
}

function rawFrom(rgba: Rgba, alpha: boolean): RawImage {
  if (!alpha) return { width: rgba.width, height: rgba.height, channels: 3, data: rgbaToRgb(rgba.data) };
  premultiplyInPlace(rgba.data);
  return { width: rgba.width, height: rgba.height, channels: 4, data: rgba.data };
}

/** The encoders take straight RGBA: an RGB canvas gets an opaque alpha, an RGBA one is un-premultiplied. */
function encodable(canvas: RawImage): Rgba {
  const data = canvas.channels === 3 ? rgbToRgba(canvas.data) : unpremultiplied(canvas.data);
  return { data, width: canvas.width, height: canvas.height };
}

export function wasmRasterizer(codecs: WasmCodecs, options: WasmCreativeOptions = {}): Rasterizer & RegionRasterizer {
  const maxPixels = options.maxPhotoPixels ?? MAX_PHOTO_PIXELS;
  const svg = wasmSvgRasterizer(codecs);
  return {
    svg: svg.whole,
    svgRegion: svg.region,

    async preparePhoto(bytes, box) {
      const { rgba, alpha } = await preparePhoto(codecs, bytes, box, maxPixels);
      // Cached with straight alpha, so encoded before rawFrom premultiplies the pixels in place:
      // PNG keeps a cut-out's transparency, JPEG q92 is small and visually lossless.
      const encoded = alpha ? await codecs.encodePng(rgba) : await codecs.encodeJpeg(rgba, 92);
      return { bytes: encoded, image: rawFrom(rgba, alpha) };
    },

    async decodePrepared(bytes) {
      // our own JPEG or PNG, at most a slot's size: the long-lived decoders are fine
      const format = sniffImage(bytes);
      if (format === 'png') {
        const header = readPhotoHeader(bytes, 'png');
        return rawFrom(await codecs.decodePng(bytes), header?.alpha ?? true);
      }
      if (format === 'jpeg') return rawFrom(await codecs.decodeJpeg(bytes, false), false);
      throw new PhotoError('undecodable', `a prepared photo is ${format ?? 'not an image'}, not JPEG or PNG`);
    },

    async encode(canvas, format) {
      const rgba = encodable(canvas);
      return format === 'png' ? codecs.encodePng(rgba) : format === 'webp' ? codecs.encodeWebp(rgba) : codecs.encodeJpeg(rgba, 85);
    },
  };
}
