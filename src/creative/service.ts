/**
 * Creatives end to end: look up what a creative draws, derive its key, and return the image
 * from the memory cache, the blob cache, or a fresh render (one render per key at a time, a
 * bounded number at once). Routes, feeds and the contact sheet all go through here, so they
 * agree on keys.
 */
import { getBytes, putBytes, type BlobCache } from '../cache/blob-cache';
import type { Catalog } from '../catalog/catalog';
import type { Product } from '../catalog/product';
import type { Store } from '../store/port';
import { hashText } from '../util/hash';
import { concurrencyLimit, singleFlight, SizedLru } from '../util/lru';
import { brandKitFrom } from './brand';
import type { BrandKit } from './brand-kit';
import { creativeContext, creativeKey, productInput, visitorInput } from './inputs';
import { PhotoLoader } from './photos';
import type { FontSpec, PhotoFetcher, Rasterizer, RawImage, SvgRenderer } from './ports';
import { renderLayout } from './render';
import { CREATIVE_SIZES, type CreativeSizeName, type ImageFormat } from './sizes';
import type { CreativeTemplate, Layout, ProductCreativeInput, ProductTemplate, VisitorCreativeInput, VisitorTemplate } from './template';

/** The runtime's rendering parts (src/runtime/node-creative.ts on Node). */
export interface CreativeParts {
  svg: SvgRenderer;
  rasterizer: Rasterizer;
  fonts: FontSpec[];
  fetchPhoto: PhotoFetcher;
  /** renders at once; default 2 (one per core on the machines we aim at) */
  concurrency?: number;
  /** rendered images kept in memory, bytes; default 64 MB */
  memoryBytes?: number;
  /** decoded photos kept in memory, bytes; default 192 MB */
  photoMemoryBytes?: number;
}

export interface CreativeResult {
  key: string;
  bytes: Uint8Array;
  /** where it came from: for the X-Cache header and the benchmarks */
  source: 'memory' | 'blob' | 'render';
  /** set when a photo could not be used and a placeholder was drawn */
  photoProblem?: string;
}

export interface PreparedCreative {
  key: string;
  template: CreativeTemplate;
  size: CreativeSizeName;
  format: ImageFormat;
  /** blob cache folder of this creative's versions (older ones are pruned) */
  dir: string;
  input: ProductCreativeInput | VisitorCreativeInput;
}

const PREPARED_TTL_MS = 60_000;

export class CreativeService {
  private readonly photos: PhotoLoader;
  private readonly rendered: SizedLru<Uint8Array>;
  private readonly once = singleFlight<CreativeResult>();
  private readonly limit: <T>(task: () => Promise<T>) => Promise<T>;
  private readonly brands = new Map<number, { version: number; kit: Promise<BrandKit> }>();
  /** Recently prepared product creatives, so a hot image costs no product or history reads. */
  private readonly prepared = new SizedLru<{ until: number; prepared: PreparedCreative | null }>(20_000);
  readonly templates: ReadonlyMap<string, CreativeTemplate>;

  constructor(
    private readonly parts: CreativeParts,
    private readonly store: Store,
    templates: readonly CreativeTemplate[],
    private readonly cache?: BlobCache,
  ) {
    this.templates = new Map(templates.map((t) => [t.name, t]));
    this.photos = new PhotoLoader({ fetchPhoto: parts.fetchPhoto, rasterizer: parts.rasterizer, cache, memoryBytes: parts.photoMemoryBytes });
    this.rendered = new SizedLru(parts.memoryBytes ?? 64 * 1024 * 1024);
    this.limit = concurrencyLimit(parts.concurrency ?? 2);
  }

  /** The catalog's brand kit, loaded once per catalog version (kit edits bump the version). */
  brandKit(catalog: Catalog): Promise<BrandKit> {
    const known = this.brands.get(catalog.id);
    if (known && known.version === catalog.version) return known.kit;
    const kit = this.store.getBrandKit(catalog.id).then(brandKitFrom);
    kit.catch(() => this.brands.delete(catalog.id));
    this.brands.set(catalog.id, { version: catalog.version, kit });
    return kit;
  }

