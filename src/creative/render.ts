/**
 * The render pipeline: background, photos composited into their slots (a clean placeholder
 * where a photo failed), then the satori overlay rasterized and blended on top, then encoded.
 *
 * Where the time goes (bench/images.ts): rasterizing costs in proportion to the canvas, not
 * to what is drawn on it (resvg clears, layers and copies every pixel of a 1080×1080 frame even
 * for two badges and a price panel), so when the runtime can rasterize just the painted part
 * of an SVG (`RegionRasterizer`), the overlay goes piece by piece: each absolutely placed child
 * of the template's frame is laid out by satori on its own (absolute boxes do not affect each
 * other's layout, so the geometry is the same) and rasterized at the size of what it paints.
 */
import type { CreativeChild, CreativeElement } from './element';
import { blend, fillRect, placement, solidCanvas } from './compose';
import type { FontSpec, Rasterizer, RawImage, SvgRenderer } from './ports';
import type { ImageFormat } from './sizes';
import type { Layout, PhotoSlot } from './template';

export interface RenderParts {
  svg: SvgRenderer;
  rasterizer: Rasterizer;
  fonts: FontSpec[];
}

/** The painted part of an SVG, rasterized: premultiplied RGBA placed at (left, top) of the frame. */
export interface RasterRegion {
  image: RawImage;
  left: number;
  top: number;
}

/**
 * Optional rasterizer ability: rasterize only the bounding box of what an SVG paints (null when
 * it paints nothing). The Node rasterizer has it (resvg's bbox crop); a runtime without it gets
 * the whole overlay rasterized as one frame, as before.
 */
export interface RegionRasterizer {
  svgRegion(svg: string): Promise<RasterRegion | null>;
}

function regionRasterizer(r: Rasterizer): RegionRasterizer | null {
  const candidate = r as Rasterizer & Partial<RegionRasterizer>;
  return typeof candidate.svgRegion === 'function' ? (candidate as RegionRasterizer) : null;
}

export async function renderLayout(
  parts: RenderParts,
  layout: Layout,
  size: { width: number; height: number },
  photos: ReadonlyArray<RawImage | null>,
  format: ImageFormat,
): Promise<Uint8Array> {
  const options = { width: size.width, height: size.height, fonts: parts.fonts };
  const regions = regionRasterizer(parts.rasterizer);
  if (!regions) {
    const canvas = underlay(layout, size, photos);
    const overlay = await parts.rasterizer.svg(await parts.svg(layout.over, options));
    blend(canvas, overlay, 0, 0);
    return parts.rasterizer.encode(canvas, format);
  }
  // Lay out piece after piece while the ones before are rasterized (the rasterizer may work off
  // this thread), the biggest declared box first (its raster takes longest), then blend them in
  // paint order: a later piece over an earlier one, as satori paints a frame's children.
  const pieces = overlayPieces(layout.over);
  const order = pieces.map((_, i) => i).sort((a, b) => declaredArea(pieces[b]!) - declaredArea(pieces[a]!));
  const rasters: Array<Promise<RasterRegion | null>> = [];
  try {
    for (const i of order) rasters[i] = regions.svgRegion(await parts.svg(pieces[i]!, options));
  } catch (err) {
    for (const r of rasters) r?.catch(() => {});
    throw err;
  }
  for (const r of rasters) r.catch(() => {}); // each is awaited below; a failure is thrown there
  const canvas = underlay(layout, size, photos, spareCanvas(size));
  for (const r of rasters) {
    const region = await r;
    if (region) blend(canvas, region.image, region.left, region.top);
  }
  const encoded = await parts.rasterizer.encode(canvas, format);
  if (encoded.buffer !== canvas.data.buffer) returnCanvas(canvas.data);
  return encoded;
}

/**
 * Canvases of finished renders, kept for the next: a fresh multi-megabyte buffer costs page
 * faults on first touch and garbage-collector pressure on every render. Only a canvas whose
 * encode has finished comes back here, so no two renders ever share one.
 */
