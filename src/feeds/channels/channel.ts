/**
 * What a channel (Google, Meta, TikTok, Pinterest) is to the feed pipeline: the attributes it
 * takes in which order, its vocabulary and limits, and the check that decides whether a product
 * may be emitted. Writers are generic over this description, so a channel is data plus one
 * check function, and adding a channel never touches the XML or CSV code.
 */
import type { Catalog } from '../../catalog/catalog';
import type { Availability, Product, ShippingRule } from '../../catalog/product';
import type { TextField } from '../fields';

export const CHANNEL_NAMES = ['google', 'meta', 'tiktok', 'pinterest'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

export const FEED_FORMATS = ['xml', 'csv', 'tsv'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

/**
 * One finding about one product, with a short stable `code` that diagnostics group by
 * (`missing_image_link`, `title_truncated`) and a message a merchant can act on.
 */
export interface Finding {
  code: string;
  message: string;
}

export type CheckResult =
  /** `product` is the input itself, or a copy with truncated or dropped values. */
  | { ok: true; product: Product; warnings: readonly Finding[] }
  /** The product breaks a required rule and is left out of the feed. */
  | { ok: false; reasons: readonly Finding[] };

/**
 * One attribute of the output, in output order: an XML element `<g:name>` or a CSV column.
 * `read` returns '' to omit the element (the CSV cell is then empty).
 */
export type Field =
  | {
      kind: 'text';
      name: string;
      read: (p: Product) => string;
      /** values are a fixed vocabulary or formatted numbers: written without escaping */
      plain?: boolean;
    }
  /** repeated element in XML; one comma-separated cell in CSV/TSV (Meta, Google, Pinterest) */
  | { kind: 'list'; name: string; read: (p: Product) => readonly string[] }
  /** nested `<g:shipping>` in XML; `country:region:service:price` in CSV/TSV */
  | { kind: 'shipping'; name: string; read: (p: Product) => readonly ShippingRule[] };

/** Attributes that are cut at a word boundary (with a warning) when over their limit. */
export type TruncatedField = TextField;

export interface ChannelLimits {
  /** ids are never truncated: a shortened id is a different product */
  id: number;
  item_group_id: number;
  /** link and image URLs; a shortened URL is a broken one, so over this the item is left out */
  url: number;
  additional_images: number;
  text: Readonly<Partial<Record<TruncatedField, number>>>;
}

export interface Channel {
  readonly name: ChannelName;
  /** human name for messages */
  readonly label: string;
  readonly formats: readonly FeedFormat[];
  /** our availability → the channel's word for it */
  readonly availability: Readonly<Record<Availability, string>>;
  /** output attributes in element/column order */
  readonly fields: readonly Field[];
  /** attributes the channel requires (documentation and messages; `check` enforces them) */
  readonly required: readonly string[];
  readonly limits: ChannelLimits;
  /**
   * Takes creatives that draw on the photo (prices, badges) as image_link. Google does not: it
   * disapproves promotional overlays on image_link, so a Google feed keeps the original photo.
   */
  readonly imageOverlays: boolean;
  check(product: Product, catalog: Catalog): CheckResult;
}
