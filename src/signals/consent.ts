/**
 * Whether an event may be stored, and whether its visitor may be personalised in ads.
 *
 * - `opt-in` (default, GDPR): stored only with explicit consent (true, or analytics/ads true).
 * - `opt-out` (CCPA style): stored unless the visitor said no (false, or no purpose granted and
 *   one refused) or, without an explicit choice, the browser sends `Sec-GPC: 1` (Global Privacy
 *   Control, a legally binding opt-out in California and Colorado).
 *
 * Storage needs either purpose (labels count views, audiences need them too); `ad_consent`,
 * which audience exports require, needs explicit consent for ads in both modes, and GPC
 * withdraws it even when a banner said yes (selling/sharing for ads is what GPC refuses).
 *
 * A refusal is also news about a visitor already stored: an event that says no to ads (or comes
 * with GPC) withdraws their ad consent even when the event itself is not stored.
 */
import { z } from 'zod';
import type { ConsentMode } from '../catalog/catalog';

/** `true` means both purposes; an object names them. */
export const consentSchema = z.union([
  z.boolean(),
  z.object({ analytics: z.boolean().optional(), ads: z.boolean().optional() }),
]);
export type Consent = z.infer<typeof consentSchema>;

export interface ConsentDecision {
  store: boolean;
  adConsent: boolean;
  /** the visitor said no to ads (consent false, or ads: false), or the browser sent GPC */
  withdrawsAds: boolean;
}

export function decideConsent(mode: ConsentMode, consent: Consent | undefined, gpc: boolean): ConsentDecision {
  const said = typeof consent === 'object' ? consent : null;
  const analytics = consent === true || said?.analytics === true;
  const ads = consent === true || said?.ads === true;
  // No purpose granted and at least one explicitly refused; `{}` is no decision at all.
  const refused = consent === false || (said !== null && !analytics && !ads && (said.analytics === false || said.ads === false));
  // Explicit consent wins in both modes; GPC stands for the visitor only where they said nothing.
  const store = analytics || ads || (mode === 'opt-out' && !refused && !gpc);
  return { store, adConsent: ads && !gpc, withdrawsAds: gpc || consent === false || said?.ads === false };
}

/** `Sec-GPC: 1`: the browser's Global Privacy Control opt-out. */
export function gpcHeader(value: string | undefined): boolean {
  return value?.trim() === '1';
}
