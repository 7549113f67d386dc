/**
 * Visitor events as shops send them, validated and normalised at the edge.
 *
 * Types use GA4's names; Meta pixel names are accepted as aliases (ViewContent → view_item, ...),
 * and so are the shapes both send: GA4 `items[].item_id` and Measurement Protocol `name`/`params`,
 * Meta `content_ids`, `contents[].id`/`item_price`, `custom_data`, and `event_time` in seconds.
 * `identify` carries only an e-mail hash for the visitor row (audience exports).
 *
 * The client must make the event id: it is the deduplication key, so a retried beacon (or the
 * same purchase sent by the pixel and by the shop's server) is stored once. An id made up here
 * would turn every retry into a second event, so an event without one is rejected. An id names
 * one event of a catalog whatever its type (Meta dedupes per name and id; here the id alone).
 *
 * Every string and array is capped; only what retargeting needs survives normalisation.
 */
import { z } from 'zod';
import { toMicros } from '../catalog/money';
import { consentSchema, type Consent } from './consent';
import { fastRawEvent } from './event-fast-path';
import { isoTime } from './iso-time';
import {
  AMOUNT_MAX,
  CURRENCY,
  EVENT_ID,
  MAX_ITEMS,
  PRODUCT_ID_MAX,
  QUANTITY_MAX,
  SHA256_HEX,
  TEXT_MAX,
  VISITOR_ID,
} from './event-limits';
import { EMAIL, EMAIL_MAX } from './email';

export { EVENT_ID, MAX_EVENTS, MAX_ITEMS, VISITOR_ID } from './event-limits';

export const EVENT_TYPES = [
  'view_item',
  'view_item_list',
  'add_to_cart',
  'remove_from_cart',
  'begin_checkout',
  'purchase',
  'search',
  'identify',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Meta pixel standard events that dynamic ads match on, by their GA4 equivalent. */
export const META_ALIASES: Readonly<Record<string, EventType>> = {
  ViewContent: 'view_item',
  AddToCart: 'add_to_cart',
  Purchase: 'purchase',
  Search: 'search',
  InitiateCheckout: 'begin_checkout',
};

const TYPE_BY_NAME: ReadonlyMap<string, EventType> = new Map([
  ...EVENT_TYPES.map((t) => [t, t] as const),
  ...Object.entries(META_ALIASES),
]);

/** Types that are about one or more products and mean nothing without them. */
const NEEDS_ITEMS: ReadonlySet<EventType> = new Set(['view_item', 'add_to_cart', 'remove_from_cart']);

/** Clocks run ahead a little; beyond this an event time is the client's error. */
export const FUTURE_SKEW_MS = 5 * 60_000;
/** Oldest event time taken as given (Meta's Conversions API takes 7 days as well). */
export const MAX_AGE_MS = 7 * 86_400_000;


const text = (max: number) => z.string().trim().max(max);
const productId = z.union([z.string(), z.number().int().nonnegative()]).transform(String).pipe(text(PRODUCT_ID_MAX).min(1));
const amount = z.union([z.number(), z.string().trim().regex(/^\d{1,10}(\.\d{1,6})?$/).transform(Number)]).pipe(
  z.number().finite().nonnegative().max(AMOUNT_MAX),
);
const quantity = z.union([z.number(), z.string().trim().regex(/^\d{1,6}$/).transform(Number)]).pipe(
  z.number().int().min(0).max(QUANTITY_MAX),
);

const itemSchema = z.object({
  id: productId.optional(),
  item_id: productId.optional(),
  quantity: quantity.optional(),
  price: amount.optional(),
  item_price: amount.optional(),
});

const timeSchema = z.union([z.number().finite().nonnegative(), text(40)]);

/** Every name an event field may arrive under; unknown fields are dropped. */
const rawEventSchema = z.object({
  type: text(TEXT_MAX.type).optional(),
  name: text(TEXT_MAX.name).optional(),
  event_name: text(TEXT_MAX.event_name).optional(),
  event_id: z.string().regex(EVENT_ID, 'event_id must be 1-64 characters of A-Z a-z 0-9 . _ : -').optional(),
  eid: z.string().regex(EVENT_ID, 'eid must be 1-64 characters of A-Z a-z 0-9 . _ : -').optional(),
  vid: z.string().regex(VISITOR_ID, 'vid must be 8-64 characters of A-Z a-z 0-9 _ -').optional(),
  visitor_id: z.string().regex(VISITOR_ID, 'visitor_id must be 8-64 characters of A-Z a-z 0-9 _ -').optional(),
  ts: timeSchema.optional(),
  timestamp: timeSchema.optional(),
  event_time: timeSchema.optional(),
  consent: consentSchema.optional(),
  id: productId.optional(),
  items: z.array(itemSchema).max(MAX_ITEMS).optional(),
  contents: z.array(itemSchema).max(MAX_ITEMS).optional(),
  content_ids: z.union([z.array(productId).max(MAX_ITEMS), productId.transform((id) => [id])]).optional(),
  list_id: text(TEXT_MAX.list_id).optional(),
  item_list_id: text(TEXT_MAX.item_list_id).optional(),
  item_list_name: text(TEXT_MAX.item_list_name).optional(),
  content_category: text(TEXT_MAX.content_category).optional(),
  transaction_id: text(TEXT_MAX.transaction_id).optional(),
  order_id: text(TEXT_MAX.order_id).optional(),
  value: amount.optional(),
  currency: z
    .string()
    .trim()
    .regex(CURRENCY, 'currency must be an ISO 4217 code')
    .transform((c) => c.toUpperCase())
    .optional(),
  search_term: text(TEXT_MAX.search_term).optional(),
  search_string: text(TEXT_MAX.search_string).optional(),
  q: text(TEXT_MAX.q).optional(),
  email: z.string().trim().max(EMAIL_MAX).regex(EMAIL, 'email is not an e-mail address').optional(),
  email_sha256: z.string().regex(SHA256_HEX, 'email_sha256 must be 64 hex characters').optional(),
});
export type RawEvent = z.infer<typeof rawEventSchema>;

/** A valid event before consent and storage: still carries the raw e-mail, which ingest hashes and drops. */
export interface ParsedEvent {
  type: EventType;
  event_id: string;
  visitor_id: string;
  occurred_at: string;
  /** why occurred_at is the receive time instead of the client's, when it is */
  clamped: string | null;
  items: Array<{ product_id: string; quantity: number | null; price_micros: number | null }>;
  order_id: string | null;
  value_micros: number | null;
  currency: string | null;
  search_query: string | null;
  list_id: string | null;
  email: string | null;
  email_sha256: string | null;
  consent: Consent | undefined;
}

/** What a batch says once for all its events (the snippet sends vid and consent once). */
export interface EventDefaults {
  visitor_id?: string;
  consent?: Consent;
}

export type ParseResult = { ok: true; event: ParsedEvent } | { ok: false; reason: string };

/** The schema's reading of a raw event (after flattening), for tests that compare it with the fast path. */
export function schemaRawEvent(input: Record<string, unknown>): RawEvent | undefined {
  const parsed = rawEventSchema.safeParse(withoutNulls(flatten(input)));
  return parsed.success ? parsed.data : undefined;
}

/** What the fast path makes of the same input (undefined: it leaves it to the schema). */
export function fastPathRawEvent(input: Record<string, unknown>): RawEvent | undefined {
  return fastRawEvent(withoutNulls(flatten(input)));
}

/** Validates one event of a batch; `receivedAt` is the server's clock (ms). */
export function parseEvent(input: unknown, receivedAt: number, defaults: EventDefaults = {}): ParseResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { ok: false, reason: 'an event must be a JSON object' };
  const raw = withoutNulls(flatten(input as Record<string, unknown>));
  // The common shapes are checked by hand (zod cost ~7 µs an event here); the rest, and every
  // refusal with its reason, go through the schema.
  const fast = fastRawEvent(raw);
  if (fast) return normalise(fast, receivedAt, defaults);
  const parsed = rawEventSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.');
    return { ok: false, reason: field ? `${field}: ${issue.message}` : issue.message };
  }
  return normalise(parsed.data, receivedAt, defaults);
}

