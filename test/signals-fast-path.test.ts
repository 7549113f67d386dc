/**
 * The hand-written check of common event shapes (src/signals/event-fast-path.ts) must read every
 * input exactly as the zod schema does, or leave it to the schema; and the ISO formatter
 * (src/signals/iso-time.ts) must write what Date does. Both are there for speed only.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastPathRawEvent, parseEvent, schemaRawEvent } from '../src/signals/events';
import { isoTime } from '../src/signals/iso-time';

/**
 * Per field, values that are mostly right for it, values at and just past each limit, and noise:
 * an input the fast path may take must be valid in every field, so fully random values would
 * almost never reach it.
 */
const noise = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', ' ', '12', '1.5', 'null', '2026-11-23T10:00:00Z', 0, -0, -1, 1.5, 1e21, Number.NaN, Infinity, true, null, undefined),
  fc.constant({ nested: 1 }),
  fc.constant([1, 2]),
);
const mostly = <T,>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: noise });
const textUpTo = (max: number) =>
  mostly(fc.oneof(fc.stringMatching(/^[A-Za-z0-9 _-]{0,12}$/), fc.constantFrom('x'.repeat(max), 'x'.repeat(max + 1), ` x`, `x `, '\u00a0x', '')));
const productId = mostly(fc.oneof(fc.stringMatching(/^[A-Z0-9-]{1,10}$/), fc.constantFrom('x'.repeat(100), 'x'.repeat(101), ' A', 'A ', 7, 12.5)));
const amount = mostly(fc.oneof(fc.double({ min: -1, max: 1.1e9 }), fc.constantFrom(0, -0, 1e9, 1e9 + 1, '12.50')));
const quantity = mostly(fc.oneof(fc.integer({ min: -1, max: 100_002 }), fc.constantFrom(0, 100_000, 100_001, 1.5, '2')));
const time = mostly(fc.oneof(fc.integer({ min: -1, max: 2e12 }), fc.constantFrom(-0, 1e11, '1700000000000', 1.5)));
const item = mostly(
  fc.record({ id: productId, item_id: productId, quantity, price: amount, item_price: amount, name: noise }, { requiredKeys: [] }),
);
const items = mostly(fc.oneof(fc.array(item, { maxLength: 3 }), fc.constant(Array(51).fill({ id: 'A' }))));
const regexField = (ok: string[], bad: string[]) => mostly(fc.constantFrom(...ok, ...bad));
const FIELDS = {
  type: mostly(fc.constantFrom('view_item', 'purchase', 'ViewContent', 'search', 'identify', ' view_item', 'x'.repeat(41))),
  name: textUpTo(40),
  event_name: textUpTo(40),
  event_id: regexField(['e1', 'a.b:c_d-1', 'x'.repeat(64)], ['', 'e 1', 'x'.repeat(65)]),
  eid: regexField(['o-1001'], ['o/1001']),
  vid: regexField(['visitor-0001', 'x'.repeat(64)], ['short', 'visitor 0001', 'x'.repeat(65)]),
  visitor_id: regexField(['visitor-0002'], ['bad id']),
  ts: time,
  timestamp: time,
  event_time: time,
  consent: mostly(fc.oneof(fc.boolean(), fc.constant({ ads: true }), fc.constant({}))),
  id: productId,
    items,
  contents: items,
  content_ids: mostly(fc.oneof(productId, fc.array(productId, { maxLength: 3 }), fc.constant(Array(51).fill('A')))),
  list_id: textUpTo(200),
  item_list_id: textUpTo(200),
  item_list_name: textUpTo(200),
  content_category: textUpTo(200),
  transaction_id: textUpTo(100),
  order_id: textUpTo(100),
  value: amount,
  currency: regexField(['EUR', 'eur', 'Usd'], ['EU', 'E1R', ' EUR', 'EURO']),
  search_term: textUpTo(200),
  search_string: textUpTo(200),
  q: textUpTo(200),
  email: regexField(['a@b.c'], [' A@B.C ', 'nope']),
    email_sha256: regexField(['e'.repeat(64), 'E'.repeat(64)], ['g'.repeat(64), 'e'.repeat(63)]),
  params: fc.constant({ value: 3, currency: 'EUR' }),
  custom_data: fc.constant({ content_ids: ['A'] }),
  user_data: fc.constant({ em: ['e'.repeat(64)] }),
  unknown_field: noise,
};
/** A few fields at a time, so that inputs valid in every field (the ones the fast path may take) are common. */
const event = fc
  .uniqueArray(fc.constantFrom(...(Object.keys(FIELDS) as Array<keyof typeof FIELDS>)), { minLength: 1, maxLength: 5 })
  .chain((keys) => fc.record(Object.fromEntries(keys.map((k) => [k, FIELDS[k]])) as Record<string, fc.Arbitrary<unknown>>));

