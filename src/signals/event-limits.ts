/**
 * What an event field may hold, shared by the zod schema (./events) and the hand-written check
 * of the common shapes (./event-fast-path), so the two cannot drift apart on a limit.
 */
export const MAX_ITEMS = 50;
export const MAX_EVENTS = 100;

export const VISITOR_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** Short ids are allowed: shops use the order number as the purchase's event id, as Meta suggests. */
export const EVENT_ID = /^[A-Za-z0-9._:-]{1,64}$/;
export const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
export const CURRENCY = /^[A-Za-z]{3}$/;

/** Longest text per field after trimming (product ids 100, names 40, ...). */
export const PRODUCT_ID_MAX = 100;
export const TEXT_MAX = {
  type: 40,
  name: 40,
  event_name: 40,
  list_id: 200,
  item_list_id: 200,
  item_list_name: 200,
  content_category: 200,
  transaction_id: 100,
  order_id: 100,
  search_term: 200,
  search_string: 200,
  q: 200,
} as const;
/** Largest `value`, `price` and `item_price`; largest item quantity. */
export const AMOUNT_MAX = 1e9;
export const QUANTITY_MAX = 100_000;
