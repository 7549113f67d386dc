/**
 * Audience segments: who, among a catalog's visitors, an ad platform should reach. A segment is
 * a stored definition, evaluated when it is counted or exported, so it always reflects the
 * events kept now (retention and erasure included) rather than a snapshot that outlives them.
 *
 * Exports carry only SHA-256 hashes of normalised e-mail addresses of visitors who allowed ad
 * personalisation (SPEC §3); raw addresses are never stored, so they can never leak.
 */
import { z } from 'zod';
import { safeCsvCell } from '../util/csv-safe';
import type { InsightStore } from './port';

export const SEGMENT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Events older than retention are gone anyway; two years covers any retention a shop sets. */
const days = z.int().min(1).max(730);

export const segmentSchema = z.discriminatedUnion(
  'kind',
  [
    /** added a product to the cart in the window, and neither bought nor removed it since */
    z.strictObject({ kind: z.literal('cart_abandoners'), days }),
    /**
     * viewed a product whose product_type is the category or starts with it as a path
     * (`Apparel` matches `Apparel > Shirts`), or viewed that category's list page; case-insensitive
     */
    z.strictObject({ kind: z.literal('category_viewers'), category: z.string().trim().min(1).max(750), days }),
    /** viewed any of these products */
    z.strictObject({
      kind: z.literal('product_viewers'),
      product_ids: z.array(z.string().trim().min(1).max(200)).min(1).max(100),
      days,
    }),
    /** bought anything */
    z.strictObject({ kind: z.literal('purchasers'), days }),
    /** searched for text containing the term, case-insensitive */
    z.strictObject({ kind: z.literal('searchers'), term: z.string().trim().min(1).max(100), days }),
  ],
  { error: 'kind is one of cart_abandoners, category_viewers, product_viewers, purchasers, searchers' },
);
export type SegmentDefinition = z.output<typeof segmentSchema>;

/** The start of a segment's window. */
export function segmentSince(definition: SegmentDefinition, now: Date): string {
  return new Date(now.getTime() - definition.days * 86_400_000).toISOString();
}

/**
 * The two upload formats. Both take hashed values under their usual column name: Meta's
 * customer list reads `email` (lower-case hex SHA-256 of the trimmed, lower-cased address), and
 * Google Customer Match's template reads `Email` with the same hash.
 */
export const EXPORT_FORMATS = {
  meta: { header: 'email', label: 'Meta customer list' },
  google: { header: 'Email', label: 'Google Customer Match' },
} as const;
export type ExportFormat = keyof typeof EXPORT_FORMATS;
export const EXPORT_FORMAT_NAMES = ['meta', 'google'] as const satisfies readonly ExportFormat[];

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Visitors per store round trip while exporting. */
const EXPORT_PAGE = 2000;

/**
 * The export as CSV text chunks (RFC 4180, CRLF), one hash per line, each address once. The store
 * pages distinct hashes in order, so a large audience streams in flat memory.
 */
export async function* exportSegmentCsv(
  insights: InsightStore,
  catalogId: number,
  definition: SegmentDefinition,
  now: Date,
  format: ExportFormat,
): AsyncGenerator<string> {
  yield `${safeCsvCell(EXPORT_FORMATS[format].header)}\r\n`;
  const since = segmentSince(definition, now);
  let after = '';
  for (;;) {
    const page = await insights.pageSegmentHashes(catalogId, definition, since, after, EXPORT_PAGE);
    let chunk = '';
    for (const hash of page.hashes) {
      const value = hash.toLowerCase();
      // Defence in depth: whatever the store holds, only a well-formed hash leaves the service.
      if (!SHA256_HEX.test(value)) continue;
      chunk += `${safeCsvCell(value)}\r\n`;
    }
    if (chunk) yield chunk;
    if (page.next === null) return;
    after = page.next;
  }
}