/** The snippet's shapes, which must take the fast path. */
const common = fc.record({
  type: fc.constantFrom('view_item', 'add_to_cart', 'purchase', 'ViewContent'),
  event_id: fc.stringMatching(/^[a-f0-9]{12,31}$/),
  ts: fc.integer({ min: 1.7e12, max: 1.8e12 }),
  items: fc.array(
    fc.record({ id: fc.stringMatching(/^SKU-\d{1,6}$/), quantity: fc.integer({ min: 1, max: 5 }), price: fc.double({ min: 0, max: 1000, noNaN: true }) }),
    { minLength: 1, maxLength: 3 },
  ),
  consent: fc.boolean(),
});

describe('event fast path', () => {
  it('reads every input as the schema does, or leaves it to the schema', () => {
    fc.assert(
      fc.property(event, (input) => {
        const fast = fastPathRawEvent(input);
        if (fast === undefined) return;
        const schema = schemaRawEvent(input);
        expect(schema, 'the fast path accepted what the schema refuses').toBeDefined();
        expect(fast).toEqual(schema);
      }),
      { numRuns: 20_000 },
    );
  });

  it('takes the common shapes itself, with the same result as the schema', () => {
    fc.assert(
      fc.property(common, (input) => {
        const fast = fastPathRawEvent(input);
        expect(fast).toBeDefined();
        expect(fast).toEqual(schemaRawEvent(input));
      }),
      { numRuns: 2_000 },
    );
    const meta = { event_name: 'Purchase', eid: 'o-1001', content_ids: ['A', 'B'], value: 12.5, currency: 'eur', vid: 'visitor-0001' };
    expect(fastPathRawEvent(meta)).toEqual({ ...meta, currency: 'EUR' });
  });

  it('leaves what needs trimming, converting or hashing to the schema', () => {
    for (const input of [
      { type: ' view_item', event_id: 'e1', id: 'A' },
      { type: 'view_item', event_id: 'e1', id: ' A' },
      { type: 'view_item', event_id: 'e1', id: 12 },
      { type: 'view_item', event_id: 'e1', id: 'A', ts: '1700000000000' },
      { type: 'purchase', event_id: 'e1', value: '12.50' },
      { type: 'identify', event_id: 'e1', email: 'a@b.c' },
      { type: 'view_item', event_id: 'e1', id: 'A', consent: { ads: true } },
    ]) {
      expect(fastPathRawEvent(input), JSON.stringify(input)).toBeUndefined();
    }
    // and the schema still has the last word: trimmed, converted, reasons for refusals
    expect(parseEvent({ type: 'view_item', event_id: 'e1', vid: 'visitor-0001', id: ' A ' }, Date.now())).toMatchObject({
      ok: true,
      event: { items: [{ product_id: 'A' }] },
    });
    expect(parseEvent({ type: 'view_item', event_id: 'e 1', vid: 'visitor-0001', id: 'A' }, Date.now())).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^event_id: /),
    });
  });
});

describe('isoTime', () => {
  it('writes what Date.prototype.toISOString writes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -1e13, max: 3e14 }), fc.double({ min: 0, max: 2e12, noNaN: true })), (ms) => {
        expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
    for (const ms of [0, 86_399_999, 86_400_000, 951_782_400_000, 253_402_300_799_999, 253_402_300_800_000]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });
});
