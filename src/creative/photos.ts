/**
 * Product photos for creatives: fetched once through the SSRF-guarded fetcher, resized once to
 * the slot they fill, kept resized in the blob cache (survives restarts, shared by instances)
 * and decoded in a memory LRU (hot products skip the decode). A photo that fails is remembered
 * for a few minutes, so a dead image host is not asked again on every render.
 */
import { getBytes, putBytes, type BlobCache } from '../cache/blob-cache';
import { hashText } from '../util/hash';
import { SizedLru, singleFlight } from '../util/lru';
import { PhotoError, type PhotoFetcher, type Rasterizer, type RawImage } from './ports';
import { sniffImage } from './sniff';
import type { PhotoFit } from './template';

export interface PhotoBox {
  width: number;
  height: number;
  fit: PhotoFit;
}

export type PhotoResult = { image: RawImage } | { image: null; reason: PhotoError['reason']; message: string };

const FAILURE_TTL_MS = 5 * 60_000;

export interface PhotoLoaderOptions {
  fetchPhoto: PhotoFetcher;
  rasterizer: Rasterizer;
  cache?: BlobCache;
  /** decoded photos kept in memory, bytes; default 192 MB */
  memoryBytes?: number;
  now?: () => number;
}

export class PhotoLoader {
  private readonly decoded: SizedLru<RawImage>;
  private readonly failures = new Map<string, { until: number; reason: PhotoError['reason']; message: string }>();
  private readonly once = singleFlight<PhotoResult>();
  private readonly now: () => number;

  constructor(private readonly opts: PhotoLoaderOptions) {
    this.decoded = new SizedLru(opts.memoryBytes ?? 192 * 1024 * 1024);
    this.now = opts.now ?? Date.now;
  }

  /** The cache key of a photo resized for a box: the URL's hash and the box. */
  static key(url: string, box: PhotoBox): string {
    return `photo/${hashText(url)}${hashText(url, 7)}/${box.width}x${box.height}-${box.fit}`;
  }

  async load(url: string | null, box: PhotoBox): Promise<PhotoResult> {
    if (url === null) return { image: null, reason: 'fetch_failed', message: 'the product has no image_link' };
    const key = PhotoLoader.key(url, box);
    const hot = this.decoded.get(key);
    if (hot) return { image: hot };
    const failed = this.failures.get(key);
    if (failed && failed.until > this.now()) return { image: null, reason: failed.reason, message: failed.message };
    return this.once(key, () => this.loadCold(key, url, box));
  }

  private async loadCold(key: string, url: string, box: PhotoBox): Promise<PhotoResult> {
    const { cache, rasterizer } = this.opts;
    try {
      const cached = cache ? await getBytes(cache, key) : null;
      let image: RawImage;
      if (cached) {
        image = await rasterizer.decodePrepared(cached);
      } else {
        const fetched = await this.opts.fetchPhoto(url);
        if (!sniffImage(fetched.bytes)) throw new PhotoError('not_an_image', 'the response is not a JPEG, PNG, WebP, GIF or AVIF image');
        const prepared = await rasterizer.preparePhoto(fetched.bytes, box);
        image = prepared.image;
        if (cache) await putBytes(cache, key, prepared.bytes);
      }
      this.decoded.set(key, image, image.data.byteLength);
      return { image };
    } catch (err) {
      const e = err instanceof PhotoError ? err : new PhotoError('undecodable', err instanceof Error ? err.message : String(err));
      if (this.failures.size > 10_000) this.failures.clear();
      this.failures.set(key, { until: this.now() + FAILURE_TTL_MS, reason: e.reason, message: e.message });
      return { image: null, reason: e.reason, message: e.message };
    }
  }
}
