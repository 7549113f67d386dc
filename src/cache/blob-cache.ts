/**
 * The blob cache port: generated feed files now, rendered creatives later. Files on Node,
 * R2 on Workers. Writes are atomic: nothing is readable under a key until its writer commits,
 * so a reader never gets half of a feed that a crashed or abandoned request was writing.
 */
export interface BlobWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Make the written bytes readable under the key. */
  commit(): Promise<void>;
  /** Throw away what was written. */
  abort(): Promise<void>;
}

export interface CachedBlob {
  body: ReadableStream<Uint8Array>;
  size: number;
}

export interface BlobCache {
  get(key: string): Promise<CachedBlob | null>;
  writer(key: string): Promise<BlobWriter>;
  /**
   * Delete the entries in the folder `dir` (a key prefix ending in `/`) whose keys do not start
   * with `keep`: older versions of the same feed once a newer one is complete.
   */
  prune(dir: string, keep: string): Promise<void>;
  /**
   * Delete the entries under `prefix` (recursively) written before `olderThan`; returns how
   * many. For caches of content-keyed entries nothing prunes on its own (creatives of deleted
   * products, per-visitor images): a re-render is the only cost of deleting one still in use.
   */
  sweep?(prefix: string, olderThan: Date): Promise<number>;
}

/**
 * Passes `source` through unchanged while writing it to the cache, at the reader's pace:
 * memory stays flat however slow the client, and the entry is committed only when the whole
 * body went through (a client that disconnects leaves nothing behind).
 */
export function writeThrough(
  source: ReadableStream<Uint8Array>,
  writer: BlobWriter,
  onCommitted?: () => Promise<void>,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let failed = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let r: ReadableStreamReadResult<Uint8Array>;
        try {
          r = await reader.read();
        } catch (err) {
          failed = true;
          await writer.abort().catch(() => {});
          controller.error(err);
          return;
        }
        if (r.done) {
          if (!failed) {
            // Committed before the body ends, so a poll right after this one is already a hit.
            // A failing cache never fails the response itself.
            await writer
              .commit()
              .then(() => onCommitted?.())
              .catch((err: unknown) => console.error('blob cache commit failed', err));
          }
          controller.close();
          return;
        }
        controller.enqueue(r.value);
        if (!failed) {
          await writer.write(r.value).catch(async (err: unknown) => {
            failed = true;
            console.error('blob cache write failed', err);
            await writer.abort().catch(() => {});
          });
        }
      },
      async cancel(reason) {
        failed = true;
        await writer.abort().catch(() => {});
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/** A whole small entry (a rendered creative, a resized photo) as bytes, or null. */
export async function getBytes(cache: BlobCache, key: string): Promise<Uint8Array | null> {
  const hit = await cache.get(key);
  if (!hit) return null;
  return new Uint8Array(await new Response(hit.body).arrayBuffer());
}

/** Store a whole small entry; a failing cache is logged, never fatal. */
export async function putBytes(cache: BlobCache, key: string, bytes: Uint8Array): Promise<boolean> {
  let writer: BlobWriter | undefined;
  try {
    writer = await cache.writer(key);
    await writer.write(bytes);
    await writer.commit();
    return true;
  } catch (err) {
    console.error('blob cache write failed', key, err);
    await writer?.abort().catch(() => {});
    return false;
  }
}
