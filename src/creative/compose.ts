/**
 * Compositing on raw pixels in plain JS: a flat background, photos copied into their slots,
 * the overlay blended on top. Doing it here rather than in an image library keeps it the same
 * on every runtime, and it is cheap: the overlay comes as pieces the size of what they paint
 * (./render.ts), fills are memcpy, and a transparent pixel is one 32-bit read (bench/images.ts).
 */
import type { RawImage } from './ports';
import type { PhotoSlot } from './template';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function parseHex(hex: string): [number, number, number] {
  const h = hex.length === 4 ? hex.slice(1).replace(/./g, (c) => c + c) : hex.slice(1);
  const n = Number.parseInt(h, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** An RGB canvas filled with `hex`; in `reuse` when it is the right size (every byte is overwritten). */
export function solidCanvas(width: number, height: number, hex: string, reuse?: Uint8Array): RawImage {
  const bytes = width * height * 3;
  const data = reuse && reuse.byteLength === bytes ? reuse : new Uint8Array(bytes);
  const canvas: RawImage = { width, height, channels: 3, data };
  fillRect(canvas, { left: 0, top: 0, width, height }, hex);
  return canvas;
}

/**
 * Fill a rectangle of an RGB canvas with one colour: the first row pixel by pixel, the rest of
 * it by doubling copies, then every other row copied from the first (memcpy, not a JS loop:
 * a 1080×1080 canvas fills in well under a millisecond).
 */
export function fillRect(canvas: RawImage, r: { left: number; top: number; width: number; height: number }, hex: string): void {
  const x0 = Math.max(0, r.left);
  const x1 = Math.min(canvas.width, r.left + r.width);
  const y0 = Math.max(0, r.top);
  const y1 = Math.min(canvas.height, r.top + r.height);
  if (x0 >= x1 || y0 >= y1) return;
  const [red, green, blue] = parseHex(hex);
  const d = canvas.data;
  const rowBytes = (x1 - x0) * 3;
  const first = (y0 * canvas.width + x0) * 3;
  d[first] = red;
  d[first + 1] = green;
  d[first + 2] = blue;
  for (let filled = 3; filled < rowBytes; filled *= 2) {
    d.copyWithin(first + filled, first, first + Math.min(filled, rowBytes - filled));
  }
  const stride = canvas.width * 3;
  if (x0 === 0 && x1 === canvas.width) {
    // full-width rows are contiguous: keep doubling over whole rows
    const total = (y1 - y0) * stride;
    for (let filled = stride; filled < total; filled *= 2) d.copyWithin(first + filled, first, first + Math.min(filled, total - filled));
    return;
  }
  for (let y = y0 + 1; y < y1; y++) d.copyWithin(first + (y - y0) * stride, first, first + rowBytes);
}

/**
 * Where a photo of `image`'s size lands in `slot`: centred; a `contain` photo smaller than the
 * slot leaves the background showing around it.
 */
export function placement(slot: PhotoSlot, image: Pick<RawImage, 'width' | 'height'>): { left: number; top: number } {
  return {
    left: slot.left + Math.floor((slot.width - image.width) / 2),
    top: slot.top + Math.floor((slot.height - image.height) / 2),
  };
}

/**
 * Blend premultiplied RGBA (or copy RGB) `src` onto the RGB canvas at (left, top), clipped to
 * the canvas and to `clip` (the slot, so a cover photo never spills into its neighbour).
 */
export function blend(
  canvas: RawImage,
  src: RawImage,
  left: number,
  top: number,
  clip: { left: number; top: number; width: number; height: number } = { left: 0, top: 0, width: canvas.width, height: canvas.height },
): void {
  const x0 = Math.max(left, clip.left, 0);
  const y0 = Math.max(top, clip.top, 0);
  const x1 = Math.min(left + src.width, clip.left + clip.width, canvas.width);
  const y1 = Math.min(top + src.height, clip.top + clip.height, canvas.height);
  if (x0 >= x1 || y0 >= y1) return;
  const dst = canvas.data;
  const s = src.data;
  if (src.channels === 3) {
    for (let y = y0; y < y1; y++) {
      const from = ((y - top) * src.width + (x0 - left)) * 3;
      dst.set(s.subarray(from, from + (x1 - x0) * 3), (y * canvas.width + x0) * 3);
    }
    return;
  }
  // Little-endian 32-bit reads: one read per pixel, which is all a transparent one costs.
  if (LITTLE_ENDIAN && s.byteOffset % 4 === 0) {
    const s32 = new Uint32Array(s.buffer, s.byteOffset, s.length >> 2);
    for (let y = y0; y < y1; y++) {
      let si = (y - top) * src.width + (x0 - left);
      let di = (y * canvas.width + x0) * 3;
      for (let x = x0; x < x1; x++, si++, di += 3) {
        const v = s32[si]!;
        if (v === 0) continue;
        const a = v >>> 24;
        if (a === 255) {
          dst[di] = v & 255;
          dst[di + 1] = (v >>> 8) & 255;
          dst[di + 2] = (v >>> 16) & 255;
          continue;
        }
        if (a === 0) continue;
        // premultiplied: out = src + dst × (1 − α); rounded down so the sum never passes 255
        const ia = 255 - a;
        dst[di] = (v & 255) + ((dst[di]! * ia) / 255 | 0);
        dst[di + 1] = ((v >>> 8) & 255) + ((dst[di + 1]! * ia) / 255 | 0);
        dst[di + 2] = ((v >>> 16) & 255) + ((dst[di + 2]! * ia) / 255 | 0);
      }
    }
    return;
  }
  for (let y = y0; y < y1; y++) {
    let si = (y - top) * src.width + (x0 - left);
    let di = (y * canvas.width + x0) * 3;
    for (let x = x0; x < x1; x++, si++, di += 3) {
      const o = si << 2;
      const a = s[o + 3]!;
      if (a === 0) continue;
      if (a === 255) {
        dst[di] = s[o]!;
        dst[di + 1] = s[o + 1]!;
        dst[di + 2] = s[o + 2]!;
        continue;
      }
      const ia = 255 - a;
      dst[di] = s[o]! + ((dst[di]! * ia) / 255 | 0);
      dst[di + 1] = s[o + 1]! + ((dst[di + 1]! * ia) / 255 | 0);
      dst[di + 2] = s[o + 2]! + ((dst[di + 2]! * ia) / 255 | 0);
    }
  }
}

/** Straight RGBA → premultiplied, in place: decoders give straight alpha, the blend above wants premultiplied. */
export function premultiplyInPlace(rgba: Uint8Array): void {
  for (let i = 0; i < rgba.length; i += 4) {
    const a = rgba[i + 3]!;
    if (a === 255) continue;
    rgba[i] = (rgba[i]! * a) / 255;
    rgba[i + 1] = (rgba[i + 1]! * a) / 255;
    rgba[i + 2] = (rgba[i + 2]! * a) / 255;
  }
}
