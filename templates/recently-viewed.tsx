/** @jsxImportSource ../src/creative/jsx */
/**
 * `recently-viewed`: up to four products the visitor looked at, as white product tiles on a
 * lightly tinted page, each with its price (the sale price and the struck regular price while
 * a sale is on), a "Recently viewed" header with the logo (or the shop name) and a call to
 * action. The tile grid adapts to the number of products and to the canvas shape.
 *
 * The collage pieces (tile mask, tile price, call to action, arrangements) are exported for
 * the other visitor templates (./cart-reminder.tsx).
 */
import type { BrandKit } from '../src/creative/brand-kit';
import { parseHex } from '../src/creative/compose';
import type { CreativeElement } from '../src/creative/element';
import type { PriceFacts } from '../src/creative/facts';
import type { CreativeContext, Layout, PhotoSlot, VisitorItem, VisitorTemplate } from '../src/creative/template';
import { estimateWidth, fittedText } from '../src/creative/text-fit';
import { Frame, orientation, percent, Pill, unit } from './parts';

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A size in output pixels, never under `min` (text under ~10 px is unreadable, even at 300x250). */
export function px(value: number, min = 0): number {
  return Math.max(min, Math.round(value));
}

/** The smallest text we draw, in output pixels. */
export const MIN_TEXT = 10;

// ---- colour -------------------------------------------------------------------------------

function hex(r: number, g: number, b: number): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** `a` moved `t` (0..1) of the way to `b`. */
export function mix(a: string, b: string, t: number): string {
  const x = parseHex(a);
  const y = parseHex(b);
  return hex(x[0] + (y[0] - x[0]) * t, x[1] + (y[1] - x[1]) * t, x[2] + (y[2] - x[2]) * t);
}

