/**
 * What the creative pipeline asks of its runtime. Node wires satori, resvg-js and sharp
 * (src/runtime/node-creative.ts); Workers will wire satori's standalone build with wasm.
 * Core code (layout, compositing, caching, routes) stays the same on both.
 */
import type { CreativeElement } from './element';
import type { ImageFormat } from './sizes';

/** Raw pixels, row-major, no padding. RGBA is premultiplied by alpha. */
export interface RawImage {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Uint8Array;
}

export interface FontSpec {
  name: string;
  data: ArrayBuffer | Uint8Array;
  weight: 400 | 700 | 800;
  style: 'normal';
}

/** satori: element tree to SVG; it never fetches (every image in the tree is a data URI). */
export type SvgRenderer = (element: CreativeElement, options: { width: number; height: number; fonts: FontSpec[] }) => Promise<string>;

/** A photo that cannot be used; the pipeline draws a placeholder instead. */
export class PhotoError extends Error {
  constructor(
    readonly reason: 'fetch_failed' | 'too_large' | 'not_an_image' | 'undecodable' | 'refused_address' | 'timeout',
    message: string,
  ) {
    super(message);
  }
}

export interface Rasterizer {
  /** Rasterize our own SVG (satori's output, never user input) to premultiplied RGBA. */
  svg(svg: string): Promise<RawImage>;
  /**
   * Decode an untrusted photo (already sniffed as JPEG/PNG/WebP/GIF/AVIF) and scale it to fit
   * the box: `contain` returns at most the box (aspect kept), `cover` exactly the box (centre
   * crop). Refuses images over the pixel limit and anything that is not a photo format
   * (throws PhotoError). Returns the resized photo encoded for caching (`bytes`) and decoded.
   */
  preparePhoto(bytes: Uint8Array, box: { width: number; height: number; fit: 'contain' | 'cover' }): Promise<{ bytes: Uint8Array; image: RawImage }>;
  /** Decode a photo `preparePhoto` made (trusted, from our cache). */
  decodePrepared(bytes: Uint8Array): Promise<RawImage>;
  /** Encode the finished RGB canvas. */
  encode(canvas: RawImage, format: ImageFormat): Promise<Uint8Array>;
}

export interface FetchedPhoto {
  bytes: Uint8Array;
  /** the URL after redirects */
  url: string;
}

/**
 * Fetches an untrusted photo URL: http(s) only, every address the host resolves to checked
 * (no loopback, private, link-local or metadata ranges), re-checked after each of at most 3
 * redirects, with a timeout and a byte cap. Throws PhotoError.
 */
export type PhotoFetcher = (url: string) => Promise<FetchedPhoto>;
