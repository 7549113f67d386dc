/**
 * The parts a runtime hands to createApp. Core code reaches storage, time and
 * runtime-specific codecs only through these, so Node and Workers wire different parts
 * into the same app.
 */
import type { BlobCache } from './cache/blob-cache';
import type { Settings } from './env';
import type { FeedDefinition } from './feeds/definition';
import type { Store } from './store/port';

export type Encoding = 'br' | 'gzip';

export interface AppDeps {
  store: Store;
  clock: () => Date;
  settings: Pick<Settings, 'adminToken' | 'publicUrl' | 'signingKey' | 'maxUploadBytes'>;
  feeds: readonly FeedDefinition[];
  /**
   * Response compressors by encoding. gzip defaults to the web-standard CompressionStream;
   * the Node runtime adds brotli from zlib (Workers' edge compresses with brotli itself).
   */
  compressors?: Partial<Record<Encoding, () => TransformStream<Uint8Array, Uint8Array>>>;
  /** Generated feed files (and later creatives), so a repeat poll of the same version is a file copy. */
  blobCache?: BlobCache;
  /** Keep background work (fetch logging) alive past the response: Workers' ctx.waitUntil. */
  background?: (work: Promise<unknown>) => void;
}

export type AppEnv = { Variables: { deps: AppDeps } };
