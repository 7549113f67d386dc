/**
 * The parts a runtime hands to createApp. Core code reaches storage, time and
 * runtime-specific codecs only through these, so Node and Workers wire different parts
 * into the same app.
 */
import type { Context } from 'hono';
import type { BlobCache } from './cache/blob-cache';
import type { CreativeParts } from './creative/service';
import type { CreativeTemplate } from './creative/template';
import type { Settings } from './env';
import type { FeedDefinition } from './feeds/definition';
import type { InsightStore } from './insights/port';
import type { RateLimit } from './signals/rate-limit';
import type { SignalStore } from './signals/port';
import type { Store } from './store/port';

export type Encoding = 'br' | 'gzip';

export interface AppDeps {
  store: Store;
  /** performance labels, recommendations, audiences (src/insights), on the same database as `store` */
  insights: InsightStore;
  /** visitor events, consent counts, erasure and retention (src/signals), on the same database as `store` */
  signals: SignalStore;
  clock: () => Date;
  settings: Pick<Settings, 'adminToken' | 'publicUrl' | 'signingKey' | 'maxUploadBytes'>;
  feeds: readonly FeedDefinition[];
  /**
   * Response compressors by encoding. gzip defaults to the web-standard CompressionStream;
   * the Node runtime adds brotli from zlib. null: the app never compresses (Workers, where
   * Cloudflare's edge compresses for each client by what that client accepts, while the
   * Worker itself is always told `gzip, br` are accepted).
   */
  compressors?: Partial<Record<Encoding, () => TransformStream<Uint8Array, Uint8Array>>> | null;
  /** Generated feed files, rendered creatives and resized photos, so repeat requests are copies. */
  blobCache?: BlobCache;
  /**
   * Creative rendering (satori, rasterizer, fonts, photo fetcher). Without it /img answers 503
   * and feeds with an image template keep the original photo.
   */
  creative?: CreativeParts;
  /** New renders (image cache misses) per client per instance; default 10/s, bursts of 60; null: off. */
  renderRateLimit?: RateLimit | null;
  /** Creative templates; default: templates/index.ts. */
  templates?: readonly CreativeTemplate[];
  /**
   * Keep background work (fetch logging) alive past the response of the request `c`: Workers'
   * `c.executionCtx.waitUntil`. Node needs nothing (the process outlives the response).
   */
  background?: (c: Context, work: Promise<unknown>) => void;
  /**
   * The caller's address, for the per-IP rate limit on /collect, /px.gif and /forget. Default:
   * `cf-connecting-ip`, else the first `x-forwarded-for` hop; Node adds the socket address.
   */
  clientIp?: (c: Context) => string | undefined;
  /** That limit, per instance (in memory); default 50/s with bursts of 200; null turns it off. */
  collectRateLimit?: RateLimit | null;
}

export type AppEnv = { Variables: { deps: AppDeps } };
