/** A catalog's brand kit as templates take it: stored colours over the defaults, logo as a data URI. */
import type { StoredBrandKit } from '../store/port';
import { base64 } from '../util/crypto';
import { hashText } from '../util/hash';
import { brandKitSchema, DEFAULT_BRAND_KIT, type BrandKit, type BrandKitColours } from './brand-kit';

export function brandKitFrom(stored: StoredBrandKit): BrandKit {
  // colours were validated when saved; parsing again keeps an old row from breaking renders
  const parsed = brandKitSchema.safeParse({ ...DEFAULT_BRAND_KIT, ...(stored.colours ?? {}) });
  const colours: BrandKitColours = parsed.success ? parsed.data : DEFAULT_BRAND_KIT;
  const logo = stored.logo
    ? { data_uri: `data:${stored.logo.content_type};base64,${base64(stored.logo.bytes)}`, width: stored.logo.width, height: stored.logo.height }
    : null;
  return { ...colours, logo, version: hashText(JSON.stringify([colours, stored.logo?.sha256 ?? null])) };
}
