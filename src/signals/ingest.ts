/**
 * One batch of raw events → validated, consent-checked rows in the store. Shared by
 * `POST /collect` (many events) and `GET /px.gif` (one).
 *
 * A bad event is reported by index and reason while the rest are kept. Events without consent
 * are counted per day and type and otherwise forgotten. A raw e-mail address is hashed here
 * (SHA-256 of the trimmed, lower-cased address) and goes no further; the hash is kept only for
 * a visitor who allows ads, the one use it has (audience exports). Per visitor the last event of
 * the request decides: one that refuses ads, stored or not, withdraws ad consent and the hash.
 */
import type { Catalog } from '../catalog/catalog';
import { decideConsent } from './consent';
import { emailHash } from './email';
import { parseEvent, type EventDefaults } from './events';
import type { ConsentDrop, SignalStore, StoredEvent, VisitorTouch } from './port';

export interface Indexed {
  index: number;
  reason: string;
}

export interface IngestResult {
  /** events stored by this request */
  accepted: number;
  /** valid events already stored earlier (same event id): kept once */
  duplicates: number;
  /** valid events refused for lack of consent: counted, not stored */
  dropped_consent: number;
  rejected: Indexed[];
  /** accepted events whose time was replaced by the receive time */
  clamped: Indexed[];
}

export interface IngestInput {
  catalog: Pick<Catalog, 'id' | 'consent_mode'>;
  events: readonly unknown[];
  defaults: EventDefaults;
  /** the request carried `Sec-GPC: 1` */
  gpc: boolean;
  now: Date;
  /** visitors whose ad consent the request withdraws besides its events (a consent change without events) */
  withdraw?: readonly string[];
}

/** No ads: no ad consent, and no e-mail hash kept (null clears a stored one). */
function withdrawAds(v: VisitorTouch): void {
  v.ad_consent = false;
  v.email_sha256 = null;
  v.keep_email = false;
}

export async function ingestEvents(signals: SignalStore, input: IngestInput): Promise<IngestResult> {
  const receivedMs = input.now.getTime();
  const receivedAt = input.now.toISOString();
  const day = receivedAt.slice(0, 10);
  const rejected: Indexed[] = [];
  const clamped: Indexed[] = [];
  const stored: StoredEvent[] = [];
  const visitors = new Map<string, VisitorTouch>();
  /** visitors whose last event refused ads and who have no stored event in this request */
  const withdrawn = new Set<string>();
  const drops = new Map<string, ConsentDrop>();

  for (let index = 0; index < input.events.length; index++) {
    const parsed = parseEvent(input.events[index], receivedMs, input.defaults);
    if (!parsed.ok) {
      rejected.push({ index, reason: parsed.reason });
      continue;
    }
    const e = parsed.event;
    const decision = decideConsent(input.catalog.consent_mode, e.consent, input.gpc);
    if (!decision.store) {
      const drop = drops.get(e.type);
      if (drop) drop.count++;
      else drops.set(e.type, { day, type: e.type, count: 1 });
      if (decision.withdrawsAds) {
        const v = visitors.get(e.visitor_id);
        if (v) withdrawAds(v);
        else withdrawn.add(e.visitor_id);
      }
      continue;
    }
    if (e.clamped) clamped.push({ index, reason: e.clamped });
    withdrawn.delete(e.visitor_id);
    // Hashed only when it may be kept: the address of a visitor who refused ads is not processed at all.
    const hashed = !decision.adConsent ? null : e.email !== null ? await emailHash(e.email) : e.email_sha256;
    stored.push({
      event_id: e.event_id,
      visitor_id: e.visitor_id,
      type: e.type,
      occurred_at: e.occurred_at,
      items: e.items,
      order_id: e.order_id,
      value_micros: e.value_micros,
      currency: e.currency,
      search_query: e.search_query,
      list_id: e.list_id,
    });
    let v = visitors.get(e.visitor_id);
    if (!v) {
      v = { visitor_id: e.visitor_id, email_sha256: null, keep_email: true, ad_consent: false, first_seen: e.occurred_at, last_seen: e.occurred_at };
      visitors.set(e.visitor_id, v);
    }
    if (!decision.adConsent) withdrawAds(v);
    else {
      v.ad_consent = true;
      if (hashed) {
        v.email_sha256 = hashed;
        v.keep_email = false;
      }
    }
    if (e.occurred_at < v.first_seen) v.first_seen = e.occurred_at;
    if (e.occurred_at > v.last_seen) v.last_seen = e.occurred_at;
  }
  for (const id of input.withdraw ?? []) {
    const v = visitors.get(id);
    if (v) withdrawAds(v);
    else withdrawn.add(id);
  }

  const dropped = [...drops.values()].reduce((n, d) => n + d.count, 0);
  if (stored.length === 0 && drops.size === 0 && withdrawn.size === 0) {
    return { accepted: 0, duplicates: 0, dropped_consent: 0, rejected, clamped };
  }
  const result = await signals.recordEvents({
    catalogId: input.catalog.id,
    receivedAt,
    events: stored,
    visitors: [...visitors.values()],
    withdrawn: [...withdrawn],
    drops: [...drops.values()],
  });
  return { accepted: result.inserted, duplicates: result.duplicates, dropped_consent: dropped, rejected, clamped };
}
