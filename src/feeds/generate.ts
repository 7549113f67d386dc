/**
 * The feed pipeline: pages of stored products in, chunks of feed text out.
 *
 *   parent with variants? → filter clauses → rules (on a copy) → channel check → writer
 *
 * Streaming end to end: items are appended to a chunk that is yielded at ~64 KB, so memory
 * stays flat at any catalog size and the first byte (the header, yielded at once) goes out
 * before the first page is read. The per-product path is plain loops over precompiled clauses
 * and fields; nothing per product is allocated that the output does not need.
 *
 * With creative links (a definition's `image`, ./creative-links.ts), a page's emitted products
 * are held until the page is done, so their histories are read in one query, then written with
 * image_link pointing at the creative.
 */
import type { Catalog } from '../catalog/catalog';
import type { Product } from '../catalog/product';
import type { FeedProduct } from '../store/port';
import type { FeedFormat, Finding } from './channels/channel';
import { getChannel } from './channels/index';
import type { CreativeLinks, LinkItem } from './creative-links';
import type { FeedDefinition } from './definition';
import type { DiagnosticsCollector } from './diagnostics';
import { compileFilter, failedClause, type FilterClause } from './filter';
import { customLabelTracker } from './label-limits';
import { applyRules, compileRules, type CompiledRules } from './rules';
import { createWriter } from './writers/index';

export interface FeedContext {
  catalog: Catalog;
  definition: FeedDefinition;
  format: FeedFormat;
  /** base URL of this server; creative image links (a definition's `image`) are built on it */
  publicUrl: string;
  now: Date;
  diagnostics?: DiagnosticsCollector;
  /**
   * Creative image links for a definition with `image` (./creative-links.ts creativeLinks).
   * Absent: image_link stays the original photo, whatever the definition says.
   */
  creatives?: CreativeLinks | null;
}

/** An emitted product waiting for its page's creative links. */
interface Pending extends LinkItem {
  ruleWarnings: Finding[] | null;
  warnings: readonly Finding[];
}

/** Chunk size: large enough that per-chunk overhead (a write, a TextEncoder call) is noise. */
export const CHUNK_CHARS = 64 * 1024;

const PARENT: readonly Finding[] = Object.freeze([
  {
    code: 'parent_with_variants',
    message: 'parent of variants: its variants are in the feed, each with item_group_id, the parent row is not',
  },
]);

interface Compiled {
  filter: FilterClause[];
  rules: CompiledRules;
}

// Definitions are parsed once at startup; compile each once, not once per request.
const compiled = new WeakMap<FeedDefinition, Compiled>();

function compile(definition: FeedDefinition): Compiled {
  let c = compiled.get(definition);
  if (!c) compiled.set(definition, (c = { filter: compileFilter(definition.filter), rules: compileRules(definition.rules) }));
  return c;
}

export async function* generateFeed(pages: AsyncIterable<FeedProduct[]>, ctx: FeedContext): AsyncGenerator<string> {
  const { catalog, definition, diagnostics } = ctx;
  const channel = getChannel(definition.channel);
  const { filter, rules } = compile(definition);
  const writer = createWriter(channel, ctx.format, {
    title: definition.title ?? catalog.title,
    link: catalog.link,
    description: `${catalog.title}: products for ${channel.label}`,
  });
  const now = ctx.now.getTime();
  // Google's 1,000-values-per-custom-label limit, checked only when someone reads diagnostics.
  const labelLimits = diagnostics && channel.name === 'google' ? customLabelTracker() : null;

  yield writer.header();

  let chunk = '';
  function write(id: string, product: Product, ruleWarnings: Finding[] | null, warnings: readonly Finding[], extra: Finding | null): void {
    chunk += writer.item(product);
    if (!diagnostics) return;
    diagnostics.productEmitted();
    const expired = saleEnded(product, now);
    const tooMany = labelLimits?.(product) ?? null;
    if (ruleWarnings !== null || expired !== null || tooMany !== null || extra !== null || warnings.length > 0) {
      const all = [...(ruleWarnings ?? []), ...warnings, ...(tooMany ?? [])];
      if (expired !== null) all.push(expired);
      if (extra !== null) all.push(extra);
      diagnostics.warned(id, all);
    }
  }

  const creatives = ctx.creatives ?? null;
  const pending: Pending[] = [];
  for await (const page of pages) {
    for (let i = 0; i < page.length; i++) {
      const stored = page[i]!;
      diagnostics?.productRead();

      if (stored.has_variants) {
        diagnostics?.leftOut(stored.id, PARENT);
        continue;
      }
      if (filter.length > 0) {
        const clause = failedClause(filter, stored);
        if (clause !== null) {
          diagnostics?.filtered(stored.id, clause);
          continue;
        }
      }

      let product: Product = stored;
      let ruleWarnings: Finding[] | null = null;
      if (rules.length > 0) {
        product = { ...stored };
        ruleWarnings = applyRules(rules, product);
      }

      const result = channel.check(product, catalog);
      if (!result.ok) {
        diagnostics?.leftOut(stored.id, result.reasons);
        continue;
      }

      if (creatives) {
        pending.push({ stored, checked: result.product, ruleWarnings, warnings: result.warnings });
        continue;
      }
      write(stored.id, result.product, ruleWarnings, result.warnings, null);
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }

    if (creatives && pending.length > 0) {
      const urls = await creatives.urls(pending);
      for (let i = 0; i < pending.length; i++) {
        const p = pending[i]!;
        // the stored product is the page's: only a copy (rules, check fixes) may be changed in place
        const linked = creatives.apply(p.checked, p.checked !== p.stored, urls[i]!);
        write(p.stored.id, linked.product, p.ruleWarnings, p.warnings, linked.warning);
        if (chunk.length >= CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
      pending.length = 0;
    }
  }
  yield chunk + writer.footer();
}

/**
 * A sale whose window has closed is still emitted as given (the platforms apply the window),
 * but the merchant should know their feed advertises a finished sale.
 */
function saleEnded(p: Product, now: number): Finding | null {
  const window = p.sale_price === null ? null : p.sale_price_effective_date;
  if (!window) return null;
  const slash = window.indexOf('/');
  if (slash < 0) return null;
  const end = window.slice(slash + 1);
  const endsAt = Date.parse(end);
  if (!(endsAt < now)) return null;
  return { code: 'sale_price_expired', message: `sale window ended ${end}; the regular price applies` };
}
