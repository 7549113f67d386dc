/**
 * Rasterizing only the painted part of an overlay SVG, shared by the Node (resvg-js) and the
 * wasm (resvg-wasm) rasterizers: both resvg builds expose the same getBBox/cropByBBox, so the
 * decision where to rasterize, and the SVG clean-up before it, live here once.
 *
 * Why: resvg's cost follows the canvas size (it clears, layers and copies every pixel), so an
 * overlay piece of 200×90 px on a 1080×1080 frame should cost a 200×90 render.
 */

/** A rectangle in frame pixels. */
export interface Crop {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** What resvg's getBBox returns (a plain object in resvg-js, a wasm object in resvg-wasm). */
export interface PaintedBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * resvg's options for our overlays, on both builds: no system fonts (satori has already turned
 * text into paths), and rendering hints that favour quality where it shows (edges, text).
 */
export const RESVG_OPTIONS = { font: { loadSystemFonts: false }, imageRendering: 0, shapeRendering: 2, textRendering: 1 } as const;

/** The root element satori writes: `<svg width="W" height="H" viewBox="0 0 W H"`. */
export const SATORI_ROOT = /^<svg width="(\d+)" height="(\d+)" viewBox="0 0 \1 \2"/;

/**
 * Where to rasterize an SVG of `frame`'s size that paints `box`: the box, 'whole' for the full
 * frame, or null when it paints nothing. The box is resvg's bounding box of everything visible
 * (strokes included), rounded out to whole pixels plus one for anti-aliasing and clipped to the
 * frame, so shapes crossing the frame's edge are clipped exactly where a full-frame render clips
 * them (same pixels). The full frame instead: a box that is about the frame anyway, and one with
 * something lying far outside the frame (resvg aborts the process on a layer further outside its
 * canvas than the canvas is wide or high; a full frame keeps today's margin). SVGs with filters
 * never get here (shadows and blurs paint beyond the bounding box): see hasFilter.
 */
export function cropOf(box: PaintedBox | undefined, frame: { width: number; height: number }): Crop | 'whole' | null {
  if (!box || !(box.width > 0 || box.height > 0)) return null;
  // the painted box, whole pixels, one more on each side for anti-aliasing
  const x0 = Math.floor(box.x) - 1;
  const y0 = Math.floor(box.y) - 1;
  const x1 = Math.ceil(box.x + box.width) + 1;
  const y1 = Math.ceil(box.y + box.height) + 1;
  if (![x0, y0, x1, y1].every(Number.isFinite)) return 'whole';
  // ... clipped to the frame
  const left = Math.max(0, x0);
  const top = Math.max(0, y0);
  const width = Math.min(frame.width, x1) - left;
  const height = Math.min(frame.height, y1) - top;
  if (width <= 0 || height <= 0) return null;
  const overhangX = Math.max(left - x0, x1 - (left + width));
  const overhangY = Math.max(top - y0, y1 - (top + height));
  if (width * height > frame.width * frame.height * 0.8 || overhangX * 2 > width || overhangY * 2 > height) return 'whole';
  return { left, top, width, height };
}

/** Filters (shadows, blurs) paint outside the bounding box: such an SVG is rasterized whole. */
export function hasFilter(svg: string): boolean {
  return svg.includes('<filter');
}

/**
 * satori's SVG with its root rewritten to show only `crop` (what resvg's cropByBBox does to the
 * parsed tree: a viewBox and size of the box), or null when the root is not satori's.
 */
export function croppedSvg(svg: string, crop: Crop): string | null {
  const root = SATORI_ROOT.exec(svg);
  if (!root) return null;
  const { left, top, width, height } = crop;
  return `<svg width="${width}" height="${height}" viewBox="${left} ${top} ${width} ${height}"${svg.slice(root[0].length)}`;
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
