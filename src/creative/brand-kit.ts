/** A catalog's brand kit: the colours, corner style and logo every creative of that shop uses. */
import { z } from 'zod';

const colour = z
  .string()
  .trim()
  .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'must be a hex colour like #1a73e8')
  .transform((v) => v.toLowerCase());

export const CORNER_STYLES = ['square', 'rounded', 'pill'] as const;
export type CornerStyle = (typeof CORNER_STYLES)[number];

export const brandKitSchema = z.strictObject({
  /** badges, call-to-action bars */
  primary: colour,
  /** text on primary */
  on_primary: colour,
  /** sale and urgency accents */
  accent: colour,
  /** text on accent */
  on_accent: colour,
  /** canvas behind photos and collages */
  background: colour,
  /** body text on background */
  text: colour,
  corner: z.enum(CORNER_STYLES),
});

export type BrandKitColours = z.infer<typeof brandKitSchema>;

export interface BrandKit extends BrandKitColours {
  /** The logo, decoded once and handed to templates as a data URI (satori never fetches). */
  logo: { data_uri: string; width: number; height: number } | null;
  /** Changes whenever colours or logo change: part of every creative's cache key. */
  version: string;
}

export const DEFAULT_BRAND_KIT: BrandKitColours = {
  primary: '#111827',
  on_primary: '#ffffff',
  accent: '#dc2626',
  on_accent: '#ffffff',
  background: '#ffffff',
  text: '#111827',
  corner: 'rounded',
};

/** PATCH-style edits: any subset of the colours and corner style. */
export const brandKitPatchSchema = brandKitSchema.partial();

/** Border radius for a box of the given height, by the kit's corner style. */
export function cornerRadius(kit: Pick<BrandKit, 'corner'>, height: number): number {
  if (kit.corner === 'square') return 0;
  if (kit.corner === 'pill') return Math.round(height / 2);
  return Math.max(2, Math.round(height * 0.18));
}
