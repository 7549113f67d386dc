/**
 * What the signals side (event ingestion, consent bookkeeping, erasure, retention, stats) asks
 * of storage. Async so D1 can implement it; the SQL is in src/store/signals-sql.ts.
 * Writes only visitors, events, product_event_days and consent_drops (migrations/0005_signals_write_path.sql).
 */
import type { EventType } from './events';

/** One product named by an event. */
export interface StoredItem {
  product_id: string;
  quantity: number | null;
  price_micros: number | null;
}

/** A validated, consented event as it is stored: no raw e-mail, no IP, no user agent. */
export interface StoredEvent {
  event_id: string;
  visitor_id: string;
  type: EventType;
  /** ISO 8601 UTC, already clamped to the receive time when the client's clock was off */
  occurred_at: string;
  items: StoredItem[];
  order_id: string | null;
  value_micros: number | null;
  currency: string | null;
  search_query: string | null;
  list_id: string | null;
}

/** What the events of one visitor in a write say about that visitor. */
export interface VisitorTouch {
  visitor_id: string;
  /**
   * hex SHA-256 of the normalised address, kept only while the visitor allows ads (audience
   * exports are its only use): null clears a stored hash, unless `keep_email`
   */
  email_sha256: string | null;
  /** true: the write said nothing about the address, a stored hash stays as it is */
  keep_email: boolean;
  /** ad-personalisation consent of the visitor's last event in the write */
  ad_consent: boolean;
  first_seen: string;
  last_seen: string;
}

/** Events refused for lack of consent, counted per UTC day and type. */
export interface ConsentDrop {
  day: string;
  type: string;
  count: number;
}

export interface EventWrite {
  catalogId: number;
  receivedAt: string;
  events: StoredEvent[];
  visitors: VisitorTouch[];
  /**
   * Visitors none of whose events in the write were stored, and whose last event refused ads
   * (or came with GPC): a stored visitor row loses its ad consent and e-mail hash; none is made.
   */
  withdrawn: string[];
  drops: ConsentDrop[];
}

export interface WriteResult {
  /** events stored by this write */
  inserted: number;
  /** events whose (catalog, event_id) was already stored, or came twice in this write: kept once */
  duplicates: number;
}

export interface ErasureCounts {
  events: number;
  /** products those events named (rows of the event_items view) */
  event_items: number;
  visitors: number;
}

export interface PurgeCounts extends ErasureCounts {
  consent_drops: number;
}

export interface SignalStats {
  since: string;
  events_per_day: Array<{ day: string; type: string; count: number }>;
  top_viewed: Array<{ id: string; title: string | null; views: number; visitors: number }>;
  /** distinct visitors in the window: viewed a product, of those added one to the cart, of those bought */
  funnel: { viewed: number; carted: number; purchased: number };
  consent_drops: Array<{ day: string; type: string; count: number }>;
  reconciliation: {
    /** distinct product ids named by events in the window */
    ids_seen: number;
    /** of those, ids of live catalog products */
    ids_known: number;
    /** item references (one per event and product) in the window, and those naming a live product */
    references: number;
    references_known: number;
    /** up to 20 unknown ids, most often seen first */
    unknown: Array<{ id: string; seen: number }>;
  };
}

export interface SignalStore {
  /**
   * Stores a request's events, visitor updates and consent counts. Resolves only once they are
   * committed; concurrent writes may share one transaction, never a partial one.
   */
  recordEvents(write: EventWrite): Promise<WriteResult>;
  /** Deletes the visitor's events (with their items) and visitor row in one transaction, after any queued writes. */
  eraseVisitor(catalogId: number, visitorId: string): Promise<ErasureCounts>;
  /**
   * The same for every visitor of the catalog whose e-mail hash is `emailSha256` (lower-case
   * hex SHA-256 of the normalised address), in one transaction. Per-product day counts and
   * "bought together" pairs hold no visitor id and stay.
   */
  eraseByEmail(catalogId: number, emailSha256: string): Promise<ErasureCounts>;
  /**
   * Retention: deletes events that occurred before `before` (their items with them), visitors
   * last seen before it with no events left, and per-product and consent counts of older days.
   * Works in chunks so ingestion is never blocked for long.
   */
  purgeBefore(catalogId: number, before: string): Promise<PurgeCounts>;
  /** Figures since `since`, the start of a UTC day (per-product counts are kept per day). */
  stats(catalogId: number, since: string, topLimit: number): Promise<SignalStats>;
  /**
   * Adds the events stored so far to the per-product day counts (src/store/event-rollup.ts);
   * resolves with how many it covered. Reads of those counts do this themselves.
   */
  rollUp(): Promise<number>;
  /** Resolves when every write queued so far is committed (shutdown, tests). */
  drain(): Promise<void>;
}