function luminance(colour: string): number {
  const [r, g, b] = parseHex(colour).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio, 1..21. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The white tiles products sit on (product photos are shot on white). */
export const TILE = '#ffffff';
const INK = '#111827';
const SALE_RED = '#dc2626';

/** The colours of a collage: page (the brand background, tinted so white tiles stand out) and the text on tiles. */
export function collageColours(kit: BrandKit): { page: string; onPage: string; pageAccent: string; tileText: string; tileAccent: string } {
  const page = luminance(kit.background) > 0.8 ? mix(kit.background, kit.text, 0.06) : kit.background;
  const tileText = contrast(kit.text, TILE) >= 4.5 ? kit.text : INK;
  // sale prices in the accent colour where it reads (3:1, large text), else red, else the text colour
  const tileAccent = contrast(kit.accent, TILE) >= 3 ? kit.accent : SALE_RED;
  const pageAccent = contrast(kit.accent, page) >= 3 ? kit.accent : contrast(SALE_RED, page) >= 3 ? SALE_RED : kit.text;
  return { page, onPage: kit.text, pageAccent, tileText, tileAccent };
}

export function tileRadius(kit: Pick<BrandKit, 'corner'>, u: number, small: boolean): number {
  return kit.corner === 'square' ? 0 : px((small ? 32 : 24) * u, 4);
}

// ---- pieces -------------------------------------------------------------------------------

/**
 * The part of the canvas outside `holes`, as rectangles: horizontal bands between the holes'
 * top and bottom edges, each cut where a hole crosses it.
 */
export function outside(size: { width: number; height: number }, holes: Rect[]): Rect[] {
  const ys = [...new Set([0, size.height, ...holes.flatMap((h) => [h.top, h.top + h.height])])]
    .filter((y) => y >= 0 && y <= size.height)
    .sort((a, b) => a - b);
  const out: Rect[] = [];
  for (let i = 0; i + 1 < ys.length; i++) {
    const top = ys[i]!;
    const bottom = ys[i + 1]!;
    const cuts = holes.filter((h) => h.top <= top && h.top + h.height >= bottom).sort((a, b) => a.left - b.left);
    let x = 0;
    for (const h of [...cuts, { left: size.width, width: 0 }]) {
      if (h.left > x) out.push({ left: x, top, width: h.left - x, height: bottom - top });
      x = Math.max(x, h.left + h.width);
    }
  }
  // join a band to the one above it when they line up (fewer boxes for satori and resvg)
  const joined: Rect[] = [];
  for (const r of out) {
    const above = joined.find((j) => j.left === r.left && j.width === r.width && j.top + j.height === r.top);
    if (above) above.height += r.height;
    else joined.push({ ...r });
  }
  return joined;
}

/**
 * The page colour everywhere except the tiles: the photos (composited under the overlay) show
 * through the holes, and a corner piece in each corner of each hole rounds it off, photo
 * included. Plain boxes and four tiny SVGs per hole: resvg draws those several times faster
 * than one canvas-sized path with holes, or rounded borders.
 */
export function PageMask(props: { size: { width: number; height: number }; colour: string; holes: Rect[]; radius: number }): CreativeElement {
  const { size, colour } = props;
  const corners: CreativeElement[] = [];
  for (const h of props.holes) {
    const r = Math.min(props.radius, Math.floor(h.width / 2), Math.floor(h.height / 2));
    if (r <= 0) continue;
    const right = h.left + h.width - r;
    const bottom = h.top + h.height - r;
    // a square minus the quarter circle that rounds the hole's corner
    const pieces: Array<[number, number, string]> = [
      [h.left, h.top, `M0 0H${r}A${r} ${r} 0 0 0 0 ${r}Z`],
      [right, h.top, `M0 0H${r}V${r}A${r} ${r} 0 0 0 0 0Z`],
      [right, bottom, `M${r} 0V${r}H0A${r} ${r} 0 0 0 ${r} 0Z`],
      [h.left, bottom, `M0 0A${r} ${r} 0 0 0 ${r} ${r}H0Z`],
    ];
    for (const [left, top, d] of pieces) {
      corners.push(
        <svg width={r} height={r} viewBox={`0 0 ${r} ${r}`} style={{ position: 'absolute', left, top }}>
          <path d={d} fill={colour} />
        </svg>,
      );
    }
  }
  return (
    <div style={{ display: 'flex', position: 'absolute', left: 0, top: 0, width: size.width, height: size.height }}>
      {outside(size, props.holes).map((b) => (
        <div style={{ position: 'absolute', left: b.left, top: b.top, width: b.width, height: b.height, background: colour }} />
      ))}
      {corners}
    </div>
  );
}

/**
 * The logo in `box` (aspect kept, centred vertically), or the shop name when the kit has no
 * logo. Placed absolutely when `box` has a position, in the flow otherwise.
 */
export function BrandMark(props: {
  ctx: CreativeContext;
  box: { left?: number; top?: number; width: number; height: number };
  color: string;
  align?: 'left' | 'right';
}): CreativeElement {
  const { ctx, box } = props;
  const logo = ctx.brand.logo;
  const frame = {
    display: 'flex',
    ...(box.left !== undefined && box.top !== undefined ? { position: 'absolute', left: box.left, top: box.top } : { flexShrink: 0 }),
    width: box.width,
    height: box.height,
    alignItems: 'center',
    justifyContent: props.align === 'left' ? 'flex-start' : 'flex-end',
  };
  if (logo) {
    const scale = Math.min(box.width / logo.width, box.height / logo.height);
    const width = Math.max(1, Math.round(logo.width * scale));
    const height = Math.max(1, Math.round(logo.height * scale));
    return (
      <div style={frame}>
        <img src={logo.data_uri} width={width} height={height} />
      </div>
    );
  }
  const max = Math.round(box.height * 0.62);
  return (
    <div style={{ ...frame, color: props.color }}>
      <div style={{ display: 'flex', fontWeight: 700, opacity: 0.8, ...fittedText(ctx.shop, { width: box.width, max, min: Math.max(MIN_TEXT, Math.round(max * 0.6)) }) }}>
        {ctx.shop}
      </div>
    </div>
  );
}

/** A call-to-action button: the brand colour, the copy and a drawn arrow (Inter's subsets have no →). */
export function CtaButton(props: { text: string; kit: BrandKit; height: number; maxWidth: number }): CreativeElement {
  const { text, kit, height, maxWidth } = props;
  const fontSize = Math.max(MIN_TEXT, Math.round(height * 0.4));
  const textNeed = estimateWidth(text, fontSize) * ESTIMATE_SLACK;
  // tight (long copy, small canvas): the arrow goes first, then some of the padding
  let padX = Math.round(height * 0.5);
  let arrow = Math.round(height * 0.34);
  let gap = Math.round(height * 0.2);
  if (textNeed + padX * 2 + arrow + gap > maxWidth) {
    arrow = 0;
    gap = 0;
    if (textNeed + padX * 2 > maxWidth) padX = Math.round(height * 0.3);
  }
  const textWidth = maxWidth - padX * 2 - arrow - gap;
  return (
    <div
      style={{
        display: 'flex',
        alignItems: 'center',
        flexShrink: 0,
        height,
        maxWidth,
        padding: `0 ${padX}px`,
        borderRadius: Math.round(height / (kit.corner === 'square' ? 99 : kit.corner === 'pill' ? 2 : 4.5)),
        background: kit.primary,
        color: kit.on_primary,
        fontWeight: 700,
      }}
    >
      <div style={{ display: 'flex', ...fittedText(text, { width: textWidth, max: fontSize, min: Math.max(MIN_TEXT - 1, Math.round(fontSize * 0.7)) }) }}>{text}</div>
      {arrow > 0 ? (
        <svg width={arrow} height={arrow} viewBox="0 0 24 24" style={{ marginLeft: gap, flexShrink: 0 }}>
          <path d="M4 12H19M13 5L20 12L13 19" fill="none" stroke={kit.on_primary} strokeWidth={3.2} strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      ) : null}
    </div>
  );
}

/** Now-price in bold (accent while a sale is on) and the struck regular price, beside it or under it. */
export function ItemPrice(props: {
  ctx: CreativeContext;
  price: PriceFacts;
  width: number;
  fontSize: number;
  color: string;
  accent: string;
  stacked: boolean;
}): CreativeElement {
  const { ctx, price, width, fontSize, stacked } = props;
  const now = ctx.money(price.now);
  const was = price.was ? ctx.money(price.was) : null;
  const min = Math.max(MIN_TEXT, Math.round(fontSize * 0.6));
  if (!was) {
    return <div style={{ display: 'flex', fontWeight: 800, color: props.color, ...fittedText(now, { width, max: fontSize, min }) }}>{now}</div>;
  }
  const wasSize = wasFontSize(fontSize);
  const wasMin = Math.max(MIN_TEXT, Math.round(wasSize * 0.7));
  const gap = Math.round(fontSize * 0.3);
  // beside: the now-price keeps its natural width, the struck price gives way (ellipsis) if
  // the estimate was optimistic
  const wasWidth = stacked ? width : Math.max(1, width - estimateWidth(now, fontSize) * ESTIMATE_SLACK - gap);
  return (
    <div style={{ display: 'flex', flexDirection: stacked ? 'column' : 'row', alignItems: stacked ? 'flex-start' : 'baseline', width }}>
      <div style={{ display: 'flex', flexShrink: 0, fontWeight: 800, color: props.accent, ...fittedText(now, { width, max: fontSize, min }) }}>{now}</div>
      <div
        style={{
          display: 'flex',
          flexShrink: 1,
          minWidth: 0,
          marginLeft: stacked ? 0 : gap,
          fontWeight: 400,
          color: props.color,
          opacity: 0.62,
          textDecoration: 'line-through',
          ...fittedText(was, { width: wasWidth, max: wasSize, min: wasMin }),
          maxWidth: stacked ? width : undefined,
        }}
      >
        {was}
      </div>
    </div>
  );
}

/** text-fit's estimate runs a few % narrow for bold digits: room we keep on top of it. */
const ESTIMATE_SLACK = 1.1;

function wasFontSize(fontSize: number): number {
  return Math.max(MIN_TEXT, Math.round(fontSize * 0.62));
}

/** Does the struck price have to go under the now-price to fit `width`? */
export function priceStacks(ctx: CreativeContext, price: PriceFacts, width: number, fontSize: number): boolean {
  if (!price.was) return false;
  const need = (estimateWidth(ctx.money(price.now), fontSize) + estimateWidth(ctx.money(price.was), wasFontSize(fontSize))) * ESTIMATE_SLACK + fontSize * 0.3;
  return need > width;
}

/** Height of an ItemPrice box. */
export function priceHeight(fontSize: number, stacked: boolean): number {
  return Math.ceil(fontSize * 1.15 + (stacked ? wasFontSize(fontSize) * 1.15 : 0));
}

/** The percent-off pill on a tile's photo, while a sale is on. */
export function SalePill(props: { ctx: CreativeContext; price: PriceFacts; at: { left: number; top: number }; height: number; maxWidth: number }): CreativeElement | null {
  const { ctx, price } = props;
  if (price.percent_off === null) return null;
  const kit = ctx.brand;
  return (
    <div style={{ display: 'flex', position: 'absolute', left: props.at.left, top: props.at.top }}>
      <Pill text={ctx.copy.percentOff(percent(ctx.locale, price.percent_off))} background={kit.accent} color={kit.on_accent} kit={kit} height={props.height} maxWidth={props.maxWidth} />
    </div>
  );
}

// ---- arrangement --------------------------------------------------------------------------

/** Split `r` into `n` equal columns (or rows) with `gap` between them. */
function split(r: Rect, n: number, gap: number, dir: 'columns' | 'rows'): Rect[] {
  const out: Rect[] = [];
  const total = dir === 'columns' ? r.width : r.height;
  const each = (total - gap * (n - 1)) / n;
  for (let i = 0; i < n; i++) {
    const a = Math.round(i * (each + gap));
    const b = Math.round(i * (each + gap) + each);
    out.push(dir === 'columns' ? { left: r.left + a, top: r.top, width: b - a, height: r.height } : { left: r.left, top: r.top + a, width: r.width, height: b - a });
  }
  return out;
}

/**
 * Tiles for `n` products in `area`: 1 fills it; 2 side by side (stacked in a tall area); 3 as
 * one big and two small (a row in a wide area); 4 as a 2×2 grid (a row in a very wide area).
 * The first product, the most relevant, gets the big tile.
 */
export function arrange(n: number, area: Rect, gap: number): Rect[] {
  const a = area.width / area.height;
  if (n <= 1) return [area];
  if (n === 2) return split(area, 2, gap, a >= 1 ? 'columns' : 'rows');
  if (n === 3) {
    if (a >= 1.9) return split(area, 3, gap, 'columns');
    if (a < 0.85) {
      const [top, bottom] = splitAt(area, 0.6, gap, 'rows');
      return [top, ...split(bottom, 2, gap, 'columns')];
    }
    const [left, right] = splitAt(area, 0.58, gap, 'columns');
    return [left, ...split(right, 2, gap, 'rows')];
  }
  if (a >= 2.4) return split(area, 4, gap, 'columns');
  return split(area, 2, gap, 'rows').flatMap((row) => split(row, 2, gap, 'columns'));
}

function splitAt(r: Rect, share: number, gap: number, dir: 'columns' | 'rows'): [Rect, Rect] {
  if (dir === 'columns') {
    const w = Math.round((r.width - gap) * share);
    return [
      { left: r.left, top: r.top, width: w, height: r.height },
      { left: r.left + w + gap, top: r.top, width: r.width - w - gap, height: r.height },
    ];
  }
  const h = Math.round((r.height - gap) * share);
  return [
    { left: r.left, top: r.top, width: r.width, height: h },
    { left: r.left, top: r.top + h + gap, width: r.width, height: r.height - h - gap },
  ];
}

// ---- the product tile ---------------------------------------------------------------------

interface TilePlan {
  rect: Rect;
  photo: Rect;
  /** where title and price go */
  text: Rect;
  horizontal: boolean;
  titleSize: number;
  titleLines: number;
  priceSize: number;
  pad: number;
}

/**
 * Photo on top and text under it; in a wide tile photo left and text right. Titles are left
 * out where they would be too small to read (the price always stays).
 */
function planTile(
  rect: Rect,
  u: number,
  small: boolean,
  stacked: (plan: { width: number; priceSize: number }) => boolean,
  /** the narrowest text column that still shows the now-price at the smallest size */
  minTextWidth: number,
): TilePlan & { stacked: boolean } {
  const pad = px(Math.min(rect.width, rect.height) * 0.05, 4);
  const side = Math.min(rect.height - pad * 2, Math.round(rect.width * 0.58), Math.round(rect.width - pad * 3 - minTextWidth));
  // photo left, text right: in a wide tile, when the text column stays wide enough to read
  const horizontal = rect.width / rect.height >= 1.3 && rect.width - side - pad * 3 >= Math.max(small ? 50 : 80, 240 * u);
  if (horizontal) {
    const photo = { left: rect.left + pad, top: rect.top + pad, width: side, height: rect.height - pad * 2 };
    const textLeft = photo.left + photo.width + pad * 1.5;
    const text = { left: Math.round(textLeft), top: rect.top + pad, width: Math.round(rect.left + rect.width - pad * 1.5 - textLeft), height: rect.height - pad * 2 };
    const priceSize = px(Math.min(56 * u, text.width * 0.15), 12);
    const titleSize = px(Math.min(34 * u, text.width * 0.1), 0);
    const showTitle = !small && titleSize >= 12;
    return { rect, photo, text, horizontal, titleSize: showTitle ? titleSize : 0, titleLines: 3, priceSize, pad, stacked: stacked({ width: text.width, priceSize }) };
  }
  const textWidth = rect.width - pad * 3;
  const priceSize = px(Math.min(46 * u, rect.width * 0.1), small ? 11 : 12);
  const titleSize = px(Math.min(30 * u, rect.width * 0.066), 0);
  const showTitle = !small && titleSize >= 12;
  const isStacked = stacked({ width: textWidth, priceSize });
  const textHeight = Math.round(pad * 0.4 + (showTitle ? titleSize * 1.15 + pad * 0.3 : 0) + priceHeight(priceSize, isStacked) + pad * 1.1);
  const photo = { left: rect.left + pad, top: rect.top + pad, width: rect.width - pad * 2, height: rect.height - pad - textHeight };
  const text = { left: rect.left + Math.round(pad * 1.5), top: photo.top + photo.height + Math.round(pad * 0.4), width: textWidth, height: textHeight - Math.round(pad * 1.5) };
  return { rect, photo, text, horizontal, titleSize: showTitle ? titleSize : 0, titleLines: 1, priceSize, pad, stacked: isStacked };
}

/**
 * Plan every tile of a collage. Tiles of the same size share one price layout (all stacked or
 * none), so titles and prices line up across a row.
 */
export function planTiles(ctx: CreativeContext, items: readonly VisitorItem[], rects: Rect[], small: boolean): Array<TilePlan & { stacked: boolean }> {
  const u = unit(ctx.size);
  const needs = (width: number, priceSize: number) => items.some((it) => priceStacks(ctx, it.price, width, priceSize));
  const minText = Math.max(...items.map((it) => estimateWidth(ctx.money(it.price.now), small ? 12 : 14) * ESTIMATE_SLACK));
  return rects.map((rect) => planTile(rect, u, small, ({ width, priceSize }) => needs(width, priceSize), minText));
}

export function TileText(props: { ctx: CreativeContext; item: VisitorItem; plan: TilePlan & { stacked: boolean }; colours: ReturnType<typeof collageColours> }): CreativeElement {
  const { ctx, item, plan, colours } = props;
  const { text } = plan;
  const title = item.product.title;
  return (
    <div
      style={{
        display: 'flex',
        flexDirection: 'column',
        justifyContent: plan.horizontal ? 'center' : 'flex-start',
        position: 'absolute',
        left: text.left,
        top: text.top,
        width: text.width,
        height: text.height,
        color: colours.tileText,
      }}
    >
      {plan.titleSize > 0 ? (
        <div
          style={{
            display: 'flex',
            fontWeight: 400,
            marginBottom: Math.round(plan.horizontal ? plan.titleSize * 0.5 : plan.pad * 0.3),
            ...fittedText(title, { width: text.width, max: plan.titleSize, min: Math.max(12, Math.round(plan.titleSize * 0.8)), lines: plan.titleLines }),
          }}
        >
          {title}
        </div>
      ) : null}
      <ItemPrice ctx={ctx} price={item.price} width={text.width} fontSize={plan.priceSize} color={colours.tileText} accent={colours.tileAccent} stacked={plan.stacked} />
    </div>
  );
}

// ---- the template -------------------------------------------------------------------------

/** Top and bottom margins that keep text out of the stories UI (profile bar, reply box) on tall canvases. */
export function safeMargins(size: { width: number; height: number }, margin: number): { top: number; bottom: number } {
  if (orientation(size) !== 'portrait') return { top: margin, bottom: margin };
  return { top: Math.round(size.height * 0.08), bottom: Math.round(size.height * 0.11) };
}

/** 300x250 and the like: fewer details, bigger minimum text. */
export function isSmall(size: { width: number; height: number }): boolean {
  return Math.min(size.width, size.height) < 400;
}

export const recentlyViewed: VisitorTemplate = {
  name: 'recently-viewed',
  kind: 'visitor',
  version: 1,
  overlay: true,
  description: 'Up to four products the visitor viewed, each with its price, a header with the logo and a call to action',
  layout(input) {
    const { size, brand: kit, copy } = input;
    const items = input.items.slice(0, 4);
    const u = unit(size);
    const small = isSmall(size);
    const colours = collageColours(kit);
    const margin = px(48 * u, 10);
    const gap = px(24 * u, 6);
    const radius = tileRadius(kit, u, small);
    // a side column (header, brand, button) beside the tiles on wide and small canvases; header
    // above and button below them otherwise
    const side = orientation(size) === 'landscape' || small;

    let area: Rect;
    let chrome: CreativeElement[];
    if (side) {
      const col = { left: margin, top: margin, width: Math.round((size.width - margin * 2) * (small ? 0.36 : 0.3)), height: size.height - margin * 2 };
      area = { left: col.left + col.width + Math.round(gap * 1.5), top: margin, width: 0, height: col.height };
      area.width = size.width - margin - area.left;
      const ctaHeight = px(88 * u, 26);
      const brandHeight = px(64 * u, 16);
      const headSize = px(68 * u, 16);
      chrome = [
        <div
          style={{
            display: 'flex',
            flexDirection: 'column',
            justifyContent: 'center',
            alignItems: 'flex-start',
            position: 'absolute',
            left: col.left,
            top: col.top,
            width: col.width,
            height: col.height,
            color: colours.onPage,
          }}
        >
          <BrandMark ctx={input} box={{ width: col.width, height: brandHeight }} color={colours.onPage} align="left" />
          <div
            style={{
              display: 'flex',
              flexShrink: 0,
              margin: `${Math.round(gap * 0.6)}px 0 ${Math.round(gap * 1.4)}px`,
              fontWeight: 800,
              letterSpacing: -0.01 * headSize,
              ...fittedText(copy.recentlyViewed, { width: col.width, max: headSize, min: Math.max(MIN_TEXT + 2, Math.round(headSize * 0.7)), lines: 3 }),
            }}
          >
            {copy.recentlyViewed}
          </div>
          <CtaButton text={copy.shopNow} kit={kit} height={ctaHeight} maxWidth={col.width} />
        </div>,
      ];
    } else {
      const safe = safeMargins(size, margin);
      const headHeight = px(84 * u, 20);
      const ctaHeight = px(104 * u, 26);
      const head = { left: margin, top: safe.top, width: size.width - margin * 2, height: headHeight };
      const brandBox = { left: head.left + Math.round(head.width * 0.6), top: head.top, width: Math.round(head.width * 0.4), height: headHeight };
      const headSize = px(60 * u, 16);
      area = { left: margin, top: head.top + headHeight + Math.round(gap * 1.5), width: head.width, height: 0 };
      const ctaTop = size.height - safe.bottom - ctaHeight;
      area.height = ctaTop - Math.round(gap * 1.5) - area.top;
      chrome = [
          <div
            style={{
              display: 'flex',
              position: 'absolute',
              left: head.left,
              top: head.top,
              height: head.height,
              alignItems: 'center',
              color: colours.onPage,
              fontWeight: 800,
              letterSpacing: -0.01 * headSize,
            }}
          >
            <div style={{ display: 'flex', ...fittedText(copy.recentlyViewed, { width: Math.round(head.width * 0.58), max: headSize, min: Math.round(headSize * 0.6) }) }}>
              {copy.recentlyViewed}
            </div>
          </div>,
          <BrandMark ctx={input} box={{ ...brandBox, top: brandBox.top + Math.round(headHeight * 0.1), height: Math.round(headHeight * 0.8) }} color={colours.onPage} />,
          <div style={{ display: 'flex', position: 'absolute', left: margin, top: ctaTop, width: size.width - margin * 2, justifyContent: 'center' }}>
            <CtaButton text={copy.shopNow} kit={kit} height={ctaHeight} maxWidth={size.width - margin * 2} />
          </div>,
      ];
    }

    const rects = items.length > 0 ? arrange(items.length, area, gap) : [];
    const plans = planTiles(input, items, rects, small);
    const photos: PhotoSlot[] = plans.map((p, item) => ({ item, ...p.photo, fit: 'contain' }));
    const pillHeight = px(52 * u, 18);

    const over = (
      <Frame ctx={input}>
        <PageMask size={size} colour={colours.page} holes={rects} radius={radius} />
        {chrome}
        {plans.flatMap((plan, i) => {
          const item = items[i]!;
          return [
            <TileText ctx={input} item={item} plan={plan} colours={colours} />,
            !small && plan.rect.width >= 220 ? (
              <SalePill ctx={input} price={item.price} at={{ left: plan.photo.left, top: plan.photo.top }} height={pillHeight} maxWidth={plan.photo.width} />
            ) : null,
          ];
        })}
      </Frame>
    );
    return { background: TILE, photos, over } satisfies Layout;
  },
};
