/**
 * What happened to each product on the way into a feed, for
 * `GET /admin/catalogs/:catalog/feeds/:feed/diagnostics`: how many were read and emitted, what
 * left the rest out (grouped by reason, with counts and a few examples each), what each filter
 * clause removed, and which values were adjusted (warnings). Memory is bounded whatever the
 * catalog size: examples per code and the list of left-out items are capped.
 */
import type { Finding } from './channels/channel';

export interface DiagnosticsOptions {
  /** examples kept per reason, warning code and filter clause (default 5) */
  examples?: number;
  /** left-out items listed individually (default 1,000); counts always cover all of them */
  maxLeftOutItems?: number;
}

export interface Example {
  id: string;
  message: string;
}

export interface CodeSummary {
  code: string;
  /** products with this reason or warning */
  count: number;
  examples: Example[];
}

export interface ClauseSummary {
  /** the filter key (`availability`) or the custom clause's name */
  clause: string;
  /** products this clause removed (products failing several clauses count for the first) */
  count: number;
  example_ids: string[];
}

export interface FeedDiagnostics {
  /**
   * About the feed as a whole rather than any product: e.g. a definition's `image` that is not
   * used on this channel (`image_overlay_refused`), and why.
   */
  feed_warnings: Finding[];
  products_read: number;
  emitted: number;
  /** products left out by a filter clause: intended, not a problem */
  filtered_out: number;
  /** products left out for a reason: parents of variants, and products breaking a channel rule */
  left_out: number;
  /** products emitted with at least one value adjusted */
  emitted_with_warnings: number;
  /** most frequent first; a product with two reasons counts under both */
  left_out_by_reason: CodeSummary[];
  filtered_by_clause: ClauseSummary[];
  warnings_by_code: CodeSummary[];
  /** the first `maxLeftOutItems` left-out products with all their reasons */
  left_out_items: Array<{ id: string; reasons: Finding[] }>;
  /** true when more products were left out than are listed in left_out_items */
  left_out_items_truncated: boolean;
}

interface Bucket {
  count: number;
  examples: Example[];
}

export class DiagnosticsCollector {
  private readonly examples: number;
  private readonly maxItems: number;
  private read = 0;
  private emitted = 0;
  private filteredOut = 0;
  private leftOutCount = 0;
  private warnedProducts = 0;
  private readonly reasons = new Map<string, Bucket>();
  private readonly warnings = new Map<string, Bucket>();
  private readonly clauses = new Map<string, { count: number; ids: string[] }>();
  private readonly items: Array<{ id: string; reasons: Finding[] }> = [];
  private readonly feedWide: Finding[] = [];

  constructor(options: DiagnosticsOptions = {}) {
    this.examples = options.examples ?? 5;
    this.maxItems = options.maxLeftOutItems ?? 1000;
  }

  /** A finding about the whole feed (its definition on this channel or server), listed once. */
  feedWarning(finding: Finding): void {
    if (!this.feedWide.some((f) => f.code === finding.code)) this.feedWide.push({ ...finding });
  }

  productRead(): void {
    this.read++;
  }

  productEmitted(): void {
    this.emitted++;
  }

  filtered(id: string, clause: string): void {
    this.filteredOut++;
    let bucket = this.clauses.get(clause);
    if (!bucket) this.clauses.set(clause, (bucket = { count: 0, ids: [] }));
    bucket.count++;
    if (bucket.ids.length < this.examples) bucket.ids.push(id);
  }

  leftOut(id: string, reasons: readonly Finding[]): void {
    this.leftOutCount++;
    for (const reason of reasons) this.add(this.reasons, id, reason);
    if (this.items.length < this.maxItems) this.items.push({ id, reasons: [...reasons] });
  }

  warned(id: string, warnings: readonly Finding[]): void {
    if (warnings.length === 0) return;
    this.warnedProducts++;
    for (const warning of warnings) this.add(this.warnings, id, warning);
  }

  toJSON(): FeedDiagnostics {
    return {
      feed_warnings: this.feedWide.map((f) => ({ ...f })),
      products_read: this.read,
      emitted: this.emitted,
      filtered_out: this.filteredOut,
      left_out: this.leftOutCount,
      emitted_with_warnings: this.warnedProducts,
      left_out_by_reason: summarise(this.reasons),
      filtered_by_clause: [...this.clauses]
        .map(([clause, b]) => ({ clause, count: b.count, example_ids: [...b.ids] }))
        .sort((a, b) => b.count - a.count),
      warnings_by_code: summarise(this.warnings),
      left_out_items: this.items.map((item) => ({ id: item.id, reasons: [...item.reasons] })),
      left_out_items_truncated: this.leftOutCount > this.items.length,
    };
  }

  private add(map: Map<string, Bucket>, id: string, finding: Finding): void {
    let bucket = map.get(finding.code);
    if (!bucket) map.set(finding.code, (bucket = { count: 0, examples: [] }));
    bucket.count++;
    if (bucket.examples.length < this.examples) bucket.examples.push({ id, message: finding.message });
  }
}

function summarise(map: Map<string, Bucket>): CodeSummary[] {
  return [...map]
    .map(([code, b]) => ({ code, count: b.count, examples: [...b.examples] }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}
