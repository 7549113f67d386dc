/**
 * A photo's size and whether it has transparency, read from its header without decoding it.
 * Untrusted photos are refused over the pixel limit BEFORE any decoder allocates for them: a
 * 200-byte file can claim 20000×20000 px, 1.6 GB of RGBA. (sharp does this check itself; the
 * wasm decoders do not, so the Workers rasterizer asks here first.)
 *
 * Only what the decoder will use is read: JPEG's frame header (SOF), PNG's IHDR (and a tRNS
 * chunk before the image data), WebP's VP8 / VP8L / VP8X header.
 */
import type { PhotoFormat } from './sniff';

export interface PhotoHeader {
  width: number;
  height: number;
  /** the format can carry transparency here (PNG colour type or tRNS, WebP alpha flag) */
  alpha: boolean;
  /** an animated WebP (VP8X animation flag): only its first frame could be drawn */
  animated: boolean;
}

const u16be = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u16le = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u24le = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
const u32be = (b: Uint8Array, at: number) => ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

/** The header of a JPEG, PNG or WebP photo; null when it is missing, truncated or malformed. */
export function readPhotoHeader(bytes: Uint8Array, format: PhotoFormat): PhotoHeader | null {
  const header = format === 'jpeg' ? jpeg(bytes) : format === 'png' ? png(bytes) : format === 'webp' ? webp(bytes) : null;
  return header && header.width > 0 && header.height > 0 ? header : null;
}

// Start-of-frame markers: baseline, extended, progressive, lossless, in their Huffman and
// arithmetic variants (C4 is DHT, C8 is reserved, CC is DAC).
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpeg(b: Uint8Array): PhotoHeader | null {
  let at = 2; // after SOI
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    // markers without a length: TEM, RSTn, SOI
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // EOI or scan data before any frame header
    const length = u16be(b, at + 2);
    if (length < 2) return null;
    if (SOF.has(marker)) {
      if (at + 9 > b.length) return null;
      // length, precision, height, width (a height of 0 defers it to a DNL marker: refused)
      return { height: u16be(b, at + 5), width: u16be(b, at + 7), alpha: false, animated: false };
    }
    at += 2 + length;
  }
  return null;
}

function png(b: Uint8Array): PhotoHeader | null {
  // signature (8), then IHDR: length (4) = 13, type (4), width, height, depth, colour type
  if (b.length < 33 || ascii(b, 12, 16) !== 'IHDR') return null;
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  const colourType = b[25]!;
  let alpha = colourType === 4 || colourType === 6;
  // a tRNS chunk (before the image data) gives transparency to palette, grey and RGB images
  for (let at = 8; !alpha && at + 8 <= b.length; ) {
    const type = ascii(b, at + 4, at + 8);
    if (type === 'tRNS') alpha = true;
    if (type === 'IDAT' || type === 'IEND') break;
    at += 12 + u32be(b, at);
  }
  return { width, height, alpha, animated: false };
}

function webp(b: Uint8Array): PhotoHeader | null {
  if (b.length < 30) return null;
  const chunk = ascii(b, 12, 16);
  if (chunk === 'VP8 ') {
    // frame tag (3), start code 9d 01 2a, then 14-bit width and height (2 bits of scale each)
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff, alpha: false, animated: false };
  }
  if (chunk === 'VP8L') {
    // signature 0x2f, then width-1 (14 bits), height-1 (14 bits), alpha_is_used (1 bit)
    if (b[20] !== 0x2f) return null;
    const bits = (b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24)) >>> 0;
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, alpha: ((bits >>> 28) & 1) === 1, animated: false };
  }
  if (chunk === 'VP8X') {
    // flags (alpha 0x10, animation 0x02), 3 reserved bytes, canvas width-1 and height-1 (24 bits each)
    const flags = b[20]!;
    return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1, alpha: (flags & 0x10) !== 0, animated: (flags & 0x02) !== 0 };
  }
  return null;
}
