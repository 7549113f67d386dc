/** @jsxImportSource ../src/creative/jsx */
/**
 * `badge`: the product photo with its price, a sale badge (percent off, inside the sale window
 * only) and a free-shipping flag. The catalog-ad workhorse for Meta, TikTok and Pinterest.
 */
import { cornerRadius } from '../src/creative/brand-kit';
import type { Layout, ProductCreativeInput, ProductTemplate } from '../src/creative/template';
import { fittedText } from '../src/creative/text-fit';
import { Frame, Logo, orientation, percent, Pill, PriceBlock, unit } from './parts';

export function productPanelLayout(
  input: ProductCreativeInput,
  /** the badge drawn in the photo's top-left corner, if any */
  badge: { text: string; background: string; color: string } | null,
  /** a line above the price (price-drop "was", stock message), if any */
  note: { text: string; color: string } | null,
): Layout {
  const { size, brand: kit, product, price, copy } = input;
  const u = unit(size);
  const shape = orientation(size);
  const pad = Math.round(40 * u);
  // the info panel: under the photo (square, portrait) or beside it (landscape)
  const panel =
    shape === 'landscape'
      ? { left: size.height, top: 0, width: size.width - size.height, height: size.height }
      : { left: 0, top: Math.round(size.height * (shape === 'portrait' ? 0.68 : 0.76)), width: size.width, height: 0 };
  if (shape !== 'landscape') panel.height = size.height - panel.top;
  const photo =
    shape === 'landscape'
      ? { item: 0, left: 0, top: 0, width: size.height, height: size.height, fit: 'contain' as const }
      : { item: 0, left: 0, top: 0, width: size.width, height: panel.top, fit: 'contain' as const };

  const textWidth = panel.width - pad * 2;
  const badgeHeight = Math.round((shape === 'landscape' ? 72 : 88) * u);
  const priceSize = Math.round((shape === 'landscape' ? 84 : 72) * u);
  const titleLines = shape === 'square' ? 1 : 2;

  const over = (
    <Frame ctx={input}>
      {badge ? (
        <div style={{ display: 'flex', position: 'absolute', left: pad, top: pad }}>
          <Pill text={badge.text} background={badge.background} color={badge.color} kit={kit} height={badgeHeight} maxWidth={photo.width - pad * 2} />
        </div>
      ) : null}
      {price.free_shipping ? (
        <div style={{ display: 'flex', position: 'absolute', left: pad, top: photo.height - pad - Math.round(badgeHeight * 0.75) }}>
          <Pill
            text={copy.freeShipping}
            background={kit.primary}
            color={kit.on_primary}
            kit={kit}
            height={Math.round(badgeHeight * 0.75)}
            maxWidth={photo.width - pad * 2}
          />
        </div>
      ) : null}
      {/* over the photo's top-right corner, never on the panel (a dark logo would vanish there) */}
      <Logo kit={kit} box={{ width: Math.round(200 * u), height: Math.round(80 * u) }} style={{ right: size.width - photo.width + pad, top: pad }} />
      <div
        style={{
          display: 'flex',
          flexDirection: 'column',
          justifyContent: 'center',
          position: 'absolute',
          left: panel.left,
          top: panel.top,
          width: panel.width,
          height: panel.height,
          padding: `0 ${pad}px`,
          background: kit.primary,
          color: kit.on_primary,
          borderRadius: shape === 'landscape' ? 0 : `${cornerRadius(kit, Math.round(64 * u))}px ${cornerRadius(kit, Math.round(64 * u))}px 0 0`,
        }}
      >
        <div style={{ display: 'flex', fontWeight: 700, opacity: 0.92, ...fittedText(product.title, { width: textWidth, max: Math.max(12, Math.round(44 * u)), min: Math.max(10, Math.round(28 * u)), lines: titleLines }) }}>
          {product.title}
        </div>
        {note ? (
          <div style={{ display: 'flex', marginTop: Math.round(8 * u), fontWeight: 700, color: note.color, ...fittedText(note.text, { width: textWidth, max: Math.max(11, Math.round(36 * u)), min: Math.max(10, Math.round(22 * u)) }) }}>
            {note.text}
          </div>
        ) : null}
        <div style={{ display: 'flex', marginTop: Math.round(10 * u) }}>
          <PriceBlock ctx={input} price={price} fontSize={priceSize} width={textWidth} color={kit.on_primary} accent={kit.on_primary} />
        </div>
      </div>
    </Frame>
  );
  return { background: kit.background, photos: [photo], over };
}

export const badge: ProductTemplate = {
  name: 'badge',
  kind: 'product',
  version: 1,
  overlay: true,
  description: 'Photo with price, sale percentage (inside the sale window) and free-shipping flag',
  layout(input) {
    const { price, brand: kit, copy, locale } = input;
    const sale = price.percent_off !== null ? { text: copy.percentOff(percent(locale, price.percent_off)), background: kit.accent, color: kit.on_accent } : null;
    return productPanelLayout(input, sale, null);
  },
};