/** Meta's `custom_data`/`user_data` and GA4 Measurement Protocol's `params` nest what we read flat. */
function flatten(input: Record<string, unknown>): Record<string, unknown> {
  const params = input.params ?? input.custom_data;
  const user = input.user_data;
  if (!isObject(params) && !isObject(user)) return input;
  const out: Record<string, unknown> = { ...(isObject(params) ? params : {}), ...input };
  if (isObject(user) && out.email_sha256 === undefined) {
    const em = Array.isArray(user.em) ? user.em[0] : user.em;
    if (em !== undefined) out.email_sha256 = em;
  }
  return out;
}

/** Shop templates print `null` for "no value"; it means the same as leaving the field out. */
function withoutNulls(input: Record<string, unknown>): Record<string, unknown> {
  // Plain loops, no callbacks: this runs for every event (tsx wraps each closure it creates).
  let out = input;
  for (const key in input) {
    const v = input[key];
    if (v === null) {
      if (out === input) out = { ...input };
      delete out[key];
    } else if ((key === 'items' || key === 'contents') && Array.isArray(v) && hasNullField(v)) {
      if (out === input) out = { ...input };
      out[key] = v.map(dropNullFields);
    }
  }
  return out;
}

function hasNullField(list: unknown[]): boolean {
  for (const it of list) {
    if (!isObject(it)) continue;
    for (const k in it) if (it[k] === null) return true;
  }
  return false;
}

