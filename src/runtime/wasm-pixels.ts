/**
 * Plain-JS pixel work for the wasm rasterizer (src/runtime/wasm-creative.ts), the parts sharp
 * does natively on Node: channel conversions, premultiplying, and the box pre-shrink before the
 * Lanczos resize. Pure functions on RGBA/RGB byte arrays, no runtime APIs.
 */
import type { Crop } from '../creative/svg-crop';

export { premultiplyInPlace } from '../creative/compose';

/** Premultiplied RGBA → straight, as a copy (encoders store straight alpha). */
export function unpremultiplied(rgba: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgba.length);
  for (let i = 0; i < rgba.length; i += 4) {
    const a = rgba[i + 3]!;
    out[i + 3] = a;
    if (a === 0) continue;
    out[i] = Math.min(255, Math.round((rgba[i]! * 255) / a));
    out[i + 1] = Math.min(255, Math.round((rgba[i + 1]! * 255) / a));
    out[i + 2] = Math.min(255, Math.round((rgba[i + 2]! * 255) / a));
  }
  return out;
}

export function rgbaToRgb(rgba: Uint8Array): Uint8Array {
  const out = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) {
    out[o] = rgba[i]!;
    out[o + 1] = rgba[i + 1]!;
    out[o + 2] = rgba[i + 2]!;
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** RGB → opaque RGBA: the wasm encoders take RGBA only. One 32-bit write per pixel. */
export function rgbToRgba(rgb: Uint8Array): Uint8Array {
  const pixels = rgb.length / 3;
  const out = new Uint8Array(pixels * 4);
  if (!LITTLE_ENDIAN) {
    for (let p = 0; p < pixels; p++) out.set([rgb[p * 3]!, rgb[p * 3 + 1]!, rgb[p * 3 + 2]!, 255], p * 4);
    return out;
  }
  const out32 = new Uint32Array(out.buffer);
  for (let p = 0, i = 0; p < pixels; p++, i += 3) {
    out32[p] = 0xff000000 | (rgb[i + 2]! << 16) | (rgb[i + 1]! << 8) | rgb[i]!;
  }
  return out;
}

/**
 * The `region` of straight RGBA `src` (`width` wide), averaged over kx × ky blocks: an exact box
 * filter by whole factors. libvips (sharp) does the same before its Lanczos pass; here it also
 * keeps the resizer's wasm memory bounded by the output box rather than by the photo. With
 * `alpha`, colours are averaged weighted by alpha, so transparent pixels' colours (often black)
 * do not bleed into a cut-out's edges. kx = ky = 1 is a plain crop.
 */
export function boxShrink(src: Uint8Array, width: number, region: Crop, kx: number, ky: number, alpha: boolean): { data: Uint8Array; width: number; height: number } {
  const ow = Math.floor(region.width / kx);
  const oh = Math.floor(region.height / ky);
  const out = new Uint8Array(ow * oh * 4);
  if (kx === 1 && ky === 1) {
    for (let y = 0; y < oh; y++) {
      const from = ((region.top + y) * width + region.left) * 4;
      out.set(src.subarray(from, from + ow * 4), y * ow * 4);
    }
    return { data: out, width: ow, height: oh };
  }
  const acc = new Float64Array(ow * 4);
  const n = kx * ky;
  for (let oy = 0; oy < oh; oy++) {
    acc.fill(0);
    for (let sy = region.top + oy * ky, yEnd = sy + ky; sy < yEnd; sy++) {
      let s = (sy * width + region.left) * 4;
      for (let ox = 0, o = 0; ox < ow; ox++, o += 4) {
        for (let k = 0; k < kx; k++, s += 4) {
          const a = src[s + 3]!;
          const w = alpha ? a : 1;
          acc[o] = acc[o]! + src[s]! * w;
          acc[o + 1] = acc[o + 1]! + src[s + 1]! * w;
          acc[o + 2] = acc[o + 2]! + src[s + 2]! * w;
          acc[o + 3] = acc[o + 3]! + a;
        }
      }
    }
    const row = oy * ow * 4;
    for (let o = 0; o < ow * 4; o += 4) {
      const a = acc[o + 3]!;
      const weight = alpha ? a : n;
      out[row + o + 3] = Math.round(a / n);
      if (weight === 0) continue;
      out[row + o] = Math.round(acc[o]! / weight);
      out[row + o + 1] = Math.round(acc[o + 1]! / weight);
      out[row + o + 2] = Math.round(acc[o + 2]! / weight);
    }
  }
  return { data: out, width: ow, height: oh };
}