const spareCanvases: Uint8Array[] = [];
const MAX_SPARE_CANVASES = 4;

function spareCanvas(size: { width: number; height: number }): Uint8Array | undefined {
  const bytes = size.width * size.height * 3;
  const i = spareCanvases.findIndex((c) => c.byteLength === bytes);
  return i < 0 ? undefined : spareCanvases.splice(i, 1)[0];
}

function returnCanvas(data: Uint8Array): void {
  if (spareCanvases.length >= MAX_SPARE_CANVASES) spareCanvases.shift();
  spareCanvases.push(data);
}

/** The canvas under the overlay: background colour, photos in their slots, placeholders for missing ones. */
function underlay(layout: Layout, size: { width: number; height: number }, photos: ReadonlyArray<RawImage | null>, reuse?: Uint8Array): RawImage {
  const canvas = solidCanvas(size.width, size.height, layout.background, reuse);
  for (const slot of layout.photos) {
    const image = photos[slot.item] ?? null;
    if (image) {
      const at = placement(slot, image);
      blend(canvas, image, at.left, at.top, slot);
    } else {
      drawPlaceholder(canvas, slot);
    }
  }
  return canvas;
}

/**
 * Frame style properties that only lay children out or are inherited by them: a frame styled
 * with nothing else paints nothing itself, so drawing its children one at a time paints the same.
 */
const LAYOUT_ONLY = new Set([
  'display',
  'position',
  'width',
  'height',
  'flexDirection',
  'alignItems',
  'justifyContent',
  'fontFamily',
  'fontSize',
  'fontWeight',
  'fontStyle',
  'color',
  'lineHeight',
  'letterSpacing',
  'textAlign',
]);

function flatChildren(children: CreativeChild, out: CreativeChild[] = []): CreativeChild[] {
  if (Array.isArray(children)) {
    for (const c of children) flatChildren(c, out);
  } else if (children !== null && children !== undefined && children !== false && children !== true && children !== '') {
    out.push(children);
  }
  return out;
}

/**
 * The overlay as separately drawable pieces: the frame once per child when the frame paints
 * nothing itself and every child is absolutely placed without a z-index (then no child's box
 * depends on another's, and drawing them in order is satori's paint order); otherwise the whole
 * overlay as one piece.
 */
export function overlayPieces(over: CreativeElement): CreativeElement[] {
  const style = over.props.style ?? {};
  if (!Object.keys(style).every((k) => LAYOUT_ONLY.has(k))) return [over];
  const children = flatChildren(over.props.children);
  if (children.length < 2) return [over];
  for (const child of children) {
    if (typeof child !== 'object' || child === null || Array.isArray(child)) return [over];
    const s = child.props.style;
    if (!s || s.position !== 'absolute' || s.zIndex !== undefined) return [over];
  }
  return children.map((child) => ({ ...over, props: { ...over.props, children: [child] } }));
}

/** The width × height a piece's only child declares in px (0 when it leaves its size to the content). */
function declaredArea(piece: CreativeElement): number {
  const child = flatChildren(piece.props.children)[0];
  const style = typeof child === 'object' && child !== null && !Array.isArray(child) ? child.props.style : undefined;
  const w = style?.width;
  const h = style?.height;
  return typeof w === 'number' && typeof h === 'number' ? w * h : 0;
}

/** A calm grey tile with a lighter inner square where a photo could not be had. */
function drawPlaceholder(canvas: RawImage, slot: PhotoSlot): void {
  fillRect(canvas, slot, '#eef0f3');
  const side = Math.round(Math.min(slot.width, slot.height) * 0.28);
  fillRect(
    canvas,
    {
      left: slot.left + Math.round((slot.width - side) / 2),
      top: slot.top + Math.round((slot.height - side) / 2),
      width: side,
      height: side,
    },
    '#d9dde3',
  );
}