function dropNullFields(it: unknown): unknown {
  if (!isObject(it)) return it;
  const out: Record<string, unknown> = {};
  for (const k in it) if (it[k] !== null) out[k] = it[k];
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function normalise(e: RawEvent, receivedAt: number, defaults: EventDefaults): ParseResult {
  const name = e.type ?? e.event_name ?? e.name;
  if (!name) return { ok: false, reason: 'type: required (view_item, add_to_cart, purchase, ... or a Meta name)' };
  const type = TYPE_BY_NAME.get(name);
  if (!type) return { ok: false, reason: `type: unknown event type "${name.slice(0, 40)}"` };
  const eventId = e.event_id ?? e.eid;
  if (!eventId) return { ok: false, reason: 'event_id: required; the client makes it so a retried event is stored once' };
  const visitorId = e.vid ?? e.visitor_id ?? defaults.visitor_id;
  if (!visitorId) return { ok: false, reason: 'vid: required (the visitor id, 8-64 URL-safe characters)' };

  const items = collectItems(e);
  if (typeof items === 'string') return { ok: false, reason: items };
  if (NEEDS_ITEMS.has(type) && items.length === 0) return { ok: false, reason: `items: ${type} needs at least one product id` };

  const search = e.search_term ?? e.search_string ?? e.q ?? null;
  if (type === 'search' && !search) return { ok: false, reason: 'search_term: required for search' };
  const email = e.email ?? null;
  const emailHash = e.email_sha256?.toLowerCase() ?? null;
  if (type === 'identify' && !email && !emailHash) return { ok: false, reason: 'email: identify needs email or email_sha256' };

  const time = eventTime(e.ts ?? e.timestamp ?? e.event_time, receivedAt);
  if (typeof time === 'string' && !time.startsWith('clamped')) return { ok: false, reason: time };
  const [occurredAt, clamped] = typeof time === 'number' ? [time, null] : [receivedAt, time];

  return {
    ok: true,
    event: {
      type,
      event_id: eventId,
      visitor_id: visitorId,
      occurred_at: isoTime(occurredAt),
      clamped,
      items,
      order_id: type === 'purchase' ? (e.transaction_id ?? e.order_id ?? null) || null : null,
      value_micros: e.value === undefined ? null : toMicros(e.value),
      currency: e.currency ?? null,
      search_query: type === 'search' ? withoutEmails(search) : null,
      list_id: (e.list_id ?? e.item_list_id ?? e.item_list_name ?? e.content_category ?? null) || null,
      email,
      email_sha256: emailHash,
      consent: e.consent ?? defaults.consent,
    },
  };
}

/** Anything shaped like an address: shoppers paste them into search boxes. */
const EMAIL_IN_TEXT = /[^\s@]+@[^\s@]+/g;

/**
 * A search term with e-mail addresses taken out (SPEC §3: a raw address is never stored); null
 * when nothing else was typed. The event is kept: that the visitor searched still counts.
 */
function withoutEmails(term: string | null): string | null {
  if (term === null || !term.includes('@')) return term;
  const rest = term.replace(EMAIL_IN_TEXT, ' ').replace(/\s+/g, ' ').trim();
  return rest === '' ? null : rest;
}

type Items = ParsedEvent['items'];

/** items, contents, content_ids and id merged, one row per product (quantities added up). */
function collectItems(e: RawEvent): Items | string {
  const byId = new Map<string, Items[number]>();
  for (const list of [e.items, e.contents]) {
    if (!list) continue;
    for (let i = 0; i < list.length; i++) {
      const it = list[i]!;
      const id = it.id ?? it.item_id;
      if (!id) return `items.${i}: id is required`;
      addItem(byId, id, it.quantity, it.price ?? it.item_price);
    }
  }
  if (e.content_ids) for (const id of e.content_ids) addItem(byId, id, undefined, undefined);
  if (e.id) addItem(byId, e.id, undefined, undefined);
  if (byId.size > MAX_ITEMS) return `items: at most ${MAX_ITEMS} products per event`;
  return [...byId.values()];
}

function addItem(byId: Map<string, Items[number]>, id: string, qty: number | undefined, price: number | undefined): void {
  const known = byId.get(id);
  if (!known) {
    byId.set(id, { product_id: id, quantity: qty ?? null, price_micros: price === undefined ? null : toMicros(price) });
    return;
  }
  if (qty !== undefined) known.quantity = (known.quantity ?? 0) + qty;
  if (known.price_micros === null && price !== undefined) known.price_micros = toMicros(price);
}

/**
 * Milliseconds since the epoch, ISO 8601, or (Meta's `event_time`) seconds: numbers below 1e11
 * are read as seconds, since 1e11 ms is 1973. Returns the time, `clamped …` when it must be
 * replaced by the receive time, or a reason to reject.
 */
function eventTime(raw: number | string | undefined, receivedAt: number): number | string {
  if (raw === undefined || raw === '') return receivedAt;
  let ms: number;
  if (typeof raw === 'number') ms = raw < 1e11 ? raw * 1000 : raw;
  else if (/^\d+$/.test(raw)) ms = Number(raw) < 1e11 ? Number(raw) * 1000 : Number(raw);
  else if (/^\d{4}-\d{2}-\d{2}T/.test(raw)) ms = Date.parse(raw);
  else return 'ts: must be milliseconds since 1970 or an ISO 8601 date-time';
  if (!Number.isFinite(ms)) return 'ts: not a valid date-time';
  if (ms > receivedAt + FUTURE_SKEW_MS) return 'clamped: ts was in the future; the receive time was used';
  if (ms < receivedAt - MAX_AGE_MS) return 'clamped: ts was more than 7 days old; the receive time was used';
  return Math.round(ms);
}
