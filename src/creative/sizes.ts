/** The creative sizes we render: the placements retargeting ads use. */
export const CREATIVE_SIZES = {
  /** square feed/catalog ads (Meta, TikTok, Pinterest) */
  '1080x1080': { width: 1080, height: 1080 },
  /** landscape link ads, Google display */
  '1200x628': { width: 1200, height: 628 },
  /** stories and reels */
  '1080x1920': { width: 1080, height: 1920 },
  /** Google's recommended square product image */
  '1200x1200': { width: 1200, height: 1200 },
  /** the IAB medium rectangle: display and e-mail */
  '300x250': { width: 300, height: 250 },
} as const;

export type CreativeSizeName = keyof typeof CREATIVE_SIZES;
export interface CreativeSize {
  width: number;
  height: number;
}

export const DEFAULT_SIZE: CreativeSizeName = '1080x1080';

export function isCreativeSize(name: string): name is CreativeSizeName {
  return Object.hasOwn(CREATIVE_SIZES, name);
}

export const IMAGE_FORMATS = ['png', 'jpg', 'webp'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];
export const IMAGE_CONTENT_TYPES: Record<ImageFormat, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
};
