/**
 * Text that does not fit is shrunk, then truncated; it never overflows. satori does not shrink
 * text itself, so templates pick a font size from an estimate of the text's width (Inter's
 * average advance is about 0.56 em in bold, a little wider in caps), and pair it with
 * satori's `lineClamp` / ellipsis as the hard guarantee when even the smallest size is too wide.
 */
import type { CreativeStyle } from './element';

const AVERAGE_ADVANCE_EM = 0.56;
const CAPS_ADVANCE_EM = 0.68;

/** Rough rendered width of `text` at `fontSize` px in Inter. */
export function estimateWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) {
    if (ch === ' ' || ch === '\u00a0' || ch === '\u202f') em += 0.28;
    else if (/[ilI.,:;'!|]/.test(ch)) em += 0.3;
    else if (ch >= 'A' && ch <= 'Z') em += CAPS_ADVANCE_EM;
    else if (/[mwMW@%€]/.test(ch)) em += 0.85;
    else em += AVERAGE_ADVANCE_EM;
  }
  return em * fontSize;
}

/**
 * The largest font size from `max` down to `min` at which `text` fits in `lines` lines of
 * `width` px (lines assumed filled to 90 %: words wrap before the edge).
 */
export function fitFontSize(text: string, opts: { width: number; max: number; min: number; lines?: number }): number {
  const lines = opts.lines ?? 1;
  let size = opts.max;
  while (size > opts.min && estimateWidth(text, size) > opts.width * lines * (lines > 1 ? 0.9 : 1)) {
    size = Math.max(opts.min, Math.floor(size * 0.92));
  }
  return size;
}

/** Style for a text box of at most `lines` lines that ends in an ellipsis instead of overflowing. */
export function clampStyle(lines: number): CreativeStyle {
  return lines === 1
    ? { whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }
    : { display: 'block', lineClamp: lines, overflow: 'hidden' };
}

/** A style with a font size fitted to the box and the clamp that backs it up. */
export function fittedText(
  text: string,
  box: { width: number; max: number; min: number; lines?: number },
): CreativeStyle {
  const lines = box.lines ?? 1;
  const fontSize = fitFontSize(text, box);
  return { fontSize, maxWidth: box.width, lineHeight: 1.15, ...clampStyle(lines) };
}
