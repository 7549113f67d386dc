/**
 * An untrusted product photo to the slot it fills, with wasm codecs: what sharp's
 * `rotate().resize(w, h, { fit })` does on Node. The size is read from the header and checked
 * against the pixel limit before any decoder allocates; the photo is decoded on a throwaway
 * codec instance (src/runtime/wasm-codecs.ts; mozjpeg applies the EXIF orientation, like
 * sharp's rotate()), box-shrunk by whole factors in JS, then Lanczos-resampled to the slot by
 * squoosh's resizer.
 */
import { readPhotoHeader } from '../creative/photo-header';
import { PhotoError } from '../creative/ports';
import { sniffImage } from '../creative/sniff';
import type { Crop } from '../creative/svg-crop';
import type { PhotoBox } from '../creative/photos';
import type { Rgba, WasmCodecs } from './wasm-codecs';
import { boxShrink } from './wasm-pixels';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The photo fitted to `box`, straight RGBA, and whether it has transparency (then cached as PNG). */
export async function preparePhoto(codecs: WasmCodecs, bytes: Uint8Array, box: PhotoBox, maxPixels: number): Promise<{ rgba: Rgba; alpha: boolean }> {
  const format = sniffImage(bytes);
  if (format === 'gif' || format === 'avif') {
    throw new PhotoError('not_an_image', `${format.toUpperCase()} photos are not decoded on Cloudflare Workers (no wasm decoder for them); use JPEG, PNG or WebP`);
  }
  if (format === null) throw new PhotoError('not_an_image', 'the photo is not a JPEG, PNG or WebP image');
  const header = readPhotoHeader(bytes, format);
  if (!header) throw new PhotoError('undecodable', `the ${format.toUpperCase()} header is missing or malformed`);
  const tooLarge = (w: number, h: number) => new PhotoError('too_large', `the photo is ${w}×${h} px, over the ${maxPixels} pixel limit`);
  if (header.width * header.height > maxPixels) throw tooLarge(header.width, header.height);
  if (header.animated) throw new PhotoError('not_an_image', 'animated WebP photos are not decoded on Cloudflare Workers; use a still image');

  let decoded: Rgba;
  try {
    decoded = format === 'jpeg' ? await codecs.decodeJpeg(bytes, true) : format === 'png' ? await codecs.decodePng(bytes) : await codecs.decodeWebp(bytes);
  } catch (err) {
    throw new PhotoError('undecodable', `cannot decode the ${format.toUpperCase()} photo: ${message(err)}`);
  }
  // the decoder read the header itself; never trust that it agreed with ours
  if (decoded.width * decoded.height > maxPixels) throw tooLarge(decoded.width, decoded.height);
  return { rgba: await fit(codecs, decoded, box, header.alpha), alpha: header.alpha };
}

/**
 * `contain`: the largest size inside the box keeping the aspect (rounded as sharp's `inside`
 * rounds); `cover`: exactly the box, from the centred part of the photo with the box's aspect.
 */
function fitGeometry(width: number, height: number, box: PhotoBox): { region: Crop; width: number; height: number } {
  if (box.fit === 'cover') {
    const scale = Math.max(box.width / width, box.height / height);
    const cw = Math.min(width, Math.max(1, Math.round(box.width / scale)));
    const ch = Math.min(height, Math.max(1, Math.round(box.height / scale)));
    return { region: { left: (width - cw) >> 1, top: (height - ch) >> 1, width: cw, height: ch }, width: box.width, height: box.height };
  }
  const scale = Math.min(box.width / width, box.height / height);
  return {
    region: { left: 0, top: 0, width, height },
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

async function fit(codecs: WasmCodecs, img: Rgba, box: PhotoBox, alpha: boolean): Promise<Rgba> {
  const { region, width, height } = fitGeometry(img.width, img.height, box);
  // Box-shrink by the whole part of the reduction (a 4000 px photo for a 1080 slot: by 3), on
  // whole blocks of the region, centred; the Lanczos pass does the remaining factor below 2.
  const kx = Math.max(1, Math.floor(region.width / width));
  const ky = Math.max(1, Math.floor(region.height / height));
  const used: Crop = {
    left: region.left + ((region.width % kx) >> 1),
    top: region.top + ((region.height % ky) >> 1),
    width: region.width - (region.width % kx),
    height: region.height - (region.height % ky),
  };
  const untouched = kx === 1 && ky === 1 && used.width === img.width && used.height === img.height;
  const shrunk = untouched ? img : boxShrink(img.data, img.width, used, kx, ky, alpha);
  if (shrunk.width === width && shrunk.height === height) return shrunk;
  return codecs.resize(shrunk, width, height, alpha);
}
