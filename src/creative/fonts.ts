/**
 * The fonts creatives are drawn with: Inter from the @fontsource/inter npm package, regular,
 * bold and extra-bold, Latin and Latin Extended subsets, as WOFF (satori reads WOFF, not WOFF2).
 * Each runtime loads the same files its own way (Node reads them from node_modules; a Worker
 * bundle imports them as data), so the list and the naming live here once.
 */
import type { FontSpec } from './ports';

export const INTER_FONT_FILES = [
  'inter-latin-400-normal.woff',
  'inter-latin-700-normal.woff',
  'inter-latin-800-normal.woff',
  'inter-latin-ext-400-normal.woff',
  'inter-latin-ext-700-normal.woff',
  'inter-latin-ext-800-normal.woff',
] as const;

export type InterFontFile = (typeof INTER_FONT_FILES)[number];

/** The FontSpecs for Inter, given each file's bytes (`@fontsource/inter/files/<file>`). */
export function interFontSpecs(bytesOf: (file: InterFontFile) => ArrayBuffer | Uint8Array): FontSpec[] {
  return INTER_FONT_FILES.map((file) => {
    const [, subset, weight] = /^inter-(latin|latin-ext)-(\d+)-normal\.woff$/.exec(file)!;
    return {
      // The subsets get different family names: satori falls back glyph by glyph only across
      // families, so under one name Š, Ž, Č, ł, ő … drew as "no glyph" boxes.
      name: subset === 'latin' ? 'Inter' : 'Inter Ext',
      data: bytesOf(file),
      weight: Number(weight) as FontSpec['weight'],
      style: 'normal',
    };
  });
}
