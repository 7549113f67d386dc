/** @jsxImportSource ../src/creative/jsx */
/**
 * Building blocks the templates share: the scale unit, the pill badge, the price block and the
 * logo. Geometry is explicit (absolute boxes in output pixels) so photo slots, which the
 * pipeline fills outside satori, line up with what is drawn around them.
 */
import { cornerRadius, type BrandKit } from '../src/creative/brand-kit';
import type { CreativeElement, CreativeStyle } from '../src/creative/element';
import type { PriceFacts } from '../src/creative/facts';
import type { CreativeContext } from '../src/creative/template';
import { fittedText } from '../src/creative/text-fit';

/** One design pixel at 1080 px on the short side; everything scales by it. */
export function unit(size: { width: number; height: number }): number {
  return Math.min(size.width, size.height) / 1080;
}

export type Orientation = 'square' | 'landscape' | 'portrait';
export function orientation(size: { width: number; height: number }): Orientation {
  const r = size.width / size.height;
  return r > 1.3 ? 'landscape' : r < 0.77 ? 'portrait' : 'square';
}

export function Frame(props: { ctx: CreativeContext; children?: unknown }): CreativeElement {
  return (
    <div
      style={{
        display: 'flex',
        position: 'relative',
        width: props.ctx.size.width,
        height: props.ctx.size.height,
        fontFamily: 'Inter',
      }}
    >
      {props.children as never}
    </div>
  );
}

export function Pill(props: {
  text: string;
  background: string;
  color: string;
  kit: BrandKit;
  height: number;
  maxWidth: number;
  style?: CreativeStyle;
}): CreativeElement {
  const { height } = props;
  const padX = Math.round(height * 0.42);
  return (
    <div
      style={{
        display: 'flex',
        alignItems: 'center',
        height,
        maxWidth: props.maxWidth,
        padding: `0 ${padX}px`,
        borderRadius: cornerRadius(props.kit, height),
        background: props.background,
        color: props.color,
        fontWeight: 800,
        ...props.style,
      }}
    >
      <div style={{ display: 'flex', ...fittedText(props.text, { width: props.maxWidth - padX * 2, max: Math.round(height * 0.5), min: Math.round(height * 0.3) }) }}>
        {props.text}
      </div>
    </div>
  );
}

/** Now-price, with the struck-through regular price beside it while a sale is on. */
export function PriceBlock(props: { ctx: CreativeContext; price: PriceFacts; fontSize: number; width: number; color: string; accent: string }): CreativeElement {
  const { ctx, price, fontSize, width } = props;
  const now = ctx.money(price.now);
  const was = price.was ? ctx.money(price.was) : null;
  const nowStyle = fittedText(now, { width: was ? width * 0.6 : width, max: fontSize, min: Math.round(fontSize * 0.5) });
  return (
    <div style={{ display: 'flex', alignItems: 'baseline', width, color: props.color }}>
      <div style={{ display: 'flex', fontWeight: 800, color: was ? props.accent : props.color, ...nowStyle }}>{now}</div>
      {was ? (
        <div
          style={{
            display: 'flex',
            marginLeft: Math.round(fontSize * 0.35),
            textDecoration: 'line-through',
            opacity: 0.7,
            ...fittedText(was, { width: width * 0.38, max: Math.round(fontSize * 0.55), min: Math.round(fontSize * 0.3) }),
          }}
        >
          {was}
        </div>
      ) : null}
    </div>
  );
}

/** The brand logo, at most `box` big, aspect kept; nothing when the kit has none. */
export function Logo(props: { kit: BrandKit; box: { width: number; height: number }; style?: CreativeStyle }): CreativeElement | null {
  const logo = props.kit.logo;
  if (!logo) return null;
  const scale = Math.min(props.box.width / logo.width, props.box.height / logo.height);
  const width = Math.max(1, Math.round(logo.width * scale));
  const height = Math.max(1, Math.round(logo.height * scale));
  return <img src={logo.data_uri} width={width} height={height} style={{ position: 'absolute', ...props.style }} />;
}

/** A localised percentage, `30%` / `30 %`, for badges. */
export function percent(locale: string, pct: number): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(pct / 100);
}
