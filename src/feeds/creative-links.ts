/**
 * Creative image links in feeds: for a definition with `image`, each product's image_link
 * becomes `<PUBLIC_URL>/img/<catalog>/<template>/<id>.jpg?v=<key>` and the original photo moves
 * to the front of additional_image_link.
 *
 * `v` is the creative's key (src/creative/inputs.ts creativeKey), computed from the same facts
 * the /img route draws, so the URL changes exactly when the image does: Meta re-fetches an image
 * only when its URL changes, and asks that URLs not change on every fetch. A description edit
 * leaves it alone; a price change, a sale window opening or a brand kit edit gives a new one.
 *
 * Cost per product: one small JSON string hashed twice (the key) and one string concatenation.
 * Histories are read once per feed page, the brand kit once per response. Only non-default
 * sizes need a signature (an HMAC per product, batched per page).
 */
import { TEMPLATES } from '../../templates/index';
import type { Catalog } from '../catalog/catalog';
import type { Product } from '../catalog/product';
import { brandKitFrom } from '../creative/brand';
import { creativeContext, creativeKey, productInput } from '../creative/inputs';
import { DEFAULT_SIZE, type CreativeSizeName } from '../creative/sizes';
import type { CreativeTemplate, ProductTemplate } from '../creative/template';
import { productCreativePath, productCreativeUrl } from '../creative/urls';
import type { AppDeps } from '../deps';
import type { ProductHistory, Store } from '../store/port';
import type { Channel, Finding } from './channels/channel';
import { getChannel } from './channels/index';
import type { FeedDefinition } from './definition';

/** What a feed's image_link shows: a creative, or (null) the original photo. */
export interface FeedCreative {
  template: ProductTemplate;
  size: CreativeSizeName;
  format: 'jpg' | 'png';
}

export interface FeedImagePlan {
  creative: FeedCreative | null;
  /** why the definition's `image` is not used: a feed-wide warning for diagnostics */
  warning: Finding | null;
}

const NO_IMAGE: FeedImagePlan = Object.freeze({ creative: null, warning: null });

/**
 * Decides whether a definition's image_link is a creative. Not when the channel refuses the
 * template's overlays (Google), the template is unknown to this server, or the server has no
 * renderer (its /img answers 503): then the original photo stays, and `warning` says why.
 */
export function feedImagePlan(
  definition: FeedDefinition,
  { templates = TEMPLATES, rendering }: { templates?: readonly CreativeTemplate[]; rendering: boolean },
): FeedImagePlan {
  const image = definition.image;
  if (!image) return NO_IMAGE;
  const template = templates.find((t) => t.name === image.template);
  if (template?.kind !== 'product') {
    return {
      creative: null,
      warning: {
        code: 'image_template_unknown',
        message: `image.template '${image.template}' is not a product template on this server; the original photo is used`,
      },
    };
  }
  const channel = getChannel(definition.channel);
  if (template.overlay && !channel.imageOverlays) {
    return {
      creative: null,
      warning: {
        code: 'image_overlay_refused',
        message: `image.template '${template.name}' draws promotional overlays, which ${channel.label} disapproves on image_link; the original photo is used`,
      },
    };
  }
  if (!rendering) {
    return {
      creative: null,
      warning: {
        code: 'image_renderer_missing',
        message: 'this server runs without a creative renderer (its /img answers 503); the original photo is used',
      },
    };
  }
  return { creative: { template, size: image.size, format: image.format }, warning: null };
}

/** The plan for a definition on this server: its templates, and whether it can render at all. */
export function serverImagePlan(deps: Pick<AppDeps, 'templates' | 'creative'>, definition: FeedDefinition): FeedImagePlan {
  return feedImagePlan(definition, { templates: deps.templates ?? TEMPLATES, rendering: deps.creative !== undefined });
}

/** The links for one response of a feed whose plan has a creative (null otherwise). */
export function serverCreativeLinks(
  deps: Pick<AppDeps, 'store' | 'settings'>,
  catalog: Catalog,
  definition: FeedDefinition,
  plan: FeedImagePlan,
  now: Date,
): Promise<CreativeLinks> | null {
  if (!plan.creative) return null;
  return creativeLinks(deps.store, catalog, getChannel(definition.channel), plan.creative, {
    base: deps.settings.publicUrl,
    signingKey: deps.settings.signingKey,
    now,
  });
}

