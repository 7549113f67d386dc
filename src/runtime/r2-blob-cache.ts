/**
 * BlobCache on Cloudflare R2 (Workers). An R2 object becomes readable only when its `put` or
 * multipart upload completes, which gives the cache port's atomic commit for free.
 *
 * R2 needs the length of a streamed body up front, and a feed's length is unknown until it is
 * generated. So a writer holds up to one part in memory: an entry that ends within it is one
 * `put` (creatives, photos, most feeds); a larger one becomes a multipart upload of equal parts
 * (R2 requires every part but the last to be the same size), so a Worker's memory stays at one
 * part however large the feed.
 */
import type { BlobCache, BlobWriter } from '../cache/blob-cache';

/** The part of the R2 binding used here (structural: no Workers type package needed). */
export interface R2Like {
  get(key: string): Promise<{ body: ReadableStream<Uint8Array>; size: number } | null>;
  put(key: string, value: Uint8Array): Promise<unknown>;
  delete(keys: string | string[]): Promise<void>;
  list(options: { prefix: string; delimiter?: string; startAfter?: string; limit?: number }): Promise<{
    objects: Array<{ key: string; uploaded: Date }>;
    truncated: boolean;
  }>;
  createMultipartUpload(key: string): Promise<R2Upload>;
}

interface R2Upload {
  uploadPart(partNumber: number, value: Uint8Array): Promise<{ partNumber: number; etag: string }>;
  complete(parts: Array<{ partNumber: number; etag: string }>): Promise<unknown>;
  abort(): Promise<void>;
}

/** R2's minimum part size is 5 MiB; 8 MiB keeps a 100k-product feed to a handful of parts. */
export const R2_PART_BYTES = 8 * 1024 * 1024;

export function r2BlobCache(bucket: R2Like, partBytes = R2_PART_BYTES): BlobCache {
  /**
   * Every object under `prefix`, 1,000 a page. Pages continue after the last key seen
   * (`startAfter`), not from a cursor, so deleting a page's stale keys before asking for the
   * next cannot make the listing skip any.
   */
  async function* listed(prefix: string, delimiter?: string) {
    let startAfter: string | undefined;
    for (;;) {
      const page = await bucket.list({ prefix, delimiter, startAfter, limit: 1000 });
      if (page.objects.length > 0) yield page.objects;
      if (!page.truncated || page.objects.length === 0) return;
      startAfter = page.objects[page.objects.length - 1]!.key;
    }
  }

  async function deleteAll(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) await bucket.delete(keys.slice(i, i + 1000));
  }

  return {
    async get(key) {
      const object = await bucket.get(key);
      return object ? { body: object.body, size: object.size } : null;
    },

    async writer(key): Promise<BlobWriter> {
      const buffer = new Uint8Array(partBytes);
      let filled = 0;
      let upload: R2Upload | null = null;
      const parts: Array<{ partNumber: number; etag: string }> = [];
      let done = false;

      const flushPart = async () => {
        upload ??= await bucket.createMultipartUpload(key);
        parts.push(await upload.uploadPart(parts.length + 1, buffer.slice(0, filled)));
        filled = 0;
      };

      return {
        async write(chunk) {
          let at = 0;
          while (at < chunk.length) {
            const n = Math.min(chunk.length - at, partBytes - filled);
            buffer.set(chunk.subarray(at, at + n), filled);
            filled += n;
            at += n;
            if (filled === partBytes) await flushPart();
          }
        },
        async commit() {
          if (done) return;
          done = true;
          if (!upload) {
            await bucket.put(key, buffer.slice(0, filled));
            return;
          }
          if (filled > 0) await flushPart();
          await upload.complete(parts);
        },
        async abort() {
          if (done) return;
          done = true;
          await upload?.abort();
        },
      };
    },

    async prune(dir, keep) {
      // delimiter '/': only the entries directly in `dir`, as on the file system
      for await (const objects of listed(dir, '/')) {
        await deleteAll(objects.map((o) => o.key).filter((k) => !k.startsWith(keep)));
      }
    },

    async sweep(prefix, olderThan) {
      let removed = 0;
      for await (const objects of listed(prefix)) {
        const stale = objects.filter((o) => o.uploaded.getTime() < olderThan.getTime()).map((o) => o.key);
        await deleteAll(stale);
        removed += stale.length;
      }
      return removed;
    },
  };
}