  /**
   * A product creative by product id (null: no such live product), remembered for up to a
   * minute per catalog version. Everything a key depends on changes the catalog version (an
   * import, settings, the brand kit) except time itself: a sale window opening, or a price drop
   * ageing out of the news, shows up at most a minute late, and cached images are then served
   * with no database reads beyond the catalog lookup.
   */
  async productCreative(
    catalog: Catalog,
    template: ProductTemplate,
    productId: string,
    size: CreativeSizeName,
    format: ImageFormat,
    now: Date,
  ): Promise<PreparedCreative | null> {
    const memoKey = `${catalog.id}\n${catalog.version}\n${template.name}\n${size}\n${format}\n${productId}`;
    const hit = this.prepared.get(memoKey);
    if (hit && hit.until > now.getTime()) return hit.prepared;
    const product = await this.store.getProduct(catalog.id, productId);
    const prepared = product ? await this.prepareProduct(catalog, template, product, size, format, now) : null;
    this.prepared.set(memoKey, { until: now.getTime() + PREPARED_TTL_MS, prepared }, 1);
    return prepared;
  }

  async prepareProduct(
    catalog: Catalog,
    template: ProductTemplate,
    product: Product,
    size: CreativeSizeName,
    format: ImageFormat,
    now: Date,
  ): Promise<PreparedCreative> {
    const [brand, prices, stock] = await Promise.all([
      this.brandKit(catalog),
      this.store.priceHistory(catalog.id, product.id),
      this.store.availabilityHistory(catalog.id, product.id),
    ]);
    const input = productInput(creativeContext(catalog, brand, size), catalog, product, { prices, stock }, now);
    const key = creativeKey(template, size, format, input);
    const dir = `img/${catalog.slug}/${template.name}/${size}/${hashText(product.id)}`;
    return { key, template, size, format, dir, input };
  }

  async prepareVisitor(
    catalog: Catalog,
    template: VisitorTemplate,
    products: readonly Product[],
    size: CreativeSizeName,
    format: ImageFormat,
    now: Date,
  ): Promise<PreparedCreative> {
    const brand = await this.brandKit(catalog);
    const input = visitorInput(creativeContext(catalog, brand, size), catalog, products, now);
    const key = creativeKey(template, size, format, input);
    // keyed by content alone: visitors seeing the same products share one image
    const dir = `img/${catalog.slug}/${template.name}/${size}/visitors`;
    return { key, template, size, format, dir, input };
  }

  /**
   * The image for a prepared creative: memory, then blob cache, then a render. `beforeRender`
   * runs only when a render is needed (a per-client render budget throws from it).
   */
  async image(p: PreparedCreative, beforeRender?: () => void): Promise<CreativeResult> {
    const blobKey = `${p.dir}/${p.key}.${p.format}`;
    const hot = this.rendered.get(blobKey);
    if (hot) return { key: p.key, bytes: hot, source: 'memory' };
    return this.once(blobKey, async () => {
      const stored = this.cache ? await getBytes(this.cache, blobKey).catch(() => null) : null;
      if (stored) {
        this.rendered.set(blobKey, stored, stored.byteLength);
        return { key: p.key, bytes: stored, source: 'blob' };
      }
      beforeRender?.();
      const { bytes, photoProblem } = await this.limit(() => this.render(p));
      this.rendered.set(blobKey, bytes, bytes.byteLength);
      if (this.cache) {
        // A creative whose photo failed is not kept: the next request retries the photo
        // (the loader itself remembers the failure for a few minutes).
        if (!photoProblem && (await putBytes(this.cache, blobKey, bytes)) && !p.dir.endsWith('/visitors')) {
          await this.cache.prune(`${p.dir}/`, `${p.dir}/${p.key}`).catch(() => {});
        }
      }
      return { key: p.key, bytes, source: 'render', ...(photoProblem ? { photoProblem } : {}) };
    });
  }

  /** Render without any cache: what bench/images.ts measures as "not cached". */
  async render(p: PreparedCreative): Promise<{ bytes: Uint8Array; photoProblem?: string }> {
    const size = CREATIVE_SIZES[p.size];
    const layout: Layout =
      p.template.kind === 'product'
        ? p.template.layout(p.input as ProductCreativeInput)
        : p.template.layout(p.input as VisitorCreativeInput);
    const products = 'product' in p.input ? [p.input.product] : p.input.items.map((i) => i.product);
    const photos: Array<RawImage | null> = products.map(() => null);
    const problems: string[] = [];
    await Promise.all(
      layout.photos.map(async (slot) => {
        const product = products[slot.item];
        if (!product) return;
        const result = await this.photos.load(product.image_link, slot);
        if (result.image) photos[slot.item] = result.image;
        else problems.push(`${product.id}: ${result.reason} (${result.message})`);
      }),
    );
    const bytes = await renderLayout(this.parts, layout, size, photos, p.format);
    return problems.length ? { bytes, photoProblem: problems.join('; ') } : { bytes };
  }
}