export interface CreativeLinkOptions {
  /** PUBLIC_URL */
  base: string;
  signingKey: string;
  /** the response's start: sale windows and "news" (price drops, restocks) are judged at it */
  now: Date;
}

/** One product on its way into the feed: as stored (what the creative draws) and as checked (what is written). */
export interface LinkItem {
  stored: Product;
  checked: Product;
}

export interface CreativeLinks {
  /**
   * The creative URL of each item, in order. Items are one page's emitted products in id order:
   * their histories are read in one query over the id range.
   */
  urls(items: readonly LinkItem[]): Promise<string[]>;
  /**
   * The checked product with image_link = `url` and the original photo first in
   * additional_image_link (de-duplicated, within the channel's count). Returns a copy unless
   * `owned` (the product is already a copy of the stored one); a warning when an additional
   * image had to make room, or when the URL is too long for the channel (photo kept).
   */
  apply(checked: Product, owned: boolean, url: string): { product: Product; warning: Finding | null };
}

const EMPTY_HISTORY: ProductHistory = Object.freeze({ prices: [], stock: [] }) as ProductHistory;

/** Creative links for one feed response: loads the brand kit (once) and returns the per-page linker. */
export async function creativeLinks(
  store: Pick<Store, 'getBrandKit' | 'recentHistories'>,
  catalog: Catalog,
  channel: Channel,
  creative: FeedCreative,
  options: CreativeLinkOptions,
): Promise<CreativeLinks> {
  const { template, size, format } = creative;
  const { now, base, signingKey } = options;
  const brand = brandKitFrom(await store.getBrandKit(catalog.id));
  const ctx = creativeContext(catalog, brand, size);
  const urlOptions = { base, signingKey, catalog: catalog.slug, template: template.name, size, format };
  // Default size: no signature, so the URL is a concatenation. `prefix + id + suffix` is what
  // productCreativeUrl builds (the key is base-36, nothing to encode); signed sizes go through it.
  const signed = size !== DEFAULT_SIZE;
  const marker = '\u0000';
  const [prefix, suffix] = `${base.replace(/\/+$/, '')}${productCreativePath(catalog.slug, template.name, marker, format)}?v=`.split(
    encodeURIComponent(marker),
  ) as [string, string];
  const { url: maxUrl, additional_images: maxAdditional } = channel.limits;

  function key(stored: Product, histories: ReadonlyMap<string, ProductHistory>): string {
    const input = productInput(ctx, catalog, stored, histories.get(stored.id) ?? EMPTY_HISTORY, now);
    return creativeKey(template, size, format, input);
  }

  return {
    async urls(items) {
      if (items.length === 0) return [];
      const histories = await store.recentHistories(catalog.id, items[0]!.stored.id, items[items.length - 1]!.stored.id);
      if (signed) return Promise.all(items.map((it) => productCreativeUrl({ ...urlOptions, v: key(it.stored, histories) }, it.stored.id)));
      const out = new Array<string>(items.length);
      for (let i = 0; i < items.length; i++) {
        const stored = items[i]!.stored;
        out[i] = `${prefix}${encodeURIComponent(stored.id)}${suffix}${key(stored, histories)}`;
      }
      return out;
    },

    apply(checked, owned, url) {
      if (url.length > maxUrl) {
        return {
          product: checked,
          warning: {
            code: 'creative_link_too_long',
            message: `the creative URL is longer than ${channel.label}'s ${maxUrl} characters; the original photo is used`,
          },
        };
      }
      // The check passed, so image_link is a present, absolute http(s) URL.
      const photo = checked.image_link!;
      const additional = [photo];
      let dropped = 0;
      for (const link of checked.additional_image_link) {
        if (additional.includes(link)) continue;
        if (additional.length < maxAdditional) additional.push(link);
        else dropped++;
      }
      const product = owned ? checked : { ...checked };
      product.image_link = url;
      product.additional_image_link = additional;
      const warning: Finding | null =
        dropped > 0
          ? {
              code: 'additional_image_displaced',
              message: `the original photo is the first additional image now; ${channel.label} takes ${maxAdditional}, so ${dropped} other${dropped === 1 ? ' was' : 's were'} left out`,
            }
          : null;
      return { product, warning };
    },
  };
}
