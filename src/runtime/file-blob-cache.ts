/**
 * BlobCache on the local file system (Node). A writer fills a temporary file beside its target
 * and renames it on commit: rename is atomic, and a reader streaming an older file that is pruned
 * meanwhile keeps its open handle, so it still reads a whole file.
 */
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { BlobCache, BlobWriter } from '../cache/blob-cache';

const SAFE_KEY = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

export function fileBlobCache(root: string): BlobCache {
  const pathOf = (key: string) => {
    if (!SAFE_KEY.test(key) || key.split('/').some((p) => p === '..' || p === '.')) throw new Error(`unsafe cache key ${key}`);
    return join(root, ...key.split('/'));
  };
  return {
    async get(key) {
      const path = pathOf(key);
      try {
        const handle = await open(path, 'r');
        let size: number;
        try {
          ({ size } = await handle.stat());
        } catch (err) {
          await handle.close();
          throw err;
        }
        // The stream closes the handle when it ends or is cancelled (a client that went away).
        const stream = handle.createReadStream({ highWaterMark: 256 * 1024 });
        return { body: Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>, size };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async writer(key): Promise<BlobWriter> {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const temp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
      const handle = await open(temp, 'w');
      let closed = false;
      const close = async () => {
        if (!closed) {
          closed = true;
          await handle.close();
        }
      };
      return {
        async write(chunk) {
          await handle.write(chunk);
        },
        async commit() {
          await close();
          await rename(temp, path);
        },
        async abort() {
          await close();
          await rm(temp, { force: true });
        },
      };
    },
    async sweep(prefix, olderThan) {
      const root = pathOf(prefix.replace(/\/+$/, ''));
      let removed = 0;
      const walk = async (dir: string): Promise<void> => {
        let entries;
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch {
          return;
        }
        for (const entry of entries) {
          const full = join(dir, entry.name);
          if (entry.isDirectory()) {
            await walk(full);
            continue;
          }
          const info = await stat(full).catch(() => null);
          if (info?.isFile() && info.mtimeMs < olderThan.getTime()) {
            await rm(full, { force: true });
            removed++;
          }
        }
      };
      await walk(root);
      return removed;
    },
    async prune(dirKey, keep) {
      const dir = pathOf(dirKey.replace(/\/+$/, ''));
      const keepName = keep.slice(dirKey.length);
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return;
      }
      const staleTemp = Date.now() - 3_600_000;
      for (const name of names) {
        const full = join(dir, name);
        const info = await stat(full).catch(() => null);
        if (!info?.isFile()) continue;
        // Temporary files belong to writes in flight, unless a crash left them behind long ago.
        if (name.includes('.tmp-') ? info.mtimeMs < staleTemp : !name.startsWith(keepName)) {
          await rm(full, { force: true });
        }
      }
    },
  };
}
