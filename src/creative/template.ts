/**
 * The template contract. A template is a pure function from typed input to a layout: a flat
 * background, the photo slots (where product photos go, placed by explicit geometry) and the
 * overlay drawn on top by satori. Photos are never put inside the satori tree: the pipeline
 * (./render.ts) composites the cached, resized photo under the rasterized overlay, which is
 * what makes an uncached render fast (see bench/images.ts for the data-URI alternative).
 */
import type { Money } from '../catalog/product';
import type { BrandKit } from './brand-kit';
import type { CreativeElement } from './element';
import type { PriceDrop, PriceFacts, StockFact } from './facts';
import type { CreativeSize } from './sizes';
import type { Copy } from './copy';

/** What a creative shows of a product. */
export interface CreativeProduct {
  id: string;
  title: string;
  brand: string | null;
  image_link: string | null;
}

export interface CreativeContext {
  size: CreativeSize;
  brand: BrandKit;
  /** BCP 47, the catalog's */
  locale: string;
  /** the template copy in that locale */
  copy: Copy;
  /** `€ 49,99` in nl-NL: Intl currency formatting in the catalog's locale */
  money(m: Money): string;
  /** the catalog's shop name, for sign-offs */
  shop: string;
}

export interface ProductCreativeInput extends CreativeContext {
  product: CreativeProduct;
  price: PriceFacts;
  /** the last price drop inside the look-back window, or null */
  drop: PriceDrop | null;
  stock: StockFact;
}

export interface VisitorItem {
  product: CreativeProduct;
  price: PriceFacts;
}

export interface VisitorCreativeInput extends CreativeContext {
  /** 1 to 4 products, most relevant first */
  items: VisitorItem[];
}

export type PhotoFit = 'contain' | 'cover';

/** Where one product photo goes, in output pixels. */
export interface PhotoSlot {
  /** index into the input's products (0 for product templates) */
  item: number;
  left: number;
  top: number;
  width: number;
  height: number;
  fit: PhotoFit;
}

export interface Layout {
  /** canvas colour, `#rrggbb` */
  background: string;
  photos: PhotoSlot[];
  /** drawn by satori over the photos; leave photo areas transparent */
  over: CreativeElement;
}

interface TemplateBase {
  name: string;
  /** bump when the template's look changes: it is part of every cache key and feed image URL */
  version: number;
  /** true when it draws prices/badges over the photo: Google refuses those on image_link */
  overlay: boolean;
  description: string;
}

export interface ProductTemplate extends TemplateBase {
  kind: 'product';
  layout(input: ProductCreativeInput): Layout;
}

export interface VisitorTemplate extends TemplateBase {
  kind: 'visitor';
  layout(input: VisitorCreativeInput): Layout;
}

export type CreativeTemplate = ProductTemplate | VisitorTemplate;
