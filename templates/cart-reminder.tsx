/** @jsxImportSource ../src/creative/jsx */
/**
 * `cart-reminder`: "Still in your cart" with the first cart item big, up to two more as small
 * thumbnails ("+1" on the last when there are more), the first item's title and price, and a
 * "Complete your order" button. Beside the photo on square, wide and small canvases; stacked
 * on tall ones.
 */
import type { CreativeElement } from '../src/creative/element';
import type { Layout, PhotoSlot, VisitorTemplate } from '../src/creative/template';
import { estimateWidth, fittedText } from '../src/creative/text-fit';
import { Frame, orientation, unit } from './parts';
import {
  BrandMark,
  collageColours,
  CtaButton,
  isSmall,
  ItemPrice,
  MIN_TEXT,
  PageMask,
  priceHeight,
  priceStacks,
  px,
  safeMargins,
  SalePill,
  TILE,
  tileRadius,
  type Rect,
} from './recently-viewed';

/** Lines `text` takes at `fontSize` in `width` (estimated, as text-fit does), at most `max`. */
function lines(text: string, fontSize: number, width: number, max: number): number {
  return Math.max(1, Math.min(max, Math.ceil(estimateWidth(text, fontSize) / (width * 0.9))));
}

export const cartReminder: VisitorTemplate = {
  name: 'cart-reminder',
  kind: 'visitor',
  version: 1,
  overlay: true,
  description: 'The first cart item big with its price, thumbnails of the others and a "complete your order" button',
  layout(input) {
    const { size, brand: kit, copy } = input;
    const items = input.items.slice(0, 4);
    const first = items[0];
    const others = items.slice(1, 3);
    const more = Math.max(0, items.length - 3);
    const u = unit(size);
    const small = isSmall(size);
    const shape = orientation(size);
    const colours = collageColours(kit);
    const margin = px(48 * u, 10);
    const gap = px(32 * u, 7);
    const radius = tileRadius(kit, u, small);
    const safe = safeMargins(size, margin);
    const content = { left: margin, top: safe.top, width: size.width - margin * 2, height: size.height - safe.top - safe.bottom };

    const headSize = px(64 * u, 15);
    const ctaHeight = px(100 * u, 26);
    const priceSize = px(80 * u, 17);
    const titleSize = px(36 * u, 0);
    const showTitle = !small && titleSize >= 12 && first !== undefined;
    const brandHeight = px(64 * u, 14);

    // the headline row (copy and brand mark) and the call-to-action row, placed per layout below
    const headline = (head: Rect): CreativeElement[] => [
      <div style={{ display: 'flex', position: 'absolute', left: head.left, top: head.top, height: head.height, alignItems: 'center', color: colours.onPage, fontWeight: 800 }}>
        <div style={{ display: 'flex', letterSpacing: -0.01 * headSize, ...fittedText(copy.inYourCart, { width: Math.round(head.width * 0.62), max: headSize, min: Math.round(headSize * 0.6) }) }}>
          {copy.inYourCart}
        </div>
      </div>,
      <BrandMark ctx={input} box={{ left: head.left + Math.round(head.width * 0.66), top: head.top + Math.round(head.height * 0.1), width: Math.round(head.width * 0.34), height: Math.round(head.height * 0.8) }} color={colours.onPage} />,
    ];
    const cta = (top: number): CreativeElement => (
      <div style={{ display: 'flex', position: 'absolute', left: content.left, top, width: content.width, justifyContent: 'center' }}>
        <CtaButton text={copy.completeOrder} kit={kit} height={ctaHeight} maxWidth={content.width} />
      </div>
    );

    const parts: Array<CreativeElement | null> = [];
    const tiles: Rect[] = [];
    let big: Rect;
    let thumbs: Rect[] = [];

    if (shape === 'portrait') {
      // headline row; the big photo; title and price beside the thumbnails; the button
      const head = { ...content, height: px(96 * u, 20) };
      const ctaTop = content.top + content.height - ctaHeight;
      const thumbSide = others.length ? px(200 * u) : 0;
      const infoHeight = Math.max(thumbSide, Math.round(titleSize * 1.15 * 2 + gap * 0.4 + priceHeight(priceSize, true)));
      const infoTop = ctaTop - gap - infoHeight;
      big = { left: content.left, top: head.top + head.height + gap, width: content.width, height: 0 };
      big.height = infoTop - gap - big.top;
      thumbs = others.map((_, i) => ({
        left: content.left + content.width - thumbSide * (others.length - i) - Math.round(gap * 0.6) * (others.length - 1 - i),
        top: infoTop + Math.round((infoHeight - thumbSide) / 2),
        width: thumbSide,
        height: thumbSide,
      }));
      const infoWidth = content.width - (others.length ? others.length * thumbSide + (others.length - 1) * Math.round(gap * 0.6) + gap : 0);
      parts.push(
        ...headline(head),
        first ? (
          <div style={{ display: 'flex', flexDirection: 'column', justifyContent: 'center', position: 'absolute', left: content.left, top: infoTop, width: infoWidth, height: infoHeight, overflow: 'hidden', color: colours.onPage }}>
            {showTitle ? (
              <div style={{ display: 'flex', marginBottom: Math.round(gap * 0.4), ...fittedText(first.product.title, { width: infoWidth, max: titleSize, min: Math.max(12, Math.round(titleSize * 0.8)), lines: 2 }) }}>
                {first.product.title}
              </div>
            ) : null}
            <ItemPrice ctx={input} price={first.price} width={infoWidth} fontSize={priceSize} color={colours.onPage} accent={colours.pageAccent} stacked={priceStacks(input, first.price, infoWidth, priceSize)} />
          </div>
        ) : null,
        cta(ctaTop),
      );
    } else {
      // the big photo on the left and a column beside it with title, price and thumbnails; on a
      // wide canvas the column also holds headline and button, otherwise a headline row runs
      // above and the button row below
      const wide = shape === 'landscape';
      let area = content;
      if (!wide) {
        const head = { ...content, height: px(96 * u, 20) };
        const ctaTop = content.top + content.height - ctaHeight;
        parts.push(
          ...headline(head),
          cta(ctaTop),
        );
        const top = head.top + head.height + gap;
        area = { ...content, top, height: ctaTop - gap - top };
      }
      const bigWidth = Math.min(area.height, Math.round((area.width - gap) * (wide || small ? 0.5 : 0.58)));
      big = { left: area.left, top: area.top, width: bigWidth, height: area.height };
      const col = { left: big.left + big.width + gap, top: area.top, width: area.width - big.width - gap, height: area.height };
      const ctaTop = col.top + col.height - ctaHeight;
      const bottom = wide ? ctaTop - gap : col.top + col.height;
      const thumbGap = Math.round(gap * 0.5);
      const thumbSide = others.length ? Math.min(Math.floor((col.width - thumbGap) / 2), px(190 * u), Math.round(col.height * 0.26)) : 0;
      const thumbsTop = bottom - thumbSide;
      thumbs = others.map((_, i) => ({ left: col.left + i * (thumbSide + thumbGap), top: thumbsTop, width: thumbSide, height: thumbSide }));

      // the text stack, top down, in what is left above the thumbnails; parts drop out when it is short
      const budget = (others.length ? thumbsTop - gap : bottom) - col.top;
      const headLines = wide ? lines(copy.inYourCart, headSize, col.width, 3) : 0;
      const stacked = first ? priceStacks(input, first.price, col.width, priceSize) : false;
      const fixed = (wide ? headLines * headSize * 1.15 + gap * 0.5 : 0) + (first ? priceHeight(priceSize, stacked) : 0);
      const showBrand = wide && fixed + brandHeight + gap <= budget;
      let titleLines = showTitle && first ? lines(first.product.title, titleSize, col.width, 3) : 0;
      const room = budget - fixed - (showBrand ? brandHeight + gap : 0);
      while (titleLines > 0 && titleLines * titleSize * 1.15 + gap * 0.5 > room) titleLines--;

      parts.push(
        showBrand ? <BrandMark ctx={input} box={{ left: col.left, top: col.top, width: col.width, height: brandHeight }} color={colours.onPage} align="left" /> : null,
        <div
          style={{
            display: 'flex',
            flexDirection: 'column',
            position: 'absolute',
            left: col.left,
            top: col.top + (showBrand ? brandHeight + gap : 0),
            width: col.width,
            height: Math.max(0, budget - (showBrand ? brandHeight + gap : 0)),
            overflow: 'hidden',
            color: colours.onPage,
          }}
        >
          {wide ? (
            <div style={{ display: 'flex', fontWeight: 800, letterSpacing: -0.01 * headSize, marginBottom: Math.round(gap * 0.5), ...fittedText(copy.inYourCart, { width: col.width, max: headSize, min: Math.max(MIN_TEXT + 2, Math.round(headSize * 0.7)), lines: 3 }) }}>
              {copy.inYourCart}
            </div>
          ) : null}
          {first && titleLines > 0 ? (
            <div style={{ display: 'flex', marginBottom: Math.round(gap * 0.5), opacity: 0.85, ...fittedText(first.product.title, { width: col.width, max: titleSize, min: Math.max(12, Math.round(titleSize * 0.8)), lines: titleLines }) }}>
              {first.product.title}
            </div>
          ) : null}
          {first ? <ItemPrice ctx={input} price={first.price} width={col.width} fontSize={priceSize} color={colours.onPage} accent={colours.pageAccent} stacked={stacked} /> : null}
        </div>,
        wide ? (
          <div style={{ display: 'flex', position: 'absolute', left: col.left, top: ctaTop }}>
            <CtaButton text={copy.completeOrder} kit={kit} height={ctaHeight} maxWidth={col.width} />
          </div>
        ) : null,
      );
    }

    const photos: PhotoSlot[] = [];
    if (first) {
      tiles.push(big);
      const pad = px(Math.min(big.width, big.height) * 0.04, 4);
      photos.push({ item: 0, left: big.left + pad, top: big.top + pad, width: big.width - pad * 2, height: big.height - pad * 2, fit: 'contain' });
      if (!small) parts.push(<SalePill ctx={input} price={first.price} at={{ left: big.left + pad * 2, top: big.top + pad * 2 }} height={px(60 * u, 18)} maxWidth={big.width - pad * 4} />);
    }
    thumbs.forEach((t, i) => {
      tiles.push(t);
      const pad = px(t.width * 0.06, 2);
      photos.push({ item: i + 1, left: t.left + pad, top: t.top + pad, width: t.width - pad * 2, height: t.height - pad * 2, fit: 'contain' });
    });
    const last = thumbs.at(-1);
    if (more > 0 && last) {
      const chip = px(last.width * 0.34, 16);
      parts.push(
        <div
          style={{
            display: 'flex',
            position: 'absolute',
            left: last.left + last.width - chip - Math.round(chip * 0.2),
            top: last.top + last.height - chip - Math.round(chip * 0.2),
            width: chip,
            height: chip,
            alignItems: 'center',
            justifyContent: 'center',
            borderRadius: kit.corner === 'square' ? 0 : Math.round(chip / 2),
            background: kit.primary,
            color: kit.on_primary,
            fontWeight: 800,
            fontSize: Math.max(MIN_TEXT - 2, Math.round(chip * 0.42)),
          }}
        >
          {`+${more}`}
        </div>,
      );
    }

    const over = (
      <Frame ctx={input}>
        <PageMask size={size} colour={colours.page} holes={tiles} radius={radius} />
        {parts}
      </Frame>
    );
    return { background: TILE, photos, over } satisfies Layout;
  },
};
